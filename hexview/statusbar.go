package hexview

import (
	"strings"
	"unicode"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"
)

// StatusBar is a one-line primitive for the editor's state: a left part (mode, file), a message
// after it (normal or an error), and a right part (offset, size) flush with the right edge.
// When the line is short of room the message, which says what just happened, comes first: the
// right part gives way, then the left part is cut, or left out when little of it would remain,
// so that the message starts the line; a message too long for the line by itself wraps over the
// rows Rows asks for, alone. Without a message the right part comes first and the left part is
// cut to make room for it. Text that does not fit is cut with "…".
type StatusBar struct {
	*tview.Box
	left, right string
	message     string
	isError     bool
	noColor     bool
}

var _ tview.Primitive = (*StatusBar)(nil)

// NewStatusBar returns an empty status bar, in colour.
func NewStatusBar() *StatusBar {
	s := &StatusBar{Box: tview.NewBox()}
	s.SetBackgroundColor(tcell.ColorDefault)
	return s
}

// SetNoColor draws without colours when on: the bar in reverse video, an error in bold.
func (s *StatusBar) SetNoColor(on bool) *StatusBar {
	s.noColor = on
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

// maxRows bounds the rows a long message wraps over.
const maxRows = 3

// Rows returns the rows the bar needs when it is width cells wide: one, or up to maxRows for a
// message too long for one line by itself. Give the bar that many rows so it wraps the message.
func (s *StatusBar) Rows(width int) int {
	return max(min(len(wrap(clean(s.message), width)), maxRows), 1)
}

// minLeftCut is the fewest cells worth giving a cut left part: fewer would show little but "…".
const minLeftCut = 4

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
	style := bar
	if s.isError {
		style = alert
	}
	left, message, right := clean(s.left), clean(s.message), clean(s.right)
	if lines := wrap(message, width); len(lines) > 1 && height > 1 {
		rows := min(height, maxRows)
		for row := range rows {
			for i := range width {
				screen.Put(x+i, y+row, " ", bar)
			}
			if row == rows-1 && row < len(lines)-1 {
				// The last row has the rest, cut.
				lines[row] = strings.Join(lines[row:], " ")
			}
			if row < len(lines) {
				printCells(screen, x, y+row, width, lines[row], style)
			}
		}
		return
	}
	for i := range width {
		screen.Put(x+i, y, " ", bar)
	}
	leftWidth, messageWidth, rightWidth := uniseg.StringWidth(left), uniseg.StringWidth(message), uniseg.StringWidth(right)
	messageGap := 0 // between the left part and the message
	if left != "" && message != "" {
		messageGap = 2
	}
	room := width
	if right != "" && (message == "" || leftWidth+messageGap+messageWidth+1+rightWidth <= width) {
		w := min(rightWidth, width)
		printCells(screen, x+width-w, y, w, right, bar)
		room -= w + 1
	}
	leftRoom := room
	if message != "" {
		leftRoom = room - messageGap - messageWidth
	}
	if leftRoom < min(leftWidth, minLeftCut) {
		leftRoom, messageGap = 0, 0
	}
	used := printCells(screen, x, y, leftRoom, left, bar)
	if message != "" {
		used += messageGap
		printCells(screen, x+used, y, room-used, message, style)
	}
}

// wrap breaks text into lines of at most width cells at its spaces; a word longer than a line
// has one of its own. Text that fits gives one line, and no text none.
func wrap(text string, width int) []string {
	if text == "" {
		return nil
	}
	if uniseg.StringWidth(text) <= width {
		return []string{text}
	}
	var lines []string
	line, used := "", 0
	for _, word := range strings.Fields(text) {
		w := uniseg.StringWidth(word)
		if line != "" && used+1+w > width {
			lines = append(lines, line)
			line, used = "", 0
		}
		if line != "" {
			line += " "
			used++
		}
		line += word
		used += w
	}
	return append(lines, line)
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
