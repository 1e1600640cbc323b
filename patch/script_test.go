package patch

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	got, err := ParseArgs([]string{"0", "i32le:999", "4", "i32le:666", "expect=00000000", "end-4", "str:ab cd"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Offset: Offset{N: 0, Text: "0"}, Value: []byte{0xe7, 3, 0, 0}, Origin: Origin{Line: 1}},
		{Offset: Offset{N: 4, Text: "4"}, Value: []byte{0x9a, 2, 0, 0}, Expect: []byte{0, 0, 0, 0}, Origin: Origin{Line: 2}},
		{Offset: Offset{N: 4, FromEnd: true, Text: "end-4"}, Value: []byte("ab cd"), Origin: Origin{Line: 3}},
	}
	if !sameEntries(got, want) {
		t.Errorf("ParseArgs = %+v, want %+v", got, want)
	}
	if got[1].Where() != "patch 2 (offset 4)" {
		t.Errorf("Where() = %q, want %q", got[1].Where(), "patch 2 (offset 4)")
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"0x10"}, `patch 1 (offset 0x10): no VALUE after the OFFSET`},
		{[]string{"0", "00", "0x10", "u8:300"}, `patch 2 (offset 0x10): value "u8:300" overflows u8 (0..255)`},
		{[]string{"0", "de", "ad"}, `patch 2: bad offset "ad"`},
		{[]string{"expect=00"}, `patch 1: "expect=00" stands where an OFFSET should`},
		{[]string{"0", "expect=00"}, `patch 1 (offset 0): no VALUE before expect=`},
		{[]string{"0", "00", "expect=zz"}, `patch 1 (offset 0): expect=: bad hex "zz"`},
		{[]string{"0", "00", "expect=00", "expect=01"}, `patch 2: "expect=01" stands where an OFFSET should`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := ParseArgs(tt.args)
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("ParseArgs(%q) error %v, want a *ParseError", tt.args, err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("ParseArgs(%q) error\n%q, want it to start with\n%q", tt.args, err, tt.want)
			}
		})
	}
}

func TestParseScript(t *testing.T) {
	script := "\ufeff# header comment\r\n" +
		"0x10 deadbeef\r\n" +
		"\n" +
		"   \t  \n" +
		"end-2 \"be ef\" expect=0000   # trailing comment\n" +
		"32 str:\"two words\"\n" +
		"40 str:a#b\n" +
		"48 'str:single \\n quoted'\n" +
		"64 \"str:esc \\\" \\\\ \\n\\r\\t\\x00\\xff\"\n" +
		"80 u16be:0xbeef expect=u16be:0" // no newline at the end
	list, err := ParseScript(strings.NewReader(script), "p.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := entrySlice(list)
	// A script's entries are named by their line: only an end-N offset keeps its text.
	want := []Entry{
		{Offset: Offset{N: 16}, Value: []byte{0xde, 0xad, 0xbe, 0xef}, Origin: Origin{"p.txt", 2}},
		{Offset: Offset{N: 2, FromEnd: true, Text: "end-2"}, Value: []byte{0xbe, 0xef}, Expect: []byte{0, 0}, Origin: Origin{"p.txt", 5}},
		{Offset: Offset{N: 32}, Value: []byte("two words"), Origin: Origin{"p.txt", 6}},
		{Offset: Offset{N: 40}, Value: []byte("a#b"), Origin: Origin{"p.txt", 7}},
		{Offset: Offset{N: 48}, Value: []byte(`single \n quoted`), Origin: Origin{"p.txt", 8}},
		{Offset: Offset{N: 64}, Value: []byte("esc \" \\ \n\r\t\x00\xff"), Origin: Origin{"p.txt", 9}},
		{Offset: Offset{N: 80}, Value: []byte{0xbe, 0xef}, Expect: []byte{0, 0}, Origin: Origin{"p.txt", 10}},
	}
	if !sameEntries(got, want) {
		t.Errorf("ParseScript =\n%+v\nwant\n%+v", got, want)
	}
	if got[0].Where() != "p.txt:2" {
		t.Errorf("Where() = %q, want p.txt:2", got[0].Where())
	}
}

// TestParseScriptErrorsNameTheLine puts one mistake on line 3 of a script and checks that the
// error names p.txt:3 and the mistake.
func TestParseScriptErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		line, want string
	}{
		{"0x20 zz", `p.txt:3: bad hex "zz"`},
		{"0x20 u8:300", `p.txt:3: value "u8:300" overflows u8 (0..255)`},
		{"0x20", `p.txt:3: no VALUE after "0x20"`},
		{"0x20 de ad", `p.txt:3: unexpected "ad" after the VALUE`},
		{"0x20 de ad be", `p.txt:3: 4 words where a line has at most 3`},
		{"zz 00", `p.txt:3: bad offset "zz"`},
		{"0x20 00 check=00", `p.txt:3: unexpected "check=00" after the VALUE`},
		{"0x20 \"de ad", `p.txt:3: unclosed " quote`},
		{"0x20 'de ad", `p.txt:3: unclosed ' quote`},
		{`0x20 "\q"`, `p.txt:3: unknown escape \q`},
		{`0x20 "\x4"`, `p.txt:3: bad escape: \x takes two hex digits`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			script := "# ok\n0x10 00\n" + tt.line + "\n0x30 00\n"
			_, err := ParseScript(strings.NewReader(script), "p.txt")
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n%q, want it to start with\n%q", err, tt.want)
			}
		})
	}
}

func TestParseScriptLongLine(t *testing.T) {
	value := strings.Repeat("ab", 200_000)
	got, err := ParseScript(strings.NewReader("0 "+value+"\n"), "long.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 1 || len(got.At(0).Value) != 200_000 {
		t.Fatalf("got %d entries, want 1 of 200000 bytes", got.Len())
	}
}

// entrySlice returns the entries of l, for comparisons.
func entrySlice(l *Entries) []Entry {
	var entries []Entry
	for i := range l.Len() {
		entries = append(entries, l.At(i))
	}
	return entries
}

func sameEntries(a, b []Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Offset != b[i].Offset || a[i].Origin != b[i].Origin ||
			!bytes.Equal(a[i].Value, b[i].Value) || !bytes.Equal(a[i].Expect, b[i].Expect) ||
			(a[i].Expect == nil) != (b[i].Expect == nil) {
			return false
		}
	}
	return true
}

// FuzzParseScript checks that no script crashes the parser and that what it accepts means the
// same once written back as a canonical script and parsed again.
func FuzzParseScript(f *testing.F) {
	for _, seed := range []string{
		"0x10 deadbeef\n",
		"# c\n\nend-2 \"be ef\" expect=0000 # t\n",
		"32 str:\"two words\"\r\n48 'x y'\n",
		"64 \"str:\\x00\\n\\\"\"\n",
		"0 u8:300\n",
		"0 \"unclosed\n",
		"\ufeff1 i16be:-2 expect=u16be:0\n",
		// An undo script of before names were quoted: the target's name broke the comment.
		"# Revert with: mmhex patch 'a\n0x10 41414141' --script u.undo\n0x00000020 00 expect=ff\n",
		"# Revert with: mmhex patch 'a'$'\\n''0x10 41414141' --script u.undo\n0x00000020 00 expect=ff\n",
		"# \" ' \\x zz\r\n0 00 # \"\n",
		"\x00\x00\x00\x00",
		"0 " + strings.Repeat("ab", 4096) + "\n\n\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, script string) {
		list, err := ParseScript(strings.NewReader(script), "fuzz")
		if err != nil {
			var perr *ParseError
			if !errors.As(err, &perr) || !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error %q is not a ParseError naming the line", err)
			}
			return
		}
		entries := entrySlice(list)
		var canonical strings.Builder
		for _, e := range entries {
			if len(e.Value) == 0 || (e.Expect != nil && len(e.Expect) == 0) {
				t.Fatalf("entry %+v has an empty value", e)
			}
			if e.Offset.FromEnd {
				fmt.Fprintf(&canonical, "end-%d", e.Offset.N)
			} else {
				fmt.Fprintf(&canonical, "0x%x", e.Offset.N)
			}
			fmt.Fprintf(&canonical, " \"%s\"", FormatHex(e.Value, 0))
			if e.Expect != nil {
				fmt.Fprintf(&canonical, " expect=%x", e.Expect)
			}
			canonical.WriteString("\n")
		}
		parsed, err := ParseScript(strings.NewReader(canonical.String()), "fuzz")
		if err != nil {
			t.Fatalf("canonical script %q: %v", canonical.String(), err)
		}
		again := entrySlice(parsed)
		if len(again) != len(entries) {
			t.Fatalf("canonical script has %d entries, want %d", len(again), len(entries))
		}
		for i := range entries {
			a, b := entries[i], again[i]
			if a.Offset.N != b.Offset.N || a.Offset.FromEnd != b.Offset.FromEnd ||
				!bytes.Equal(a.Value, b.Value) || !bytes.Equal(a.Expect, b.Expect) {
				t.Fatalf("entry %d: %+v, after a round trip %+v", i, a, b)
			}
		}
	})
}

// zeros reads as an endless run of zero bytes, as /dev/zero does, and counts what it gave.
type zeros struct{ read int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.read += int64(len(p))
	return len(p), nil
}

// TestParseScriptEndlessLine reads a script that never ends a line (--script /dev/zero) and
// checks that the parser stops after about MaxScriptLine bytes, naming the line.
func TestParseScriptEndlessLine(t *testing.T) {
	z := &zeros{}
	_, err := ParseScript(z, "/dev/zero")
	if want := "/dev/zero:1: line longer than 1 MiB"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
	if z.read > 2*MaxScriptLine {
		t.Errorf("read %d bytes, want at most %d", z.read, 2*MaxScriptLine)
	}
}

// TestParseScriptBounds checks each bound with small limits: a script at every limit parses,
// one byte or one patch more is refused with the line named.
func TestParseScriptBounds(t *testing.T) {
	limits := scriptLimits{line: 16, size: 64, patches: 3}
	atLimits := "0 " + strings.Repeat("a", 14) + "\r\n# " + strings.Repeat("c", 14) + "\n1 00\n\n2 00\n"
	atLimits += strings.Repeat("\n", 64-len(atLimits))
	tests := []struct {
		name, script, want string
	}{
		{"at every limit", atLimits, ""},
		{"a long line", "0 00\n\n0 " + strings.Repeat("a", 15) + "\n", "p.txt:3: line longer than 1 MiB"},
		{"a long last line", "0 00\n\n0 " + strings.Repeat("a", 15), "p.txt:3: line longer than 1 MiB"},
		{"a long comment", "# " + strings.Repeat("c", 15) + "\n", "p.txt:1: line longer than 1 MiB"},
		{"too large", atLimits + "\n", "p.txt: script larger than " + map[int]string{32: "512 MiB", 64: "1 GiB"}[strconv.IntSize]},
		// The bound cuts the last line to "1 ", which alone would read as a line with no VALUE.
		{"too large inside a line", strings.Repeat("\n", 62) + "1 00\n", "p.txt: script larger than "},
		{"too many patches", "0 00\n1 00\n# three\n2 00\n3 00\n", "p.txt:5: more than 3 patches in one script"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var entries Entries
			err := entries.appendScript(strings.NewReader(tt.script), "p.txt", limits)
			if tt.want == "" {
				if err != nil || entries.Len() != 3 {
					t.Errorf("got %d entries, error %v; want 3 entries", entries.Len(), err)
				}
				return
			}
			var perr *ParseError
			if !errors.As(err, &perr) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want a ParseError starting %q", err, tt.want)
			}
		})
	}
}

// FuzzSplitWords checks that a line without quotes splits the same by the quick path as by the
// one that decodes quotes.
func FuzzSplitWords(f *testing.F) {
	for _, seed := range []string{"", "0x10 deadbeef", " \t0 00 expect=00 # c", "a#b #c", "#", "0\v1\r 2\x00", "end-2\t\tbe:ef"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, `'"`) {
			return
		}
		quick := plainWords(nil, line)
		decoded, err := quotedWords(nil, line)
		if err != nil || !slices.Equal(quick, decoded) {
			t.Fatalf("line %q: quick path %q, the other %q (%v)", line, quick, decoded, err)
		}
	})
}
