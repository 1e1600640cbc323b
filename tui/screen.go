package tui

import "github.com/gdamore/tcell/v2"

// diffScreen hands tcell only the cells a frame changes. tview clears the whole screen before
// every frame (Application.draw), and tcell marks a cell for sending whenever its text differs
// from the text it held a moment before: after the clear's blanks, every cell drawn again counts
// as changed, and tcell re-sends the whole screen each frame although the terminal shows it
// already (a frame of 120x40 hex cells is 15 KB, more than a pty takes in one write). diffScreen
// takes a clear to mean "a frame starts": the cells drawn go to tcell, which sends only those
// whose text or style differ from what the terminal shows, and at Show the cells the frame left
// undrawn are blanked, as the clear would have done.
type diffScreen struct {
	tcell.Screen
	// drawn is, per cell, row by row, whether the frame under way has drawn it since the clear;
	// framing is whether a clear started that frame.
	drawn   []bool
	w, h    int
	framing bool
}

func newDiffScreen(s tcell.Screen) *diffScreen { return &diffScreen{Screen: s} }

// Clear starts a frame.
func (s *diffScreen) Clear() {
	w, h := s.Screen.Size()
	if w != s.w || h != s.h || s.drawn == nil {
		s.w, s.h = w, h
		s.drawn = make([]bool, w*h)
	} else {
		clear(s.drawn)
	}
	s.framing = true
}

// mark records that the cell at x, y and width-1 more to its right were drawn.
func (s *diffScreen) mark(x, y, width int) {
	if !s.framing || y < 0 || y >= s.h {
		return
	}
	for i := x; i < x+max(width, 1) && i < s.w; i++ {
		if i >= 0 {
			s.drawn[y*s.w+i] = true
		}
	}
}

func (s *diffScreen) Put(x, y int, str string, style tcell.Style) (string, int) {
	rest, width := s.Screen.Put(x, y, str, style)
	s.mark(x, y, width)
	return rest, width
}

func (s *diffScreen) SetContent(x, y int, primary rune, combining []rune, style tcell.Style) {
	s.Screen.SetContent(x, y, primary, combining, style)
	_, _, width := s.Screen.Get(x, y)
	s.mark(x, y, width)
}

func (s *diffScreen) SetCell(x, y int, style tcell.Style, ch ...rune) {
	s.Screen.SetCell(x, y, style, ch...)
	_, _, width := s.Screen.Get(x, y)
	s.mark(x, y, width)
}

func (s *diffScreen) PutStr(x, y int, str string) { s.PutStrStyled(x, y, str, tcell.StyleDefault) }

func (s *diffScreen) PutStrStyled(x, y int, str string, style tcell.Style) {
	for str != "" {
		var width int
		str, width = s.Put(x, y, str, style)
		if width == 0 {
			break
		}
		x += width
	}
}

// Fill draws every cell.
func (s *diffScreen) Fill(r rune, style tcell.Style) {
	s.Screen.Fill(r, style)
	s.framing = false
}

// Get reports an undrawn cell of the frame under way as the clear left it.
func (s *diffScreen) Get(x, y int) (string, tcell.Style, int) {
	if s.undrawn(x, y) {
		return " ", tcell.StyleDefault, 1
	}
	return s.Screen.Get(x, y)
}

func (s *diffScreen) GetContent(x, y int) (rune, []rune, tcell.Style, int) {
	if s.undrawn(x, y) {
		return ' ', nil, tcell.StyleDefault, 1
	}
	return s.Screen.GetContent(x, y)
}

func (s *diffScreen) undrawn(x, y int) bool {
	return s.framing && x >= 0 && y >= 0 && x < s.w && y < s.h && !s.drawn[y*s.w+x]
}

// Show blanks what the frame left undrawn, then has tcell send what changed.
func (s *diffScreen) Show() {
	// Resized since the clear, the cells have moved; tview draws again for the resize.
	if w, h := s.Screen.Size(); s.framing && w == s.w && h == s.h {
		for i, drawn := range s.drawn {
			if !drawn {
				s.Screen.Put(i%s.w, i/s.w, " ", tcell.StyleDefault)
			}
		}
	}
	s.framing = false
	s.Screen.Show()
}

// Sync sends every cell, whether or not the terminal shows it already.
func (s *diffScreen) Sync() {
	if s.framing {
		s.Show()
	}
	s.Screen.Sync()
}
