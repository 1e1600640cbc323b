package hexview

import (
	"os"
	"strings"
	"unicode"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"
)

// StatusBar is a one-line primitive for the editor's state: a left part (mode, file), a message
// after it (normal or an error), and a right part (offset, size) flush with the right edge.
// The right part is left out when it does not fit beside the left text; text that does not fit
// is cut with "…".
type StatusBar struct {
	*tview.Box
	left, right string
	message     string
	isError     bool
	noColor     bool
}

var _ tview.Primitive = (*StatusBar)(nil)

// NewStatusBar returns an empty status bar. It honours the NO_COLOR environment variable.
func NewStatusBar() *StatusBar {
	s := &StatusBar{Box: tview.NewBox(), noColor: os.Getenv("NO_COLOR") != ""}
	s.SetBackgroundColor(tcell.ColorDefault)
	return s
}

// SetLeft sets the text at the left edge.
func (s *StatusBar) SetLeft(text string) *StatusBar {
	s.left = text
	return s
}

// SetRight sets the text at the right edge.
func (s *StatusBar) SetRight(text string) *StatusBar {
	s.right = text
	return s
}

// SetMessage sets the message shown after the left text; isError shows it as an error. An empty
// text clears it.
func (s *StatusBar) SetMessage(text string, isError bool) *StatusBar {
	s.message, s.isError = text, isError
	return s
}

// Draw draws the bar on the first line of its inner rect.
func (s *StatusBar) Draw(screen tcell.Screen) {
	s.DrawForSubclass(screen, s)
	x, y, width, height := s.GetInnerRect()
	if width <= 0 || height <= 0 {
		return
	}
	bar, alert := tcell.StyleDefault.Reverse(true), tcell.StyleDefault.Reverse(true).Bold(true)
	if !s.noColor {
		bar = tcell.StyleDefault.Foreground(tcell.ColorWhite).Background(tcell.ColorGray)
		alert = tcell.StyleDefault.Foreground(tcell.ColorWhite).Background(tcell.ColorMaroon).Bold(true)
	}
	for i := range width {
		screen.Put(x+i, y, " ", bar)
	}
	left, message, right := clean(s.left), clean(s.message), clean(s.right)
	room := width
	if w := uniseg.StringWidth(right); right != "" && w+1 < room-uniseg.StringWidth(left) {
		printCells(screen, x+width-w, y, w, right, bar)
		room -= w + 1
	}
	used := printCells(screen, x, y, room, left, bar)
	if message != "" {
		style := bar
		if s.isError {
			style = alert
		}
		if used > 0 {
			used += 2
		}
		printCells(screen, x+used, y, room-used, message, style)
	}
}

// clean makes text safe to draw in one line: control characters become "?".
func clean(text string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, text)
}

// printCells draws text from (x, y) in at most width cells, ending it with "…" when it is cut,
// and returns the cells used.
func printCells(screen tcell.Screen, x, y, width int, text string, style tcell.Style) int {
	if width <= 0 {
		return 0
	}
	total := uniseg.StringWidth(text)
	used, state := 0, -1
	for text != "" {
		var cluster string
		var w int
		cluster, text, w, state = uniseg.FirstGraphemeClusterInString(text, state)
		if total > width && used+w > width-1 {
			screen.Put(x+used, y, "…", style)
			return used + 1
		}
		screen.Put(x+used, y, cluster, style)
		used += w
	}
	return used
}
