package editor

import "testing"

// TestVisible checks that the bytes on screen are the page the view last reported, from the top
// row the editor scrolled to, cut at the end.
func TestVisible(t *testing.T) {
	f := newFile(t, seq(200))
	f.ViewState(4, 16)
	if got, want := f.Visible(), (Range{0, 64}); got != want {
		t.Errorf("at the start %v, want %v", got, want)
	}
	f.SetCursor(150)
	f.ViewState(4, 16)
	if got, want := f.Visible(), (Range{96, 160}); got != want {
		t.Errorf("with the cursor at 150 %v, want %v", got, want)
	}
	f.FileEnd()
	f.ViewState(3, 32)
	if got, want := f.Visible(), (Range{128, 200}); got != want {
		t.Errorf("at the end, 3 rows of 32, %v, want %v", got, want)
	}
}
