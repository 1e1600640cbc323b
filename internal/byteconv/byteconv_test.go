package byteconv

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"
)

func TestParseHex(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"DEADBEEF", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"de ad be ef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"de:ad:be:ef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"dead beef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"de,ad, be ,ef", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"0xde, 0xad, 0xBE, 0XEF", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"0x0, 0x1, 0xf", []byte{0, 1, 0xf}},
		{"  de\tad\r\nbe\n ef  ", []byte{0xde, 0xad, 0xbe, 0xef}},
		{"00", []byte{0}},
		{"0x00 ff", []byte{0, 0xff}},
		{"", []byte{}},
		{" :, ", []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseHex(tt.in)
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Errorf("ParseHex(%q) = % x, %v; want % x", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseHexErrors(t *testing.T) {
	const hint = "write each byte as two digits 0-9 a-f, like de ad be ef"
	tests := []struct{ in, want string }{
		{"zz", `"zz" is not a hex byte: ` + hint},
		{"x", `"x" is not a hex byte: ` + hint},
		{"de xyz", `'x' in "xyz" is not a hex digit: ` + hint},
		{"dea", `odd number of digits in "dea": write each byte as two digits, like 0f`},
		{"de ad b", `odd number of digits in "b": write each byte as two digits, like 0f`},
		{"de ad ??", `"??" is not a hex byte: ` + hint},
		{"é", `"é" is not a hex byte: ` + hint},
		{"aéb", `'é' in "aéb" is not a hex digit: ` + hint},
		{"de-ad", `'-' in "de-ad" is not a hex digit: ` + hint},
		{"0x", `"0x" holds no digits: after 0x give one byte, like 0x0f`},
		{"0xg1", `'g' in "0xg1" is not a hex digit: after 0x give one byte, like 0x0f`},
		{"0xdead", `"0xdead" reads as a number, whose byte order is unknown: write bytes without 0x (de ad) or with one 0x per byte (0xde 0xad)`},
		{"00 0x123", `"0x123" reads as a number, whose byte order is unknown`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseHex(tt.in)
			if err == nil {
				t.Fatalf("ParseHex(%q) = % x, want an error", tt.in, got)
			}
			if !strings.HasPrefix(err.Error(), tt.want) || !errors.Is(err, ErrSyntax) {
				t.Errorf("ParseHex(%q) error %q, want ErrSyntax and %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestParseHexWildcards(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
		wild []bool
	}{
		{"de ad ?? ef", []byte{0xde, 0xad, 0, 0xef}, []bool{false, false, true, false}},
		{"??41", []byte{0, 0x41}, []bool{true, false}},
		{"0x41:??", []byte{0x41, 0}, []bool{false, true}},
		{"??", []byte{0}, []bool{true}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, wild, err := ParseHexWildcards(tt.in)
			if err != nil || !bytes.Equal(got, tt.want) || !slices.Equal(wild, tt.wild) {
				t.Errorf("ParseHexWildcards(%q) = % x, %v, %v; want % x, %v", tt.in, got, wild, err, tt.want, tt.wild)
			}
		})
	}
	const hint = "write each byte as two digits 0-9 a-f, like de ad be ef, or ?? for any byte"
	for in, want := range map[string]string{
		"d?":   `"d?" is not a hex byte: ` + hint,
		"?":    `odd number of digits in "?": write each byte as two digits, like 0f`,
		"a??b": `"a?" is not a hex byte: ` + hint,
		"0x??": `'?' in "0x??" is not a hex digit: after 0x give one byte`,
		"+1":   `"+1" is not a hex byte: ` + hint,
	} {
		if _, _, err := ParseHexWildcards(in); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseHexWildcards(%q) error %v, want %q", in, err, want)
		}
	}
}

func TestHexByte(t *testing.T) {
	for _, tt := range []struct {
		hi, lo byte
		want   byte
		ok     bool
	}{{'d', 'E', 0xde, true}, {'0', '9', 0x09, true}, {'F', 'f', 0xff, true}, {'g', '0', 0, false}, {'0', ' ', 0, false}} {
		got, ok := HexByte(tt.hi, tt.lo)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("HexByte(%q, %q) = %#x, %v; want %#x, %v", tt.hi, tt.lo, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"4096", 4096}, {"0", 0}, {"010", 10}, {"0x1000", 4096}, {"0X10", 16}, {" 12 ", 12},
		{"64K", 64 << 10}, {"64k", 64 << 10}, {"64KiB", 64 << 10}, {"64kib", 64 << 10},
		{"1M", 1 << 20}, {"2MiB", 2 << 20}, {"1G", 1 << 30}, {"3gib", 3 << 30}, {"0x10K", 16 << 10},
		{"0xfG", 15 << 30}, {"0x7fffffffffffffff", math.MaxInt64}, {"8589934591G", math.MaxInt64 >> 30 << 30},
	}
	for _, tt := range tests {
		if got, err := ParseSize(tt.in); got != tt.want || err != nil {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseSizeErrors(t *testing.T) {
	const forms = "give a decimal number (4096) or 0x hex (0x1000), optionally with a K, M or G suffix (64K)"
	const tooLarge = "more than the largest possible size, 0x7fffffffffffffff bytes"
	tests := []struct {
		in, want string
		kind     error
	}{
		{"", forms, ErrSyntax}, {"K", forms, ErrSyntax}, {"KiB", forms, ErrSyntax}, {"-1", forms, ErrSyntax},
		{"+1", forms, ErrSyntax}, {"1.5M", forms, ErrSyntax}, {"12 K", forms, ErrSyntax}, {"1MK", forms, ErrSyntax},
		{"0x", forms, ErrSyntax}, {"0xK", forms, ErrSyntax}, {"ten", forms, ErrSyntax}, {"1T", forms, ErrSyntax},
		{"1_000", forms, ErrSyntax}, {"0o17", forms, ErrSyntax}, {"1f", forms, ErrSyntax}, {"١٢", forms, ErrSyntax},
		{"end-1", "end-N is an offset, not a number of bytes: " + forms, ErrSyntax},
		{"9223372036854775808", tooLarge, ErrRange}, {"99999999999999999999", tooLarge, ErrRange},
		{"0x8000000000000000", tooLarge, ErrRange}, {"8589934592G", tooLarge, ErrRange},
		{"9223372036854775807K", tooLarge, ErrRange},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if err == nil || err.Error() != tt.want || !errors.Is(err, tt.kind) {
			t.Errorf("ParseSize(%q) = %d, %v; want %v: %q", tt.in, got, err, tt.kind, tt.want)
		}
	}
}

func TestParseOffset(t *testing.T) {
	const size = 0x1000
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"4096", 4096}, {"010", 10}, {"0x10", 16}, {"0X1f", 31}, {"4K", 4096}, {" 7\t", 7},
		{"end-4", size - 4}, {"END-0x10", size - 16}, {"End-1K", size - 1024}, {"end - 16", size - 16},
		{"end-0", size}, {"end-4096", 0}, {"0x100000000", 1 << 32}, {"9223372036854775807", math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			o, err := ParseOffset(tt.in)
			if err != nil {
				t.Fatalf("ParseOffset(%q): %v", tt.in, err)
			}
			if o.Text != strings.TrimSpace(tt.in) {
				t.Errorf("ParseOffset(%q).Text = %q, want the text as written, trimmed", tt.in, o.Text)
			}
			if got, err := o.Resolve(size); err != nil || got != tt.want {
				t.Errorf("ParseOffset(%q).Resolve(%d) = %d, %v; want %d", tt.in, size, got, err, tt.want)
			}
		})
	}
}

func TestParseOffsetErrors(t *testing.T) {
	const forms = "give a decimal number (4096), 0x hex (0x1000) or end-N (N bytes before the end), optionally with a K, M or G suffix (64K)"
	const tooLarge = "more than the largest possible offset, 0x7fffffffffffffff"
	tests := []struct {
		in, want string
		kind     error
	}{
		{"", forms, ErrSyntax}, {"x", forms, ErrSyntax}, {"0x", forms, ErrSyntax}, {"end", forms, ErrSyntax},
		{"end-", forms, ErrSyntax}, {"end+4", forms, ErrSyntax}, {"endless", forms, ErrSyntax},
		{"end--4", forms, ErrSyntax}, {"12T", forms, ErrSyntax}, {"-x", forms, ErrSyntax},
		{"-16", "an offset counts from the start and is never negative: for 16 bytes before the end, write end-16", ErrSyntax},
		{"-0x10", "an offset counts from the start and is never negative: for 0x10 bytes before the end, write end-0x10", ErrSyntax},
		{"9223372036854775808", tooLarge, ErrRange}, {"end-99999999999999999999", tooLarge, ErrRange},
	}
	for _, tt := range tests {
		o, err := ParseOffset(tt.in)
		if err == nil || err.Error() != tt.want || !errors.Is(err, tt.kind) {
			t.Errorf("ParseOffset(%q) = %+v, %v; want %v: %q", tt.in, o, err, tt.kind, tt.want)
		}
	}
}

func TestResolveBeforeTheStart(t *testing.T) {
	tests := []struct {
		in   string
		size int64
		want string
	}{
		{"end-4097", 4096, "end-4097 lies before the start (the size is 4096 bytes)"},
		{"end-2", 1, "end-2 lies before the start (the size is 1 byte)"},
		{"end-1", 0, "end-1 lies before the start (the size is 0 bytes)"},
	}
	for _, tt := range tests {
		o, err := ParseOffset(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := o.Resolve(tt.size); err == nil || err.Error() != tt.want || !errors.Is(err, ErrRange) {
			t.Errorf("%s in %d bytes: Resolve = %d, %v; want ErrRange: %q", tt.in, tt.size, got, err, tt.want)
		}
	}
	if got, err := (Offset{N: 5000, Text: "5000"}).Resolve(10); got != 5000 || err != nil {
		t.Errorf("Resolve of an offset past the end = %d, %v; want it as is: callers say what is wrong there", got, err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1: "1 byte", 2: "2 bytes", 4096: "4096 bytes", -1: "-1 bytes"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	tests := []struct{ got, want string }{
		{Count(0, "change"), "0 changes"},
		{Count(1, "changed byte"), "1 changed byte"},
		{Count(int64(8), "changed byte"), "8 changed bytes"},
		{CountAs(1, "patch", "patches"), "1 patch"},
		{CountAs(2, "patch", "patches"), "2 patches"},
		{FormatSizeUnit(256 << 20), "256 MiB"},
		{FormatSizeUnit(8 << 10), "8 KiB"},
		{FormatSizeUnit(8<<10 + 1), "8193 bytes"},
		{FormatSizeUnit(1), "1 byte"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// FuzzParseHex checks that no input crashes the parsers, that ParseHex and ParseHexWildcards
// agree on input without wildcards, and that accepted bytes read back the same when written as
// hex again, in each of the separators.
func FuzzParseHex(f *testing.F) {
	for _, seed := range []string{"DEADBEEF", "de ad be ef", "de:ad", "0xde, 0xad", "0x1", "de ?? ef", "zz",
		"dea", "0xdead", "0x", "", " \n", "aéb", "??"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseHex(s)
		wb, wild, werr := ParseHexWildcards(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseHex(%q) error %v does not wrap ErrSyntax", s, err)
			}
			if werr == nil && !slices.Contains(wild, true) {
				t.Fatalf("ParseHex(%q) failed (%v) but ParseHexWildcards read it without wildcards", s, err)
			}
			return
		}
		if werr != nil || !bytes.Equal(wb, b) || slices.Contains(wild, true) || len(wild) != len(b) {
			t.Fatalf("ParseHex(%q) = % x, but ParseHexWildcards = % x, %v, %v", s, b, wb, wild, werr)
		}
		pairs := make([]string, len(b))
		for i, c := range b {
			pairs[i] = fmt.Sprintf("%02x", c)
		}
		for _, text := range []string{
			strings.Join(pairs, ""), strings.Join(pairs, " "), strings.Join(pairs, ":"), strings.Join(pairs, "\n"),
			strings.TrimPrefix(strings.Join(append([]string{""}, pairs...), ", 0x"), ", "),
		} {
			again, err := ParseHex(text)
			if err != nil || !bytes.Equal(again, b) {
				t.Fatalf("ParseHex(%q) = % x; written as %q it reads % x, %v", s, b, text, again, err)
			}
		}
	})
}

// FuzzParseSize checks ParseSize against arbitrary-precision arithmetic: every number, in decimal
// or hex, with or without a suffix, is read exactly when it fits in an int64 and is ErrRange
// when it does not.
func FuzzParseSize(f *testing.F) {
	f.Add(uint64(4096), uint8(0), false)
	f.Add(uint64(64), uint8(1), true)
	f.Add(uint64(math.MaxInt64), uint8(0), true)
	f.Add(uint64(math.MaxInt64>>30+1), uint8(3), false)
	f.Add(uint64(math.MaxUint64), uint8(6), false)
	suffixes := []string{"", "K", "M", "G", "KiB", "mib", "gIB"}
	shifts := []uint{0, 10, 20, 30, 10, 20, 30}
	f.Fuzz(func(t *testing.T, n uint64, which uint8, inHex bool) {
		i := int(which) % len(suffixes)
		text := fmt.Sprint(n)
		if inHex {
			text = fmt.Sprintf("0x%x", n)
		}
		text += suffixes[i]
		want := new(big.Int).Lsh(new(big.Int).SetUint64(n), shifts[i])
		got, err := ParseSize(text)
		if !want.IsInt64() {
			if !errors.Is(err, ErrRange) {
				t.Fatalf("ParseSize(%q) = %d, %v; want ErrRange", text, got, err)
			}
			return
		}
		if err != nil || got != want.Int64() {
			t.Fatalf("ParseSize(%q) = %d, %v; want %d", text, got, err, want)
		}
		o, err := ParseOffset("end-" + text)
		if err != nil || !o.FromEnd || o.N != got {
			t.Fatalf("ParseOffset(%q) = %+v, %v; want %d from the end", "end-"+text, o, err, got)
		}
	})
}

// FuzzParseOffset checks that no input crashes ParseOffset and that what it accepts is a
// non-negative count whose errors wrap ErrSyntax or ErrRange.
func FuzzParseOffset(f *testing.F) {
	for _, seed := range []string{"0", "0x1000", "64K", "end-16", "END - 0x10", "end", "-16", "1.5M", " 7 ", "end-9223372036854775808"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOffset(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrRange) {
				t.Fatalf("ParseOffset(%q) error %v wraps neither ErrSyntax nor ErrRange", s, err)
			}
			return
		}
		if o.N < 0 || o.Text != strings.TrimSpace(s) {
			t.Fatalf("ParseOffset(%q) = %+v", s, o)
		}
		at, err := o.Resolve(o.N)
		if err != nil || o.FromEnd && at != 0 || !o.FromEnd && at != o.N {
			t.Fatalf("ParseOffset(%q) = %+v; Resolve(%d) = %d, %v", s, o, o.N, at, err)
		}
	})
}

// FuzzParseSizeText checks ParseSize on arbitrary text: it does not crash, its errors wrap
// ErrSyntax or ErrRange, and it is the grammar of offsets counted from the start, so that
// ParseOffset agrees with it on every text that is not end-N.
func FuzzParseSizeText(f *testing.F) {
	for _, seed := range []string{"", "0", " 7 ", "4096", "0x1000", "64K", "0x10K", "1KiB", "1.5M", "end-16", "end",
		"-1", "9223372036854775807", "9223372036854775808", "8589934592G", "0x", "K", "KiB", "0xk", "\x00", "１"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil && !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrRange) {
			t.Fatalf("ParseSize(%q) error %v wraps neither ErrSyntax nor ErrRange", s, err)
		}
		o, oerr := ParseOffset(s)
		if oerr == nil && o.FromEnd {
			return
		}
		switch {
		case err == nil && (oerr != nil || o.N != n || n < 0):
			t.Fatalf("ParseSize(%q) = %d, but ParseOffset = %+v, %v", s, n, o, oerr)
		case err != nil && oerr == nil:
			t.Fatalf("ParseSize(%q) failed (%v), but ParseOffset = %+v", s, err, o)
		case err != nil && errors.Is(err, ErrRange) != errors.Is(oerr, ErrRange):
			t.Fatalf("ParseSize(%q) error %v, but ParseOffset's %v", s, err, oerr)
		}
	})
}
