package patch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Offset is where a patch goes, as the user wrote it: N bytes from the start, or for end-N, N
// bytes before the end. It is resolved against the size only when the file is open. It is
// byteconv's Offset, so that every command reads offsets alike.
type Offset = byteconv.Offset

// parseOffset reads an OFFSET; see byteconv.ParseOffset for its syntax.
func parseOffset(s string) (Offset, error) {
	o, err := byteconv.ParseOffset(s)
	if err != nil {
		return o, fmt.Errorf("bad offset %q: %w", s, err)
	}
	return o, nil
}

// parseUint reads an unsigned integer: 0x hex, 0o octal, 0b binary, otherwise decimal, with
// optional underscores between digits. what names the number in errors.
func parseUint(s, what string) (uint64, error) {
	base := 10
	digits := s
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base, digits = 16, s[2:]
		case 'o', 'O':
			base, digits = 8, s[2:]
		case 'b', 'B':
			base, digits = 2, s[2:]
		}
	}
	if digits == "" || digits[0] == '_' || digits[len(digits)-1] == '_' || strings.Contains(digits, "__") {
		return 0, fmt.Errorf("bad %s %q", what, s)
	}
	n, err := strconv.ParseUint(strings.ReplaceAll(digits, "_", ""), base, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, errOverflow
	}
	if err != nil {
		return 0, fmt.Errorf("bad %s %q", what, s)
	}
	return n, nil
}

// errOverflow marks a number too large for 64 bits; callers say which range it missed.
var errOverflow = errors.New("overflow")

// numberType is a typed VALUE prefix such as u16le.
type numberType struct {
	size      int // bytes
	signed    bool
	float     bool
	bigEndian bool
}

// numberTypes are the typed VALUE prefixes for numbers.
var numberTypes = func() map[string]numberType {
	types := map[string]numberType{
		"u8": {size: 1},
		"i8": {size: 1, signed: true},
	}
	for _, bits := range []int{16, 32, 64} {
		for _, order := range []string{"le", "be"} {
			be := order == "be"
			types[fmt.Sprintf("u%d%s", bits, order)] = numberType{size: bits / 8, bigEndian: be}
			types[fmt.Sprintf("i%d%s", bits, order)] = numberType{size: bits / 8, signed: true, bigEndian: be}
		}
	}
	for _, bits := range []int{32, 64} {
		types[fmt.Sprintf("f%d%s", bits, "le")] = numberType{size: bits / 8, float: true}
		types[fmt.Sprintf("f%d%s", bits, "be")] = numberType{size: bits / 8, float: true, bigEndian: true}
	}
	return types
}()

// typeList is shown when a prefix is unknown.
const typeList = "u8 i8 u16le u16be i16le i16be u32le ... i64be f32le f32be f64le f64be str utf16le utf16be"

// ParseValue reads a VALUE and returns its bytes. A VALUE is hex bytes as byteconv.ParseHex
// reads them (DEADBEEF, de:ad:be:ef, "de ad be ef", "0xde, 0xad") or typed: a number type (u8 i8
// u16le u16be i16le i16be, the same for 32 and 64 bits, f32le f32be f64le f64be) followed by a
// colon and a number (decimal, 0x hex, 0o octal, 0b binary; floats as Go's strconv reads them),
// or str:TEXT (UTF-8), utf16le:TEXT, utf16be:TEXT. The result is never empty.
func ParseValue(s string) ([]byte, error) {
	kind, arg, typed := strings.Cut(s, ":")
	if typed {
		switch lower := strings.ToLower(kind); lower {
		case "str":
			return nonEmpty(s, []byte(arg))
		case "utf16le", "utf16be":
			return encodeUTF16(s, arg, lower == "utf16be")
		default:
			if t, ok := numberTypes[lower]; ok {
				return t.encode(s, arg)
			}
		}
	}
	b, err := byteconv.ParseHex(s)
	if err == nil {
		return nonEmpty(s, b)
	}
	// A colon after something that is not hex means a type was meant: say what is wrong with it.
	if _, kindErr := byteconv.ParseHex(kind); typed && kindErr != nil {
		kind = strings.ToLower(kind)
		if _, ok := numberTypes[kind+"le"]; ok {
			return nil, fmt.Errorf("value %q: give the byte order, %sle or %sbe", s, kind, kind)
		}
		return nil, fmt.Errorf("value %q: unknown type %q; types are %s", s, kind, typeList)
	}
	return nil, fmt.Errorf("bad hex %q: %w; or give a type, like u32le:1234 or str:text", s, err)
}

func nonEmpty(value string, b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("value %q is empty: there is nothing to write", value)
	}
	return b, nil
}

func encodeUTF16(value, text string, bigEndian bool) ([]byte, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("value %q: the text is not valid UTF-8", value)
	}
	units := utf16.Encode([]rune(text))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			b = binary.BigEndian.AppendUint16(b, u)
		} else {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
	}
	return nonEmpty(value, b)
}

func (t numberType) name() string {
	switch {
	case t.float:
		return fmt.Sprintf("f%d", t.size*8)
	case t.signed:
		return fmt.Sprintf("i%d", t.size*8)
	}
	return fmt.Sprintf("u%d", t.size*8)
}

// encode turns the number text of value into t.size bytes.
func (t numberType) encode(value, text string) ([]byte, error) {
	bits, err := t.bits(value, text)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 8)
	if t.bigEndian {
		binary.BigEndian.PutUint64(b, bits)
		return b[8-t.size:], nil
	}
	binary.LittleEndian.PutUint64(b, bits)
	return b[:t.size], nil
}

// bits returns the number's bit pattern in the low t.size bytes.
func (t numberType) bits(value, text string) (uint64, error) {
	if t.float {
		f, err := strconv.ParseFloat(text, t.size*8)
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("value %q overflows %s", value, t.name())
		}
		if err != nil {
			return 0, fmt.Errorf("value %q: bad number %q", value, text)
		}
		if t.size == 4 {
			return uint64(math.Float32bits(float32(f))), nil
		}
		return math.Float64bits(f), nil
	}
	width := uint(t.size * 8)
	negative := false
	digits := text
	if rest, ok := strings.CutPrefix(text, "-"); ok {
		negative, digits = true, rest
	} else if rest, ok := strings.CutPrefix(text, "+"); ok {
		digits = rest
	}
	if strings.HasPrefix(digits, "-") || strings.HasPrefix(digits, "+") {
		return 0, fmt.Errorf("value %q: bad number %q", value, text)
	}
	magnitude, err := parseUint(digits, "number")
	if err != nil && !errors.Is(err, errOverflow) {
		return 0, fmt.Errorf("value %q: bad number %q", value, text)
	}
	overflow := err != nil
	var lo int64
	var hi uint64
	if t.signed {
		lo, hi = -1<<(width-1), 1<<(width-1)-1
		if negative {
			overflow = overflow || magnitude > hi+1
		} else {
			overflow = overflow || magnitude > hi
		}
	} else {
		hi = math.MaxUint64 >> (64 - width)
		overflow = overflow || magnitude > hi || (negative && magnitude != 0)
	}
	if overflow {
		return 0, fmt.Errorf("value %q overflows %s (%d..%d)", value, t.name(), lo, hi)
	}
	if negative {
		return -magnitude, nil
	}
	return magnitude, nil
}

// FormatHex writes b as space-separated hex pairs ("de ad be ef"), showing at most limit bytes
// and the total after them when there are more; limit 0 shows all.
func FormatHex(b []byte, limit int) string {
	shown := b
	if limit > 0 && len(b) > limit {
		shown = b[:limit]
	}
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 3*len(shown)+24)
	for i, c := range shown {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, digits[c>>4], digits[c&15])
	}
	if len(shown) < len(b) {
		out = fmt.Appendf(out, " ... (%d bytes)", len(b))
	}
	return string(out)
}
