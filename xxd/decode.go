package xxd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Row is one line of a dump read back: the bytes its hex column holds, at the offset it names.
// Line is its line number in the dump, from 1.
type Row struct {
	Line   int
	Offset int64
	Data   []byte
}

// SyntaxError is a dump line that Read cannot take; Line counts from 1.
type SyntaxError struct {
	Line int
	Err  error
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *SyntaxError) Unwrap() error { return e.Err }

// Read parses a dump in xxd's layout, as xxd or an Encoder wrote it and perhaps a person edited
// it, into its rows, in the dump's order. Each line is a hex offset, a colon, the hex column,
// and, after two or more spaces, the text column; like xxd -r, Read takes the bytes from the hex
// column alone and ignores the text column. Blank lines and "*" lines (squeezed rows) are
// skipped, so the rows they stand for are not in the result; colour escape sequences are
// removed.
//
// Because a patch must neither insert nor delete bytes, Read refuses a row whose byte count
// shows an edit that did: a text column longer than the row's bytes, a row longer than the
// first row, or a short row followed directly by the row that would come after a full one.
func Read(r io.Reader) ([]Row, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var rows []Row
	for line := 1; ; line++ {
		text, readErr := br.ReadString('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			return nil, readErr
		}
		row, ok, err := parseLine(text)
		if err != nil {
			return nil, &SyntaxError{Line: line, Err: err}
		}
		if ok && len(row.Data) > 0 {
			row.Line = line
			rows = append(rows, row)
		}
		if readErr != nil {
			break
		}
	}
	return rows, checkWidths(rows)
}

// parseLine reads one line; ok is false for lines that hold no row.
func parseLine(line string) (row Row, ok bool, err error) {
	line = strings.TrimRight(line, "\r\n")
	if strings.IndexByte(line, 0x1b) >= 0 {
		line = stripEscapes(line)
	}
	line = strings.TrimLeft(line, " \t")
	if line == "" || strings.TrimRight(line, " \t") == "*" {
		return Row{}, false, nil
	}
	offsetText, rest, found := strings.Cut(line, ":")
	if !found {
		return Row{}, false, errors.New("no offset: a dump line starts with a hex offset and a colon, like \"00000010: 0102 0304  ....\"")
	}
	offset, err := strconv.ParseUint(offsetText, 16, 64)
	if err != nil || offset > math.MaxInt64 {
		return Row{}, false, fmt.Errorf("bad offset %q: offsets are hex, like 00000010", offsetText)
	}
	rest = strings.TrimPrefix(rest, " ")
	end := len(rest)
	if i := strings.Index(rest, "  "); i >= 0 {
		end = i
	}
	if i := strings.IndexByte(rest[:end], '\t'); i >= 0 {
		end = i
	}
	hexColumn, textColumn := rest[:end], strings.TrimLeft(rest[end:], " \t")
	data, err := byteconv.ParseHex(hexColumn)
	if err != nil {
		return Row{}, false, fmt.Errorf("hex column: %w", err)
	}
	if len(textColumn) > len(data) {
		return Row{}, false, fmt.Errorf("the hex column holds %s but the text column %s: was a byte deleted, or two spaces typed? (the hex column ends at two spaces; edit the hex, not the text)",
			byteconv.FormatSize(int64(len(data))), characters(len(textColumn)))
	}
	return Row{Offset: int64(offset), Data: data}, true, nil
}

// checkWidths refuses rows whose length shows that a byte was inserted or deleted; see Read.
func checkWidths(rows []Row) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0].Data)
	for i, r := range rows {
		if len(r.Data) > width {
			return &SyntaxError{Line: r.Line, Err: fmt.Errorf("the row holds %s, more than the %d of line %d: patching never inserts bytes; keep each row's length",
				byteconv.FormatSize(int64(len(r.Data))), width, rows[0].Line)}
		}
		if len(r.Data) < width && i+1 < len(rows) && rows[i+1].Offset == r.Offset+int64(width) {
			return &SyntaxError{Line: r.Line, Err: fmt.Errorf("the row holds %s but the next row starts %s after it: was a byte deleted? patching never deletes bytes; keep each row's length",
				byteconv.FormatSize(int64(len(r.Data))), byteconv.FormatSize(int64(width)))}
		}
	}
	return nil
}

// stripEscapes removes ANSI CSI sequences (ESC [ parameters final-byte), such as colours.
func stripEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// characters counts the text column's characters for a message.
func characters(n int) string {
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}
