package patch

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/byteconv"
)

func TestParseValue(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"DEADBEEF", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"0xde, 0xad, 0xbe, 0xef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"0xde:0xad", []byte{0xde, 0xad}},
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
		{"zz", `bad hex "zz": "zz" is not a hex byte: write each byte as two digits 0-9 a-f, like de ad be ef; or give a type, like u32le:1234 or str:text`},
		{"0xdead", `bad hex "0xdead": "0xdead" reads as a number, whose byte order is unknown`},
		{"0xde 0xad zz", `bad hex "0xde 0xad zz": "zz" is not a hex byte`},
		{"de:zz", `bad hex "de:zz": "zz" is not a hex byte`},
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

// TestParseOffset checks how patch frames byteconv's offsets; byteconv's tests cover the syntax.
func TestParseOffset(t *testing.T) {
	const size = 0x1000
	for in, want := range map[string]int64{"4096": 4096, "0x10": 16, "64K": 64 << 10, "end-4": size - 4, "END-0x10": size - 16} {
		o, err := parseOffset(in)
		if err != nil {
			t.Fatalf("parseOffset(%q): %v", in, err)
		}
		if got, err := o.Resolve(size); err != nil || got != want || o.Text != in {
			t.Errorf("parseOffset(%q) = %+v, resolved in %d bytes to %d, %v; want %d", in, o, size, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"x":                   `bad offset "x": give a decimal number (4096), 0x hex (0x1000) or end-N`,
		"-4":                  `bad offset "-4": an offset counts from the start and is never negative: for 4 bytes before the end, write end-4`,
		"9223372036854775808": `bad offset "9223372036854775808": more than the largest possible offset`,
	} {
		if o, err := parseOffset(in); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("parseOffset(%q) = %+v, %v; want the error %q", in, o, err, want)
		}
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
		if _, err := byteconv.ParseHex(s); err == nil {
			again, err := ParseValue(FormatHex(b, 0))
			if err != nil || !bytes.Equal(again, b) {
				t.Fatalf("hex %q = % x, formatted and parsed again = % x, %v", s, b, again, err)
			}
		}
	})
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
