package tui

import (
	"io"
	"os"
	"sync"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"golang.org/x/term"
)

// utf8Tty is the terminal as tcell reads it, with every byte that is not part of valid UTF-8
// dropped. tcell v2.13.10 validates its input with a decoder that stops at an invalid byte
// without consuming it, and its input loop retries that byte for ever: one \xff typed or pasted
// spins a core, no key arrives any more, and Fini, which waits for that loop, never returns.
// (Replacing the byte with U+FFFD does not help: tcell turns a decoded U+FFFD back into the
// bytes' Latin-1 runes.)
type utf8Tty struct {
	tcell.Tty
	// dropped, if set, is told how many bytes a read dropped, so that the user hears of it: a
	// paste may have lost them.
	dropped func(n int)
	// partial is the start of a multi-byte rune whose other bytes the next read may bring: it is
	// held back, because tcell would take a byte that ends it early for invalid and hang.
	partial []byte
	// checked is valid UTF-8 read but not yet returned: with partial in front, a read can yield
	// more than the caller's buffer holds.
	checked []byte
}

// Read reads from the terminal with each invalid byte dropped. It waits for more input rather
// than return nothing.
func (t *utf8Tty) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var err error
	for len(t.checked) == 0 && err == nil {
		var n, dropped int
		n, err = t.Tty.Read(p)
		var rest []byte
		t.checked, rest, dropped = appendValidUTF8(t.checked[:0], append(t.partial, p[:n]...))
		t.partial = append(t.partial[:0], rest...)
		if dropped > 0 && t.dropped != nil {
			t.dropped(dropped)
		}
	}
	n := copy(p, t.checked)
	t.checked = t.checked[n:]
	return n, err
}

// appendValidUTF8 appends the valid UTF-8 of src to dst, and returns the incomplete rune at the
// end of src, if any, apart, and how many bytes it dropped.
func appendValidUTF8(dst, src []byte) (valid, partial []byte, dropped int) {
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		switch {
		case r == utf8.RuneError && size == 1 && !utf8.FullRune(src):
			return dst, src, dropped
		case r == utf8.RuneError && size == 1:
			dropped++
		default:
			dst = append(dst, src[:size]...)
		}
		src = src[size:]
	}
	return dst, nil, dropped
}

// terminalRescue gives the terminal back when tcell cannot, because its event loop is wedged or
// the process is about to die of a signal: the terminal's mode from before the screen started,
// and the sequences that leave the screen.
type terminalRescue struct {
	fd    int
	saved *term.State
	out   io.Writer
	leave string
}

// saveTerminal saves the mode of the terminal on in and out, before the screen starts. It
// returns nil, a rescue that does nothing, when they are not a terminal.
func saveTerminal(in io.Reader, out io.Writer) *terminalRescue {
	fin, ok := in.(*os.File)
	fout, ok2 := out.(*os.File)
	if !ok || !ok2 || !term.IsTerminal(int(fout.Fd())) {
		return nil
	}
	saved, err := term.GetState(int(fin.Fd()))
	if err != nil {
		return nil
	}
	return &terminalRescue{fd: int(fin.Fd()), saved: saved, out: fout, leave: leaveScreen()}
}

// restore puts the terminal back as saveTerminal found it.
func (r *terminalRescue) restore() {
	if r == nil {
		return
	}
	_, _ = io.WriteString(r.out, r.leave)
	_ = term.Restore(r.fd, r.saved)
}

// newTerminalScreen returns the screen of the terminal, read through utf8Tty, which tells
// dropped of the bytes it drops, and written through a heldTty until the first frame is out.
func newTerminalScreen(dropped func(n int)) (tcell.Screen, error) {
	tty, err := tcell.NewDevTty()
	if err != nil {
		return nil, err
	}
	return heldScreen(&utf8Tty{Tty: tty, dropped: dropped}, tcell.NewTerminfoScreenFromTty)
}

// heldScreen makes a screen with newScreen on tty written through a heldTty, which the screen
// releases at its first frame.
func heldScreen(tty tcell.Tty, newScreen func(tcell.Tty) (tcell.Screen, error)) (tcell.Screen, error) {
	held := &heldTty{Tty: tty}
	screen, err := newScreen(held)
	if err != nil {
		return nil, err
	}
	return firstFrameScreen{Screen: screen, tty: held}, nil
}

// heldTty is the terminal as tcell writes to it, with what tcell writes before the first frame
// held back and sent with that frame, in one write. tcell sets the terminal up in about fifteen
// writes of a few bytes each, and each wakes the terminal (tmux, the emulator) to parse it
// apart: one write brings the first screen sooner (bench/README.md).
type heldTty struct {
	tcell.Tty
	mu       sync.Mutex
	held     []byte
	released bool // writes go straight to the terminal
}

func (t *heldTty) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.released {
		return t.Tty.Write(p)
	}
	t.held = append(t.held, p...)
	return len(p), nil
}

// release sends what was held and lets every later write through.
func (t *heldTty) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.released {
		return
	}
	t.released = true
	if len(t.held) > 0 {
		// tcell ignores the errors of its writes too: a terminal gone shows at the next read.
		_, _ = t.Tty.Write(t.held)
	}
	t.held = nil
}

// Stop sends what was held before the terminal stops: tcell stops it at Fini and Suspend, after
// its last writes, and a screen that never showed a frame must still leave the terminal as it
// set it up.
func (t *heldTty) Stop() error {
	t.release()
	return t.Tty.Stop()
}

// firstFrameScreen is tcell's screen on a heldTty, which it releases once a frame is written.
type firstFrameScreen struct {
	tcell.Screen
	tty *heldTty
}

func (s firstFrameScreen) Show() {
	s.Screen.Show()
	s.tty.release()
}

func (s firstFrameScreen) Sync() {
	s.Screen.Sync()
	s.tty.release()
}

// leaveScreen returns what tcell writes when it leaves the screen: mouse, paste and focus
// reporting off (tcell's own sequences, the same for every terminal), then the terminal's own
// for the cursor, the attributes, the keypad and the alternate screen.
func leaveScreen() string {
	const reportingOff = "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1004l"
	name := os.Getenv("TERM")
	if name == "" {
		name = "xterm-truecolor" // what tcell assumes on Windows, where TERM is usually unset
	}
	ti, err := tcell.LookupTerminfo(name)
	if err != nil {
		return reportingOff
	}
	return reportingOff + ti.ShowCursor + ti.AttrOff + ti.ExitKeypad + ti.EnableAutoMargin + ti.Clear + ti.ExitCA
}
