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
