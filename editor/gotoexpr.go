package editor

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// ParseOffset reads a goto expression and returns the offset it names, which lies in [0, size):
//
//	0x1F00   hex (0x or 0X prefix)
//	1234     decimal (leading zeros do not make it octal)
//	+N, -N   N bytes after or before the cursor, N decimal or 0x hex
//	12.5%    that share of the size, rounded down; 100% is the last byte
//	end      the last byte; end-N is N bytes before it
//
// Spaces around the expression and around the sign are ignored; "end" is case-insensitive.
// An offset outside the data is an error naming it, and in an empty file every offset is.
func ParseOffset(expr string, cursor, size int64) (int64, error) {
	s := strings.TrimSpace(expr)
	if s == "" {
		return 0, errors.New("editor: empty offset: " + offsetForms)
	}
	off, ok := evalOffset(s, cursor, size)
	if !ok {
		return 0, fmt.Errorf("editor: cannot read offset %q: %s", s, offsetForms)
	}
	switch {
	case size <= 0:
		return 0, errors.New("editor: the file is empty: there is no offset to go to")
	case off.Sign() < 0:
		return 0, fmt.Errorf("editor: offset -0x%s is before the start of the file", hexText(new(big.Int).Neg(off)))
	case off.Cmp(big.NewInt(size)) >= 0:
		return 0, fmt.Errorf("editor: offset 0x%s is past the end (size 0x%X)", hexText(off), size)
	}
	return off.Int64(), nil
}

const offsetForms = "use 0x1F00 (hex), 1234 (decimal), +N or -N (from the cursor), 50% or end-N"

func hexText(n *big.Int) string { return strings.ToUpper(n.Text(16)) }

// evalOffset computes the offset s names, in arbitrary precision so that no input overflows.
// It reports false when s is not a goto expression.
func evalOffset(s string, cursor, size int64) (*big.Int, bool) {
	var base *big.Int
	switch {
	case len(s) >= 3 && strings.EqualFold(s[:3], "end"):
		base = big.NewInt(size - 1)
		s = strings.TrimSpace(s[3:])
		if s == "" {
			return base, true
		}
	case s[0] == '+' || s[0] == '-':
		base = big.NewInt(cursor)
	case s[len(s)-1] == '%':
		return percentOf(strings.TrimSpace(s[:len(s)-1]), size)
	default:
		return parseNumber(s)
	}
	if s[0] != '+' && s[0] != '-' {
		return nil, false
	}
	n, ok := parseNumber(strings.TrimSpace(s[1:]))
	if !ok {
		return nil, false
	}
	if s[0] == '-' {
		n.Neg(n)
	}
	return n.Add(base, n), true
}

// parseNumber reads decimal digits, or hex digits after 0x; no sign, no separators.
func parseNumber(s string) (*big.Int, bool) {
	digits, base := s, 10
	if len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X") {
		digits, base = s[2:], 16
	}
	if !allDigits(digits, base) {
		return nil, false
	}
	return new(big.Int).SetString(digits, base)
}

// percentOf reads a decimal percentage such as 50 or 12.5 and returns that share of size,
// rounded down, with 100% meaning the last byte rather than the end.
func percentOf(s string, size int64) (*big.Int, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole+frac == "" || !allDigits(whole+frac, 10) {
		return nil, false
	}
	num, _ := new(big.Int).SetString(whole+frac, 10)
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
	den.Mul(den, big.NewInt(100))
	if num.Cmp(den) == 0 {
		return big.NewInt(size - 1), true
	}
	off := num.Mul(num, big.NewInt(size))
	return off.Quo(off, den), true
}

func allDigits(s string, base int) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		isHex := c|0x20 >= 'a' && c|0x20 <= 'f'
		if !(c >= '0' && c <= '9' || base == 16 && isHex) {
			return false
		}
	}
	return true
}
