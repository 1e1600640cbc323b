package editor

import (
	"slices"
	"testing"
)

// inspected returns the field called name, failing the test when Inspect has none.
func inspected(t *testing.T, b []byte, name string) Field {
	t.Helper()
	fields := Inspect(b)
	i := slices.IndexFunc(fields, func(f Field) bool { return f.Name == name })
	if i < 0 {
		t.Fatalf("Inspect(% x) has no field %q", b, name)
	}
	return fields[i]
}

func TestInspectFieldOrder(t *testing.T) {
	var names []string
	for _, f := range Inspect([]byte{1, 2, 3, 4, 5, 6, 7, 8}) {
		names = append(names, f.Name)
	}
	want := []string{"u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64", "binary", "UTF-8"}
	if !slices.Equal(names, want) {
		t.Errorf("fields %q, want %q", names, want)
	}
}

func TestInspect(t *testing.T) {
	tests := []struct {
		name        string
		b           []byte
		field       string
		little, big string
	}{
		{"u8", []byte{0xFF}, "u8", "255", ""},
		{"i8 of 0xFF", []byte{0xFF}, "i8", "-1", ""},
		{"i8 of 0x80", []byte{0x80, 0}, "i8", "-128", ""},
		{"i8 of 0x7F", []byte{0x7F}, "i8", "127", ""},
		{"u16", []byte{0x01, 0x02}, "u16", "513", "258"},
		{"i16", []byte{0xFE, 0xFF}, "i16", "-2", "-257"},
		{"u32", []byte{0x78, 0x56, 0x34, 0x12}, "u32", "305419896", "2018915346"},
		{"i32", []byte{0xFF, 0xFF, 0xFF, 0x7F}, "i32", "2147483647", "-129"},
		{"u64", []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, "u64", "18446744073709551615", "18446744073709551615"},
		{"i64", []byte{0, 0, 0, 0, 0, 0, 0, 0x80}, "i64", "-9223372036854775808", "128"},
		{"f32 of 1", []byte{0x00, 0x00, 0x80, 0x3F}, "f32", "1", "4.6006e-41"},
		{"f32 big-endian 1", []byte{0x3F, 0x80, 0x00, 0x00}, "f32", "4.6006e-41", "1"},
		{"f32 -2.5", []byte{0xC0, 0x20, 0x00, 0x00}, "f32", "1.1748e-41", "-2.5"},
		{"f32 NaN", []byte{0x00, 0x00, 0xC0, 0x7F}, "f32", "NaN", "6.9055e-41"},
		{"f32 infinity", []byte{0x00, 0x00, 0x80, 0xFF}, "f32", "-Inf", "4.6275e-41"},
		{"f64 of 1", []byte{0, 0, 0, 0, 0, 0, 0xF0, 0x3F}, "f64", "1", "3.03865e-319"},
		{"f64 0.1", []byte{0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A}, "f64", "-1.5423487136675799e-180", "0.1"},
		{"binary", []byte{0x41}, "binary", "0b01000001", ""},
		{"binary of 0", []byte{0}, "binary", "0b00000000", ""},
		{"ASCII", []byte("A\xff"), "UTF-8", "'A' U+0041", ""},
		{"control", []byte("\n"), "UTF-8", `'\n' U+000A`, ""},
		{"two bytes", []byte("é!"), "UTF-8", "'é' U+00E9", ""},
		{"four bytes", []byte("😀"), "UTF-8", "'😀' U+1F600", ""},
		{"replacement character", []byte("\uFFFD"), "UTF-8", "'�' U+FFFD", ""},
		{"continuation byte", []byte{0xA9, 'a'}, "UTF-8", "invalid", ""},
		{"cut short", []byte{0xE2, 0x82}, "UTF-8", "invalid", ""},
		{"surrogate", []byte{0xED, 0xA0, 0x80}, "UTF-8", "invalid", ""},
		{"u16 needs two bytes", []byte{1}, "u16", NoValue, NoValue},
		{"u32 needs four bytes", []byte{1, 2, 3}, "u32", NoValue, NoValue},
		{"i32 needs four bytes", []byte{1, 2, 3}, "i32", NoValue, NoValue},
		{"f32 needs four bytes", []byte{1, 2, 3}, "f32", NoValue, NoValue},
		{"u64 needs eight bytes", []byte{1, 2, 3, 4, 5, 6, 7}, "u64", NoValue, NoValue},
		{"f64 needs eight bytes", []byte{1, 2, 3, 4, 5, 6, 7}, "f64", NoValue, NoValue},
		{"u32 with more bytes", []byte{1, 0, 0, 0, 9, 9}, "u32", "1", "16777216"},
		{"nothing: u8", nil, "u8", NoValue, ""},
		{"nothing: binary", nil, "binary", NoValue, ""},
		{"nothing: UTF-8", nil, "UTF-8", NoValue, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := inspected(t, tt.b, tt.field)
			if f.Little != tt.little || f.Big != tt.big {
				t.Errorf("%s of % x = %q / %q, want %q / %q", tt.field, tt.b, f.Little, f.Big, tt.little, tt.big)
			}
		})
	}
}
