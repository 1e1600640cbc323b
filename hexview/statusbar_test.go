package hexview

import (
	"testing"

	"github.com/gdamore/tcell/v2"
)

func TestStatusBarText(t *testing.T) {
	tests := []struct {
		name                 string
		left, message, right string
		width                int
		want                 []string // the bar's rows, given as many as Rows asks for
	}{
		{"all parts", "EDIT data.bin", "flushed 3 bytes", "0x10/0x40", 50,
			[]string{"EDIT data.bin  flushed 3 bytes           0x10/0x40"}},
		{"no message", "VIEW data.bin", "", "0x0/0x40", 30,
			[]string{"VIEW data.bin         0x0/0x40"}},
		{"no left", "", "hello", "", 10, []string{"hello"}},
		{"left cut for the right part", "VIEW a-long-file-name.bin", "", "0x0/0x40", 30,
			[]string{"VIEW a-long-file-nam… 0x0/0x40"}},
		{"left left out when the right part fills the line", "VIEW data.bin", "", "0x1234 (4660) / 8192", 22,
			[]string{"  0x1234 (4660) / 8192"}},
		{"right cut when it fills the line", "VIEW data.bin", "", "0x1234 (4660) / 8192", 12,
			[]string{"0x1234 (466…"}},
		{"right part gives way to the message", "VIEW data.bin", "flushed 3 bytes", "0x10/0x40", 35,
			[]string{"VIEW data.bin  flushed 3 bytes"}},
		{"left cut for the message", "EDIT data.bin LIVE", "edit mode on", "0x0", 26,
			[]string{"EDIT data.b…  edit mode on"}},
		{"message starts the line when little of the left would remain", "VIEW data.bin", "a message that is far too long", "0x0", 30,
			[]string{"a message that is far too long"}},
		{"message wrapped when too long for the line", "VIEW data.bin", "a message that is far too long", "0x0", 20,
			[]string{"a message that is", "far too long"}},
		{"message wrapped over three rows at most", "VIEW", "a message that goes on and on and on for ever", "0x0", 12,
			[]string{"a message", "that goes on", "and on and …"}},
		{"message without a left part", "", "saved", "0x0", 20, []string{"saved            0x0"}},
		{"left cut with an ellipsis", "VIEW a-very-long-file-name.bin", "", "", 20,
			[]string{"VIEW a-very-long-fi…"}},
		{"control characters made safe", "VIEW a\nb", "", "", 20, []string{"VIEW a?b"}},
		{"wide characters", "VIEW 日本語.bin", "", "", 10, []string{"VIEW 日本…"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStatusBar().SetLeft(tt.left).SetRight(tt.right).SetMessage(tt.message, false)
			rows := s.Rows(tt.width)
			if rows != len(tt.want) {
				t.Errorf("Rows(%d) = %d, want %d", tt.width, rows, len(tt.want))
			}
			screen := tcell.NewSimulationScreen("UTF-8")
			if err := screen.Init(); err != nil {
				t.Fatal(err)
			}
			defer screen.Fini()
			screen.SetSize(tt.width, rows+1)
			s.SetRect(0, 0, tt.width, rows)
			s.Draw(screen)
			screen.Show()
			lines := screenLines(screen)
			for i, want := range tt.want {
				if i < len(lines) && lines[i] != want {
					t.Errorf("row %d: got  %q\nwant %q", i, lines[i], want)
				}
			}
			if lines[rows] != "" {
				t.Errorf("row %d %q, want the bar on %d rows only", rows, lines[rows], rows)
			}
		})
	}
}

func TestStatusBarOneRow(t *testing.T) {
	// Given one row for a message that needs two, the bar cuts the message there.
	s := NewStatusBar().SetLeft("VIEW data.bin").SetMessage("a message that is far too long", false)
	if got, want := screenLines(drawView(t, s, 20, 1))[0], "a message that is f…"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
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

	screen = drawView(t, NewStatusBar().SetNoColor(true).SetLeft("VIEW").SetMessage("read-only", true), 30, 1)
	for _, c := range []struct {
		name string
		x    int
		want tcell.Style
	}{{"left", 0, tcell.StyleDefault.Reverse(true)}, {"message", 6, tcell.StyleDefault.Reverse(true).Bold(true)}} {
		if _, got := cellAt(t, screen, c.x, 0); got != c.want {
			t.Errorf("no colour: %s: style %v, want %v", c.name, got, c.want)
		}
	}
}
