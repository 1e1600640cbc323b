package editor

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// ParseOffset reads a goto expression and returns the offset it names, which lies in [0, size).
// Offsets are written as mmhex's commands take them (byteconv.ParseOffset), so that goto end-16
// finds the byte that dump --offset end-16 starts at:
//
//	0x1F00   hex (0x or 0X prefix)
//	1234     decimal (leading zeros do not make it octal)
//	64K      with a K, M or G suffix: that many KiB, MiB or GiB
//	end-N    N bytes before the end: size−N, so end-1 is the last byte
//
// and, for goto alone:
//
//	+N, -N   N bytes after or before the cursor, N written as above
//	12.5%    that share of the size, rounded down; 100% is the last byte
//	end      the last byte
//
// Spaces around the expression, around a sign and around the minus of end-N are ignored; "end"
// is case-insensitive. An offset outside the data is an error naming it, and in an empty file
// every offset is.
func ParseOffset(expr string, cursor, size int64) (int64, error) {
	s := strings.TrimSpace(expr)
	if s == "" {
		return 0, errors.New("empty offset: " + offsetForms)
	}
	off, err := evalOffset(s, cursor, size)
	tooLarge := errors.Is(err, byteconv.ErrRange)
	switch {
	case err != nil && !tooLarge:
		return 0, fmt.Errorf("cannot read offset %q: %s", s, offsetForms)
	case size <= 0:
		return 0, errors.New("the file is empty: there is no offset to go to")
	case tooLarge && (s[0] == '-' || strings.HasPrefix(strings.ToLower(s), "end")):
		return 0, fmt.Errorf("offset %s is before the start of the file", s)
	case tooLarge:
		return 0, fmt.Errorf("offset %s is past the end (size 0x%X)", s, size)
	case off.Sign() < 0:
		return 0, fmt.Errorf("offset -0x%s is before the start of the file", hexText(new(big.Int).Neg(off)))
	case off.Cmp(big.NewInt(size)) >= 0:
		return 0, fmt.Errorf("offset 0x%s is past the end (size 0x%X)", hexText(off), size)
	}
	return off.Int64(), nil
}

const offsetForms = "use 0x1F00 (hex), 1234 (decimal), 64K, +N or -N (from the cursor), 50%, end or end-N"

func hexText(n *big.Int) string { return strings.ToUpper(n.Text(16)) }

// evalOffset computes the offset s names, in arbitrary precision so that no sum overflows.
func evalOffset(s string, cursor, size int64) (*big.Int, error) {
	switch {
	case strings.EqualFold(s, "end"):
		return big.NewInt(size - 1), nil
	case s[0] == '+' || s[0] == '-':
		n, err := byteconv.ParseSize(strings.TrimSpace(s[1:]))
		if err != nil {
			return nil, err
		}
		step := big.NewInt(n)
		if s[0] == '-' {
			step.Neg(step)
		}
		return step.Add(step, big.NewInt(cursor)), nil
	case s[len(s)-1] == '%':
		return percentOf(strings.TrimSpace(s[:len(s)-1]), size)
	}
	o, err := byteconv.ParseOffset(s)
	if err != nil {
		return nil, err
	}
	if o.FromEnd {
		return new(big.Int).Sub(big.NewInt(size), big.NewInt(o.N)), nil
	}
	return big.NewInt(o.N), nil
}

// errNotPercent marks text before a % sign that is not a decimal percentage.
var errNotPercent = errors.New("not a percentage")

// percentOf reads a decimal percentage such as 50 or 12.5 and returns that share of size,
// rounded down, with 100% meaning the last byte rather than the end.
func percentOf(s string, size int64) (*big.Int, error) {
	whole, frac, _ := strings.Cut(s, ".")
	digits := whole + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return nil, errNotPercent
	}
	num, _ := new(big.Int).SetString(digits, 10)
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
	den.Mul(den, big.NewInt(100))
	if num.Cmp(den) == 0 {
		return big.NewInt(size - 1), nil
	}
	off := num.Mul(num, big.NewInt(size))
	return off.Quo(off, den), nil
}
