package xxd

import (
	"bytes"
	"errors"
	"fmt"
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

func TestReadTolerates(t *testing.T) {
	dumpText := "\n" +
		"00000010: 4142 4344  ABCD\r\n" + // CRLF
		"  00000014: 45 46 47 48  EFGH\n" + // indented, other grouping
		"\x1b[36m00000018:\x1b[0m 494a 4b4c\n" + // escapes, no text column
		"0000001c:\n" + // no bytes
		"*\n" +
		"0000002A: 4D4e\t\tMN" // upper case, tab separator, no final newline
	rows, err := Read(strings.NewReader(dumpText))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, Offset: 0x10, Data: []byte("ABCD")},
		{Line: 3, Offset: 0x14, Data: []byte("EFGH")},
		{Line: 4, Offset: 0x18, Data: []byte("IJKL")},
		{Line: 7, Offset: 0x2a, Data: []byte("MN")},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows\n%v\nwant\n%v", rows, want)
	}
}

func TestReadErrors(t *testing.T) {
	const good = "00000000: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n"
	tests := []struct {
		name, dump string
		line       int
		want       string
	}{
		{"no colon", good + "00000010 0001\n", 2, "no offset"},
		{"bad offset", "0000zz00: 0001  ..\n", 1, `bad offset "0000zz00"`},
		{"huge offset", "8000000000000000: 00  .\n", 1, `bad offset`},
		{"odd digits", "00000000: 000 0102  ...\n", 1, `hex column: odd number of digits in "000"`},
		{"bad digit", "00000000: 00zz  ..\n", 1, `hex column: 'z' in "00zz" is not a hex digit`},
		{"deleted byte", good + "00000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e  ................\n", 2,
			"the hex column holds 15 bytes but the text column 16 characters"},
		{"one byte left", good + "00000010: 01  ..\n", 2, "the hex column holds 1 byte but the text column 2 characters"},
		{"double space typed", good + "00000010: 0001  0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n", 2,
			"the hex column holds 2 bytes but the text column"},
		{"inserted byte", good + "00000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f 10  ................\n", 2,
			"the row holds 17 bytes, more than the 16 of line 1"},
		{"deleted byte, text gone", good + "00000010: 0001 0203 0405 0607 0809 0a0b 0c0d 0e\n" +
			"00000020: 0001 0203 0405 0607 0809 0a0b 0c0d 0e0f  ................\n", 2,
			"the row holds 15 bytes but the next row starts 16 bytes after it"},
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
	// A short row is fine where the next row does not follow it: a dump of pieces.
	pieces := good + "00000010: 0001  ..\n00000100: 0203  ..\n"
	if _, err := Read(strings.NewReader(pieces)); err != nil {
		t.Errorf("dump of separate pieces: %v", err)
	}
}

// FuzzRead checks that no dump crashes Read and that every row it returns holds bytes.
func FuzzRead(f *testing.F) {
	f.Add("00000000: 7f45 4c46 0201 0100 0000 0000 0000 0000  .ELF............\n")
	f.Add("*\n00000010: 41  A\r\n\x1b[36mx")
	f.Add("00000000: 0\n:\n")
	f.Fuzz(func(t *testing.T, dumpText string) {
		rows, err := Read(strings.NewReader(dumpText))
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r.Data) == 0 || r.Offset < 0 || r.Line < 1 {
				t.Fatalf("row %+v from %q", r, dumpText)
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
