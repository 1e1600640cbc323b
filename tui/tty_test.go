package tui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
)

// fakeTty is a terminal whose input is a list of chunks, one a read (or more when the reader's
// buffer is smaller). Once Drain is called, a read after the last chunk returns io.EOF.
type fakeTty struct {
	chunks   chan []byte
	rest     []byte
	stopOnce sync.Once
	stop     chan struct{}
}

func newFakeTty(chunks ...string) *fakeTty {
	t := &fakeTty{chunks: make(chan []byte, 64), stop: make(chan struct{})}
	t.send(chunks...)
	return t
}

func (t *fakeTty) send(chunks ...string) {
	for _, c := range chunks {
		t.chunks <- []byte(c)
	}
}

func (t *fakeTty) Read(p []byte) (int, error) {
	if len(t.rest) == 0 {
		select {
		case t.rest = <-t.chunks:
		default:
			select {
			case t.rest = <-t.chunks:
			case <-t.stop:
				return 0, io.EOF
			}
		}
	}
	n := copy(p, t.rest)
	t.rest = t.rest[n:]
	return n, nil
}

func (t *fakeTty) Drain() error {
	t.stopOnce.Do(func() { close(t.stop) })
	return nil
}

func (t *fakeTty) Write(p []byte) (int, error) { return len(p), nil }
func (t *fakeTty) Close() error                { return nil }
func (t *fakeTty) Start() error                { return nil }
func (t *fakeTty) Stop() error                 { return nil }
func (t *fakeTty) NotifyResize(func())         {}
func (t *fakeTty) WindowSize() (tcell.WindowSize, error) {
	return tcell.WindowSize{Width: 80, Height: 24}, nil
}

func TestAppendValidUTF8(t *testing.T) {
	tests := []struct {
		name, in, want, partial string
		dropped                 int
	}{
		{"ascii", "hello", "hello", "", 0},
		{"two-byte rune", "é", "é", "", 0},
		{"four-byte rune", "a😀b", "a😀b", "", 0},
		{"escape sequence", "\x1b[1;5A", "\x1b[1;5A", "", 0},
		{"FF", "\xff", "", "", 1},
		{"lone continuation", "\x80", "", "", 1},
		{"FF inside text", "ab\xffcd", "abcd", "", 1},
		{"rune cut by ASCII", "\xe2\x82a", "a", "", 2},
		{"overlong", "\xc0\xaf", "", "", 2},
		{"surrogate", "\xed\xa0\x80", "", "", 3},
		{"above U+10FFFF", "\xf4\x90\x80\x80", "", "", 4},
		{"replacement character", "\uFFFD", "\uFFFD", "", 0},
		{"partial rune at the end", "a\xe2\x82", "a", "\xe2\x82", 0},
		{"partial four-byte rune", "\xf0\x9f\x98", "", "\xf0\x9f\x98", 0},
		{"invalid after partial", "\xe2\xff", "", "", 2},
		{"bracketed paste", "\x1b[200~ab\xffcd\x1b[201~", "\x1b[200~abcd\x1b[201~", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, partial, dropped := appendValidUTF8(nil, []byte(tt.in))
			if string(got) != tt.want || string(partial) != tt.partial || dropped != tt.dropped {
				t.Errorf("got %q, partial %q, %d dropped; want %q, %q, %d", got, partial, dropped, tt.want, tt.partial, tt.dropped)
			}
		})
	}
}

// readAll reads the tty, size bytes at a time, until its input ends.
func readAll(tty *utf8Tty, size int) string {
	var out []byte
	p := make([]byte, size)
	for {
		n, err := tty.Read(p)
		out = append(out, p[:n]...)
		if err != nil {
			return string(out)
		}
	}
}

// TestUTF8TtySplitReads feeds input split at every point, and with an invalid byte at every
// position: the reads give what the whole input gives, and what they give is valid UTF-8, runes
// split across reads whole, the invalid bytes dropped and counted.
func TestUTF8TtySplitReads(t *testing.T) {
	texts := []string{
		"a€b😀c",
		"\x1b[200~é€😀\x1b[201~",
		"\x1b[<0;12;5M\x1b[1;5Aé",
	}
	var inputs []string
	for _, text := range texts {
		inputs = append(inputs, text)
		for i := 0; i < len(text); i++ {
			inputs = append(inputs, text[:i]+"\xff"+text[i:], text[:i]+"\xff"+text[i+1:])
		}
	}
	for _, in := range inputs {
		wantDropped := len(in) - len(strings.ToValidUTF8(in, ""))
		for split := 0; split <= len(in); split++ {
			for _, size := range []int{1, 4, 128} {
				fake := newFakeTty(in[:split], in[split:])
				fake.Drain()
				dropped := 0
				got := readAll(&utf8Tty{Tty: fake, dropped: func(n int) { dropped += n }}, size)
				if !utf8.ValidString(got) || got != strings.ToValidUTF8(in, "") || dropped != wantDropped {
					t.Fatalf("%q split at %d, read %d at a time: got %q, %d dropped; want %q, %d",
						in, split, size, got, dropped, strings.ToValidUTF8(in, ""), wantDropped)
				}
			}
		}
	}
}

// TestUTF8TtyKeepsTcellResponsive runs tcell's own screen over a terminal that sends invalid
// UTF-8: every key after it still arrives, bracketed paste and escape sequences included.
// Without utf8Tty, tcell's input loop spins on the \xff for ever and nothing more arrives.
func TestUTF8TtyKeepsTcellResponsive(t *testing.T) {
	ti, err := tcell.LookupTerminfo("xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	tty := newFakeTty()
	screen, err := tcell.NewTerminfoScreenFromTtyTerminfo(&utf8Tty{Tty: tty}, ti)
	if err != nil {
		t.Fatal(err)
	}
	if err := screen.Init(); err != nil {
		t.Fatal(err)
	}
	screen.EnablePaste()
	events := make(chan string, 64)
	go func() {
		for {
			switch ev := screen.PollEvent().(type) {
			case nil:
				close(events)
				return
			case *tcell.EventKey:
				events <- ev.Name()
			case *tcell.EventPaste:
				events <- fmt.Sprintf("paste %v", ev.Start())
			}
		}
	}()
	tty.send("a", "\xff", "b", "\xe2\x82", "\xac", "\x1b[200~x\xffy\x1b[201~", "\x80\x1b[", "1;5A", "q")
	want := []string{"Rune[a]", "Rune[b]", "Rune[€]", "paste true", "Rune[x]", "Rune[y]",
		"paste false", "Ctrl+Up", "Rune[q]"}
	for i, w := range want {
		select {
		case got := <-events:
			if got != w {
				t.Fatalf("event %d is %s, want %s", i, got, w)
			}
		case <-time.After(10 * time.Second):
			// No Fini: it would wait for the input loop, which spins.
			t.Fatalf("event %d (%s) never came: tcell stopped reading", i, w)
		}
	}
	screen.Fini()
}

// countingTty is a recordingTty that also counts the writes.
type countingTty struct {
	recordingTty
	writes int
}

func (t *countingTty) Write(p []byte) (int, error) {
	t.mu.Lock()
	t.writes++
	t.mu.Unlock()
	return t.recordingTty.Write(p)
}

// TestHeldTtySendsTheSetupWithTheFirstFrame starts tcell's screen as the editor does and checks
// what reaches the terminal: nothing while the screen sets up, then the setup (the alternate
// screen, the mouse) and the first frame in one write, in that order; later writes go straight
// through. A screen that stops before any frame still sends its setup before it leaves.
func TestHeldTtySendsTheSetupWithTheFirstFrame(t *testing.T) {
	ti, err := tcell.LookupTerminfo("xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	start := func() (*countingTty, tcell.Screen) {
		tty := &countingTty{recordingTty: recordingTty{fakeTty: newFakeTty()}}
		screen, err := heldScreen(tty, func(tty tcell.Tty) (tcell.Screen, error) {
			return tcell.NewTerminfoScreenFromTtyTerminfo(tty, ti)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := screen.Init(); err != nil {
			t.Fatal(err)
		}
		screen.EnableMouse()
		return tty, screen
	}

	tty, screen := start()
	if got := tty.take(); got != "" || tty.writes != 0 {
		t.Fatalf("before the first frame, %d writes sent %q; want none", tty.writes, got)
	}
	screen.PutStr(0, 0, "first frame")
	screen.Show()
	got := tty.take()
	if tty.writes != 1 {
		t.Errorf("the setup and the first frame took %d writes, want 1", tty.writes)
	}
	alt, mouse, frame := strings.Index(got, ti.EnterCA), strings.Index(got, "\x1b[?1000h"), strings.Index(got, "first frame")
	if alt < 0 || mouse < 0 || frame < 0 || alt > frame || mouse > frame {
		t.Errorf("the first write is %q; want the alternate screen and the mouse turned on, then the frame", got)
	}
	screen.PutStr(0, 0, "second")
	screen.Show()
	if got := tty.take(); tty.writes < 2 || !strings.Contains(got, "second") {
		t.Errorf("after the first frame, %d writes in all sent %q; want the frame, straight through", tty.writes, got)
	}
	screen.Fini()

	tty, screen = start()
	screen.Fini()
	got = tty.take()
	if enter, leave := strings.Index(got, ti.EnterCA), strings.LastIndex(got, ti.ExitCA); enter < 0 || leave < enter {
		t.Errorf("a screen stopped before any frame sent %q; want its setup, then what leaves it", got)
	}
}
