package patch

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestParseValue(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"DEADBEEF", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"de:ad:be:ef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"de ad be ef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"dead beef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"00", []byte{0}},
		{"u8:255", []byte{0xff}},
		{"u8:0x7f", []byte{0x7f}},
		{"i8:-128", []byte{0x80}},
		{"i8:127", []byte{0x7f}},
		{"u16le:0xbeef", []byte{0xef, 0xbe}},
		{"u16be:0xbeef", []byte{0xbe, 0xef}},
		{"i16le:-2", []byte{0xfe, 0xff}},
		{"i16be:-2", []byte{0xff, 0xfe}},
		{"u32le:1", []byte{1, 0, 0, 0}},
		{"u32be:1", []byte{0, 0, 0, 1}},
		{"i32le:999", []byte{0xe7, 0x03, 0, 0}},
		{"i32le:-999", []byte{0x19, 0xfc, 0xff, 0xff}},
		{"i32be:-1", []byte{0xff, 0xff, 0xff, 0xff}},
		{"u64le:0x0102030405060708", []byte{8, 7, 6, 5, 4, 3, 2, 1}},
		{"u64be:18446744073709551615", bytes.Repeat([]byte{0xff}, 8)},
		{"i64le:-9223372036854775808", []byte{0, 0, 0, 0, 0, 0, 0, 0x80}},
		{"i64be:9223372036854775807", []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"u32le:0b101", []byte{5, 0, 0, 0}},
		{"u32le:0o17", []byte{15, 0, 0, 0}},
		{"u32le:010", []byte{10, 0, 0, 0}},
		{"u32le:1_000", []byte{0xe8, 0x03, 0, 0}},
		{"U8:1", []byte{1}},
		{"f32le:1.5", []byte{0, 0, 0xc0, 0x3f}},
		{"f32be:1.5", []byte{0x3f, 0xc0, 0, 0}},
		{"f64le:-2", []byte{0, 0, 0, 0, 0, 0, 0, 0xc0}},
		{"f64be:0.1", []byte{0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}},
		{"str:ELF", []byte("ELF")},
		{"str:two words", []byte("two words")},
		{"str:a:b", []byte("a:b")},
		{"str:é", []byte{0xc3, 0xa9}},
		{"utf16le:Hi", []byte{'H', 0, 'i', 0}},
		{"utf16be:Hi", []byte{0, 'H', 0, 'i'}},
		{"utf16le:😀", []byte{0x3d, 0xd8, 0x00, 0xde}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseValue(tt.in)
			if err != nil {
				t.Fatalf("ParseValue(%q): %v", tt.in, err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("ParseValue(%q) = % x, want % x", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseValueErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"zz", `bad hex "zz"`},
		{"dea", `odd number of digits`},
		{"de ad b", `odd number of digits in "b"`},
		{"0xdead", `hex bytes take no 0x; for a number give its type, like u32le:0xdead`},
		{"", `is empty`},
		{"str:", `is empty`},
		{"utf16le:", `is empty`},
		{"u8:300", `value "u8:300" overflows u8 (0..255)`},
		{"u8:-1", `overflows u8 (0..255)`},
		{"i8:128", `overflows i8 (-128..127)`},
		{"i8:-129", `overflows i8 (-128..127)`},
		{"i8:0x80", `overflows i8 (-128..127)`},
		{"u16le:65536", `overflows u16 (0..65535)`},
		{"i64le:9223372036854775808", `overflows i64 (-9223372036854775808..9223372036854775807)`},
		{"u64le:18446744073709551616", `overflows u64 (0..18446744073709551615)`},
		{"u64le:99999999999999999999999", `overflows u64`},
		{"f32le:1e39", `overflows f32`},
		{"u8:", `bad number ""`},
		{"u8:12x", `bad number "12x"`},
		{"u8:--1", `bad number "--1"`},
		{"u8:_1", `bad number "_1"`},
		{"f32le:one", `bad number "one"`},
		{"u16:5", `give the byte order, u16le or u16be`},
		{"u24le:5", `unknown type "u24le"`},
		{"text:hi", `unknown type "text"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseValue(tt.in)
			if err == nil {
				t.Fatalf("ParseValue(%q) = % x, want an error containing %q", tt.in, got, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseValue(%q) error %q, want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestParseOffset(t *testing.T) {
	const size = 0x1000
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"4096", 4096},
		{"010", 10},
		{"0x10", 16},
		{"0X1f", 31},
		{"end-4", size - 4},
		{"END-0x10", size - 16},
		{"end-0", size},
		{"end-4096", 0},
		{"0x100000000", 1 << 32},
		{"9223372036854775807", math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			o, err := ParseOffset(tt.in)
			if err != nil {
				t.Fatalf("ParseOffset(%q): %v", tt.in, err)
			}
			got, err := o.Resolve(size)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseOffset(%q).Resolve(%d) = %d, want %d", tt.in, size, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "x", "-1", "0x", "end-", "end+4", "12k", "9223372036854775808", "99999999999999999999"} {
		if o, err := ParseOffset(bad); err == nil {
			t.Errorf("ParseOffset(%q) = %+v, want an error", bad, o)
		}
	}
	o, err := ParseOffset("end-4097")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Resolve(size); err == nil || !strings.Contains(err.Error(), "before the start") {
		t.Errorf("end-4097 in 4096 bytes: got error %v, want one saying it lies before the start", err)
	}
}

func TestFormatHex(t *testing.T) {
	tests := []struct {
		in    []byte
		limit int
		want  string
	}{
		{[]byte{0xde, 0xad}, 0, "de ad"},
		{[]byte{1, 2, 3}, 2, "01 02 ... (3 bytes)"},
		{[]byte{1, 2}, 2, "01 02"},
		{nil, 0, ""},
	}
	for _, tt := range tests {
		if got := FormatHex(tt.in, tt.limit); got != tt.want {
			t.Errorf("FormatHex(% x, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
	}
}

// FuzzParseValue checks that no input crashes the parser, that every value it accepts has
// bytes, and that accepted hex reads back the same when formatted and parsed again.
func FuzzParseValue(f *testing.F) {
	for _, seed := range []string{"DEADBEEF", "de:ad:be:ef", "de ad be ef", "u8:255", "i8:-1", "u16le:0xbeef",
		"i64be:-9223372036854775808", "f32le:1.5", "f64be:NaN", "str:hello", "utf16le:Hi😀", "u8:300",
		"zz", "0x10", "u16:1", ":", "str:", "u32le:0b1_0", "f32le:0x1p-2"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseValue(s)
		if err != nil {
			return
		}
		if len(b) == 0 {
			t.Fatalf("ParseValue(%q) accepted an empty value", s)
		}
		if isHexValue(s) {
			again, err := ParseValue(FormatHex(b, 0))
			if err != nil || !bytes.Equal(again, b) {
				t.Fatalf("hex %q = % x, formatted and parsed again = % x, %v", s, b, again, err)
			}
		}
	})
}

func isHexValue(s string) bool {
	for _, c := range s {
		if c != ' ' && c != ':' && c != '\t' && unhex(byte(c)) < 0 {
			return false
		}
	}
	return true
}

// FuzzIntegerValue checks every integer type against encoding/binary: a number in the type's
// range is stored exactly, in decimal and in hex; one outside it is an overflow error.
func FuzzIntegerValue(f *testing.F) {
	f.Add(uint8(0), int64(999), true)
	f.Add(uint8(3), int64(-1), false)
	f.Add(uint8(13), int64(math.MinInt64), true)
	f.Add(uint8(7), int64(70000), false)
	names := []string{"u8", "i8"}
	for _, bits := range []int{16, 32, 64} {
		for _, order := range []string{"le", "be"} {
			names = append(names, fmt.Sprintf("u%d%s", bits, order), fmt.Sprintf("i%d%s", bits, order))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, n int64, inHex bool) {
		name := names[int(which)%len(names)]
		typ := numberTypes[name]
		bits := uint(typ.size * 8)
		text := strconv.FormatInt(n, 10)
		if inHex {
			text = strconv.FormatInt(n, 16)
			text = strings.Replace("0x"+text, "0x-", "-0x", 1)
		}
		got, err := ParseValue(name + ":" + text)
		var fits bool
		if typ.signed {
			fits = bits == 64 || (n >= -1<<(bits-1) && n < 1<<(bits-1))
		} else {
			fits = n >= 0 && (bits == 64 || n < 1<<bits)
		}
		if !fits {
			if err == nil || !strings.Contains(err.Error(), "overflows") {
				t.Fatalf("%s:%s = % x, %v; want an overflow error", name, text, got, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s:%s: %v", name, text, err)
		}
		full := make([]byte, 8)
		var want []byte
		if typ.bigEndian {
			binary.BigEndian.PutUint64(full, uint64(n))
			want = full[8-typ.size:]
		} else {
			binary.LittleEndian.PutUint64(full, uint64(n))
			want = full[:typ.size]
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s:%s = % x, want % x", name, text, got, want)
		}
	})
}
