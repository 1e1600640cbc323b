package editor

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// Field is one row of the data inspector: the bytes at the cursor read as one type. Little and
// Big hold the value read in each byte order; for types a single byte decides (u8, i8, binary,
// UTF-8) the value is in Little and Big is "". A value that needs more bytes than remain before
// the end of the data reads NoValue.
type Field struct {
	Name, Little, Big string
}

// NoValue stands for a value that needs more bytes than remain before the end of the data.
const NoValue = "—"

// Inspect decodes the bytes at the cursor, b, as u8, i8, u16, i16, u32, i32, u64, i64, f32, f64,
// binary and UTF-8 character, in that order. b holds up to 8 bytes; fewer near the end.
func Inspect(b []byte) []Field {
	u8 := func(f func(byte) string) string {
		if len(b) < 1 {
			return NoValue
		}
		return f(b[0])
	}
	fields := []Field{
		{Name: "u8", Little: u8(func(c byte) string { return strconv.FormatUint(uint64(c), 10) })},
		{Name: "i8", Little: u8(func(c byte) string { return strconv.FormatInt(int64(int8(c)), 10) })},
	}
	multi := func(name string, n int, format func(v uint64) string) Field {
		f := Field{Name: name, Little: NoValue, Big: NoValue}
		if len(b) >= n {
			var le, be [8]byte
			copy(le[:], b[:n])
			copy(be[8-n:], b[:n])
			f.Little = format(binary.LittleEndian.Uint64(le[:]))
			f.Big = format(binary.BigEndian.Uint64(be[:]))
		}
		return f
	}
	fields = append(fields,
		multi("u16", 2, func(v uint64) string { return strconv.FormatUint(v, 10) }),
		multi("i16", 2, func(v uint64) string { return strconv.FormatInt(int64(int16(v)), 10) }),
		multi("u32", 4, func(v uint64) string { return strconv.FormatUint(v, 10) }),
		multi("i32", 4, func(v uint64) string { return strconv.FormatInt(int64(int32(v)), 10) }),
		multi("u64", 8, func(v uint64) string { return strconv.FormatUint(v, 10) }),
		multi("i64", 8, func(v uint64) string { return strconv.FormatInt(int64(v), 10) }),
		multi("f32", 4, func(v uint64) string {
			return strconv.FormatFloat(float64(math.Float32frombits(uint32(v))), 'g', -1, 32)
		}),
		multi("f64", 8, func(v uint64) string { return strconv.FormatFloat(math.Float64frombits(v), 'g', -1, 64) }),
		Field{Name: "binary", Little: u8(func(c byte) string { return fmt.Sprintf("0b%08b", c) })},
		Field{Name: "UTF-8", Little: utf8Char(b)},
	)
	return fields
}

// utf8Char describes the character whose encoding starts at b[0], or says why there is none.
func utf8Char(b []byte) string {
	if len(b) == 0 {
		return NoValue
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size <= 1 {
		return "invalid"
	}
	return fmt.Sprintf("%s U+%04X", strconv.QuoteRune(r), r)
}
