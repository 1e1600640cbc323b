package tui

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/gdamore/tcell/v2"
)

// recordingTty is a fakeTty that keeps what tcell writes to the terminal.
type recordingTty struct {
	*fakeTty
	mu      sync.Mutex
	written bytes.Buffer
}

func (t *recordingTty) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.written.Write(p)
}

// take returns what was written since the last take.
func (t *recordingTty) take() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.written.String()
	t.written.Reset()
	return s
}

// TestDiffScreenSendsOnlyChanges draws frames as tview does (clear, a box's background, the
// text over it, show) on tcell's
// terminal screen and checks what reaches the terminal: a frame that draws what the terminal
// shows already sends no cell, a changed word is sent without its unchanged neighbours, and
// what a frame leaves undrawn is blanked on the terminal as the clear would have.
func TestDiffScreenSendsOnlyChanges(t *testing.T) {
	ti, err := tcell.LookupTerminfo("xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	tty := &recordingTty{fakeTty: newFakeTty()}
	screen, err := tcell.NewTerminfoScreenFromTtyTerminfo(tty, ti)
	if err != nil {
		t.Fatal(err)
	}
	if err := screen.Init(); err != nil {
		t.Fatal(err)
	}
	defer screen.Fini()
	s := newDiffScreen(screen)
	frame := func(text string, style tcell.Style) string {
		s.Clear()
		for x := range 20 {
			s.SetContent(x, 0, ' ', nil, tcell.StyleDefault) // a box's background, drawn over
		}
		s.PutStrStyled(0, 0, text, style)
		s.Show()
		return tty.take()
	}
	plain, red := tcell.StyleDefault, tcell.StyleDefault.Foreground(tcell.ColorRed)

	if got := frame("hello world", plain); !strings.Contains(got, "hello world") {
		t.Fatalf("first frame sent %q, want the text", got)
	}
	if got := frame("hello world", plain); strings.Contains(got, "hello") || strings.Contains(got, "world") {
		t.Errorf("the same frame again sent %q, want no cell", got)
	}
	got := frame("hello there", plain)
	if !strings.Contains(got, "there") || strings.Contains(got, "hello") {
		t.Errorf("changing the second word sent %q, want \"there\" and not \"hello\"", got)
	}
	if got := frame("hello there", red); !strings.Contains(got, "hello there") {
		t.Errorf("changing the style sent %q, want the text again", got)
	}
	s.Clear()
	s.PutStr(0, 0, "hi")
	if str, _, _ := s.Get(5, 0); str != " " {
		t.Errorf("a cell not drawn in this frame reads %q, want a blank", str)
	}
	s.Show()
	tty.take()
	for x, want := range "hi         " {
		if str, _, _ := screen.Get(x, 0); str != string(want) {
			t.Errorf("after a shorter frame, cell %d holds %q, want %q", x, str, want)
		}
	}
	if got := frame("a世b", plain); !strings.Contains(got, "世") {
		t.Errorf("a wide character sent %q, want it whole", got)
	}
	if got := frame("abb", plain); !strings.Contains(got, "bb") {
		t.Errorf("drawing over a wide character sent %q, want both cells it covered", got)
	}
}

// TestDiffScreenStyleTable draws frames in ever new colours, as live mode's fading does: the
// table of styles stays bounded, and the cells keep their colours across its fresh starts.
func TestDiffScreenStyleTable(t *testing.T) {
	sim := tcell.NewSimulationScreen("UTF-8")
	if err := sim.Init(); err != nil {
		t.Fatal(err)
	}
	defer sim.Fini()
	sim.SetSize(10, 2)
	s := newDiffScreen(sim)
	for i := range 3 * maxStyles {
		style := tcell.StyleDefault.Foreground(tcell.NewRGBColor(int32(i%256), int32(i/256), 0))
		s.Clear()
		s.PutStrStyled(0, 0, "ab", style)
		s.PutStr(0, 1, "still")
		s.Show()
		if len(s.styles) > maxStyles+3 {
			t.Fatalf("after %d frames the style table holds %d styles", i+1, len(s.styles))
		}
		for x, want := range []tcell.Style{style, style, tcell.StyleDefault} {
			if str, got, _ := sim.Get(x, 0); got != want {
				t.Fatalf("frame %d, cell %d (%q): style %v, want %v", i, x, str, got, want)
			}
		}
		if str, _, _ := sim.Get(4, 1); str != "l" {
			t.Fatalf("frame %d: second row reads %q at 4, want l", i, str)
		}
	}
}

// TestDiffScreenClusters puts text whose first character is ASCII, which takes the short way
// when the next one is ASCII too, and checks each cell holds its whole cluster.
func TestDiffScreenClusters(t *testing.T) {
	s := newDiffScreen(tcell.NewSimulationScreen("UTF-8"))
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	s.SetSize(10, 1)
	s.Clear()
	for _, c := range []struct {
		text, cluster, rest string
	}{
		{"ab", "a", "b"},
		{"a", "a", ""},
		{"e\u0301x", "e\u0301", "x"}, // e and a combining acute accent: one cell
	} {
		rest, width := s.Put(0, 0, c.text, tcell.StyleDefault)
		got, _, _ := s.Get(0, 0)
		if got != c.cluster || rest != c.rest || width != 1 {
			t.Errorf("Put(%q) holds %q and returns %q, width %d; want %q, %q, width 1", c.text, got, rest, width, c.cluster, c.rest)
		}
	}
}
