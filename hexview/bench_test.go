package hexview

import (
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/mmhex/mmhex/editor"
	"github.com/rivo/tview"
)

// BenchmarkFrame draws one 200x60 frame of a source whose bytes are computed from their offsets,
// scrolling one row between frames so every frame changes the cells. A frame reads only the
// visible rows, so the 1 MiB and the 16 GiB source must cost the same. "draw" is the widget's
// Draw alone; "draw+show" adds the simulation screen's Show, as an application frame does.
func BenchmarkFrame(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int64
	}{{"1MiB", 1 << 20}, {"16GiB", 16 << 30}} {
		for _, show := range []bool{false, true} {
			name := size.name + "/draw"
			if show {
				name += "+show"
			}
			b.Run(name, func(b *testing.B) {
				src := &fakeSource{size: size.bytes}
				now := time.Now()
				h := New(src).SetClock(func() time.Time { return now })
				screen := tcell.NewSimulationScreen("UTF-8")
				if err := screen.Init(); err != nil {
					b.Fatal(err)
				}
				defer screen.Fini()
				screen.SetSize(200, 60)
				h.SetRect(0, 0, 200, 60)
				mid := size.bytes / 2 &^ 15
				// The two states the frames alternate between, made before the clock starts so
				// that allocs/op counts the draw's own (it must be 0).
				var states [2]editor.ViewState
				for i := range states {
					top := mid + int64(i)*16
					states[i] = editor.ViewState{
						Top:       top,
						Cursor:    top + 100,
						Selection: editor.Range{Start: top + 90, End: top + 140},
						Highlights: []editor.Highlight{
							{Range: editor.Range{Start: top + 200, End: top + 204}, Kind: editor.HighlightMatch},
							{Range: editor.Range{Start: top + 300, End: top + 302}, Kind: editor.HighlightUnflushed},
							{Range: editor.Range{Start: top + 400, End: top + 408}, Kind: editor.HighlightForeign, Seen: now},
						},
					}
				}
				frame := 0
				for b.Loop() {
					src.state = states[frame%2]
					frame++
					src.reads = src.reads[:0]
					h.Draw(screen)
					if show {
						screen.Show()
					}
				}
			})
		}
	}
}

// BenchmarkBareBox is the yardstick for BenchmarkFrame: a bare tview.Box drawn at 200x60, whose
// per-cell background fill is what a plain HexView skips.
func BenchmarkBareBox(b *testing.B) {
	screen := tcell.NewSimulationScreen("UTF-8")
	if err := screen.Init(); err != nil {
		b.Fatal(err)
	}
	defer screen.Fini()
	screen.SetSize(200, 60)
	box := tview.NewBox()
	box.SetRect(0, 0, 200, 60)
	for b.Loop() {
		box.Draw(screen)
	}
}
