package xxd

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// joinRows checks that rows are contiguous from start and returns their bytes.
func joinRows(t *testing.T, rows []Row, start int64) []byte {
	t.Helper()
	var data []byte
	for _, r := range rows {
		if r.Offset != start+int64(len(data)) {
			t.Fatalf("row at line %d has offset %#x, want %#x", r.Line, r.Offset, start+int64(len(data)))
		}
		data = append(data, r.Data...)
	}
	return data
}

// TestReadRoundTrip reads back dumps of random data in many layouts, coloured or not.
func TestReadRoundTrip(t *testing.T) {
	data := randomBytes(9, 3000)
	for _, opts := range []Options{
		{Cols: 16, Group: 2}, {Cols: 16, Group: 1}, {Cols: 16, Group: 0}, {Cols: 7, Group: 3},
		{Cols: 1, Group: 2}, {Cols: 256, Group: 4}, {Cols: 16, Group: 2, Color: true}, {Cols: 13, Group: 8, Color: true},
	} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			for _, n := range []int{1, 17, 255, 3000} {
				rows, err := Read(strings.NewReader(dump(t, data[:n], 5, opts)))
				if err != nil {
					t.Fatal(err)
				}
				if got := joinRows(t, rows, 5); !bytes.Equal(got, data[:n]) {
					t.Errorf("%d bytes: read back\n% x\nwant\n% x", n, got, data[:n])
				}
			}
		})
	}
}

// TestReadSkipsSqueezedRows checks that a squeezed dump's "*" stands for rows left out.
func TestReadSkipsSqueezedRows(t *testing.T) {
	data := append(bytes.Repeat([]byte("0123456789abcdef"), 5), 'x')
	rows, err := Read(strings.NewReader(dump(t, data, 0, Options{Cols: 16, Group: 2, Squeeze: true})))
	if err != nil {
		t.Fatal(err)
	}
	var offsets []int64
	for _, r := range rows {
		offsets = append(offsets, r.Offset)
	}
	if fmt.Sprint(offsets) != "[0 80]" {
		t.Errorf("rows at %v, want [0 80]", offsets)
	}
}

// TestReadTolerates reads what editors and terminals do to a dump that leaves its bytes where
// they were: line ends, colours, case, a text column edited or cut off.
func TestReadTolerates(t *testing.T) {
	dumpText := "\n" +
		"00000010: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP\r\n" + // CRLF
		"  00000020: 5152 5354 5556 5758 595a 6162 6364 6566  QRSTUVWXYZabcdef\n" + // indented
		"\x1b[36m00000030:\x1b[0m 6768 696a 6b6c 6d6e 6f70 7172 7374 7576  ghijklmnopqrstuv\n" + // escapes
		"00000040: 7778 797a 3031 3233 3435 3637 3839 2020\n" + // no text column
		"*\n" +
		"00000060: 7778 797A 3031 3233 3435 3637 3839 2020  wxyz0123456789\n" + // upper case; trailing blanks cut
		"00000070: ffff 4142 4344 4546 4748 494a 4b4c 4d4e  the text, edited\n" + // text column edited, same length
		"\n"
	rows, err := Read(strings.NewReader(dumpText))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, Offset: 0x10, Data: []byte("ABCDEFGHIJKLMNOP")},
		{Line: 3, Offset: 0x20, Data: []byte("QRSTUVWXYZabcdef")},
		{Line: 4, Offset: 0x30, Data: []byte("ghijklmnopqrstuv")},
		{Line: 5, Offset: 0x40, Data: []byte("wxyz0123456789  ")},
		{Line: 7, Offset: 0x60, Data: []byte("wxyz0123456789  ")},
		{Line: 8, Offset: 0x70, Data: []byte("\xff\xffABCDEFGHIJKLMN")},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows\n%v\nwant\n%v", rows, want)
	}
	// The short last row's text column, moved to where a full row's text starts, is where
	// xxd puts it; "..AB" right after the hex column is not.
	short := "00000000: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP\n" +
		"00000010: ffff 4142                                ..AB\n"
	if _, err := Read(strings.NewReader(short)); err != nil {
		t.Errorf("short last row: %v", err)
	}
	// Older versions of xxd wrote offsets of 7 digits.
	old := "0000000: 4142 4344  ABCD\n0000004: 4546       EF\n"
	if rows, err := Read(strings.NewReader(old)); err != nil || len(rows) != 2 || rows[1].Offset != 4 {
		t.Errorf("7-digit offsets: rows %v, error %v", rows, err)
	}
}

// TestReadChecksRowsPastTheSample checks rows after those the layout is found from, and a
// layout found although the first rows were edited.
func TestReadChecksRowsPastTheSample(t *testing.T) {
	lines := strings.SplitAfter(dump(t, randomBytes(4, 3*sampleRows*16), 0, Options{Cols: 16, Group: 2}), "\n")
	for i := range 10 {
		lines[i] = lines[i][:10] + "41" + lines[i][10:] // an inserted byte in each of the first rows
	}
	_, err := Read(strings.NewReader(strings.Join(lines, "")))
	var serr *SyntaxError
	if !errors.As(err, &serr) || serr.Line != 1 || !strings.Contains(err.Error(), "more than the 16") {
		t.Errorf("error %v, want line 1 refused for holding more than 16 bytes", err)
	}
	lines = strings.SplitAfter(dump(t, randomBytes(4, 3*sampleRows*16), 0, Options{Cols: 16, Group: 2}), "\n")
	late := 2*sampleRows + 5
	lines[late] = lines[late][:10] + lines[late][15:] // a deleted group
	_, err = Read(strings.NewReader(strings.Join(lines, "")))
	if !errors.As(err, &serr) || serr.Line != late+1 || !strings.Contains(err.Error(), "the hex column holds 14 bytes but the text column 16 characters") {
		t.Errorf("error %v, want line %d refused for a deleted group", err, late+1)
	}
}

// TestReadOneDecimalRowIsHex pins a decision: a dump of one row cannot show whether its offset
// is decimal (xxd -d), and it is read as hex, as xxd -r reads it.
func TestReadOneDecimalRowIsHex(t *testing.T) {
	rows, err := Read(strings.NewReader("00000016: 4142  AB\n"))
	if err != nil || len(rows) != 1 || rows[0].Offset != 0x16 {
		t.Errorf("rows %v, error %v; want one row at 0x16", rows, err)
	}
}

func TestReadErrors(t *testing.T) {
	const good = "00000000: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n"
	const next = "00000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n"
	const last14 = "00000010: 0001 0203 0405 0607 0809 0a0b 0c0d       ..............\n"
	tests := []struct {
		name, dump string
		line       int
		want       string
	}{
		{"no colon", good + "00000010 0001\n", 2, "no offset"},
		{"plain hex, xxd -p", "48656c6c6f2c20776f726c6421205468697320697320612074657374206f\n", 1, "(xxd -p) has no offsets"},
		{"C array, xxd -i", "unsigned char f_bin[] = {\n  0x48, 0x65\n};\n", 1, "(xxd -i) has no offsets"},
		{"C array body", "  0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x77, 0x6f, 0x72, 0x6c, 0x64,\n", 1, "(xxd -i)"},
		{"bad offset", "0000zz00: 0001  ..\n", 1, `bad offset "0000zz00"`},
		{"huge offset", "8000000000000000: 00  .\n", 1, `bad offset`},
		{"short offset, for xxd -r only", "10: 4142  AB\n", 1, `offset "10" has 2 digits`},
		{"offset typed wider", good + "000000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n", 2,
			"offset 000000010 has 9 digits where the dump writes 8"},
		{"no space after colon", "00000000:0001  ..\n", 1, "no hex column"},
		{"no bytes", good + "00000010:\n", 2, "no hex column"},
		{"tab", "00000000: 0001\t..\n", 1, "a tab"},
		{"too long", "00000000: " + strings.Repeat("00", maxLine) + "\n", 1, "longer than 64 KiB"},
		{"row past the largest offset", "7fffffffffffffff: 0001  ..\n", 1, "past the largest offset"},
		{"odd digits", "00000000: 000 0102  ...\n", 1, `hex column: odd number of digits in "000"`},
		{"bad digit", "00000000: 00zz  ..\n", 1, `hex column: 'z' in "00zz" is not a hex digit`},
		{"deleted byte", good + "00000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e  ................\n", 2,
			"the hex column holds 15 bytes but the text column 16 characters"},
		{"one byte left", good + "00000010: 01  ..\n", 2, "the hex column holds 1 byte but the text column 2 characters"},
		{"double space typed", good + "00000010: 0001  0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n", 2,
			"the hex column holds 2 bytes but the text column"},
		{"inserted byte", good + "00000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f 10  ................\n", 2,
			"the row holds 17 bytes, more than the 16 of the dump's rows"},
		{"inserted byte in a group", good + "00000010: 0001 020304 0506 0708 090a 0b0c 0d0e 0f  ................\n", 2,
			"group 2 of the hex column holds 3 bytes where the dump's groups hold 2"},
		{"inserted byte, last row", good + strings.Replace(last14, "0c0d", "0c0d ff", 1), 2,
			"the hex column holds 15 bytes but the text column 17 characters"},
		{"inserted byte over the padding", good + strings.Replace(last14, "0c0d   ", "0c0d ff", 1), 2,
			"the hex column holds 15 bytes but the text column 14 characters"},
		{"deleted byte, last row", good + strings.Replace(last14, " 0c0d", " 0c", 1), 2,
			"the hex column holds 13 bytes but the text column 14 characters"},
		{"text right after a short row", good + "00000010: 0001 0203  ....\n", 2,
			"the text column starts 13 characters after the colon, not 43"},
		{"deleted byte, text gone", good + "00000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e\n" + next, 2,
			"the row holds 15 bytes, fewer than the 16 of the dump's rows, and is not the last"},
		{"inserted byte, text gone", good + next + "00000020: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f 10\n" + next, 3,
			"the row holds 17 bytes, more than the 16"},
		{"pieces of two dumps", good + "00000010: 0001                                     ..\n00000100: 0203  ..\n", 2,
			"the row holds 2 bytes, fewer than the 16 of the dump's rows, and is not the last"},
		{"offset off the rows", good + strings.Replace(next, "00000010", "0000001a", 1), 2,
			"offset 0x1a is not a whole number of 16-byte rows after 0x0 on line 1: was an offset typed"},
		{"offset going back", good + next + good, 3, "rows go up in order"},
		{"decimal offsets, xxd -d", good + strings.Replace(next, "00000010", "00000016", 1), 2, "are the offsets decimal (xxd -d)?"},
		{"bits, xxd -b", "00000000: 01001000 01100101 01101100 01101100 01101111 00101100  Hello,\n" +
			"00000006: 00100000 01110111 01101111 01110010 01101100 01100100   world\n", 1, "as xxd -b writes them"},
		{"little-endian, xxd -e", "00000000: 6c6c6548 77202c6f 646c726f 68542021  Hello, world! Th\n" +
			"00000010: 69207369 20612073 74736574 20666f20  is is a test of \n", 1, "as xxd -e (little-endian) writes"},
		{"little-endian last row, xxd -e", "00000000: 00000001 00000002 00000003 00000004  ................\n" +
			"00000010: 00000005   020100                    .......\n", 2, "as xxd -e (little-endian) writes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.dump))
			var serr *SyntaxError
			if !errors.As(err, &serr) {
				t.Fatalf("error %v, want a *SyntaxError", err)
			}
			if serr.Line != tt.line || !strings.Contains(serr.Err.Error(), tt.want) {
				t.Errorf("error %q, want line %d and %q", err, tt.line, tt.want)
			}
		})
	}
}

// FuzzRead checks that no dump crashes Read, and that a dump it takes is a layout's: every row
// but the last full, each a whole number of rows after the one before, and its hex column what
// an Encoder writes for its bytes in that layout.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"00000000: 7f45 4c46 0201 0100 0000 0000 0000 0000  .ELF............\n",
		"*\n00000010: 41  A\r\n\x1b[36mx",
		"00000000: 0\n:\n",
		"00000000: 4865 6c6c 6f2c 2077 6f72 6c64 2120 5468  Hello, world! Th\n00000010: 6973 2069 7320 6120 7465 7374 206f 6620  is is a test of \n00000020: 7878 6420 6f75 7470 7574 2e00 0102 ff    xxd output.....\n",
		"00000000: 6c6c6548 77202c6f 646c726f 68542021  Hello, world! Th\n00000020: 20647878 7074756f 002e7475   ff0201  xxd output.....\n",
		"00000000: 01001000 01100101 01101100 01101100 01101111 00101100  Hello,\n0000002a: 00101110 00000000 00000001 00000010 11111111           .....\n",
		"00000000: 4865 6c6c 6f2c 2077 6f72 6c64 2120 5468  Hello, world! Th\n00000016: 6973 2069 7320 6120 7465 7374 206f 6620  is is a test of \n",
		"unsigned char f_bin[] = {\n  0x48, 0x65, 0x6c,\n};\n",
		"48656c6c6f2c20776f726c6421205468697320697320612074657374206f\n",
		"00000000: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n00000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f 10  ................\n",
		"00000005: 2c20 776f 726c 6421 2054 6869 7320 6973  , world! This is\n00000015: 2061 2074 6573 7420 6f66 2078 7864 206f   a test of xxd o\n",
		"00000000: 48656c 6c6f  Hello\n00000005: 2c2077 6f72  , wor\n*\n00000014: 732061 2074  s a t\n",
		"0ffffff0: 4865 6c6c 6f2c 2077 6f72 6c64 2120 5468  Hello, world! Th\n10000000: 6973 20    is \n",
		"00000000: 41 42 43                                         ABC\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, dumpText string) {
		rows, lay, err := read(strings.NewReader(dumpText))
		if err != nil {
			return
		}
		lines := strings.Split(dumpText, "\n")
		for i, r := range rows {
			n := len(r.Data)
			if n == 0 || n > lay.cols || n < lay.cols && i+1 < len(rows) || r.Offset < 0 || r.Line < 1 {
				t.Fatalf("row %d (%+v) in a layout of %d columns, from %q", i, r, lay.cols, dumpText)
			}
			if i > 0 {
				if step := r.Offset - rows[i-1].Offset; step <= 0 || step%int64(lay.cols) != 0 || r.Line <= rows[i-1].Line {
					t.Fatalf("row %d at %#x after %#x in rows of %d, from %q", i, r.Offset, rows[i-1].Offset, lay.cols, dumpText)
				}
			}
			again := dump(t, r.Data, r.Offset, Options{Cols: lay.cols, Group: lay.group})
			l, _, err := parseLine(lines[r.Line-1])
			if err != nil {
				t.Fatalf("line %d read as a row, but alone: %v", r.Line, err)
			}
			hex := l.text[l.hexAt:l.hexEnd]
			at := strings.Index(again, ": ") + 2
			if got := again[at:]; !strings.HasPrefix(got, strings.ToLower(hex)) || got[len(hex)] != ' ' && got[len(hex)] != '\n' {
				t.Fatalf("row %d: hex column %q, but the layout %+v writes %q, from %q", i, hex, lay, again, dumpText)
			}
		}
	})
}

// FuzzDumpRoundTrip dumps fuzzed bytes in a fuzzed layout and reads them back.
func FuzzDumpRoundTrip(f *testing.F) {
	f.Add([]byte("hello, world\x00\xff"), uint8(16), uint8(2), int64(0), false)
	f.Add(bytes.Repeat([]byte{7}, 100), uint8(5), uint8(0), int64(1<<32-3), true)
	f.Fuzz(func(t *testing.T, data []byte, cols, group uint8, start int64, color bool) {
		if len(data) == 0 || start < 0 || start > 1<<60 {
			return
		}
		opts := Options{Cols: 1 + int(cols)%MaxCols, Group: int(group) % 20, Color: color}
		rows, err := Read(strings.NewReader(dump(t, data, start, opts)))
		if err != nil {
			t.Fatalf("%+v: %v", opts, err)
		}
		if got := joinRows(t, rows, start); !bytes.Equal(got, data) {
			t.Fatalf("%+v: read back % x, want % x", opts, got, data)
		}
	})
}

// xxdSample returns a file for the xxd layout tests and its bytes: text, so that the text column
// shows the byte order; zeros, for xxd -a; and a length that leaves a short last row.
func xxdSample(t *testing.T) (string, []byte) {
	t.Helper()
	var data []byte
	data = append(data, "The quick brown fox jumps over the lazy dog; 0123456789!"...)
	data = append(data, make([]byte, 100)...)
	data = append(data, randomBytes(3, 150)...)
	data = append(data, "and the end."...)
	path := filepath.Join(t.TempDir(), "sample.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

// applyRows writes the rows over a copy of data, as patching does.
func applyRows(t *testing.T, data []byte, rows []Row) []byte {
	t.Helper()
	out := bytes.Clone(data)
	for _, r := range rows {
		if r.Offset+int64(len(r.Data)) > int64(len(out)) {
			t.Fatalf("row at line %d (%#x, %d bytes) runs past the end", r.Line, r.Offset, len(r.Data))
		}
		copy(out[r.Offset:], r.Data)
	}
	return out
}

// TestReadXxdLayouts dumps a file with xxd in each layout that Read takes, edits one byte in the
// hex column (not the text column), and checks that the rows hold the file with that byte
// changed.
func TestReadXxdLayouts(t *testing.T) {
	xxd := xxdPath(t)
	path, data := xxdSample(t)
	for _, flags := range []string{
		"", "-g1", "-g3", "-g4", "-g8", "-g0", "-g32", "-c8", "-c5 -g3", "-c1", "-c7 -g0", "-c40", "-c256",
		"-u", "-a", "-a -c8 -g1", "-s5", "-s5 -l1", "-l7", "-s300 -l20 -c32", "-c9 -g4 -u -a", "-e -g1",
	} {
		t.Run(flags, func(t *testing.T) {
			lines := strings.SplitAfter(runXxd(t, xxd, append(strings.Fields(flags), path)...), "\n")
			edit := (len(lines) - 1) / 2 // SplitAfter leaves an empty last element
			colon := strings.Index(lines[edit], ": ")
			offset, err := strconv.ParseInt(lines[edit][:colon], 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			want := bytes.Clone(data)
			want[offset] = ^data[offset]
			lines[edit] = lines[edit][:colon+2] + fmt.Sprintf("%02x", want[offset]) + lines[edit][colon+4:]
			rows, err := Read(strings.NewReader(strings.Join(lines, "")))
			if err != nil {
				t.Fatalf("xxd %s: %v", flags, err)
			}
			if got := applyRows(t, data, rows); !bytes.Equal(got, want) {
				t.Errorf("xxd %s, byte %#x edited: the rows hold other bytes", flags, offset)
			}
		})
	}
}

// TestReadRefusesXxdLayouts dumps a file with xxd in the layouts whose bytes Read cannot place,
// and with a byte inserted or deleted in a layout it can, and checks that each is refused and
// why.
func TestReadRefusesXxdLayouts(t *testing.T) {
	xxd := xxdPath(t)
	path, _ := xxdSample(t)
	for _, tt := range []struct {
		flags string
		edit  func(lines []string)
		want  string
	}{
		{"-e", nil, "as xxd -e (little-endian) writes"},
		{"-e -g2", nil, "as xxd -e (little-endian) writes"},
		{"-e -g8 -c8", nil, "as xxd -e (little-endian) writes"},
		{"-e -s 156", nil, "as xxd -e (little-endian) writes"}, // random bytes, then a partial group
		{"-b", nil, "as xxd -b writes them"},
		{"-b -c4", nil, "as xxd -b writes them"},
		{"-d", nil, "are the offsets decimal (xxd -d)?"},
		{"-d -c8", nil, "are the offsets decimal (xxd -d)?"},
		{"-d -c32 -g4", nil, "are the offsets decimal (xxd -d)?"},
		{"-i", nil, "(xxd -i) has no offsets"},
		{"-p", nil, "(xxd -p) has no offsets"},
		{"-g1", func(l []string) { l[2] = strings.Replace(l[2], ": ", ": 41 ", 1) }, "the row holds 17 bytes, more than the 16"},
		{"-g1", func(l []string) { l[2] = l[2][:10] + l[2][13:] }, "the hex column holds 15 bytes but the text column 16 characters"},
		{"-g1", func(l []string) { l[len(l)-2] = l[len(l)-2][:10] + l[len(l)-2][13:] }, "the hex column holds 13 bytes but the text column 14 characters"},
		{"", func(l []string) { l[2] = l[2][:10] + "41" + l[2][10:] }, "the row holds 17 bytes, more than the 16"},
		{"", func(l []string) { l[0] = l[0][:10] + "41" + l[0][10:] }, "the row holds 17 bytes, more than the 16"},
		{"", func(l []string) { l[len(l)-2] = l[len(l)-2][:10] + "41" + l[len(l)-2][10:] }, "group 1 of the hex column holds 3 bytes where the dump's groups hold 2"},
		{"", func(l []string) { l[2] = l[2][:10] + l[2][12:] }, "group 1 of the hex column holds 1 byte where the dump's groups hold 2"},
		{"-g0", func(l []string) { l[2] = l[2][:10] + "41" + l[2][10:] }, "the row holds 17 bytes, more than the 16"},
		{"-g0", func(l []string) { l[2] = l[2][:10] + l[2][12:] }, "the hex column holds 15 bytes but the text column 16 characters"},
		{"-c8", func(l []string) { l[3] = "0000001b" + l[3][8:] }, "offset 0x1b is not a whole number of 8-byte rows after 0x10"},
	} {
		t.Run(fmt.Sprintf("%s %v", tt.flags, tt.edit != nil), func(t *testing.T) {
			lines := strings.SplitAfter(runXxd(t, xxd, append(strings.Fields(tt.flags), path)...), "\n")
			if tt.edit != nil {
				tt.edit(lines)
			}
			_, err := Read(strings.NewReader(strings.Join(lines, "")))
			var serr *SyntaxError
			if !errors.As(err, &serr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("xxd %s: error %v, want a *SyntaxError saying %q", tt.flags, err, tt.want)
			}
		})
	}
}
