package xxd

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

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

// maxLine bounds a dump line. The widest line xxd or an Encoder writes (256 columns, one byte
// per group, coloured) is under 6 KiB; a longer one is not a dump, and the bound keeps a
// newline-less stream from growing without end.
const maxLine = 64 << 10

// Read parses a hex dump, as xxd or an Encoder wrote it and perhaps a person edited it, into its
// rows, in the dump's order. It reads the whole dump and checks it before it returns a row, so a
// caller that writes the rows writes all of a readable dump or nothing.
//
// Read takes the layouts whose bytes it can place for certain: plain xxd, with any -c (columns)
// and -g (group size), -u (upper case), -s and -o (start offset), -a ("*" lines), and mmhex dump
// output with or without --squeeze and --color. Each row line is a hex offset of at least 7
// digits (old xxd wrote 7, xxd and mmhex write 8, more past 4 GiB), a colon and one space, the
// hex column, and after the padding the text column, at the column where the layout puts it.
// The bytes come from the hex column alone; the text column need not match them (a person edits
// the hex and leaves the text), but its length is the row's byte count as the dump was written,
// so a row whose hex column holds a different count is refused. Blank lines and "*" lines hold
// no bytes; a dump's rows may be left out, and the bytes they held are left as they are. The
// layout is the one most of the first rows agree on, so a few edited rows are measured against
// the unedited ones. A text column cut short is taken where the bytes it lacks are spaces, as
// when an editor strips the blanks at the end of a line.
//
// Read refuses, naming the line and what to do:
//   - a byte inserted or deleted: a row longer than the dump's rows, a short row that is not the
//     last, a group whose size differs from the dump's, a text column whose length differs from
//     the byte count or that moved, or a row that does not start a whole number of rows after
//     the row before it;
//   - xxd -e (little-endian groups): the text column reads the groups backwards, or the last
//     row's partial group is pushed to the right;
//   - xxd -b (bits): eight binary digits to a text character;
//   - xxd -d (decimal offsets): read as hex, consecutive offsets do not step by the row size
//     (this always shows between two consecutive rows of 10 or more bytes);
//   - xxd -i and xxd -p, which have no offsets, and lines only xxd -r reads: offsets of under 7
//     digits or without the colon and space, tabs, rows without bytes.
//
// What no dump can show: a dump of a single row, or one whose rows of fewer than 10 bytes never
// cross a multiple of ten, reads its offsets as hex, as xxd -r does, so an xxd -d dump of that
// shape goes to the hex offsets; an xxd -e dump is read as a plain one when no text character
// shows its byte order (every byte unprintable, and no partial group at the end); and a byte
// inserted or deleted in the last row, or in a row whose text column is gone and whose next
// row was deleted, is only seen when the text column is there.
//
// Colour escape sequences and carriage returns are removed before a line is read.
func Read(r io.Reader) ([]Row, error) {
	rows, _, err := read(r)
	return rows, err
}

// rowLine is one row line of a dump as written.
type rowLine struct {
	Row
	text          string   // the line, without escapes and line end
	hexAt         int      // where the hex column starts in text
	hexEnd        int      // where it ends: after the last group
	groups        []uint16 // the bytes each group of the hex column holds (a line is under 64 KiB)
	offsetDigits  int
	decimalOffset bool // the offset is written in decimal digits only
	afterStar     bool // a "*" line stands between this row and the one before
}

// layout is the shape a dump's rows share: bytes per row, bytes per group (cols when a row is
// one group), and the fewest digits an offset is written with.
type layout struct {
	cols, group, offsetDigits int
}

// hexWidth is the width of a full row's hex column: the text column starts two spaces after it.
func (l layout) hexWidth() int {
	return 2*l.cols + (l.cols+l.group-1)/l.group - 1
}

// sampleRows is how many rows the layout is found from: enough that a few edited rows are
// outvoted, few enough that a dump of millions of rows is checked as it is read, keeping only
// its bytes.
const sampleRows = 1024

// read parses and checks a dump; it also returns the layout it found, for tests.
func read(r io.Reader) ([]Row, layout, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var (
		rows     []Row
		pending  []rowLine // rows read but not checked: the sample, then the row read last
		prev     rowLine   // the row checked last, if havePrev
		havePrev bool
		lay      layout
		found    bool
		order    byteOrder
	)
	// check checks the first pending row, which is the dump's last row if last.
	check := func(last bool) error {
		r := &pending[0]
		var before *rowLine
		if havePrev {
			before = &prev
		}
		if err := checkRow(r, before, last, lay); err != nil {
			return &SyntaxError{Line: r.Line, Err: err}
		}
		order.note(r, lay)
		rows = append(rows, r.Row)
		prev, havePrev = *r, true
		pending = pending[1:]
		return nil
	}
	star := false
	line := 0
	for sc.Scan() {
		line++
		row, kind, err := parseLine(sc.Text())
		if err != nil {
			return nil, layout{}, &SyntaxError{Line: line, Err: err}
		}
		switch kind {
		case starLine:
			star = true
		case dataLine:
			row.Line, row.afterStar = line, star
			pending = append(pending, row)
			star = false
			if !found && len(pending) == sampleRows {
				lay, found = findLayout(pending), true
			}
			for found && len(pending) > 1 {
				if err := check(false); err != nil {
					return nil, layout{}, err
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, layout{}, &SyntaxError{Line: line + 1, Err: fmt.Errorf("longer than %d KiB: not a hex dump line", maxLine>>10)}
		}
		return nil, layout{}, err
	}
	if !found {
		if len(pending) == 0 {
			return nil, layout{}, nil
		}
		lay = findLayout(pending)
	}
	for len(pending) > 0 {
		if err := check(len(pending) == 1); err != nil {
			return nil, layout{}, err
		}
	}
	if err := order.err(); err != nil {
		return nil, layout{}, err
	}
	return rows, lay, nil
}

type lineKind int

const (
	blankLine lineKind = iota
	starLine
	dataLine
)

// parseLine reads one line on its own; the checks that need the other rows come later.
func parseLine(s string) (rowLine, lineKind, error) {
	s = strings.TrimSuffix(s, "\r")
	if strings.IndexByte(s, 0x1b) >= 0 {
		s = stripEscapes(s)
	}
	if strings.IndexByte(s, '\t') >= 0 {
		return rowLine{}, 0, errors.New("a tab: xxd writes spaces only, and the text column's place counts them; turn the tabs back into spaces")
	}
	trimmed := strings.Trim(s, " ")
	switch trimmed {
	case "":
		return rowLine{}, blankLine, nil
	case "*":
		return rowLine{}, starLine, nil
	}
	start := len(s) - len(strings.TrimLeft(s, " "))
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return rowLine{}, 0, notARow(trimmed)
	}
	offsetText := s[start:colon]
	for _, c := range []byte(offsetText) {
		if _, ok := byteconv.HexByte('0', c); !ok {
			if colon+1 < len(s) && s[colon+1] != ' ' || strings.Contains(trimmed, "0x") {
				return rowLine{}, 0, notARow(trimmed)
			}
			return rowLine{}, 0, fmt.Errorf("bad offset %q: offsets are hex, like 00000010", offsetText)
		}
	}
	offset, err := strconv.ParseUint(offsetText, 16, 64)
	if offsetText == "" || err != nil || offset > math.MaxInt64 {
		return rowLine{}, 0, fmt.Errorf("bad offset %q: offsets are hex, like 00000010, and at most 7fffffffffffffff", offsetText)
	}
	if len(offsetText) < 7 {
		return rowLine{}, 0, fmt.Errorf("offset %q has %d digits: xxd and mmhex dump write 8 (old xxd 7), and only xxd -r reads shorter ones; write the offset as the dump's other lines do", offsetText, len(offsetText))
	}
	hexAt := colon + 2
	if hexAt < len(s) && s[colon+1] == ' ' && s[hexAt] == ' ' {
		if first, _, _ := strings.Cut(strings.TrimLeft(s[hexAt:], " "), " "); isHex(first) {
			return rowLine{}, 0, errEndianRow
		}
	}
	if colon+1 >= len(s) || s[colon+1] != ' ' || hexAt >= len(s) || s[hexAt] == ' ' {
		return rowLine{}, 0, errors.New("no hex column: after the offset's colon come one space and the hex bytes; to leave a row's bytes as they are, delete its line")
	}
	row := rowLine{text: s, hexAt: hexAt, offsetDigits: len(offsetText), decimalOffset: strings.Trim(offsetText, "0123456789") == ""}
	row.Offset = int64(offset)
	// Find the groups first, so that the row's bytes and group sizes are allocated once: a
	// dump can hold millions of rows.
	groups, digits := 0, 0
	for i := hexAt; ; {
		j := len(s)
		if k := strings.IndexByte(s[i:], ' '); k >= 0 {
			j = i + k
		}
		groups++
		digits += j - i
		// One space separates groups; two or more end the hex column.
		if j+1 < len(s) && s[j+1] != ' ' {
			i = j + 1
			continue
		}
		row.hexEnd = j
		break
	}
	row.Data = make([]byte, 0, digits/2)
	row.groups = make([]uint16, 0, groups)
	for group := range strings.SplitSeq(s[hexAt:row.hexEnd], " ") {
		n := len(row.Data)
		if row.Data, err = parseGroup(group, row.Data); err != nil {
			return rowLine{}, 0, fmt.Errorf("hex column: %w", err)
		}
		row.groups = append(row.groups, uint16(len(row.Data)-n))
	}
	if len(row.Data) > MaxCols {
		return rowLine{}, 0, fmt.Errorf("the row holds %s, more than the %d a dump row can hold: was a byte inserted? patching never inserts bytes; edit hex digits in place",
			byteconv.FormatSize(int64(len(row.Data))), MaxCols)
	}
	if row.Offset > math.MaxInt64-int64(len(row.Data)) {
		return rowLine{}, 0, fmt.Errorf("the row runs past the largest offset, 0x7fffffffffffffff")
	}
	return row, dataLine, nil
}

// parseGroup appends the bytes of one group of hex digits to data.
func parseGroup(group string, data []byte) ([]byte, error) {
	if len(group)%2 == 0 {
		n := len(data)
		for i := 0; i < len(group); i += 2 {
			b, ok := byteconv.HexByte(group[i], group[i+1])
			if !ok {
				data = data[:n]
				break
			}
			data = append(data, b)
		}
		if len(data)-n == len(group)/2 {
			return data, nil
		}
	}
	for i := range len(group) {
		if _, ok := byteconv.HexByte('0', group[i]); !ok {
			c, _ := utf8.DecodeRuneInString(group[i:])
			return nil, fmt.Errorf("%q in %q is not a hex digit", c, group)
		}
	}
	return nil, fmt.Errorf("odd number of digits in %q", group)
}

// notARow explains a line that is no row of a dump, naming the xxd layouts that write such
// lines.
func notARow(line string) error {
	switch {
	case strings.Contains(line, "0x") || strings.HasPrefix(line, "unsigned ") || strings.HasPrefix(line, "}"):
		return errors.New("a C array (xxd -i) has no offsets: dump with 'mmhex dump' or plain xxd")
	case isHex(line):
		return errors.New("a plain hex dump (xxd -p) has no offsets, so the place of its bytes is unknown: dump with 'mmhex dump' or plain xxd")
	}
	return errors.New("no offset: a dump line starts with a hex offset and a colon, like \"00000010: 0102 0304  ....\"")
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if _, ok := byteconv.HexByte('0', c); !ok {
			return false
		}
	}
	return s != ""
}

// findLayout finds the layout that most rows share: the one the dump was written in, before a
// person edited a few rows. A row's byte count (the last row's aside, which may be short) and
// the step from one row to the next (unless rows were left out there) each vote for the row
// size; a tie goes to the smaller size, under which a longer row shows as an insertion.
func findLayout(rows []rowLine) layout {
	if len(rows) == 1 {
		return fitRow(&rows[0])
	}
	sizes := map[int]int{}
	for i, r := range rows {
		if i+1 < len(rows) {
			sizes[len(r.Data)]++
		}
		if i > 0 && !r.afterStar {
			if step := r.Offset - rows[i-1].Offset; step > 0 && step <= MaxCols {
				sizes[int(step)]++
			}
		}
	}
	lay := layout{cols: mostVoted(sizes, len(rows[0].Data))}
	groups := map[int]int{}
	for _, r := range rows {
		switch {
		case len(r.groups) > 1:
			groups[int(r.groups[0])]++
		case len(r.Data) == lay.cols:
			groups[lay.cols]++
		}
	}
	lay.group = min(mostVoted(groups, lay.cols), lay.cols)
	lay.offsetDigits = min(rows[0].offsetDigits, 8)
	return lay
}

// fitRow finds the layout of a dump of one row, which can be a short row: its text column
// starts where a full row's hex column ends, so the layout is the narrowest one that puts a text
// column of the row's length there. A row that no layout fits (a byte inserted or deleted, or
// the text column gone) is taken as a full row, and checkText says what is wrong.
func fitRow(r *rowLine) layout {
	n := len(r.Data)
	whole := layout{cols: n, group: n, offsetDigits: min(r.offsetDigits, 8)}
	if len(r.groups) > 1 {
		whole.group = int(r.groups[0])
	}
	for cols := n; cols <= MaxCols; cols++ {
		lay := whole
		lay.cols = cols
		groups := []int{whole.group}
		if len(r.groups) == 1 {
			// One group: the rows may be one group each, or groups of n bytes or more.
			groups = []int{cols}
			for g := n; g < cols; g++ {
				groups = append(groups, g)
			}
		}
		for _, g := range groups {
			lay.group = min(g, cols)
			if text, ok := lay.textColumn(r); ok && len(text) == n {
				return lay
			}
		}
	}
	return whole
}

// mostVoted returns the value with the most votes, the smaller on a tie, or none when there are
// no votes.
func mostVoted(votes map[int]int, none int) int {
	best, bestVotes := none, 0
	for v, n := range votes {
		if n > bestVotes || n == bestVotes && v < best {
			best, bestVotes = v, n
		}
	}
	return best
}

// byteOrder gathers what the text columns say of the order of the bytes in each group, to
// refuse an xxd -e dump: one whose text columns read the groups backwards. Rows whose text reads
// the same either way (unprintable bytes, or symmetric groups) say nothing; an edited row may
// read either way, so the dump is refused only when some row reads backwards and none forwards.
type byteOrder struct {
	forward   bool
	backwards int // the line of the first row that reads backwards, or 0
}

func (o *byteOrder) note(r *rowLine, lay layout) {
	if o.forward || lay.group < 2 || len(r.Data)%lay.group != 0 {
		return
	}
	text, ok := lay.textColumn(r)
	if !ok || len(text) != len(r.Data) {
		return
	}
	forward := text == showText(r.Data)
	swapped := text == showText(swapGroups(r.Data, lay.group))
	switch {
	case forward && !swapped:
		o.forward = true
	case swapped && !forward && o.backwards == 0:
		o.backwards = r.Line
	}
}

func (o *byteOrder) err() error {
	if o.backwards != 0 && !o.forward {
		return &SyntaxError{Line: o.backwards, Err: errEndian}
	}
	return nil
}

var (
	errEndian    = errors.New("the text column reads each group's bytes backwards, as xxd -e (little-endian) writes them: mmhex reads dumps in the file's byte order; dump without -e")
	errEndianRow = errors.New("a group stands apart to the right, as xxd -e (little-endian) writes a short last row: mmhex reads dumps in the file's byte order; dump without -e")
)

// showText is the text column of data.
func showText(data []byte) string {
	b := make([]byte, len(data))
	for i, c := range data {
		b[i] = textChars[c]
	}
	return string(b)
}

// swapGroups returns data with the bytes of each group of size reversed.
func swapGroups(data []byte, size int) []byte {
	out := make([]byte, len(data))
	for i := 0; i < len(data); i += size {
		for j := range size {
			out[i+j] = data[i+size-1-j]
		}
	}
	return out
}

// textColumn returns the row's text column where the layout puts it; ok is false when the line
// has no text column or it starts elsewhere.
func (l layout) textColumn(r *rowLine) (text string, ok bool) {
	at := r.hexAt + l.hexWidth() + 2
	if r.hexEnd > at-2 || len(r.text) < at || strings.Trim(r.text[r.hexEnd:at], " ") != "" {
		return "", false
	}
	return r.text[at:], true
}

// checkRow checks a row against the layout and the row before it (nil for the first).
func checkRow(r, prev *rowLine, last bool, lay layout) error {
	n := len(r.Data)
	if want := max(lay.offsetDigits, (bits.Len64(uint64(r.Offset))+3)/4); r.offsetDigits != want {
		return fmt.Errorf("offset %s has %d digits where the dump writes %d: was it typed? write offsets as the dump's other rows do",
			r.text[r.hexAt-2-r.offsetDigits:r.hexAt-2], r.offsetDigits, want)
	}
	if n > lay.cols {
		if looksLikeBits(r) {
			return errBits
		}
		return fmt.Errorf("the row holds %s, more than the %d of the dump's rows: was a byte inserted? patching never inserts bytes; edit hex digits in place",
			byteconv.FormatSize(int64(n)), lay.cols)
	}
	for k, g := range r.groups {
		if int(g) > lay.group || int(g) < lay.group && k+1 < len(r.groups) {
			return fmt.Errorf("group %d of the hex column holds %s where the dump's groups hold %d: was a byte inserted or deleted, or a space typed? patching never moves bytes; edit hex digits in place",
				k+1, byteconv.FormatSize(int64(g)), lay.group)
		}
	}
	if err := lay.checkText(r); err != nil {
		return err
	}
	if n < lay.cols && !last {
		return fmt.Errorf("the row holds %s, fewer than the %d of the dump's rows, and is not the last: was a byte deleted? patching never deletes bytes; keep each row's length",
			byteconv.FormatSize(int64(n)), lay.cols)
	}
	if prev == nil {
		return nil
	}
	step := r.Offset - prev.Offset
	if step > 0 && step%int64(lay.cols) == 0 {
		return nil
	}
	msg := fmt.Sprintf("offset 0x%x is not a whole number of %d-byte rows after 0x%x on line %d", r.Offset, lay.cols, prev.Offset, prev.Line)
	switch {
	case step <= 0:
		return fmt.Errorf("%s: rows go up in order, each once; was an offset typed?", msg)
	case prev.decimalOffset && r.decimalOffset:
		return fmt.Errorf("%s: are the offsets decimal (xxd -d)? mmhex reads hex offsets only; dump without -d", msg)
	}
	return fmt.Errorf("%s: was an offset typed, or rows of another dump added? keep the dump's offsets", msg)
}

// checkText checks that the text column, when there is one, is where the layout puts it and as
// long as the row's bytes, so that it confirms the byte count. Editors that strip blanks at the
// end of a line shorten a text column ending in spaces; that is taken when the row's last bytes
// are spaces.
func (l layout) checkText(r *rowLine) error {
	if len(strings.TrimRight(r.text, " ")) <= r.hexEnd {
		return nil
	}
	n := len(r.Data)
	text, ok := l.textColumn(r)
	if ok && (len(text) == n || len(text) < n && strings.Trim(string(r.Data[len(text):]), " ") == "") {
		return nil
	}
	if looksLikeBits(r) {
		return errBits
	}
	if l.group > 1 && rightAlignedGroup(r, l) {
		return errEndianRow
	}
	chars := len(strings.TrimLeft(r.text[r.hexEnd:], " "))
	if ok {
		chars = len(text)
	}
	if !ok && chars == n {
		return fmt.Errorf("the text column starts %d characters after the colon, not %d as in the dump's rows: was a byte inserted or deleted, or is the row from another dump? patching never moves bytes; edit hex digits in place",
			len(r.text)-chars-r.hexAt+2, l.hexWidth()+4)
	}
	return fmt.Errorf("the hex column holds %s but the text column %s: was a byte inserted or deleted, or two spaces typed? patching never moves bytes; edit hex digits in place (the text column may stay as it was)",
		byteconv.FormatSize(int64(n)), characters(chars))
}

// rightAlignedGroup reports whether the row's hex column goes on after two spaces with a group
// of hex digits: xxd -e's last row, which pushes its partial group to the right of its place.
func rightAlignedGroup(r *rowLine, l layout) bool {
	end := min(r.hexAt+l.hexWidth(), len(r.text))
	return end > r.hexEnd && isHex(strings.Trim(r.text[r.hexEnd:end], " "))
}

var errBits = errors.New("the hex column holds binary digits, eight to a text character, as xxd -b writes them: mmhex reads hex dumps only; dump without -b")

// looksLikeBits reports whether the row is xxd -b's: groups of 8 binary digits, one per text
// character.
func looksLikeBits(r *rowLine) bool {
	for _, g := range r.groups {
		if g != 4 {
			return false
		}
	}
	hex := r.text[r.hexAt:r.hexEnd]
	if strings.Trim(hex, "01 ") != "" {
		return false
	}
	text := len(strings.Trim(r.text[r.hexEnd:], " "))
	return text > 0 && text <= len(r.groups)
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
