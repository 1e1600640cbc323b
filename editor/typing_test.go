package editor

import (
	"errors"
	"testing"
)

// TestType checks that one call types a character in the mode and column in force: nothing in
// view mode, a nibble in the hex column, the character's bytes in the text column, and a refusal
// that matches ErrNotHexDigit for a character the hex column cannot take.
func TestType(t *testing.T) {
	f := newFile(t, seq(8))
	if typed, err := f.Type('a'); typed || err != nil {
		t.Errorf("Type in view mode = %v, %v; want false, nil", typed, err)
	}
	f.wantFile(t, seq(8))
	mustEdit(t, f.Editor)
	for _, r := range "ab" {
		if typed, err := f.Type(r); !typed || err != nil {
			t.Fatalf("Type(%q) in the hex column = %v, %v; want true, nil", r, typed, err)
		}
	}
	typed, err := f.Type('g')
	if !typed || !errors.Is(err, ErrNotHexDigit) || err.Error() != "'g' is not a hex digit" {
		t.Errorf("Type('g') in the hex column = %v, %v; want true and 'g' is not a hex digit", typed, err)
	}
	f.ToggleColumn()
	if typed, err := f.Type('é'); !typed || err != nil {
		t.Fatalf("Type('é') in the text column = %v, %v; want true, nil", typed, err)
	}
	f.wantFile(t, with(seq(8), 0, 0xAB, 0xC3, 0xA9))
	if got := f.Cursor(); got != 3 {
		t.Errorf("cursor %d after typing, want 3", got)
	}
}

// TestTypingStopsAtTheEnd checks that typing at the last byte writes nothing partial and does not
// write the last byte again: a hex digit after the byte is complete, and a character whose bytes
// do not fit, are refused with ErrEndOfFile. Moving onto the last byte again lets typing resume.
func TestTypingStopsAtTheEnd(t *testing.T) {
	f := newFile(t, seq(4))
	f.SetCursor(3)
	mustEdit(t, f.Editor)
	for _, r := range "12" {
		if _, err := f.Type(r); err != nil {
			t.Fatalf("Type(%q) at the last byte: %v", r, err)
		}
	}
	for _, r := range "34" {
		if typed, err := f.Type(r); !typed || !errors.Is(err, ErrEndOfFile) || err.Error()[:11] != "end of file" {
			t.Errorf("Type(%q) past the last byte = %v, %v; want true and end of file", r, typed, err)
		}
	}
	f.wantFile(t, with(seq(4), 3, 0x12))

	f.SetCursor(3)
	if _, err := f.Type('a'); err != nil {
		t.Errorf("Type('a') after moving onto the last byte again: %v", err)
	}
	f.wantFile(t, with(seq(4), 3, 0xA2))

	f.SetCursor(3)
	f.ToggleColumn()
	if typed, err := f.Type('é'); !typed || !errors.Is(err, ErrEndOfFile) {
		t.Errorf("Type('é') at the last byte = %v, %v; want true and end of file", typed, err)
	}
	f.wantFile(t, with(seq(4), 3, 0xA2))
	if _, err := f.Type('z'); err != nil {
		t.Errorf("Type('z') at the last byte: %v", err)
	}
	if _, err := f.Type('y'); !errors.Is(err, ErrEndOfFile) {
		t.Errorf("Type('y') past the last byte: got %v, want end of file", err)
	}
	f.wantFile(t, with(seq(4), 3, 'z'))
}
