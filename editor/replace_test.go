package editor

import (
	"errors"
	"testing"

	"github.com/mmhex/mmhex/mmap"
)

// TestReplace checks replace's input: two hex digits in the hex column, the first shown while it
// waits, one ASCII character in the text column, anything else ending it; in any mode, as one
// undo step, the cursor staying.
func TestReplace(t *testing.T) {
	tests := []struct {
		name    string
		column  Column
		edit    bool // in edit mode, where the replace still takes the character first
		typed   string
		want    []byte
		wantErr string
	}{
		{"two hex digits", HexColumn, false, "4a", with(seq(4), 1, 0x4A), ""},
		{"in edit mode", HexColumn, true, "4a", with(seq(4), 1, 0x4A), ""},
		{"no hex digit", HexColumn, false, "4z", seq(4), `'z' is not a hex digit: replace cancelled`},
		{"a character", TextColumn, false, "A", with(seq(4), 1, 'A'), ""},
		{"past ASCII", TextColumn, false, "é", seq(4), `replace writes one byte: type an ASCII character, or use edit mode for 'é'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFile(t, seq(4))
			f.SetCursor(1)
			f.SetColumn(tt.column)
			if tt.edit {
				mustEdit(t, f.Editor)
			}
			if col, err := f.StartReplace(); err != nil || col != tt.column {
				t.Fatalf("StartReplace = %v, %v; want %v, nil", col, err, tt.column)
			}
			var err error
			for i, r := range tt.typed {
				var typed bool
				if typed, err = f.Type(r); !typed {
					t.Fatalf("Type(%q) = false, want the replace to take it", r)
				}
				if i == 0 && len(tt.typed) == 2 && err == nil {
					if st := f.Status().Replace; !st.Waiting || !st.HasHigh || st.High != 4 {
						t.Errorf("after the first digit the status holds %+v, want it waiting with 4", st)
					}
				}
			}
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("error %q, want %q", got, tt.wantErr)
			}
			if st := f.Status(); st.Replace.Waiting || st.Cursor != 1 {
				t.Errorf("after the replace: waiting %v, cursor %d; want done, at 1", st.Replace.Waiting, st.Cursor)
			}
			f.wantFile(t, tt.want)
			if tt.wantErr == "" {
				if err := f.Undo(); err != nil {
					t.Fatal(err)
				}
				f.wantFile(t, seq(4))
			}
		})
	}
}

func TestReplaceCancelAndRefusal(t *testing.T) {
	f := newFile(t, seq(4))
	if f.CancelReplace() {
		t.Error("CancelReplace with no replace waiting = true, want false")
	}
	if _, err := f.StartReplace(); err != nil {
		t.Fatal(err)
	}
	if !f.CancelReplace() {
		t.Error("CancelReplace with a replace waiting = false, want true")
	}
	if typed, err := f.Type('4'); typed || err != nil {
		t.Errorf("Type after the cancel = %v, %v; want false, nil (view mode)", typed, err)
	}
	ro := openFile(t, seq(4), mmap.ReadOnly)
	if _, err := ro.StartReplace(); !errors.Is(err, ErrReadOnly) {
		t.Errorf("StartReplace read-only: %v, want ErrReadOnly", err)
	}
}
