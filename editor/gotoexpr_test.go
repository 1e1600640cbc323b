package editor

import (
	"strings"
	"testing"
)

func TestParseOffset(t *testing.T) {
	const size = 0x1000
	tests := []struct {
		expr   string
		cursor int64
		want   int64
	}{
		{"0x1F0", 0, 0x1F0},
		{"0X1f0", 0, 0x1F0},
		{"1234", 0, 1234},
		{"0", 0x10, 0},
		{"0755", 0, 755},
		{"0x0fff", 0, 0xFFF},
		{"  42\t", 0, 42},
		{"+16", 0x100, 0x110},
		{"-16", 0x100, 0xF0},
		{"+0x10", 0x100, 0x110},
		{"- 0x100", 0x100, 0},
		{"+ 0", 0x123, 0x123},
		{"50%", 0, 0x800},
		{"12.5%", 0, 0x200},
		{"0%", 0x300, 0},
		{"0.01%", 0, 0},
		{"99.99%", 0, 0xFFF},
		{"100%", 0, 0xFFF},
		{"100.0%", 0, 0xFFF},
		{"33 %", 0, 0x547}, // 4096 * 0.33 = 1351.68
		{".5%", 0, 0x14},   // 4096 * 0.005 = 20.48
		{"end", 0, 0xFFF},
		{"END", 0, 0xFFF},
		{"end-1", 0, 0xFFF},
		{"End-2", 0, 0xFFE},
		{"end - 0x10", 0, 0xFF0},
		{"end-0xfff", 0, 1},
		{"end-0x1000", 0, 0},
		{"end-1K", 0, 0xC00},
		{"1K", 0, 0x400},
		{"+1k", 0x100, 0x500},
		{"-0x1KiB", 0x500, 0x100},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseOffset(tt.expr, tt.cursor, size)
			if err != nil || got != tt.want {
				t.Errorf("ParseOffset(%q, 0x%X, 0x%X) = 0x%X, %v; want 0x%X", tt.expr, tt.cursor, size, got, err, tt.want)
			}
		})
	}
}

func TestParseOffsetLarge(t *testing.T) {
	const size = 100 << 30
	tests := []struct {
		expr   string
		cursor int64
		want   int64
	}{
		{"0x18FFFFFFFF", 0, 0x18FFFFFFFF},
		{"50%", 0, 50 << 30},
		{"12.5%", 0, 12.5 * (1 << 30)},
		{"+0x100000000", 1 << 33, 3 << 32},
		{"end", 0, size - 1},
		{"end-1G", 0, size - 1<<30},
		{"99G", 0, 99 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseOffset(tt.expr, tt.cursor, size)
			if err != nil || got != tt.want {
				t.Errorf("ParseOffset(%q, 0x%X, 0x%X) = 0x%X, %v; want 0x%X", tt.expr, tt.cursor, int64(size), got, err, tt.want)
			}
		})
	}
}

func TestParseOffsetErrors(t *testing.T) {
	const forms = "use 0x1F00 (hex), 1234 (decimal), 64K, +N or -N (from the cursor), 50%, end or end-N"
	tests := []struct {
		expr         string
		cursor, size int64
		want         string
	}{
		{"", 0, 0x1000, "empty offset: " + forms},
		{" \t ", 0, 0x1000, "empty offset: " + forms},
		{"xyz", 0, 0x1000, `cannot read offset "xyz": ` + forms},
		{"0x", 0, 0x1000, `cannot read offset "0x": ` + forms},
		{"0xg1", 0, 0x1000, `cannot read offset "0xg1": ` + forms},
		{"1f00", 0, 0x1000, `cannot read offset "1f00": ` + forms},
		{"1_000", 0, 0x1000, `cannot read offset "1_000": ` + forms},
		{"12 34", 0, 0x1000, `cannot read offset "12 34": ` + forms},
		{"+", 0, 0x1000, `cannot read offset "+": ` + forms},
		{"--5", 0x10, 0x1000, `cannot read offset "--5": ` + forms},
		{"+-5", 0x10, 0x1000, `cannot read offset "+-5": ` + forms},
		{"+10%", 0, 0x1000, `cannot read offset "+10%": ` + forms},
		{"0x10%", 0, 0x1000, `cannot read offset "0x10%": ` + forms},
		{"%", 0, 0x1000, `cannot read offset "%": ` + forms},
		{".%", 0, 0x1000, `cannot read offset ".%": ` + forms},
		{"1.2.3%", 0, 0x1000, `cannot read offset "1.2.3%": ` + forms},
		{"-1%", 0, 0x1000, `cannot read offset "-1%": ` + forms},
		{"end-", 0, 0x1000, `cannot read offset "end-": ` + forms},
		{"endless", 0, 0x1000, `cannot read offset "endless": ` + forms},
		{"end*2", 0, 0x1000, `cannot read offset "end*2": ` + forms},
		{"0x2000", 0, 0x1000, "offset 0x2000 is past the end (size 0x1000)"},
		{"4096", 0, 0x1000, "offset 0x1000 is past the end (size 0x1000)"},
		{"end+0", 0, 0x1000, `cannot read offset "end+0": ` + forms},
		{"end+1", 0, 0x1000, `cannot read offset "end+1": ` + forms},
		{"1T", 0, 0x1000, `cannot read offset "1T": ` + forms},
		{"99999999999999999999999", 0, 0x1000, "offset 99999999999999999999999 is past the end (size 0x1000)"},
		{"+99999999999999999999", 0, 0x1000, "offset +99999999999999999999 is past the end (size 0x1000)"},
		{"9223372036854775807K", 0, 0x1000, "offset 9223372036854775807K is past the end (size 0x1000)"},
		{"+0x7FFFFFFFFFFFFFFF", 0x10, 0x1000, "offset 0x800000000000000F is past the end (size 0x1000)"},
		{"+1", 0xFFF, 0x1000, "offset 0x1000 is past the end (size 0x1000)"},
		{"-0x11", 0x10, 0x1000, "offset -0x1 is before the start of the file"},
		{"-99999999999999999999", 0, 0x1000, "offset -99999999999999999999 is before the start of the file"},
		{"end-0", 0, 0x1000, "offset 0x1000 is past the end (size 0x1000)"},
		{"end-0x1001", 0, 0x1000, "offset -0x1 is before the start of the file"},
		{"end-99999999999999999999", 0, 0x1000, "offset end-99999999999999999999 is before the start of the file"},
		{"+1K", 0xFFF, 0x1000, "offset 0x13FF is past the end (size 0x1000)"},
		{"100.01%", 0, 0x1000, "offset 0x1000 is past the end (size 0x1000)"},
		{"200%", 0, 0x1000, "offset 0x2000 is past the end (size 0x1000)"},
		{"0", 0, 0, "the file is empty: there is no offset to go to"},
		{"end", 0, 0, "the file is empty: there is no offset to go to"},
		{"50%", 0, 0, "the file is empty: there is no offset to go to"},
		{"+0", 0, 0, "the file is empty: there is no offset to go to"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := ParseOffset(tt.expr, tt.cursor, tt.size)
			if err == nil {
				t.Fatalf("ParseOffset(%q, 0x%X, 0x%X) = 0x%X, want an error", tt.expr, tt.cursor, tt.size, got)
			}
			if err.Error() != tt.want {
				t.Errorf("error %q\nwant  %q", err, tt.want)
			}
		})
	}
}

func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"0x1F00", "1234", "+16", "-0x10", "50%", "12.5%", "end", "end-0x10", " 7 ", "0x", "1e3", "%", "+"} {
		f.Add(s, int64(0x100), int64(0x1000))
	}
	f.Add("end", int64(0), int64(0))
	f.Add("-1", int64(-5), int64(1<<62))
	f.Fuzz(func(t *testing.T, expr string, cursor, size int64) {
		got, err := ParseOffset(expr, cursor, size)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "") {
				t.Fatalf("ParseOffset(%q, %d, %d) error %q lacks the package prefix", expr, cursor, size, err)
			}
			return
		}
		if got < 0 || got >= size {
			t.Fatalf("ParseOffset(%q, %d, %d) = %d, outside [0, size)", expr, cursor, size, got)
		}
	})
}
