package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/mmap"
)

// BenchmarkOpenFirstFrame measures, in-process, what mmhex does between its start and its first
// screen: map the file, build the app, and draw the first 120x40 frame, for a small file and a
// 16 GiB sparse one. The time must not depend on the size.
func BenchmarkOpenFirstFrame(b *testing.B) {
	km, err := keymap.Load("default", nil, "")
	if err != nil {
		b.Fatal(err)
	}
	for _, size := range []int64{1 << 20, 16 << 30} {
		path := testdir.Sparse(b, size)
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			for b.Loop() {
				m, err := mmap.Open(path, mmap.ReadWrite)
				if err != nil {
					b.Fatal(err)
				}
				a := New(editor.New(m), km, Options{})
				sim := tcell.NewSimulationScreen("UTF-8")
				if err := sim.Init(); err != nil {
					b.Fatal(err)
				}
				sim.SetSize(120, 40)
				a.refresh()
				a.pages.SetRect(0, 0, 120, 40)
				a.pages.Draw(sim)
				sim.Show()
				if text := screenText(sim); !strings.HasPrefix(text, "000000000 │ 00 00") && !strings.HasPrefix(text, "00000000 │ 00 00") {
					b.Fatalf("first frame shows:\n%s", text)
				}
				m.Close()
			}
		})
	}
}

// discardTty is a terminal that takes every write and counts the bytes.
type discardTty struct {
	*fakeTty
	written int
}

func (t *discardTty) Write(p []byte) (int, error) { t.written += len(p); return len(p), nil }

func (t *discardTty) WindowSize() (tcell.WindowSize, error) {
	return tcell.WindowSize{Width: 120, Height: 40}, nil
}

// BenchmarkKeyFrame measures what one key costs between its arrival and the terminal: the key
// (l, one byte right, vim keys) and the frame tview then draws (refresh, clear, draw, Show) on
// tcell's own terminal screen, 120x40, over a 16 GiB sparse file. "diff" is the screen the app
// runs on; "tcell" draws straight onto tcell's, which re-sends every cell of every frame. It
// reports the bytes a frame sends to the terminal.
func BenchmarkKeyFrame(b *testing.B) {
	km, err := keymap.Load("vim", nil, "")
	if err != nil {
		b.Fatal(err)
	}
	path := testdir.Sparse(b, 16<<30)
	ti, err := tcell.LookupTerminfo("xterm-256color")
	if err != nil {
		b.Fatal(err)
	}
	for _, diff := range []bool{true, false} {
		name := "tcell"
		if diff {
			name = "diff"
		}
		b.Run(name, func(b *testing.B) {
			m, err := mmap.Open(path, mmap.ReadWrite)
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			a := New(editor.New(m), km, Options{})
			tty := &discardTty{fakeTty: newFakeTty()}
			term, err := tcell.NewTerminfoScreenFromTtyTerminfo(tty, ti)
			if err != nil {
				b.Fatal(err)
			}
			if err := term.Init(); err != nil {
				b.Fatal(err)
			}
			defer term.Fini()
			var screen tcell.Screen = term
			if diff {
				screen = newDiffScreen(term)
			}
			root := rootView{Pages: a.pages, a: a} // what the app runs tview with
			frame := func() {
				a.refresh()
				screen.Clear()
				root.SetRect(0, 0, 120, 40)
				root.Draw(screen)
				screen.Show()
			}
			frame()
			right := tcell.NewEventKey(tcell.KeyRune, 'l', tcell.ModNone)
			tty.written = 0
			for b.Loop() {
				a.capture(right)
				frame()
			}
			b.ReportMetric(float64(tty.written)/float64(b.N), "bytes/frame")
		})
	}
}
