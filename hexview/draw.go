package hexview

import (
	"github.com/gdamore/tcell/v2"
	"github.com/mmhex/mmhex/editor"
)

// mark is the set of highlights on one visible byte.
type mark uint8

const (
	markSelected mark = 1 << iota
	markMatch
	markUnflushed
	markBookmark
	markForeign
)

// class is what kind of byte a cell shows, which picks its colour.
type class uint8

const (
	classNone       class = iota // a gap between bytes
	classNUL                     // 0x00
	classPrintable               // 0x21-0x7e
	classSpace                   // ASCII whitespace: space, \t, \n, \v, \f, \r
	classControl                 // the other ASCII bytes
	classHigh                    // 0x80-0xfe
	classFF                      // 0xff
	classUnreadable              // a byte the source could not read
)

var classColors = [...]tcell.Color{
	classNone:       tcell.ColorDefault,
	classNUL:        tcell.ColorGray,
	classPrintable:  tcell.ColorTeal,
	classSpace:      tcell.ColorGreen,
	classControl:    tcell.ColorPurple,
	classHigh:       tcell.ColorOlive,
	classFF:         tcell.ColorRed,
	classUnreadable: tcell.ColorGray,
}

func classOf(b byte) class {
	switch {
	case b == 0:
		return classNUL
	case b == ' ' || b >= '\t' && b <= '\r':
		return classSpace
	case b > ' ' && b < 0x7f:
		return classPrintable
	case b < 0x80:
		return classControl
	case b == 0xff:
		return classFF
	default:
		return classHigh
	}
}

// Cell strings made once, so that drawing a frame does not allocate them.
var (
	hexDigits = [16]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"}
	charCells = func() (cells [256]string) {
		for b := range cells {
			cells[b] = "."
			if b >= ' ' && b < 0x7f {
				cells[b] = string(rune(b))
			}
		}
		return cells
	}()
)

// Draw draws the visible rows of the source.
//
// Every cell of the view is written exactly once per frame, row by row, so nothing stale is left
// behind after a resize. A plain view (no border, padding or draw function) skips the Box's own
// background fill: that fill goes through SetContent, which allocates per cell, and costs about
// as much as drawing the whole view, so skipping it halves the time of a frame (BenchmarkBareBox).
func (h *HexView) Draw(screen tcell.Screen) {
	h.SetRect(h.GetRect()) // forget an inner rect cached under an earlier border or padding
	x, y, width, height := h.GetInnerRect()
	if bx, by, bw, bh := h.GetRect(); x != bx || y != by || width != bw || height != bh || h.GetDrawFunc() != nil {
		h.DrawForSubclass(screen, h)
		x, y, width, height = h.GetInnerRect()
	}
	h.last, h.fading = frame{}, false
	if width <= 0 || height <= 0 {
		return
	}
	l := h.layoutFor(width, h.size)
	st := h.src.ViewState(height, l.cols)
	if st.Size != h.size {
		// The size sets the offset width, and that may change the bytes per row.
		h.size = st.Size
		if fitted := h.layoutFor(width, st.Size); fitted != l {
			l = fitted
			st = h.src.ViewState(height, l.cols)
			h.size = st.Size
		}
	}
	h.last = frame{x: x, y: y, rows: height, layout: l, top: st.Top, size: st.Size}

	n := 0
	if st.Top >= 0 && st.Top < st.Size {
		n = int(min(st.Size-st.Top, int64(height)*int64(l.cols)))
	}
	if cap(h.buf) < n {
		h.buf, h.marks, h.levels = make([]byte, n), make([]mark, n), make([]float64, n)
	}
	buf := h.buf[:n]
	read := 0
	if n > 0 {
		// Bytes past a short read (a file truncated underneath) are drawn as unreadable.
		read, _ = h.src.ReadAt(buf, st.Top)
		read = min(max(read, 0), n)
	}
	h.mark(st, n)

	if cap(h.row) < width {
		h.row = make([]cell, width)
	}
	p := painter{row: h.row[:width], blank: cell{text: " ", style: tcell.StyleDefault.Background(h.GetBackgroundColor()), gap: true}}
	for row := range height {
		p.clear()
		rowOff := st.Top + int64(row)*int64(l.cols)
		if row == 0 || rowOff < st.Size {
			h.drawRow(&p, l, st, rowOff, row*l.cols, buf[:read])
		}
		p.flush(screen, x, y+row)
	}
}

// drawRow paints the row at rowOff, whose first byte is buf[first] when it could be read.
func (h *HexView) drawRow(p *painter, l layout, st editor.ViewState, rowOff int64, first int, buf []byte) {
	h.drawOffset(p, l, rowOff, st.Cursor >= rowOff && st.Cursor < rowOff+int64(l.cols))
	for j := range l.cols {
		off := rowOff + int64(j)
		if off >= st.Size {
			break
		}
		i := first + j
		c, b := classUnreadable, byte(0)
		if i < len(buf) {
			b = buf[i]
			c = classOf(b)
		}
		h.drawByte(p, l, j, c, b, i, off == st.Cursor, st)
		if j+1 < l.cols && off+1 < st.Size {
			gap := h.style(classNone, h.marks[i]&h.marks[i+1], min(h.levels[i], h.levels[i+1]))
			for gx := l.hexX(j) + 2; gx < l.hexX(j+1); gx++ {
				p.putGap(gx, gap)
			}
		}
	}
}

// drawOffset draws a row's offset and the separators; the cursor's row has a bold offset.
func (h *HexView) drawOffset(p *painter, l layout, off int64, cursorRow bool) {
	offStyle, sepStyle := tcell.StyleDefault, tcell.StyleDefault
	if !h.noColor {
		offStyle, sepStyle = offStyle.Foreground(tcell.ColorGray), sepStyle.Foreground(tcell.ColorGray)
	}
	if cursorRow {
		offStyle = tcell.StyleDefault.Bold(true)
	}
	for k := range l.digits {
		p.put(k, hexDigits[off>>(4*(l.digits-1-k))&0xf], offStyle)
	}
	p.put(l.digits+1, separator, sepStyle)
	p.put(l.hexEnd()+1, separator, sepStyle)
}

// drawByte draws byte j of a row in both columns; i is its index among the visible bytes.
func (h *HexView) drawByte(p *painter, l layout, j int, c class, b byte, i int, cursor bool, st editor.ViewState) {
	base := h.style(c, h.marks[i], h.levels[i])
	high, low, char := base, base, base
	if cursor {
		focus, other := h.cursorStyle(base, h.marks[i]), base.Underline(true)
		switch {
		case st.Column == editor.TextColumn:
			high, low, char = other, other, focus
		case st.Mode != editor.ViewMode && st.LowNibble:
			high, low, char = other, focus, other
		case st.Mode != editor.ViewMode:
			high, low, char = focus, other, other
		default:
			high, low, char = focus, focus, other
		}
	}
	hi, lo, ch := hexDigits[b>>4], hexDigits[b&0xf], charCells[b]
	if c == classUnreadable {
		hi, lo, ch = "?", "?", "?"
	}
	x := l.hexX(j)
	p.put(x, hi, high)
	p.put(x+1, lo, low)
	p.put(l.textStart()+j, ch, char)
}

// style is the look of a byte of class c with highlights m; level is how fresh a foreign change
// is, from 1 (just seen) down to 0 (faded).
func (h *HexView) style(c class, m mark, level float64) tcell.Style {
	s := tcell.StyleDefault
	if c == classUnreadable {
		s = s.Dim(true)
	}
	if m&markUnflushed != 0 {
		s = s.Bold(true)
	}
	if h.noColor {
		if m&markSelected != 0 {
			s = s.Reverse(true)
		}
		if m&markMatch != 0 {
			s = s.Underline(true)
		}
		if m&markBookmark != 0 {
			s = s.Italic(true)
		}
		if m&markForeign != 0 && level > 0 {
			s = s.Blink(true)
		}
		return s
	}
	// Later highlights paint over earlier ones: the selection, which the user is acting on,
	// over everything.
	fg, bg := classColors[c], tcell.ColorDefault
	if m&markBookmark != 0 {
		fg, bg = tcell.ColorWhite, tcell.ColorPurple
	}
	if m&markMatch != 0 {
		fg, bg = tcell.ColorBlack, tcell.ColorOlive
	}
	if m&markUnflushed != 0 {
		fg, bg = tcell.ColorWhite, tcell.ColorMaroon
	}
	if m&markForeign != 0 && level > 0 {
		fg, bg = fade(level)
	}
	if m&markSelected != 0 {
		bg = tcell.ColorNavy
		if fg == tcell.ColorBlack {
			fg = tcell.ColorWhite
		}
	}
	return s.Foreground(fg).Background(bg)
}

// cursorStyle is the look of the cursor in the column that has focus: reverse video, and
// underlined inside a selection so it stands out there too.
func (h *HexView) cursorStyle(s tcell.Style, m mark) tcell.Style {
	selected := m&markSelected != 0
	// Without colours the selection is itself reverse video, so the cursor turns it back.
	s = s.Reverse(!(selected && h.noColor))
	if selected {
		s = s.Underline(true)
	}
	return s
}

// fade returns the colours of a foreign change at freshness level: bright orange when just seen,
// darkening towards brown as it ages.
func fade(level float64) (fg, bg tcell.Color) {
	mix := func(fresh, old int32) int32 { return old + int32(float64(fresh-old)*level) }
	bg = tcell.NewRGBColor(mix(255, 72), mix(135, 40), 0)
	fg = tcell.ColorWhite
	if level >= 0.5 {
		fg = tcell.ColorBlack
	}
	return fg, bg
}

// mark records the selection and highlights on each of the n visible bytes from st.Top.
func (h *HexView) mark(st editor.ViewState, n int) {
	marks, levels := h.marks[:n], h.levels[:n]
	clear(marks)
	clear(levels)
	top, end := st.Top, st.Top+int64(n)
	// span returns the indexes of r's visible bytes. r is clipped to the view while still int64:
	// the distance from the view to a range far from it does not fit the int of a 32-bit build,
	// where it would wrap to an index inside or past the n visible bytes.
	span := func(r editor.Range) (int, int) {
		start, stop := min(max(r.Start, top), end), max(min(r.End, end), top)
		return int(start - top), int(stop - top)
	}
	a, b := span(st.Selection)
	for i := a; i < b; i++ {
		marks[i] |= markSelected
	}
	now := h.now()
	for _, hl := range st.Highlights {
		level := 1.0
		var m mark
		switch hl.Kind {
		case editor.HighlightMatch:
			m = markMatch
		case editor.HighlightUnflushed, editor.HighlightPending:
			// Bytes typed in insert mode, not in the file yet, are as unflushed as can be.
			m = markUnflushed
		case editor.HighlightBookmark:
			m = markBookmark
		case editor.HighlightForeign:
			m = markForeign
			if !hl.Seen.IsZero() {
				level = min(1-float64(now.Sub(hl.Seen))/float64(editor.ForeignLifetime), 1)
			}
		}
		if m == 0 || level <= 0 {
			continue
		}
		a, b := span(hl.Range)
		if a < b && m == markForeign && !hl.Seen.IsZero() {
			h.fading = true
		}
		for i := a; i < b; i++ {
			marks[i] |= m
			if m == markForeign {
				levels[i] = max(levels[i], level)
			}
		}
	}
}

// cell is one screen cell waiting to be written. A gap is a blank between the things the view
// shows, whose foreground colour nobody sees.
type cell struct {
	text  string
	style tcell.Style
	gap   bool
}

// painter collects one row of cells and writes them all, so that every cell of the view is
// written once per frame and nothing lands past the right edge.
type painter struct {
	row   []cell
	blank cell
}

func (p *painter) clear() {
	for i := range p.row {
		p.row[i] = p.blank
	}
}

func (p *painter) put(x int, text string, style tcell.Style) {
	if x < len(p.row) {
		p.row[x] = cell{text: text, style: style}
	}
}

func (p *painter) putGap(x int, style tcell.Style) {
	if x < len(p.row) {
		p.row[x] = cell{text: " ", style: style, gap: true}
	}
}

// flush writes the row. A gap takes the style of the cell before it when it looks the same in
// both (only its foreground and the attributes that do not show on a blank differ): the terminal
// is then sent a style once per run of cells, not around each gap between bytes, which halves a
// frame's bytes.
func (p *painter) flush(screen tcell.Screen, x, y int) {
	prev := tcell.StyleDefault
	for i, c := range p.row {
		if c.gap && blankAlike(c.style, prev) {
			c.style = prev
		}
		screen.Put(x+i, y, c.text, c.style)
		prev = c.style
	}
}

// blankAlike reports whether a blank looks the same in styles a and b.
func blankAlike(a, b tcell.Style) bool {
	const shows = tcell.AttrReverse | tcell.AttrStrikeThrough
	_, abg, aattr := a.Decompose()
	_, bbg, battr := b.Decompose()
	return abg == bbg && (aattr|battr)&shows == 0 &&
		a.GetUnderlineStyle() == tcell.UnderlineStyleNone && b.GetUnderlineStyle() == tcell.UnderlineStyleNone
}
