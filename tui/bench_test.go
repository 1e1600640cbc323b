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
