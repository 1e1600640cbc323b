// Package byteconv reads the text in which mmhex's users write bytes and byte counts — hex byte
// strings, offsets and sizes — so that every command and the editor take one syntax, and writes
// byte counts back for messages.
//
// Its errors are written for the user: each names the bad part and how to write it instead, and
// leaves naming the whole input to the caller, which knows its role ("--offset", "patch 2"):
//
//	fmt.Errorf("--offset %q: %w", text, err)
//
// They carry no package prefix, since they end up in front of the user rather than in a log.
// errors.Is tells ErrSyntax (text outside the syntax) from ErrRange (a number out of range).
package byteconv

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	// ErrSyntax marks text that does not follow the syntax.
	ErrSyntax = errors.New("invalid syntax")
	// ErrRange marks a number out of range: too large for an offset or a size (more than
	// 2⁶³−1), or an end-N that Resolve finds before the start.
	ErrRange = errors.New("out of range")
)

// parseError is what the parsers return: a message for the user that unwraps to ErrSyntax or
// ErrRange.
type parseError struct {
	kind error
	msg  string
}

func (e *parseError) Error() string { return e.msg }
func (e *parseError) Unwrap() error { return e.kind }

func syntaxErrorf(format string, args ...any) error {
	return &parseError{kind: ErrSyntax, msg: fmt.Sprintf(format, args...)}
}

// ParseHex reads bytes written in hex: pairs of digits 0-9 a-f (either case), in groups split by
// white space (line breaks included), ':' or ','. So DEADBEEF, "de ad be ef", de:ad:be:ef and
// "0xde, 0xad, 0xbe, 0xef" (a C array's contents) are the same four bytes. A group may start with
// 0x only when it holds one byte, of one or two digits: "0xdead" reads as a number, whose byte
// order in memory nobody can tell, so it is refused rather than guessed.
//
// Text holding no groups gives no bytes and no error; callers that need bytes say so in their
// own words.
func ParseHex(s string) ([]byte, error) {
	b, _, err := parseHex(s, false)
	return b, err
}

// ParseHexWildcards reads hex bytes as ParseHex does, and also ?? for any byte ("de ad ?? ef").
// wild[i] reports whether byte i is a wildcard; b[i] is then 0.
func ParseHexWildcards(s string) (b []byte, wild []bool, err error) {
	return parseHex(s, true)
}

// isHexSeparator reports whether c separates groups of hex bytes.
func isHexSeparator(c rune) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f', ':', ',':
		return true
	}
	return false
}

func parseHex(s string, wildcards bool) (b []byte, wild []bool, err error) {
	hint := "write each byte as two digits 0-9 a-f, like de ad be ef"
	if wildcards {
		hint += ", or ?? for any byte"
	}
	b = make([]byte, 0, len(s)/2)
	if wildcards {
		wild = make([]bool, 0, len(s)/2)
	}
	for group := range strings.FieldsFuncSeq(s, isHexSeparator) {
		if digits, ok := cutHexPrefix(group); ok {
			v, err := parseHexPrefixed(group, digits)
			if err != nil {
				return nil, nil, err
			}
			b = append(b, v)
			if wildcards {
				wild = append(wild, false)
			}
			continue
		}
		for _, c := range group {
			if _, ok := HexDigit(c); !ok && !(wildcards && c == '?') {
				if utf8.RuneCountInString(group) <= 2 {
					return nil, nil, syntaxErrorf("%q is not a hex byte: %s", group, hint)
				}
				return nil, nil, syntaxErrorf("%q in %q is not a hex digit: %s", c, group, hint)
			}
		}
		if len(group)%2 != 0 {
			return nil, nil, syntaxErrorf("odd number of digits in %q: write each byte as two digits, like 0f", group)
		}
		for i := 0; i < len(group); i += 2 {
			if wildcards && group[i:i+2] == "??" {
				b, wild = append(b, 0), append(wild, true)
				continue
			}
			v, ok := HexByte(group[i], group[i+1])
			if !ok {
				return nil, nil, syntaxErrorf("%q is not a hex byte: %s", group[i:i+2], hint)
			}
			b = append(b, v)
			if wildcards {
				wild = append(wild, false)
			}
		}
	}
	return b, wild, nil
}

// cutHexPrefix returns s without a leading 0x or 0X, and whether it had one.
func cutHexPrefix(s string) (string, bool) {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		return s[2:], true
	}
	return s, false
}

// parseHexPrefixed reads the digits of a group written with 0x: one byte.
func parseHexPrefixed(group, digits string) (byte, error) {
	var v byte
	for _, c := range digits {
		d, ok := HexDigit(c)
		if !ok {
			return 0, syntaxErrorf("%q in %q is not a hex digit: after 0x give one byte, like 0x0f", c, group)
		}
		v = v<<4 | d
	}
	switch {
	case digits == "":
		return 0, syntaxErrorf("%q holds no digits: after 0x give one byte, like 0x0f", group)
	case len(digits) > 2:
		return 0, syntaxErrorf("%q reads as a number, whose byte order is unknown: write bytes without 0x (de ad) or with one 0x per byte (0xde 0xad)", group)
	}
	return v, nil
}

// HexByte returns the byte that the hex digits hi and lo write, and whether both are hex digits.
func HexByte(hi, lo byte) (byte, bool) {
	h, ok1 := HexDigit(rune(hi))
	l, ok2 := HexDigit(rune(lo))
	return h<<4 | l, ok1 && ok2
}

// HexDigit returns the value of the hex digit c (0-9, a-f, A-F), and whether it is one.
func HexDigit(c rune) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return byte(c - '0'), true
	case 'a' <= c && c <= 'f':
		return byte(c - 'a' + 10), true
	case 'A' <= c && c <= 'F':
		return byte(c - 'A' + 10), true
	}
	return 0, false
}

// Offset is a position as the user wrote it: N bytes from the start, or, with FromEnd, N bytes
// before the end (size−N). Resolve places it once the size is known.
type Offset struct {
	N       int64
	FromEnd bool
	Text    string // as written, for messages
}

const (
	sizeForms   = "give a decimal number (4096) or 0x hex (0x1000), optionally with a K, M or G suffix (64K)"
	offsetForms = "give a decimal number (4096), 0x hex (0x1000) or end-N (N bytes before the end), optionally with a K, M or G suffix (64K)"
)

// ParseOffset reads an offset: a count (see ParseSize) of bytes from the start, or end-N, the
// position N bytes before the end, so that end-16 starts the last 16 bytes and end-0 is the end
// itself. "end" is case-insensitive; white space around the offset and around the minus of
// end-N is ignored.
func ParseOffset(s string) (Offset, error) {
	text := strings.TrimSpace(s)
	body, fromEnd := text, false
	if len(body) >= 3 && strings.EqualFold(body[:3], "end") {
		if rest, ok := strings.CutPrefix(strings.TrimLeft(body[3:], " \t"), "-"); ok {
			body, fromEnd = strings.TrimLeft(rest, " \t"), true
		}
	}
	if n, ok := strings.CutPrefix(body, "-"); ok && !fromEnd {
		if _, err := parseCount(n); err == nil {
			return Offset{}, syntaxErrorf("an offset counts from the start and is never negative: for %s bytes before the end, write end-%s", n, n)
		}
	}
	n, err := parseCount(body)
	switch {
	case errors.Is(err, ErrRange):
		return Offset{}, &parseError{kind: ErrRange, msg: "more than the largest possible offset, 0x7fffffffffffffff"}
	case err != nil:
		return Offset{}, syntaxErrorf("%s", offsetForms)
	}
	return Offset{N: n, FromEnd: fromEnd, Text: text}, nil
}

// Resolve returns the offset from the start in data of size bytes. An end-N offset with N larger
// than size lies before the start: that is an error. An offset past the end is not, since
// callers say what goes wrong there in their own terms.
func (o Offset) Resolve(size int64) (int64, error) {
	if !o.FromEnd {
		return o.N, nil
	}
	if o.N > size {
		return 0, &parseError{kind: ErrRange, msg: fmt.Sprintf("%s lies before the start (the size is %s)", o.Text, FormatSize(size))}
	}
	return size - o.N, nil
}

// ParseSize reads a number of bytes: decimal (4096; a leading 0 does not mean octal) or hex after
// 0x (0x1000), optionally followed by K, M or G (also KiB, MiB, GiB, in either case) for that
// many KiB, MiB or GiB: 64K is 65536, 0x10K is 16384. White space around it is ignored.
func ParseSize(s string) (int64, error) {
	text := strings.TrimSpace(s)
	n, err := parseCount(text)
	switch {
	case errors.Is(err, ErrRange):
		return 0, &parseError{kind: ErrRange, msg: "more than the largest possible size, 0x7fffffffffffffff bytes"}
	case err != nil && len(text) >= 3 && strings.EqualFold(text[:3], "end"):
		return 0, syntaxErrorf("end-N is an offset, not a number of bytes: %s", sizeForms)
	case err != nil:
		return 0, syntaxErrorf("%s", sizeForms)
	}
	return n, nil
}

// units are the size suffixes, the longer spelling first so that KiB is not taken for K.
var units = []struct {
	suffix string
	shift  uint
}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"K", 10}, {"M", 20}, {"G", 30}}

// parseCount reads the number syntax that ParseSize documents. Its errors are ErrSyntax and
// ErrRange, without a message: its callers phrase them.
func parseCount(s string) (int64, error) {
	digits, shift := s, uint(0)
	for _, u := range units {
		if len(digits) > len(u.suffix) && strings.EqualFold(digits[len(digits)-len(u.suffix):], u.suffix) {
			digits, shift = digits[:len(digits)-len(u.suffix)], u.shift
			break
		}
	}
	base := 10
	if rest, ok := cutHexPrefix(digits); ok {
		digits, base = rest, 16
	}
	if digits == "" {
		return 0, ErrSyntax
	}
	for _, c := range digits {
		if _, ok := HexDigit(c); !ok || base == 10 && (c < '0' || c > '9') {
			return 0, ErrSyntax
		}
	}
	// The digits are valid, so the only error left is a number too large for 64 bits.
	n, err := strconv.ParseUint(digits, base, 64)
	if err != nil || n > math.MaxInt64>>shift {
		return 0, ErrRange
	}
	return int64(n) << shift, nil
}

// FormatSize writes n bytes for a message: "1 byte", "4096 bytes".
func FormatSize(n int64) string { return Count(n, "byte") }

// FormatSizeUnit writes n bytes in the largest binary unit that holds it whole, for messages
// about sizes people set rather than count: "256 MiB", "8 KiB", "100 bytes", "1 byte".
func FormatSizeUnit(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return FormatSize(n)
}

// Count writes a count of things for messages, the noun in the plural unless n is 1: "1 byte",
// "8 changed bytes".
func Count[N int | int64](n N, noun string) string { return CountAs(n, noun, noun+"s") }

// CountAs is Count for a noun whose plural is not the noun and "s": "1 patch", "2 patches".
func CountAs[N int | int64](n N, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(int64(n), 10) + " " + many
}
