package hexview

import "github.com/mmhex/mmhex/editor"

// separator stands between the offset, hex and text columns, with a space on either side.
const separator = "│"

// separatorWidth is the cells a separator takes with its spaces.
const separatorWidth = 3

// layout places the columns of one row, in cells from the left edge of the view.
type layout struct {
	digits int // hex digits of the offset column
	cols   int // bytes per row
	group  int // bytes between wider gaps; 0 for none
}

// hexStart is where the first byte's hex digits begin.
func (l layout) hexStart() int { return l.digits + separatorWidth }

// hexX is where byte i's two hex digits begin: three cells per byte, plus one more after each
// group.
func (l layout) hexX(i int) int { return l.hexStart() + 3*i + l.gapsBefore(i) }

func (l layout) gapsBefore(i int) int {
	if l.group <= 0 {
		return 0
	}
	return i / l.group
}

// hexEnd is the cell just after the last byte's digits.
func (l layout) hexEnd() int { return l.hexX(l.cols-1) + 2 }

// textStart is where the characters column begins.
func (l layout) textStart() int { return l.hexEnd() + separatorWidth }

// width is the cells a whole row takes.
func (l layout) width() int { return l.textStart() + l.cols }

// offsetDigits is the hex digits needed for the largest offset of a source of size bytes: at
// least 8, and more from 4 GiB on, so offsets past 0xffffffff are never cut.
func offsetDigits(size int64) int {
	digits := 8
	for last := max(size-1, 0) >> 32; last != 0; last >>= 4 {
		digits++
	}
	return digits
}

// layoutFor chooses the bytes per row for a view width cells wide over a source of size bytes.
func (h *HexView) layoutFor(width int, size int64) layout {
	l := layout{digits: offsetDigits(h.base + size), group: h.group}
	try := func(cols int) bool {
		l.cols = cols
		return l.width() <= width
	}
	want := h.columns
	if want == 0 {
		want = fitColumns
	}
	if try(want) {
		return l
	}
	// Fall back to the largest power of two below want that fits; one byte at the least.
	cols := 1
	for cols*2 < want {
		cols *= 2
	}
	for cols > 1 && !try(cols) {
		cols /= 2
	}
	l.cols = cols
	return l
}

// frame remembers where the last frame put things, to turn mouse positions into offsets.
type frame struct {
	x, y   int // the top-left cell of the inner rect
	rows   int
	layout layout
	top    int64
	size   int64
}

// hit returns the byte and column at screen cell (x, y) of the last frame.
func (f frame) hit(x, y int) (int64, editor.Column, bool) {
	l := f.layout
	rx, ry := x-f.x, y-f.y
	if l.cols == 0 || ry < 0 || ry >= f.rows {
		return 0, 0, false
	}
	var i int
	var col editor.Column
	switch {
	case rx >= l.hexStart() && rx < l.hexEnd():
		// A click on the gap after a byte counts for that byte.
		i, col = l.cols-1, editor.HexColumn
		for i > 0 && rx < l.hexX(i) {
			i--
		}
	case rx >= l.textStart() && rx < l.textStart()+l.cols:
		i, col = rx-l.textStart(), editor.TextColumn
	default:
		return 0, 0, false
	}
	off := f.top + int64(ry)*int64(l.cols) + int64(i)
	if off >= f.size {
		if f.size == 0 {
			return 0, 0, false
		}
		off = f.size - 1
	}
	return off, col, true
}
