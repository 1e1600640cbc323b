package tui

import (
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/uniseg"
)

// diffScreen hands tcell only the cells whose look a frame changes. tcell sends a cell when its
// text differs from the text it held a moment before, not from what the terminal shows: tview
// clears the whole screen before every frame (Application.draw) and boxes fill their background
// before their contents are drawn over it, so every cell counts as changed and tcell re-sends
// the whole screen for each key, although the terminal shows it already (a 120x40 screen of hex
// cells is 11-15 KB, more than a pty takes in one write). diffScreen collects the frame in a
// buffer of its own and, at Show, puts into tcell's the cells that differ from what it put there
// last; tcell then sends just those.
type diffScreen struct {
	tcell.Screen
	w, h int
	// frame is the frame being drawn, row by row; shown is what was last put into tcell's
	// buffer, with valid false for cells that must be put again.
	frame, shown []shadowCell
	// styles are the styles the cells use, by index (a tcell.Style is 80 bytes, and a screen
	// uses a dozen), and index finds a style's index. last is the index found last, which the
	// next cell most often shares.
	styles []tcell.Style
	index  map[tcell.Style]uint32
	last   uint32
}

// shadowCell is one cell: a grapheme cluster ("" for the second cell of a wide one), the index
// of its style and its width.
type shadowCell struct {
	text  string
	style uint32
	width uint8
	valid bool
}

// maxStyles bounds the style table between frames: live mode's fading colours add styles
// as they age.
const maxStyles = 1024

// styleIndex returns the index of style in the table, adding it if it is new.
func (s *diffScreen) styleIndex(style tcell.Style) uint32 {
	if int(s.last) < len(s.styles) && s.styles[s.last] == style {
		return s.last
	}
	i, ok := s.index[style]
	if !ok {
		i = uint32(len(s.styles))
		s.styles = append(s.styles, style)
		s.index[style] = i
	}
	s.last = i
	return i
}

func newDiffScreen(s tcell.Screen) *diffScreen {
	return &diffScreen{Screen: s, index: map[tcell.Style]uint32{}}
}

// fit sizes the buffers to the screen; a new size starts from a blank frame that must be put whole.
func (s *diffScreen) fit() {
	w, h := s.Screen.Size()
	if w == s.w && h == s.h && s.frame != nil {
		return
	}
	s.w, s.h = w, h
	s.frame, s.shown = make([]shadowCell, w*h), make([]shadowCell, w*h)
	blank := shadowCell{text: " ", style: s.styleIndex(tcell.StyleDefault), width: 1, valid: true}
	for i := range s.frame {
		s.frame[i] = blank
	}
}

// Clear starts a frame from blanks, as tcell's Clear does.
func (s *diffScreen) Clear() { s.Fill(' ', tcell.StyleDefault) }

func (s *diffScreen) Fill(r rune, style tcell.Style) {
	s.fit()
	if len(s.styles) > maxStyles {
		// Start the table afresh; every cell is put again, and tcell sends those that changed.
		s.styles, s.last = s.styles[:0], 0
		clear(s.index)
		clear(s.shown)
	}
	c := shadowCell{text: runeText(r), style: s.styleIndex(style), width: 1, valid: true}
	for i := range s.frame {
		s.frame[i] = c
	}
}

// Put draws the first grapheme cluster of str at x, y, as tcell's Put does, and returns the rest
// of str and the cluster's width.
func (s *diffScreen) Put(x, y int, str string, style tcell.Style) (string, int) {
	if s.frame == nil {
		// Clear sizes the buffers at the start of each of tview's frames, and put notices a
		// resize during one; asking tcell for the size at every cell would take its lock.
		s.fit()
	}
	if x < 0 || y < 0 || x >= s.w || y >= s.h {
		return str, 0
	}
	if len(str) > 0 && isPrintableASCII(str[0]) && (len(str) == 1 || str[1] < utf8.RuneSelf) {
		// Most cells of a frame: a printable ASCII character followed by ASCII or nothing is a
		// cluster of its own, one column wide.
		s.set(x, y, str[:1], style, 1)
		return str[1:], 1
	}
	var cluster string
	width, state := 0, -1
	for width == 0 && str != "" {
		var g string
		g, str, width, state = uniseg.FirstGraphemeClusterInString(str, state)
		if cluster == "" {
			cluster = g
		} else {
			cluster += g
		}
	}
	s.set(x, y, cluster, style, width)
	return str, width
}

func (s *diffScreen) set(x, y int, text string, style tcell.Style, width int) {
	i := y*s.w + x
	st := s.styleIndex(style)
	s.frame[i] = shadowCell{text: text, style: st, width: uint8(width), valid: true}
	if width == 2 && x+1 < s.w {
		s.frame[i+1] = shadowCell{style: st, valid: true}
	}
}

func (s *diffScreen) SetContent(x, y int, primary rune, combining []rune, style tcell.Style) {
	if len(combining) == 0 {
		s.Put(x, y, runeText(primary), style)
		return
	}
	s.Put(x, y, string(append([]rune{primary}, combining...)), style)
}

func (s *diffScreen) SetCell(x, y int, style tcell.Style, ch ...rune) {
	if len(ch) > 0 {
		s.SetContent(x, y, ch[0], ch[1:], style)
	}
}

func (s *diffScreen) PutStr(x, y int, str string) { s.PutStrStyled(x, y, str, tcell.StyleDefault) }

func (s *diffScreen) PutStrStyled(x, y int, str string, style tcell.Style) {
	for str != "" {
		var width int
		if str, width = s.Put(x, y, str, style); width == 0 {
			return
		}
		x += width
	}
}

func (s *diffScreen) Get(x, y int) (string, tcell.Style, int) {
	s.fit()
	if x < 0 || y < 0 || x >= s.w || y >= s.h {
		return "", tcell.StyleDefault, 0
	}
	c := s.frame[y*s.w+x]
	if c.text == "" {
		return " ", s.styles[c.style], 1
	}
	return c.text, s.styles[c.style], int(c.width)
}

func (s *diffScreen) GetContent(x, y int) (rune, []rune, tcell.Style, int) {
	text, style, width := s.Get(x, y)
	var primary rune
	var combining []rune
	for i, r := range text {
		if i == 0 {
			primary = r
		} else {
			combining = append(combining, r)
		}
	}
	return primary, combining, style, width
}

// Show puts the cells that changed into tcell's buffer and has tcell send them.
func (s *diffScreen) Show() {
	s.put()
	s.Screen.Show()
}

// Sync sends every cell, whether or not the terminal shows it already.
func (s *diffScreen) Sync() {
	s.put()
	s.Screen.Sync()
}

func (s *diffScreen) put() {
	if w, h := s.Screen.Size(); w != s.w || h != s.h {
		// Resized since the frame began: its cells are out of place; tview draws again.
		s.fit()
		return
	}
	for i, c := range s.frame {
		if c.text == "" {
			// The right half of a wide cluster: tcell draws it with the left; whatever comes
			// here next must be put.
			s.shown[i] = shadowCell{}
			continue
		}
		if c == s.shown[i] {
			continue
		}
		s.Screen.Put(i%s.w, i/s.w, c.text, s.styles[c.style])
		s.shown[i] = c
	}
}

// asciiText holds the one-character strings of ASCII, so drawing them allocates nothing.
var asciiText = func() (t [128]string) {
	for r := range t {
		t[r] = string(rune(r))
	}
	return t
}()

func isPrintableASCII(b byte) bool { return b >= ' ' && b < 0x7f }

func runeText(r rune) string {
	if r >= 0 && r < 128 {
		return asciiText[r]
	}
	return string(r)
}
