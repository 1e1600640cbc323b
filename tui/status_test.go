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
