package tui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// TestAppEditorErrorsSpeakPlainly checks that the editor's errors reach the status bar as the
// sentences they are, with no package prefix.
func TestAppEditorErrorsSpeakPlainly(t *testing.T) {
	s := startSim(t, testdir.Sample(t), "default", mmap.ReadWrite, Options{})
	for _, step := range []struct {
		do   func()
		want string
	}{
		{func() { s.keys(key(tcell.KeyCtrlZ)) }, "nothing to undo"},
		{func() { s.keys(key(tcell.KeyF3)) }, "no previous search"},
		{func() { s.command(key(tcell.KeyCtrlE), "0x2000") }, "offset 0x2000 is past the end"},
		{func() { s.keys(key(tcell.KeyInsert), key(tcell.KeyEscape), key(tcell.KeyCtrlV)) }, "nothing to paste"},
	} {
		step.do()
		s.waitFor(step.want)
		if strings.Contains(s.screen(), "editor:") {
			t.Errorf("the status bar shows a package prefix:\n%s", s.screen())
		}
	}
}

// TestAppReplaceEndsAtAnotherKey checks that a key that types nothing ends a waiting replace,
// shown in the status bar until then, without doing what it is bound to.
func TestAppReplaceEndsAtAnotherKey(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "vim", mmap.ReadWrite, Options{})
	s.typeText("lr4")
	s.waitFor("replace: 4_")
	s.keys(key(tcell.KeyRight))
	s.waitFor("replace cancelled")
	s.waitForNot("replace: 4_")
	if got := s.a.ed.Cursor(); got != 1 {
		t.Errorf("the cursor is at %d, want 1: the key that ended the replace moved it", got)
	}
	s.typeText("r4")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("replace cancelled")
	s.wantFile(data)
}
