package patch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Entry is one patch as the user wrote it: Value to write at Offset, and, when Expect is not
// nil, the bytes that must be at Offset before anything is written.
type Entry struct {
	Offset Offset
	Value  []byte
	Expect []byte
	Origin Origin
}

// Origin says where an entry was written, so that messages can name it.
type Origin struct {
	// Source is the script or dump file the entry came from; empty for the command line.
	Source string
	// Line is the line in Source, or for the command line the entry's position, from 1.
	Line int
}

// Where names the entry in messages: "p.txt:7", or "patch 2 (offset 0x10)" on the command line.
func (e Entry) Where() string {
	if e.Origin.Source != "" {
		return fmt.Sprintf("%s:%d", e.Origin.Source, e.Origin.Line)
	}
	return fmt.Sprintf("patch %d (offset %s)", e.Origin.Line, e.Offset.Text)
}

// ParseError is a mistake in what the user wrote (an argument, a script line, a dump line),
// found before the file is touched. Where names the entry, as Entry.Where does.
type ParseError struct {
	Where string
	Err   error
}

func (e *ParseError) Error() string { return e.Where + ": " + e.Err.Error() }
func (e *ParseError) Unwrap() error { return e.Err }

// expectPrefix introduces the optional third field of an entry.
const expectPrefix = "expect="

// ParseArgs reads patches from command-line operands: OFFSET VALUE pairs, each optionally
// followed by expect=VALUE.
func ParseArgs(args []string) ([]Entry, error) {
	var entries []Entry
	for i := 0; i < len(args); {
		n := len(entries) + 1
		if strings.HasPrefix(args[i], expectPrefix) {
			return nil, &ParseError{Where: fmt.Sprintf("patch %d", n), Err: fmt.Errorf("%q stands where an OFFSET should: expect= follows an OFFSET VALUE pair", args[i])}
		}
		offset, err := parseOffset(args[i])
		if err != nil && n > 1 {
			err = fmt.Errorf("%w (a VALUE holding spaces needs quotes: \"de ad\")", err)
		}
		if err != nil {
			return nil, &ParseError{Where: fmt.Sprintf("patch %d", n), Err: err}
		}
		e := Entry{Offset: offset, Origin: Origin{Line: n}}
		if i+1 >= len(args) {
			return nil, &ParseError{Where: e.Where(), Err: errors.New("no VALUE after the OFFSET: give OFFSET VALUE pairs")}
		}
		fields := args[i+1 : i+2]
		i += 2
		if i < len(args) && strings.HasPrefix(args[i], expectPrefix) {
			fields = append(fields, args[i])
			i++
		}
		if err := e.parseFields(fields); err != nil {
			return nil, &ParseError{Where: e.Where(), Err: err}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// parseFields reads VALUE and the optional expect=VALUE into e.
func (e *Entry) parseFields(fields []string) error {
	if strings.HasPrefix(fields[0], expectPrefix) {
		return errors.New("no VALUE before expect=: write OFFSET VALUE expect=VALUE")
	}
	value, err := ParseValue(fields[0])
	if err != nil {
		return err
	}
	e.Value = value
	if len(fields) > 1 {
		text, ok := strings.CutPrefix(fields[1], expectPrefix)
		if !ok {
			return fmt.Errorf("unexpected %q after the VALUE: a patch is OFFSET VALUE [expect=VALUE]; quote values holding spaces", fields[1])
		}
		if text == "" {
			return errors.New("expect= is empty: give the bytes the file must hold there, like expect=DEADBEEF, or leave expect= out")
		}
		expect, err := ParseValue(text)
		if err != nil {
			return fmt.Errorf("expect=: %w", err)
		}
		e.Expect = expect
	}
	return nil
}

// Bounds on what ParseScript reads, so that an endless or hostile input (/dev/zero, a stream of
// lines) ends with an error instead of filling memory. A script of MaxScriptPatches undo lines of
// 32 bytes each, as WriteUndo writes them, undoes 128 MiB of changes in about 620 MB.
//
// A 32-bit process reads at most half as much: the values of a script may take twice its size
// (utf16le:TEXT), which a 4 GiB address space does not hold for a script of 1 GiB.
const (
	MaxScriptLine    = 1 << 20             // bytes in one line: a value of 512 KiB in hex
	MaxScriptSize    = 1 << (30 - on32Bit) // bytes in the whole script
	MaxScriptPatches = 1 << 22             // lines holding a patch
)

// on32Bit is 1 on a 32-bit system and 0 elsewhere.
const on32Bit = 1 - strconv.IntSize/64

// ParseScript reads a patch script: one patch per line, OFFSET VALUE [expect=VALUE]; blank lines
// and everything from a # that starts a word are ignored. Words are split at spaces and tabs;
// double quotes group a word with spaces ("de ad be ef", str:"two words") and take the escapes
// \" \\ \n \r \t and \xNN; single quotes group without escapes. name is the script's name in
// messages ("p.txt:7: …"). Lines may end in CRLF; a UTF-8 byte-order mark is skipped. A script
// longer than MaxScriptSize, a line longer than MaxScriptLine or more than MaxScriptPatches
// patches is refused.
func ParseScript(r io.Reader, name string) (*Entries, error) {
	var l Entries
	if err := l.AppendScript(r, name); err != nil {
		return nil, err
	}
	return &l, nil
}

// AppendScript reads a patch script as ParseScript does and appends its patches to l, so that
// a script's millions of entries join the command line's without a copy. After an error l holds
// some of them: discard it.
func (l *Entries) AppendScript(r io.Reader, name string) error {
	return l.appendScript(r, name, scriptLimits{line: MaxScriptLine, size: MaxScriptSize, patches: MaxScriptPatches})
}

// scriptLimits are the bounds appendScript keeps to; tests make them small.
type scriptLimits struct {
	line    int
	size    int64
	patches int
}

func (l *Entries) appendScript(r io.Reader, name string, limits scriptLimits) error {
	capped := &sizeCapped{r: r, left: limits.size}
	sc := bufio.NewScanner(capped)
	sc.Buffer(make([]byte, min(64<<10, limits.line)), limits.line+len("\r\n"))
	line, patches := 0, 0
	var words []string
	for sc.Scan() {
		// A Scanner hands out what it holds when its reader fails: past the bound, that is the
		// start of a line the bound cut, which would be reported as a mistake in that line.
		if capped.exceeded {
			return &ParseError{Where: name, Err: errScriptTooLarge}
		}
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		// Formatted only for a message: a script may have millions of lines.
		where := func() string { return fmt.Sprintf("%s:%d", name, line) }
		if len(text) > limits.line {
			return &ParseError{Where: where(), Err: errLineTooLong}
		}
		var err error
		words, err = splitWords(words, text)
		if err != nil {
			return &ParseError{Where: where(), Err: err}
		}
		if len(words) == 0 {
			continue
		}
		if patches == limits.patches {
			return &ParseError{Where: where(), Err: fmt.Errorf("more than %d patches in one script: split it into several", limits.patches)}
		}
		e, err := scriptEntry(words, name, line)
		if err != nil {
			return &ParseError{Where: where(), Err: err}
		}
		l.Append(e)
		patches++
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return &ParseError{Where: fmt.Sprintf("%s:%d", name, line+1), Err: errLineTooLong}
	case errors.Is(err, errScriptTooLarge):
		return &ParseError{Where: name, Err: err}
	case err != nil:
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

var (
	errLineTooLong    = fmt.Errorf("line longer than %d MiB: is this a patch script? (write a long value as several lines)", MaxScriptLine>>20)
	errScriptTooLarge = fmt.Errorf("script larger than %s: is this a patch script? (split it into several)", sizeText(MaxScriptSize))
)

// sizeText writes a bound of n bytes for a message: "1 GiB", "512 MiB".
func sizeText(n int64) string {
	if n%(1<<30) == 0 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	return byteconv.FormatSizeUnit(n)
}

// sizeCapped reads r until left bytes are read, then fails with errScriptTooLarge if r holds more.
type sizeCapped struct {
	r        io.Reader
	left     int64
	exceeded bool // r held more
}

func (c *sizeCapped) Read(p []byte) (int, error) {
	if c.left == 0 {
		var one [1]byte
		if n, err := io.ReadAtLeast(c.r, one[:], 1); n == 0 {
			return 0, err
		}
		c.exceeded = true
		return 0, errScriptTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func scriptEntry(words []string, name string, line int) (Entry, error) {
	if len(words) == 1 {
		return Entry{}, fmt.Errorf("no VALUE after %q: a line is OFFSET VALUE [expect=VALUE]", words[0])
	}
	if len(words) > 3 {
		return Entry{}, fmt.Errorf("%d words where a line has at most 3 (OFFSET VALUE [expect=VALUE]): quote values holding spaces, like \"de ad\"", len(words))
	}
	offset, err := parseOffset(words[0])
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Offset: offset, Origin: Origin{Source: name, Line: line}}
	return e, e.parseFields(words[1:])
}

// splitWords splits a script line into words, shell-like (see ParseScript), appending them to
// words[:0]: a script's millions of lines reuse one slice.
func splitWords(words []string, line string) ([]string, error) {
	if !strings.ContainsAny(line, `'"`) {
		return plainWords(words[:0], line), nil
	}
	return quotedWords(words[:0], line)
}

// plainWords splits a line that holds no quotes, as quotedWords would: its words are parts of
// line, not copies, which halves the time a script of millions of lines takes to read.
func plainWords(words []string, line string) []string {
	for {
		line = strings.TrimLeft(line, " \t")
		if line == "" || line[0] == '#' {
			return words
		}
		end := strings.IndexAny(line, " \t")
		if end < 0 {
			end = len(line)
		}
		words = append(words, line[:end])
		line = line[end:]
	}
}

// quotedWords splits any line, decoding its quotes and escapes into new words.
func quotedWords(words []string, line string) ([]string, error) {
	var word strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			return words, nil
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unclosed ' quote")
			}
			word.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			n, err := unquote(line[i+1:], &word)
			if err != nil {
				return nil, err
			}
			i += n
			inWord = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// unquote copies the inside of a double-quoted string that s begins, decoding escapes, into word
// and returns the length of s it used, closing quote included.
func unquote(s string, word *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return 0, errors.New("unclosed \" quote")
			}
			i++
			switch s[i] {
			case '"', '\\':
				word.WriteByte(s[i])
			case 'n':
				word.WriteByte('\n')
			case 'r':
				word.WriteByte('\r')
			case 't':
				word.WriteByte('\t')
			case 'x':
				var b byte
				ok := false
				if i+2 < len(s) {
					b, ok = byteconv.HexByte(s[i+1], s[i+2])
				}
				if !ok {
					return 0, errors.New(`bad escape: \x takes two hex digits, like \x0a`)
				}
				word.WriteByte(b)
				i += 2
			default:
				return 0, fmt.Errorf(`unknown escape \%c: use \" \\ \n \r \t or \xNN`, s[i])
			}
		default:
			word.WriteByte(c)
		}
	}
	return 0, errors.New("unclosed \" quote")
}
