package hexview

import (
	"testing"

	"github.com/gdamore/tcell/v2"
)

func TestStatusBarText(t *testing.T) {
	tests := []struct {
		name                 string
		left, message, right string
		isError              bool
		width                int
		want                 string
	}{
		{"all parts", "EDIT data.bin", "flushed 3 bytes", "0x10/0x40", false, 50,
			"EDIT data.bin  flushed 3 bytes           0x10/0x40"},
		{"no message", "VIEW data.bin", "", "0x0/0x40", false, 30,
			"VIEW data.bin         0x0/0x40"},
		{"no left", "", "hello", "", false, 10, "hello"},
		{"right dropped when narrow", "VIEW a-long-file-name.bin", "", "0x0/0x40", false, 30,
			"VIEW a-long-file-name.bin"},
		{"message cut with an ellipsis", "VIEW data.bin", "a message that is far too long", "0x0", false, 30,
			"VIEW data.bin  a message … 0x0"},
		{"left cut with an ellipsis", "VIEW a-very-long-file-name.bin", "", "", false, 20,
			"VIEW a-very-long-fi…"},
		{"control characters made safe", "VIEW a\nb", "", "", false, 20, "VIEW a?b"},
		{"wide characters", "VIEW 日本語.bin", "", "", false, 10, "VIEW 日本…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStatusBar().SetLeft(tt.left).SetRight(tt.right).SetMessage(tt.message, tt.isError)
			lines := screenLines(drawView(t, s, tt.width, 2))
			if lines[0] != tt.want {
				t.Errorf("got  %q\nwant %q", lines[0], tt.want)
			}
			if lines[1] != "" {
				t.Errorf("second line %q, want the bar on one line only", lines[1])
			}
		})
	}
}

func TestStatusBarStyles(t *testing.T) {
	bar := tcell.StyleDefault.Foreground(tcell.ColorWhite).Background(tcell.ColorGray)
	alert := tcell.StyleDefault.Foreground(tcell.ColorWhite).Background(tcell.ColorMaroon).Bold(true)
	screen := drawView(t, NewStatusBar().SetLeft("VIEW").SetMessage("read-only", true), 30, 1)
	for _, c := range []struct {
		name string
		x    int
		want tcell.Style
	}{{"left", 0, bar}, {"message", 6, alert}, {"rest of the line", 29, bar}} {
		if _, got := cellAt(t, screen, c.x, 0); got != c.want {
			t.Errorf("%s: style %v, want %v", c.name, got, c.want)
		}
	}

	t.Setenv("NO_COLOR", "1")
	screen = drawView(t, NewStatusBar().SetLeft("VIEW").SetMessage("read-only", true), 30, 1)
	for _, c := range []struct {
		name string
		x    int
		want tcell.Style
	}{{"left", 0, tcell.StyleDefault.Reverse(true)}, {"message", 6, tcell.StyleDefault.Reverse(true).Bold(true)}} {
		if _, got := cellAt(t, screen, c.x, 0); got != c.want {
			t.Errorf("NO_COLOR %s: style %v, want %v", c.name, got, c.want)
		}
	}
}
