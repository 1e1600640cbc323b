package tui

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/mmhex/mmhex/mmap"
)

// goTo moves the cursor to off through the vim command line and waits until the status bar
// says it is there.
func (s *simApp) goTo(off int) {
	s.t.Helper()
	s.typeText(fmt.Sprintf(":goto 0x%X", off))
	s.keys(key(tcell.KeyEnter))
	s.waitFor(fmt.Sprintf("0x%X (%d) /", off, off))
}

// TestAppVimHalfPagesAndScreenRows: Ctrl-D and Ctrl-U move half a screen, H, M and L go to the
// top, middle and bottom rows on screen, in the cursor's column.
func TestAppVimHalfPagesAndScreenRows(t *testing.T) {
	s := startSim(t, make([]byte, 4096), "vim", mmap.ReadWrite, Options{})
	var rows int
	s.onUI(func() { rows = int(s.a.ed.Visible().Len() / 16) })
	at := func(off int) {
		t.Helper()
		s.waitFor(fmt.Sprintf("hex  0x%X (%d) /", off, off))
	}
	s.typeText("5l")
	at(5)
	s.keys(key(tcell.KeyCtrlD))
	at(5 + rows/2*16)
	s.typeText("H")
	at(rows/2*16 + 5)
	s.keys(key(tcell.KeyCtrlU))
	at(5)
	s.typeText("L")
	at((rows-1)*16 + 5)
	s.typeText("M")
	at((rows-1)/2*16 + 5)
	s.typeText("H")
	at(5)
	s.typeText("2")
	s.keys(key(tcell.KeyCtrlD))
	at(5 + 2*(rows/2)*16)
}

// TestAppVimRepeat: . does the last change again at the cursor: a typed run, a replace, a fill,
// a paste, a delete and an insert; before any change it says there is nothing to repeat.
func TestAppVimRepeat(t *testing.T) {
	want := make([]byte, 64)
	s := startSim(t, want, "vim", mmap.ReadWrite, Options{})
	s.typeText(".")
	s.waitFor("nothing to repeat")

	s.typeText("R")
	s.waitFor("EDIT")
	s.typeText("abcd")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW")
	copy(want[0:], []byte{0xab, 0xcd})
	s.goTo(0x10)
	s.typeText(".")
	s.waitFor("repeated: wrote 2 bytes at 0x10")
	copy(want[0x10:], []byte{0xab, 0xcd})

	s.goTo(0x20)
	s.typeText("r11")
	s.goTo(0x22)
	s.typeText(".")
	s.waitFor("repeated: wrote 1 byte at 0x22")
	want[0x20], want[0x22] = 0x11, 0x11

	s.goTo(0x30)
	s.typeText("vlllv")
	s.waitFor("sel 4 B")
	s.prompt(tcell.NewEventKey(tcell.KeyRune, 's', tcell.ModNone), "fill 4 bytes", "e1e2")
	s.waitFor("filled 4 bytes at 0x30")
	s.keys(key(tcell.KeyEscape))
	s.goTo(0x38)
	s.typeText(".")
	s.waitFor("repeated: wrote 4 bytes at 0x38")
	copy(want[0x30:], []byte{0xe1, 0xe2, 0xe1, 0xe2})
	copy(want[0x38:], []byte{0xe1, 0xe2, 0xe1, 0xe2})

	s.goTo(0x10)
	s.typeText("vlv")
	s.waitFor("sel 2 B")
	s.typeText("y")
	s.waitFor("copied 2 bytes")
	if strings.Contains(s.screen(), "sel 2 B") {
		t.Errorf("the selection is still shown after y:\n%s", s.screen())
	}
	s.goTo(0x04)
	s.typeText("p")
	s.waitFor("pasted 2 bytes at 0x4")
	s.goTo(0x06)
	s.typeText(".")
	s.waitFor("repeated: wrote 2 bytes at 0x6")
	copy(want[0x04:], []byte{0xab, 0xcd, 0xab, 0xcd})

	s.goTo(0x3C)
	s.typeText("2x")
	s.waitFor("deleted 2 bytes at 0x3C")
	s.typeText(".")
	s.waitFor("repeated: deleted 2 bytes at 0x3C")
	want = want[:0x3C]

	s.goTo(0x3A)
	s.typeText("i99")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW")
	s.goTo(0x01)
	s.typeText(".")
	s.waitFor("repeated: inserted 1 byte at 0x1")
	want = slices.Insert(want, 0x3A, 0x99)
	want = slices.Insert(want, 0x01, 0x99)

	s.typeText(":w")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("flush")
	s.wantFile(want)
}
