// Package hexview draws bytes for mmhex: HexView, a tview primitive that shows rows of
// offset | hex bytes | characters from a byte source and a snapshot of the editor's state, and
// StatusBar, the line under it. It is the only package that draws; it never talks to the OS.
//
// A frame reads only the visible rows (one ReadAt into a reused buffer), so drawing costs the
// same for a 1 KiB file and a 100 GiB one.
//
// # Colours
//
// Bytes are coloured by class, as hexyl does, with the terminal's own 16 ANSI colours: NUL grey,
// printable ASCII cyan, ASCII whitespace green, other ASCII control characters magenta, other
// bytes (0x80-0xFE) yellow, and 0xFF bright red. Highlights have backgrounds: selection blue,
// search matches yellow, unflushed edits red and bold, bookmarks magenta, and bytes another
// process changed orange, fading out over editor.ForeignLifetime (two seconds). The cursor is
// reverse video in the column that has focus (only the nibble being typed, in edit mode) and
// underlined in the other column; inside a selection it is underlined too.
//
// With SetNoColor(true) (the app sets it when the NO_COLOR environment variable is,
// https://no-color.org), nothing is coloured and the same information is carried by attributes:
// selection reverse, matches underlined, unflushed edits bold, bookmarks italic, foreign changes
// blinking until they fade.
package hexview

import (
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/mmhex/mmhex/editor"
	"github.com/rivo/tview"
)

// Source is what a HexView draws from: the bytes, and the editor's state for a page of rows x
// cols bytes. ViewState is called once per frame with the page the view has room for (a second
// time when a new size changed the width of the offsets, and so the bytes per row); the editor
// adjusts Top there so the cursor stays visible.
type Source interface {
	ReadAt(p []byte, off int64) (int, error)
	ViewState(rows, cols int) editor.ViewState
}

const (
	// defaultGroup is the number of bytes between the wider gaps in the hex column.
	defaultGroup = editor.GroupSize
	// fitColumns is the bytes per row a view uses whenever it fits.
	fitColumns = 16
	// wheelRows is how many rows one notch of the mouse wheel scrolls.
	wheelRows = 3
)

// HexView is a tview primitive that draws a Source as rows of offset, hex bytes and characters.
// It takes no keys: the app names them with KeyName and decides what they do.
type HexView struct {
	*tview.Box

	src     Source
	columns int // requested bytes per row; 0 fits the width
	group   int
	noColor bool
	now     func() time.Time

	onClick  func(off int64, col editor.Column)
	onScroll func(rows int)

	size   int64 // the Source's size at the last frame, which sets the offset width
	last   frame // the last frame drawn, for mouse hits
	fading bool  // the last frame drew a foreign change that is still fading

	// Reused between frames so that drawing does not allocate per frame.
	buf    []byte
	marks  []mark
	levels []float64
	row    []cell
}

var _ tview.Primitive = (*HexView)(nil)

// New returns a HexView that draws src, in colour.
func New(src Source) *HexView {
	h := &HexView{
		Box:   tview.NewBox(),
		src:   src,
		group: defaultGroup,
		now:   time.Now,
	}
	// The terminal's own background, so the view suits light and dark themes alike.
	h.SetBackgroundColor(tcell.ColorDefault)
	return h
}

// SetColumns sets the bytes per row. 0 (the default) fits the width: 16 bytes when they fit,
// otherwise the largest power of two that does. A number that does not fit the width falls back
// the same way, to the largest power of two below it that fits.
func (h *HexView) SetColumns(n int) *HexView {
	h.columns = max(n, 0)
	return h
}

// SetGroup sets how many bytes stand between the wider gaps of the hex column (8 by default);
// 0 puts no wider gaps.
func (h *HexView) SetGroup(n int) *HexView {
	h.group = max(n, 0)
	return h
}

// SetNoColor draws without colours when on: attributes alone tell the bytes and highlights
// apart (see the package documentation).
func (h *HexView) SetNoColor(on bool) *HexView {
	h.noColor = on
	return h
}

// SetClock sets the clock that ages foreign changes, so tests can draw a fade at a chosen time.
func (h *HexView) SetClock(now func() time.Time) *HexView {
	h.now = now
	return h
}

// SetOnClick sets the function called when the left button is pressed on a byte, with its
// offset and the column it was clicked in.
func (h *HexView) SetOnClick(f func(off int64, col editor.Column)) *HexView {
	h.onClick = f
	return h
}

// SetOnScroll sets the function called for the mouse wheel, with the rows to scroll: negative
// up, positive down.
func (h *HexView) SetOnScroll(f func(rows int)) *HexView {
	h.onScroll = f
	return h
}

// Geometry returns the bytes per row and the rows that Draw uses for an inner area of width x
// height cells, for the size the Source had at the last frame (it sets the offset width).
func (h *HexView) Geometry(width, height int) (cols, rows int) {
	return h.layoutFor(width, h.size).cols, max(height, 0)
}

// Fading reports whether the last frame drew a change by another process that has not faded
// yet, so the app keeps redrawing until it has.
func (h *HexView) Fading() bool { return h.fading }

// MouseHandler returns the handler that places the cursor on a click and scrolls on the wheel.
func (h *HexView) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (consumed bool, capture tview.Primitive) {
	return h.WrapMouseHandler(func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		x, y := event.Position()
		if !h.InRect(x, y) {
			return false, nil
		}
		switch action {
		case tview.MouseLeftDown:
			setFocus(h)
			if off, col, ok := h.last.hit(x, y); ok && h.onClick != nil {
				h.onClick(off, col)
			}
			return true, nil
		case tview.MouseScrollUp, tview.MouseScrollDown:
			if h.onScroll != nil {
				rows := wheelRows
				if action == tview.MouseScrollUp {
					rows = -rows
				}
				h.onScroll(rows)
			}
			return true, nil
		}
		return false, nil
	})
}
