package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// The tests in this file hold the README to what the editor does: each checks a feature the
// README promises, through the keys or the mouse a user would use.

func runeKey(r rune) *tcell.EventKey { return tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone) }

// command runs one command-line command, opened with the preset's key.
func (s *simApp) command(open *tcell.EventKey, line string) {
	s.t.Helper()
	s.prompt(open, "goto OFFSET · w · q", line)
}

func commandKey(preset string) *tcell.EventKey {
	if preset == "vim" {
		return runeKey(':')
	}
	return key(tcell.KeyCtrlE)
}

// waitForFirstRow waits until the screen's first row starts with prefix: a row lower on the
// screen may show the same text before a scroll has happened.
func (s *simApp) waitForFirstRow(prefix string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.HasPrefix(s.screen(), prefix) {
		if time.Now().After(deadline) {
			s.t.Fatalf("the first row never started with %q; the screen shows:\n%s", prefix, s.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestAppSetCols checks `set cols=N` on the command line: N bytes per row, 0 fits the terminal,
// a bad N is refused with a message.
func TestAppSetCols(t *testing.T) {
	for _, preset := range []string{"default", "vim"} {
		t.Run(preset, func(t *testing.T) {
			s := startSim(t, testdir.Sample(t), preset, mmap.ReadWrite, Options{})
			open := commandKey(preset)
			s.waitFor("00000010 │ 02 00 3e 00")

			s.command(open, "set cols=8")
			s.waitFor("00000008 │ 00 00 00 00 00 00 00 00 │ ........   ")
			s.waitForFirstRow("00000000 │ 7f 45 4c 46 02 01 01 00 │ .ELF....  ")

			s.command(open, "set cols=2000")
			s.waitFor("set cols=N: give 1 to 1024 bytes per row, or 0 to fit the terminal")
			s.waitFor("00000008 │ 00 00") // unchanged

			s.command(open, "set cols=0")
			s.waitFor("00000010 │ 02 00 3e 00")
			s.waitForNot("00000008 │")
		})
	}
}

// TestAppQuitBangExplains checks that :q! neither quits nor undoes, and says why and what to do.
func TestAppQuitBangExplains(t *testing.T) {
	for _, tt := range []struct{ preset, undoKey string }{{"default", "Ctrl-Z"}, {"vim", "u"}} {
		t.Run(tt.preset, func(t *testing.T) {
			data := testdir.Sample(t)
			s := startSim(t, data, tt.preset, mmap.ReadWrite, Options{})
			s.keys(key(tcell.KeyInsert))
			s.waitFor("EDIT")
			s.typeText("ab")
			s.waitFor("1 unflushed")
			s.keys(key(tcell.KeyEscape))
			s.waitFor("VIEW")

			s.command(commandKey(tt.preset), "q!")
			s.waitFor("edits cannot be discarded: they are written in place as you type; undo them (" + tt.undoKey + "), then quit")
			s.wantFile(patched(data, 0, 0xAB)) // in the page cache already, not discarded
			s.keys(key(tcell.KeyRight))
			s.waitFor("hex  0x2 (2)") // still running

			s.command(commandKey(tt.preset), "q")
			out, err := s.quit()
			if err != nil || !strings.Contains(out, "flushed 1 changed byte to") {
				t.Errorf("quit after :q!: error %v, printed %q; want the byte flushed", err, out)
			}
		})
	}
}

// TestAppCopyClipboard checks what reaches the terminal's clipboard (OSC 52, which the simulated
// screen records): a copy as text, and a copy too large for it, which stays in the register for
// paste and leaves the clipboard as it was.
func TestAppCopyClipboard(t *testing.T) {
	data := make([]byte, 128<<10)
	for i := range data {
		data[i] = byte(i % 251)
	}
	copy(data[0x20:], "hello")
	s := startSim(t, data, "default", mmap.ReadWrite, Options{})
	gotoOffset := func(off string) { s.prompt(key(tcell.KeyCtrlG), "goto: ", off) }

	gotoOffset("0x20")
	s.waitFor("hex  0x20 (32)")
	s.keys(key(tcell.KeyCtrlT))
	s.keys(key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyRight))
	s.waitFor("sel 5 B")
	s.keys(tcell.NewEventKey(tcell.KeyRune, 'c', tcell.ModAlt))
	s.waitFor("copied 5 bytes as text (clipboard and paste register)")
	if got := string(s.sim.GetClipboardData()); got != "hello" {
		t.Errorf("after a copy as text the clipboard holds %q, want %q", got, "hello")
	}

	// 36865 bytes are 110594 characters of hex: more than the 100 000 the clipboard gets.
	const n = 0x9001
	s.keys(tcell.NewEventKey(tcell.KeyHome, 0, tcell.ModCtrl), key(tcell.KeyCtrlT))
	gotoOffset("0x9000")
	s.waitFor(fmt.Sprintf("sel %d B", n))
	s.keys(key(tcell.KeyCtrlC))
	s.waitFor(fmt.Sprintf("copied %d bytes for paste; too large for the terminal clipboard", n))
	if got := string(s.sim.GetClipboardData()); got != "hello" {
		t.Errorf("after a copy too large for it the clipboard holds %d bytes, want %q as before", len(got), "hello")
	}
	gotoOffset("0x10000")
	s.keys(key(tcell.KeyCtrlV))
	s.waitFor(fmt.Sprintf("pasted %d bytes at 0x10000", n))
	s.keys(key(tcell.KeyCtrlQ))
	if _, err := s.quit(); err != nil {
		t.Fatal(err)
	}
	s.wantFile(patched(data, 0x10000, data[:n]...))
}

// TestAppActionLimits selects more than 256 MiB of a sparse file and checks that fill and copy
// are refused, with the limit named, and that nothing is written.
func TestAppActionLimits(t *testing.T) {
	const size = 300 << 20
	path := testdir.Sparse(t, size)
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	s := runSim(t, m, loadKeys(t, "default", ""), Options{})
	s.path = path

	// The whole file; the messages below name the selection's size.
	s.keys(key(tcell.KeyCtrlT), tcell.NewEventKey(tcell.KeyEnd, 0, tcell.ModCtrl), key(tcell.KeyCtrlT))

	s.keys(key(tcell.KeyCtrlC))
	s.waitFor(fmt.Sprintf("too large: a copy of %d bytes; select at most 64 MiB at a time", size))
	s.keys(key(tcell.KeyCtrlV))
	s.waitFor("nothing to paste (copy a selection first)")

	// Refused before it asks for the pattern.
	s.keys(key(tcell.KeyCtrlL))
	s.waitFor(fmt.Sprintf("too large: a fill of %d bytes would keep as many in memory for undo; select at most 256 MiB at a time", size))
	if strings.Contains(s.screen(), fmt.Sprintf("fill %d bytes: ", size)) {
		t.Errorf("fill asked for its pattern:\n%s", s.screen())
	}
	if strings.Contains(s.screen(), "unflushed") {
		t.Errorf("after the refused fill the status bar reads %q, want nothing unflushed", lastLine(s.screen()))
	}
	for _, off := range []int64{0, size - 1} {
		if got := testdir.ReadAt(t, path, off, 1); got != "\x00" {
			t.Errorf("after the refused fill the byte at 0x%X is % x, want 00", off, got)
		}
	}
}

// mouse queues a press of button at (x, y) and its release, as a terminal reports a click.
func (s *simApp) mouse(x, y int, button tcell.ButtonMask) {
	s.a.tv.QueueEvent(tcell.NewEventMouse(x, y, button, tcell.ModNone))
	s.a.tv.QueueEvent(tcell.NewEventMouse(x, y, tcell.ButtonNone, tcell.ModNone))
}

// TestAppMouse checks that a click places the cursor and picks the column, and that the wheel
// scrolls.
func TestAppMouse(t *testing.T) {
	s := startSim(t, testdir.Sample(t), "default", mmap.ReadWrite, Options{})
	// "00000000 │ " is 11 cells, each byte 3, with one more after the eighth; the text column
	// starts after " │ ".
	hexX := func(j int) int { return 11 + 3*j + j/8 }
	const textX = 11 + 16*3 + 1 + 2

	s.mouse(hexX(5)+1, 2, tcell.Button1)
	s.waitFor("hex  0x25 (37)")
	s.mouse(hexX(12), 3, tcell.Button1)
	s.waitFor("hex  0x3C (60)")
	s.mouse(textX+9, 0, tcell.Button1)
	s.waitFor("text  0x9 (9)")
	s.mouse(hexX(0), 1, tcell.Button1)
	s.waitFor("hex  0x10 (16)")

	s.mouse(20, 5, tcell.WheelDown) // one notch scrolls three rows
	s.waitForFirstRow("00000030 │ 00 00 00 00 40 00 38 00")
	s.mouse(20, 5, tcell.WheelUp)
	s.waitForFirstRow("00000000 │ 7f 45 4c 46")
}

// TestAppUserKeyFile lays a user's key file over the default keys and checks that the editor's
// keys follow it: a binding changed, one removed, the rest of the preset kept, and the help
// showing the keys in force. (Where the file is found is the command's: see TestEditorCommandLine.)
func TestAppUserKeyFile(t *testing.T) {
	km := loadKeys(t, "default", "# mine\ngoto.prompt = Ctrl-X\nedit.fill =\n")
	s := startSimKeys(t, testdir.Sample(t), km, mmap.ReadWrite, Options{})

	s.keys(key(tcell.KeyCtrlX))
	s.waitFor("goto: ")
	s.typeText("0x40")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("hex  0x40 (64)")
	s.keys(key(tcell.KeyCtrlG))
	s.waitFor("Ctrl-G is not bound to anything")
	s.keys(key(tcell.KeyCtrlT), key(tcell.KeyRight), key(tcell.KeyCtrlL))
	s.waitFor("Ctrl-L is not bound to anything")
	s.keys(key(tcell.KeyDown)) // the preset's other keys still work
	s.waitFor("hex  0x51 (81)")

	s.keys(key(tcell.KeyF1))
	s.waitFor("default keys")
	screen := s.screen()
	if !strings.Contains(screen, "Ctrl-X ") || strings.Contains(screen, "Ctrl-G") || strings.Contains(screen, "Ctrl-L ") {
		t.Errorf("the help does not show the keys in force (Ctrl-X for goto, no Ctrl-G, no Ctrl-L):\n%s", screen)
	}
}

// TestAppBookmarks sets, lists, steps through and clears bookmarks with each preset's keys and
// the command line's mark.
func TestAppBookmarks(t *testing.T) {
	for _, tt := range []struct {
		preset     string
		set, list  *tcell.EventKey
		next, prev []*tcell.EventKey
	}{
		{"default", key(tcell.KeyCtrlB), key(tcell.KeyCtrlK),
			[]*tcell.EventKey{key(tcell.KeyF6)}, []*tcell.EventKey{tcell.NewEventKey(tcell.KeyF6, 0, tcell.ModShift)}},
		{"vim", runeKey('m'), runeKey('\''),
			[]*tcell.EventKey{runeKey(']'), runeKey('\'')}, []*tcell.EventKey{runeKey('['), runeKey('\'')}},
	} {
		t.Run(tt.preset, func(t *testing.T) {
			s := startSim(t, testdir.Sample(t), tt.preset, mmap.ReadWrite, Options{})
			open := commandKey(tt.preset)
			goTo := func(off int64) {
				s.command(open, fmt.Sprintf("0x%X", off))
				s.waitFor(fmt.Sprintf("hex  0x%X (%d)", off, off))
			}
			set := func(off int64, name string) {
				goTo(off)
				s.keys(tt.set)
				s.waitFor("bookmark name: ")
				s.typeText(name)
				s.keys(key(tcell.KeyEnter))
				s.waitFor(fmt.Sprintf("bookmark set at 0x%X", off))
			}
			set(0x10, "")
			set(0x40, "hdr")
			s.command(open, "mark") // again on the same byte: removes it
			s.waitFor("bookmark at 0x40 removed")
			goTo(0x80)
			s.command(open, "mark")
			s.waitFor("bookmark set at 0x80 (")
			s.command(open, "mark tail") // again with a name: renames it
			s.waitFor(`bookmark at 0x80 renamed "tail"`)
			goTo(0x90)
			s.command(open, "mark end")
			s.waitFor(`bookmark set at 0x90, named "end"`)
			s.command(open, "mark")
			s.waitFor("bookmark at 0x90 removed")
			goTo(0)

			for _, step := range []struct {
				keys []*tcell.EventKey
				off  int64
				want string
			}{
				{tt.next, 0x10, "bookmark 0x10 (16)"},
				{tt.next, 0x80, "bookmark 0x80 (128)  tail"},
				{tt.next, 0x10, "bookmark 0x10 (16)"}, // wraps
				{tt.prev, 0x80, "bookmark 0x80 (128)  tail"},
			} {
				s.keys(step.keys...)
				s.waitFor(step.want)
				s.waitFor(fmt.Sprintf("hex  0x%X (%d)", step.off, step.off))
			}

			goTo(0x10)
			s.keys(tt.set)
			s.waitFor("bookmark at 0x10 removed")
			s.keys(tt.list)
			s.waitFor(" bookmarks ")
			screen := s.screen()
			if !strings.Contains(screen, "0x80 (128)  tail") || strings.Contains(screen, "0x10 (16)  ") || strings.Contains(screen, "0x40 (64)") {
				t.Errorf("the list shows other bookmarks than 0x80 (128)  tail:\n%s", screen)
			}
			s.keys(key(tcell.KeyEnter))
			s.waitForNot(" bookmarks ")
			s.waitFor("hex  0x80 (128)")
		})
	}
}

// TestAppSearchRepeatsAndWraps searches with each preset's keys and command line, repeats the
// search both ways, and checks that a wrap around the file is said.
func TestAppSearchRepeatsAndWraps(t *testing.T) {
	data := make([]byte, 4096)
	for _, off := range []int{0x10, 0x100, 0x200} {
		copy(data[off:], "needle")
	}
	for _, tt := range []struct {
		preset     string
		next, prev *tcell.EventKey
	}{
		{"default", key(tcell.KeyF3), tcell.NewEventKey(tcell.KeyF3, 0, tcell.ModShift)},
		{"vim", runeKey('n'), runeKey('N')},
	} {
		t.Run(tt.preset, func(t *testing.T) {
			s := startSim(t, data, tt.preset, mmap.ReadWrite, Options{})
			open := commandKey(tt.preset)
			s.command(open, "/needle")
			s.waitFor(`"needle" at 0x10`)
			for _, step := range []struct {
				key  *tcell.EventKey
				want string
			}{
				{tt.next, `"needle" at 0x100`},
				{tt.next, `"needle" at 0x200`},
				{tt.next, `"needle" at 0x10 (search wrapped past the end)`},
				{tt.prev, `"needle" at 0x200 (search wrapped past the start)`},
				{tt.prev, `"needle" at 0x100`},
			} {
				s.keys(step.key)
				s.waitFor(step.want)
			}
			s.waitFor("hex  0x100 (256)")
			s.command(open, "?needle") // backward from the cursor
			s.waitFor(`"needle" at 0x10`)
			s.waitFor("hex  0x10 (16)")
		})
	}
}

// TestAppEscCancelsSearch starts a search that cannot finish and cancels it with Esc.
func TestAppEscCancelsSearch(t *testing.T) {
	m, _ := mapTemp(t, testdir.Sample(t), mmap.ReadWrite)
	gate := make(chan struct{})
	t.Cleanup(func() { close(gate) })
	s := runSim(t, gatedStorage{Mapping: m, gate: gate}, loadKeys(t, "default", ""), Options{})
	s.keys(key(tcell.KeyCtrlF))
	s.waitFor("search hex: ")
	s.typeText("t:world")
	s.keys(key(tcell.KeyEnter))
	s.waitFor(`searching "world"… (Esc cancels)`)
	s.keys(key(tcell.KeyEscape))
	s.waitFor("search cancelled")
	s.waitForNot("searching")
}

// TestAppCommandLineFill fills the selection from the command line, as one undo step.
func TestAppCommandLineFill(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "default", mmap.ReadWrite, Options{})
	s.keys(key(tcell.KeyCtrlT), key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyCtrlT))
	s.command(key(tcell.KeyCtrlE), "fill DE AD")
	s.waitFor("filled 5 bytes at 0x0")
	s.wantFile(patched(data, 0, 0xDE, 0xAD, 0xDE, 0xAD, 0xDE))
	s.keys(key(tcell.KeyCtrlZ))
	s.waitFor("undone")
	s.wantFile(data)
	s.command(key(tcell.KeyCtrlE), "help")
	s.waitFor("default keys · Esc closes")
}
