package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/patch"
	"github.com/mmhex/mmhex/splice"
)

func TestActionTableImplementsEveryAction(t *testing.T) {
	known := map[string]bool{}
	for _, a := range keymap.Actions() {
		known[a.Name] = true
		if actionTable[a.Name] == nil {
			t.Errorf("action %s has no implementation in actionTable", a.Name)
		}
	}
	for name := range actionTable {
		if !known[name] {
			t.Errorf("actionTable implements %s, which keymap does not know", name)
		}
	}
}

func TestParseSearch(t *testing.T) {
	tests := []struct {
		text    string
		column  editor.Column
		want    string // the pattern's description
		wantErr bool
	}{
		{"DE AD ?? EF", editor.HexColumn, "DE AD ?? EF", false},
		{"cafe", editor.HexColumn, "CA FE", false},
		{"cafe", editor.TextColumn, `"cafe"`, false},
		{"hello", editor.HexColumn, `"hello"`, false},
		{"x:00ff", editor.TextColumn, "00 FF", false},
		{"t:cafe", editor.HexColumn, `"cafe"`, false},
		{"i:Hello", editor.HexColumn, `"Hello" (ignore case)`, false},
		{"u:Hi", editor.HexColumn, `UTF-16 "Hi"`, false},
		{"ui:Hi", editor.HexColumn, `UTF-16 "Hi" (ignore case)`, false},
		{"x:zz", editor.HexColumn, "", true},
		{"??", editor.HexColumn, "", true},
		{"", editor.TextColumn, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			p, err := parseSearch(tt.text, tt.column)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseSearch(%q): error %v, want error %v", tt.text, err, tt.wantErr)
			}
			if err == nil && p.String() != tt.want {
				t.Errorf("parseSearch(%q) = %s, want %s", tt.text, p, tt.want)
			}
		})
	}
}

// TestOneHexGrammar checks that fill, paste, patch and search read hex bytes alike: each accepts
// the same byte strings, as the same bytes, and refuses the same ones. Search alone also takes ??
// for any byte.
func TestOneHexGrammar(t *testing.T) {
	tests := []struct {
		text     string
		want     []byte // nil: refused
		wildcard bool   // search takes it, ?? standing for any byte; the others refuse it
	}{
		{"00", []byte{0}, false},
		{"DEADBEEF", []byte{0xDE, 0xAD, 0xBE, 0xEF}, false},
		{"de ad:be,ef", []byte{0xDE, 0xAD, 0xBE, 0xEF}, false},
		{"de ad\nbe ef", []byte{0xDE, 0xAD, 0xBE, 0xEF}, false},
		{"0xFF 0x01", []byte{0xFF, 0x01}, false},
		{"0xde, 0xad", []byte{0xDE, 0xAD}, false},
		{"0x1", []byte{0x01}, false},
		{"0xdead", nil, false}, // a number, whose byte order nobody can tell
		{"d e a d", nil, false},
		{"abc", nil, false},
		{"zz", nil, false},
		{"0x", nil, false},
		{"de ?? ef", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			fill, fillErr := hexThroughApp(t, func(a *app) error {
				a.ed.ToggleSelection()
				a.ed.Move(7)
				return a.fill(tt.text)
			})
			if tt.want != nil {
				fill = fill[:len(tt.want)]
			}
			paste, pasteErr := hexThroughApp(t, func(a *app) error {
				if err := a.ed.SetMode(editor.EditMode); err != nil {
					return err
				}
				return a.pasteText(tt.text)
			})
			patchBytes, patchErr := patch.ParseValue(tt.text)
			search, searchErr := parseSearch("x:"+tt.text, editor.HexColumn)
			results := []struct {
				command string
				got     []byte
				err     error
			}{{"fill", fill, fillErr}, {"paste", paste[:len(tt.want)], pasteErr}, {"patch", patchBytes, patchErr}}
			for _, r := range results {
				switch {
				case tt.want == nil && r.err == nil:
					t.Errorf("%s took %q, which the others refuse", r.command, tt.text)
				case tt.want != nil && (r.err != nil || !bytes.Equal(r.got, tt.want)):
					t.Errorf("%s read %q as % X (%v), want % X", r.command, tt.text, r.got, r.err, tt.want)
				}
			}
			switch {
			case tt.want == nil && !tt.wildcard && searchErr == nil:
				t.Errorf("search took %q, which the others refuse", tt.text)
			case tt.wildcard && searchErr != nil:
				t.Errorf("search refused %q: %v", tt.text, searchErr)
			case tt.want != nil && (searchErr != nil || search.String() != fmt.Sprintf("% X", tt.want)):
				t.Errorf("search read %q as %s (%v), want % X", tt.text, search, searchErr, tt.want)
			}
		})
	}
}

// hexThroughApp runs do on an app, not shown, over a file of 16 zero bytes, and returns what do
// left in the file.
func hexThroughApp(t *testing.T, do func(a *app) error) ([]byte, error) {
	t.Helper()
	m, path := mapTemp(t, make([]byte, 16), mmap.ReadWrite)
	a := New(editor.New(m), loadKeys(t, "default", ""), Options{})
	err := do(a)
	got, rerr := os.ReadFile(path)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return got, err
}

// simApp is the editor app running on a simulated screen, fed keys through the event queue.
type simApp struct {
	t      *testing.T
	a      *app
	sim    tcell.SimulationScreen
	path   string
	done   chan error
	mu     sync.Mutex // guards errOut, written by the app's goroutine as it exits
	errOut bytes.Buffer
}

func (s *simApp) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errOut.Write(p)
}

func startSim(t *testing.T, content []byte, preset string, mode mmap.Mode, opts Options) *simApp {
	t.Helper()
	return startSimKeys(t, content, loadKeys(t, preset, ""), mode, opts)
}

// loadKeys returns the keymap of preset with the lines of a user key file laid over it.
func loadKeys(t *testing.T, preset, userFile string) *keymap.Keymap {
	t.Helper()
	km, err := keymap.Load(preset, strings.NewReader(userFile), "keys.conf")
	if err != nil {
		t.Fatal(err)
	}
	return km
}

// mapTemp writes content to a temporary file and maps it; the mapping is closed after the test.
func mapTemp(t *testing.T, content []byte, mode mmap.Mode) (*mmap.Mapping, string) {
	t.Helper()
	path := filepath.Join(testdir.New(t), "data.bin")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.Open(path, mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, path
}

// startSimKeys writes content to a file, maps it and runs the app over it with the keys of km.
func startSimKeys(t *testing.T, content []byte, km *keymap.Keymap, mode mmap.Mode, opts Options) *simApp {
	t.Helper()
	m, path := mapTemp(t, content, mode)
	s := runSim(t, splice.Editable{Mapping: m}, km, opts)
	s.path = path
	return s
}

// runSim runs the app over st on a 120x40 simulated screen, and stops it when the test ends.
func runSim(t *testing.T, st editor.Storage, km *keymap.Keymap, opts Options) *simApp {
	t.Helper()
	s := runSimEditor(t, editor.New(st), km, opts)
	s.waitFor("00000000")
	return s
}

// runSimEditor runs the app over ed as runSim does, without waiting for the first frame.
func runSimEditor(t *testing.T, ed *editor.Editor, km *keymap.Keymap, opts Options) *simApp {
	t.Helper()
	s := &simApp{t: t, a: New(ed, km, opts), sim: tcell.NewSimulationScreen("UTF-8"), done: make(chan error, 1)}
	// Keys typed ahead must not meet a move under way, which refuses them: on a loaded machine
	// any move may pass the usual wait. TestAppMoveProgressAndCancel sets its own.
	s.a.moveWait = time.Minute
	s.a.tv.SetScreen(s.sim)
	s.sim.SetSize(120, 40)
	go func() { s.done <- s.a.Run(nil, nil, nil, s) }()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			s.a.tv.Stop()
			<-s.done
		}
	})
	return s
}

// keys queues key events, in order, as the terminal would deliver them.
func (s *simApp) keys(evs ...*tcell.EventKey) {
	for _, ev := range evs {
		s.a.tv.QueueEvent(ev)
	}
}

func key(k tcell.Key) *tcell.EventKey { return tcell.NewEventKey(k, 0, tcell.ModNone) }

func (s *simApp) typeText(text string) {
	for _, r := range text {
		s.keys(tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone))
	}
}

// screen returns the text on the simulated screen. It reads the cells on the UI goroutine, which
// draws them.
func (s *simApp) screen() string {
	s.t.Helper()
	var text string
	s.onUI(func() { text = screenText(s.sim) })
	return text
}

// onUI runs f on the UI goroutine and waits for it. The app may have ended (or crashed), after
// which tview's QueueUpdate would wait for ever: that fails the test, and so does a UI goroutine
// that does not answer in 10 seconds.
func (s *simApp) onUI(f func()) {
	s.t.Helper()
	s.queue(s.a.tv.QueueUpdate, f)
}

// onUIDraw runs f on the UI goroutine as onUI does, and has a frame drawn after it.
func (s *simApp) onUIDraw(f func()) {
	s.t.Helper()
	s.queue(s.a.tv.QueueUpdateDraw, f)
}

func (s *simApp) queue(queue func(func()) *tview.Application, f func()) {
	s.t.Helper()
	ran := make(chan struct{})
	go queue(func() {
		f()
		close(ran)
	})
	select {
	case <-ran:
	case err := <-s.done:
		s.done <- err
		select {
		case <-ran: // f ran before the app ended
		default:
			s.t.Fatalf("the app has ended (error %v); it printed %q", err, s.printed())
		}
	case <-time.After(10 * time.Second):
		s.t.Fatalf("the app's UI goroutine did not answer for 10 s")
	}
}

// printed returns what the app has written to its standard error.
func (s *simApp) printed() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errOut.String()
}

func screenText(sim tcell.SimulationScreen) string {
	cells, width, height := sim.GetContents()
	var sb strings.Builder
	for y := range height {
		for x := range width {
			c := cells[y*width+x]
			if len(c.Runes) == 0 {
				sb.WriteByte(' ')
			} else {
				sb.WriteString(string(c.Runes))
			}
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// waitFor waits until the screen shows text.
func (s *simApp) waitFor(text string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.screen(), text) {
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q; it shows:\n%s", text, s.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// prompt opens a prompt with the key open, waits until it shows ready, types line and enters it.
func (s *simApp) prompt(open *tcell.EventKey, ready, line string) {
	s.t.Helper()
	s.keys(open)
	s.waitFor(ready)
	s.typeText(line)
	s.keys(key(tcell.KeyEnter))
}

// quit waits for the app to end after a quit key or command, and returns what it printed and its
// error.
func (s *simApp) quit() (string, error) {
	s.t.Helper()
	select {
	case err := <-s.done:
		s.done <- err
		return s.printed(), err
	case <-time.After(10 * time.Second):
		s.t.Fatalf("the app did not quit; the screen shows:\n%s", s.screen())
	}
	return "", nil
}

func (s *simApp) wantFile(want []byte) {
	s.t.Helper()
	got, err := os.ReadFile(s.path)
	if err != nil {
		s.t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		s.t.Fatalf("file holds % X, want % X", got, want)
	}
}

func patched(b []byte, off int, repl ...byte) []byte {
	c := bytes.Clone(b)
	copy(c[off:], repl)
	return c
}

func TestAppDefaultKeys(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "default", mmap.ReadWrite, Options{})
	s.waitFor("VIEW")

	s.keys(key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("4142")
	s.waitFor("00000000 │ 7f 45 41 42")
	s.waitFor("2 unflushed")

	s.keys(key(tcell.KeyCtrlS))
	s.waitFor("flushed 2 bytes")
	s.wantFile(patched(data, 2, 0x41, 0x42))

	s.keys(key(tcell.KeyCtrlZ))
	s.waitFor("00000000 │ 7f 45 4c 46")
	s.wantFile(data) // the page cache holds the undo: another reader sees it at once

	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW")
	s.keys(key(tcell.KeyCtrlF))
	s.waitFor("search hex")
	s.typeText("t:world")
	s.keys(key(tcell.KeyEnter))
	s.waitFor(`"world" at 0x5A`)

	// Select four bytes, copy them, paste them at the file's start, fill them with 00.
	s.keys(key(tcell.KeyCtrlT), key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyCtrlT))
	s.waitFor("selected 4 bytes at 0x5A")
	s.keys(key(tcell.KeyCtrlC))
	s.waitFor("copied 4 bytes as hex")
	s.waitFor("sel 4 B")
	if got := string(s.sim.GetClipboardData()); got != "77 6F 72 6C" {
		t.Errorf("clipboard %q, want %q", got, "77 6F 72 6C")
	}
	s.keys(tcell.NewEventKey(tcell.KeyHome, 0, tcell.ModCtrl), key(tcell.KeyCtrlV))
	s.waitFor("pasted 4 bytes at 0x0")
	s.keys(key(tcell.KeyCtrlL))
	s.waitFor("fill 4 bytes: ")
	s.typeText("00")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("filled 4 bytes at 0x5A")

	s.keys(key(tcell.KeyCtrlQ))
	out, err := s.quit()
	if err != nil {
		t.Fatalf("quit: %v", err)
	}
	if !strings.Contains(out, "mmhex: flushed 8 changed bytes to "+s.path) {
		t.Errorf("quit printed %q, want it to say the 8 changed bytes were flushed", out)
	}
	want := patched(patched(data, 0, 'w', 'o', 'r', 'l'), 0x5A, 0, 0, 0, 0)
	s.wantFile(want)
}

func TestAppVimKeys(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "vim", mmap.ReadWrite, Options{})
	s.typeText("3j")
	s.waitFor("0x30 (48)")
	s.typeText("gg")
	s.waitFor("0x0 (0)")
	s.typeText("llr4")
	s.waitFor("replace: 4_")
	s.typeText("1")
	s.waitFor("00000000 │ 7f 45 41 46")
	s.typeText("wR") // w steps to the next group of 8 bytes
	s.waitFor("EDIT")
	s.typeText("ffee")
	s.waitFor("00000000 │ 7f 45 41 46 02 01 01 00  ff ee")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW")
	s.typeText("u")
	s.waitFor("00000000 │ 7f 45 41 46 02 01")
	s.typeText(":goto 0x40")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("0x40 (64)")
	s.typeText(":w")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("flushed 3 bytes")
	s.wantFile(patched(data, 2, 0x41))
	s.typeText(":q")
	s.keys(key(tcell.KeyEnter))
	out, err := s.quit()
	if err != nil || out != "" {
		t.Errorf("quit after flushing: error %v, printed %q; want nothing left to flush", err, out)
	}
	s.wantFile(patched(data, 2, 0x41))
}

func TestAppReadOnly(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "default", mmap.ReadOnly, Options{ReadOnlyNote: "opened with --read-only"})
	s.waitFor("READ-ONLY")
	s.keys(key(tcell.KeyInsert))
	s.waitFor("read-only, opened with --read-only")
	s.keys(key(tcell.KeyCtrlZ))
	s.waitFor("nothing to undo")
	s.keys(tcell.NewEventKey(tcell.KeyRune, 'r', tcell.ModAlt))
	s.waitFor("read-only, opened with --read-only")
	s.typeText("41")
	s.waitFor("1 is not bound to anything")
	s.keys(key(tcell.KeyCtrlQ))
	if out, err := s.quit(); err != nil || out != "" {
		t.Errorf("quit: error %v, printed %q; want neither", err, out)
	}
	s.wantFile(data)
}

func TestAppPanels(t *testing.T) {
	s := startSim(t, testdir.Sample(t), "default", mmap.ReadWrite, Options{})
	s.keys(key(tcell.KeyF4))
	s.waitFor("little-endian")
	s.waitFor("u32     1179403647") // 7f 45 4c 46 little-endian
	s.keys(key(tcell.KeyF1))
	s.waitFor("default keys · Esc closes")
	s.waitFor("Ctrl-G, F5")
	s.keys(key(tcell.KeyEscape))
	s.keys(key(tcell.KeyCtrlB))
	s.waitFor("bookmark name")
	s.typeText("magic")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("bookmark set at 0x0")
	s.keys(key(tcell.KeyCtrlG))
	s.waitFor("goto")
	s.typeText("50%")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("0x800 (2048)")
	s.keys(key(tcell.KeyCtrlK))
	s.waitFor("0x0 (0)  magic")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("hex  0x0 (0)")
	if strings.Contains(s.screen(), "default keys") {
		t.Errorf("the help overlay is still shown:\n%s", s.screen())
	}
}

// paste queues text as the terminal delivers a bracketed paste.
func (s *simApp) paste(text string) {
	s.a.tv.QueueEvent(tcell.NewEventPaste(true))
	for _, r := range text {
		if r == '\n' {
			s.keys(key(tcell.KeyEnter))
		} else {
			s.keys(tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone))
		}
	}
	s.a.tv.QueueEvent(tcell.NewEventPaste(false))
}

func TestAppTerminalPaste(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "default", mmap.ReadWrite, Options{})
	s.paste("00")
	s.waitFor("pasted text is written at the cursor in edit mode only")
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.paste("de ad\nbe ef")
	s.waitFor("pasted 4 bytes at 0x0")
	s.keys(key(tcell.KeyTab))
	s.waitFor("text  0x0")
	s.paste("Hi")
	s.waitFor("pasted 2 bytes at 0x0")
	s.keys(key(tcell.KeyCtrlZ))
	s.waitFor("00000000 │ de ad be ef")
	s.keys(key(tcell.KeyCtrlQ))
	if _, err := s.quit(); err != nil {
		t.Fatal(err)
	}
	s.wantFile(patched(data, 0, 0xDE, 0xAD, 0xBE, 0xEF))
}

// waitForWords waits until the screen shows text, allowing for a message wrapped over rows:
// both are compared word by word.
func (s *simApp) waitForWords(text string) {
	s.t.Helper()
	want := strings.Join(strings.Fields(text), " ")
	deadline := time.Now().Add(10 * time.Second)
	for {
		screen := s.screen()
		if strings.Contains(strings.Join(strings.Fields(screen), " "), want) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q; it shows:\n%s", text, screen)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// shrinkUnder truncates the file under the running app to size, or skips the test where the OS
// refuses (Windows refuses to truncate a file that has a mapped view).
func (s *simApp) shrinkUnder(size int64) {
	s.t.Helper()
	if err := os.Truncate(s.path, size); err != nil {
		if runtime.GOOS == "windows" {
			s.t.Skipf("Windows refuses to truncate a mapped file: %v", err)
		}
		s.t.Fatal(err)
	}
}

func TestAppFileShrinks(t *testing.T) {
	data := bytes.Repeat([]byte{0x41}, 8192)
	s := startSim(t, data, "default", mmap.ReadWrite, Options{})
	s.prompt(key(tcell.KeyCtrlG), "goto: ", "0x64")
	s.waitFor("0x64 (100) / 8192")
	s.shrinkUnder(100)
	// The next frame looks at the size: it says so, shows the new size and the bytes past it as
	// gone, although they are in the last mapped page (which reads as zeros, not a fault).
	s.redraw()
	s.waitFor("data.bin shrank to 100 bytes: the bytes past it are gone")
	s.waitFor("0x64 (100) / 100 (shrank from 8192)")
	s.waitFor("00000060 │ 41 41 41 41 ?? ?? ?? ??")
	s.waitFor("│ AAAA????????????")

	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("11")
	s.waitFor("0x64 is past the end: data.bin shrank to 100 bytes")
	s.keys(key(tcell.KeyCtrlS))
	s.waitFor("nothing to flush")
	s.wantFile(data[:100])

	// Grown back, the bytes can be edited again.
	s.shrinkUnder(8192)
	s.redraw()
	s.waitFor("data.bin grew back to 8192 bytes")
	s.waitFor("00000060 │ 41 41 41 41 00 00")
	s.typeText("ff")
	s.waitFor("1 unflushed")
	s.keys(key(tcell.KeyCtrlS))
	s.waitFor("flushed 1 byte to")
	s.keys(key(tcell.KeyCtrlQ))
	if _, err := s.quit(); err != nil {
		t.Errorf("quit after the file shrank: %v", err)
	}
	want := append(bytes.Clone(data[:100]), make([]byte, 8192-100)...)
	want[0x64] = 0xFF
	s.wantFile(want)
}

func TestAppFlushCountsOnlyWhatItWrote(t *testing.T) {
	tests := []struct {
		name   string
		size   int64
		flush  string // what Ctrl-S says, past the "flushed" part
		quit   string // what quitting prints, with the edit typed after the flush
		edited bool   // whether the edit typed after the flush is in the file
	}{
		{"to 100 bytes", 100, "flushed 1 byte to %[1]s; 2 changed bytes past the end were lost when %[1]s shrank to 100 bytes", "mmhex: flushed 1 changed byte to %[1]s", true},
		{"to 0 bytes", 0, "flushed 0 bytes to %[1]s; 3 changed bytes past the end were lost when %[1]s shrank to 0 bytes", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startSim(t, make([]byte, 8192), "default", mmap.ReadWrite, Options{})
			s.keys(key(tcell.KeyInsert))
			s.waitFor("EDIT")
			s.typeText("aa")
			s.prompt(key(tcell.KeyCtrlG), "goto: ", "0x200")
			s.typeText("bbcc")
			s.waitFor("3 unflushed")
			s.shrinkUnder(tt.size)
			s.keys(key(tcell.KeyCtrlS))
			s.waitForWords(fmt.Sprintf(tt.flush, s.path))
			s.prompt(key(tcell.KeyCtrlG), "goto: ", "0x10")
			s.typeText("dd")
			s.keys(key(tcell.KeyCtrlQ))
			out, err := s.quit()
			if err != nil {
				t.Fatal(err)
			}
			if tt.quit == "" && out != "" || tt.quit != "" && !strings.Contains(out, fmt.Sprintf(tt.quit, s.path)) {
				t.Errorf("quit printed %q, want %q", out, tt.quit)
			}
			want := make([]byte, tt.size)
			if tt.edited {
				want[0], want[0x10] = 0xAA, 0xDD
			}
			s.wantFile(want)
		})
	}
}

func TestAppReplacedFile(t *testing.T) {
	s := startSim(t, make([]byte, 64), "default", mmap.ReadWrite, Options{})
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("aabb")
	s.waitFor("2 unflushed")
	other := filepath.Join(filepath.Dir(s.path), "other.bin")
	if err := os.WriteFile(other, []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, s.path); err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("Windows refuses to replace a mapped file: %v", err)
		}
		t.Fatal(err)
	}
	s.keys(key(tcell.KeyCtrlS))
	s.waitForWords(s.path + " was replaced or removed on disk: your 2 bytes went to the old file, which that name no longer reaches")
	s.typeText("c")
	s.waitForWords("cannot write: data.bin was replaced or removed on disk")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW  data.bin  REPLACED ON DISK")
	s.keys(key(tcell.KeyCtrlQ))
	if _, err := s.quit(); err != nil {
		t.Fatal(err)
	}
	s.wantFile([]byte("other"))
}

func TestAppPanicFlushesAndReports(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "default", mmap.ReadWrite, Options{})
	orig := actionTable["help.toggle"]
	actionTable["help.toggle"] = func(*app) error { panic("boom") }
	defer func() { actionTable["help.toggle"] = orig }()
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("ab")
	s.waitFor("1 unflushed")
	s.keys(key(tcell.KeyF1))
	out, err := s.quit()
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("error %v, want an internal error", err)
	}
	if !strings.Contains(out, "mmhex: internal error: boom") || !strings.Contains(out, "flushed 1 changed byte to") {
		t.Errorf("printed %q, want the panic, its trace and the flush", out)
	}
	s.wantFile(patched(data, 0, 0xAB))
}

func TestAppSmallTerminal(t *testing.T) {
	s := startSim(t, testdir.Sample(t), "default", mmap.ReadWrite, Options{})
	s.onUIDraw(func() { s.sim.SetSize(40, 10) })
	s.waitFor("00000000 │ 7f 45 4c 46 │ .ELF")
	// The message takes the room of the offset and the size.
	s.waitFor("VIEW  data.bin  F1 for the keys")
	s.keys(key(tcell.KeyF4))
	s.waitFor("the inspector needs 66 columns to show") // whole, in place of the rest of the bar
	lines := strings.Split(s.screen(), "\n")
	if !strings.HasPrefix(lines[0], "00000000 │ 7f 45 4c 46 │ .ELF") {
		t.Errorf("with the inspector on, a 40-column screen shows:\n%s", s.screen())
	}
	s.keys(key(tcell.KeyF1))
	s.waitFor("default keys")
	lines = strings.Split(s.screen(), "\n")
	if !strings.HasPrefix(lines[0], "╔") || !strings.HasPrefix(lines[8], "╚") {
		t.Errorf("the help does not fill the 40x10 screen above the status bar within its border:\n%s", s.screen())
	}
	if status := lines[9]; !strings.HasPrefix(status, "VIEW  data.bin ") || !strings.HasSuffix(status, " hex  0x0 (0) / 4096") {
		t.Errorf("under the help the status bar reads %q, want it whole", status)
	}
	s.keys(key(tcell.KeyEscape))
	s.waitForNot("default keys")

	// A message too long for the line wraps, over the bottom rows of the bytes.
	s.keys(tcell.NewEventKey(tcell.KeyRune, 'z', tcell.ModAlt))
	s.waitFor("Alt-z is not bound to anything (F1 shows")
	lines = strings.Split(strings.TrimRight(s.screen(), "\n"), "\n")
	if got := strings.TrimRight(lines[8], " ") + " / " + strings.TrimRight(lines[9], " "); got != "Alt-z is not bound to anything (F1 shows / the keys)" {
		t.Errorf("the last two rows read %q, want the whole message", got)
	}
	s.keys(key(tcell.KeyRight))
	s.waitFor("VIEW  data.bin       hex  0x1 (1) / 4096")

	// With no message, the offset keeps its place and the left part is cut.
	s.onUIDraw(func() { s.sim.SetSize(30, 6) })
	s.waitFor("VIEW  dat… hex  0x1 (1) / 4096")
	s.keys(tcell.NewEventKey(tcell.KeyEnd, 0, tcell.ModCtrl))
	s.waitFor("VIEW… hex  0xFFF (4095) / 4096")

	s.onUIDraw(func() { s.sim.SetSize(120, 40) })
	s.keys(tcell.NewEventKey(tcell.KeyHome, 0, tcell.ModCtrl))
	s.waitFor("│u32     1179403647")
}

func TestAppCommandLineOffsets(t *testing.T) {
	for _, tt := range []struct {
		preset string
		open   *tcell.EventKey // opens the command line
	}{
		{"default", key(tcell.KeyCtrlE)},
		{"vim", tcell.NewEventKey(tcell.KeyRune, ':', tcell.ModNone)},
	} {
		t.Run(tt.preset, func(t *testing.T) {
			s := startSim(t, testdir.Sample(t), tt.preset, mmap.ReadWrite, Options{})
			for _, step := range []struct {
				line    string
				message string // "" for a move
				cursor  int64
			}{
				{"0x40", "", 0x40},
				{"-10", "", 0x36}, // from the cursor
				{"+0x10", "", 0x46},
				{"-0x1000", "offset -0xFBA is before the start of the file", 0x46},
				{"0x2000", "offset 0x2000 is past the end", 0x46},
				{"12zz", `cannot read offset "12zz"`, 0x46},
				{"frobnicate", `unknown command "frobnicate"`, 0x46},
			} {
				s.keys(tt.open)
				s.waitFor("goto OFFSET · w · q")
				s.typeText(step.line)
				s.keys(key(tcell.KeyEnter))
				if step.message != "" {
					s.waitFor(step.message)
				} else {
					s.waitFor(fmt.Sprintf("hex  0x%X (%d)", step.cursor, step.cursor))
				}
				if got := s.a.ed.Cursor(); got != step.cursor {
					t.Errorf("after %q the cursor is at 0x%X, want 0x%X", step.line, got, step.cursor)
				}
			}
		})
	}
}

func TestAppGroupSteps(t *testing.T) {
	for _, tt := range []struct {
		preset     string
		next, prev *tcell.EventKey
	}{
		{"default", tcell.NewEventKey(tcell.KeyRight, 0, tcell.ModCtrl), tcell.NewEventKey(tcell.KeyLeft, 0, tcell.ModCtrl)},
		{"vim", tcell.NewEventKey(tcell.KeyRune, 'w', tcell.ModNone), tcell.NewEventKey(tcell.KeyRune, 'b', tcell.ModNone)},
	} {
		t.Run(tt.preset, func(t *testing.T) {
			s := startSim(t, testdir.Sample(t), tt.preset, mmap.ReadWrite, Options{})
			// A step lands where the view draws its wider gap: after every editor.GroupSize bytes.
			s.waitFor("00000000 │ 7f 45 4c 46 02 01 01 00  00 00")
			s.keys(tt.next)
			s.waitFor(fmt.Sprintf("hex  0x%X (%d)", editor.GroupSize, editor.GroupSize))
			s.keys(tt.next)
			s.waitFor(fmt.Sprintf("hex  0x%X (%d)", 2*editor.GroupSize, 2*editor.GroupSize))
			s.keys(key(tcell.KeyRight), tt.prev)
			s.waitFor(fmt.Sprintf("hex  0x%X (%d)", 2*editor.GroupSize, 2*editor.GroupSize))
			s.keys(tt.prev)
			s.waitFor(fmt.Sprintf("hex  0x%X (%d)", editor.GroupSize, editor.GroupSize))
		})
	}
}

// TestAppCancelKeys checks that prompts and overlays close with the key bound to mode.view, and
// with Esc, and that tview's stop key, Ctrl-C, quits nothing.
func TestAppCancelKeys(t *testing.T) {
	s := startSimKeys(t, testdir.Sample(t), loadKeys(t, "default", "mode.view = Ctrl-X\n"), mmap.ReadWrite, Options{})
	s.keys(key(tcell.KeyCtrlG))
	s.waitFor("Enter: ok · Ctrl-X: cancel")
	s.typeText("40")
	s.keys(key(tcell.KeyCtrlC))
	s.typeText("0")
	s.waitFor("goto: 400")
	s.keys(key(tcell.KeyCtrlX))
	s.waitForNot("goto: ")
	s.keys(key(tcell.KeyCtrlG))
	s.typeText("400")
	s.keys(key(tcell.KeyEscape))
	s.waitForNot("goto: ")
	s.waitFor("hex  0x0 (0)") // neither prompt went anywhere

	s.keys(key(tcell.KeyF1))
	s.waitFor("default keys · Ctrl-X closes")
	s.keys(key(tcell.KeyCtrlC), key(tcell.KeyCtrlX))
	s.waitForNot("default keys")
	s.keys(key(tcell.KeyF1))
	s.waitFor("default keys")
	s.keys(key(tcell.KeyEscape))
	s.waitForNot("default keys")

	s.keys(key(tcell.KeyCtrlG))
	s.typeText("0x40")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("hex  0x40 (64)")
}

// TestAppCancelKeyTypesInPrompts checks that a character bound to mode.view is text in a prompt.
func TestAppCancelKeyTypesInPrompts(t *testing.T) {
	s := startSimKeys(t, testdir.Sample(t), loadKeys(t, "vim", "mode.view = Esc, q\n"), mmap.ReadWrite, Options{})
	s.typeText(":")
	s.waitFor("Enter: ok · Esc: cancel")
	s.typeText("q")
	s.keys(key(tcell.KeyEnter))
	if out, err := s.quit(); err != nil || out != "" {
		t.Errorf("quit with :q: error %v, printed %q; want neither", err, out)
	}
}

// gatedStorage is a mapping whose every Scan, which only searches call, waits for gate.
type gatedStorage struct {
	*mmap.Mapping
	gate chan struct{}
}

func (g gatedStorage) Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error {
	<-g.gate
	return g.Mapping.Scan(off, length, overlap, fn)
}

// searchReportsTaken waits until the app has taken every search report posted so far.
func (s *simApp) searchReportsTaken() {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var taken bool
		s.onUI(func() {
			q := &s.a.searchReports
			q.mu.Lock()
			taken = !q.queued && len(q.reports) == 0
			q.mu.Unlock()
		})
		if taken {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatal("the app did not take the search reports")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestAppSearchReports runs two searches in a row and checks that the first one's reports, late,
// do not end the second one's "searching…", and that reports are shown in the order they were
// sent.
func TestAppSearchReports(t *testing.T) {
	data := testdir.Sample(t)
	m, _ := mapTemp(t, data, mmap.ReadWrite)
	gate := make(chan struct{})
	var release sync.Once
	t.Cleanup(func() { release.Do(func() { close(gate) }) })
	s := runSim(t, gatedStorage{Mapping: m, gate: gate}, loadKeys(t, "default", ""), Options{})

	search := func(text string) { s.prompt(key(tcell.KeyCtrlF), "search hex: ", text) }
	search("t:nowhere")
	s.waitFor(`searching "nowhere"…`)
	search("t:world")
	s.waitFor(`searching "world"…`)

	// The first search's reports, reaching the app after the second search started: the editor
	// checks a search is current before it reports, but the report may be overtaken on its way.
	gen := s.a.ed.SearchGen()
	nowhere, err := editor.TextPattern("nowhere", false)
	if err != nil {
		t.Fatal(err)
	}
	s.a.postSearchReport(editor.SearchReport{Pattern: nowhere, Done: 90, Total: 100, Gen: gen - 1})
	s.a.postSearchReport(editor.SearchReport{Pattern: nowhere, Finished: true, Err: editor.ErrNotFound, Total: 100, Gen: gen - 1})
	s.searchReportsTaken()
	if screen := s.screen(); !strings.Contains(screen, `searching "world"… (Esc cancels)`) || strings.Contains(screen, "nowhere") {
		t.Errorf("after late reports of the first search, the status bar reads:\n%s", lastLine(screen))
	}

	// Reports of one search are shown in order: the last one stays.
	world, err := editor.TextPattern("world", false)
	if err != nil {
		t.Fatal(err)
	}
	for done := int64(1); done < 50; done++ {
		s.a.postSearchReport(editor.SearchReport{Pattern: world, Done: done, Total: 100, Gen: gen})
	}
	s.a.postSearchReport(editor.SearchReport{Pattern: world, Done: 50, Total: 100, Gen: gen})
	s.searchReportsTaken()
	if screen := s.screen(); !strings.Contains(screen, `searching "world"… 50%`) {
		t.Errorf("after progress reports up to 50%%, the status bar reads:\n%s", lastLine(screen))
	}

	release.Do(func() { close(gate) })
	s.waitFor(`"world" at 0x5A`)
	s.waitFor("hex  0x5A (90)")
	if screen := s.screen(); strings.Contains(screen, "nowhere") {
		t.Errorf("the first search, replaced, showed its result:\n%s", lastLine(screen))
	}
}

// lastLine returns the last non-empty line of a screen: the status bar.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return lines[len(lines)-1]
}

func TestAppNoColor(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		t.Run(fmt.Sprint("noColor=", noColor), func(t *testing.T) {
			s := startSim(t, testdir.Sample(t), "default", mmap.ReadWrite, Options{NoColor: noColor})
			var coloured []string
			s.onUI(func() {
				cells, width, _ := s.sim.GetContents()
				for i, c := range cells {
					if fg, bg, _ := c.Style.Decompose(); fg != tcell.ColorDefault || bg != tcell.ColorDefault {
						coloured = append(coloured, fmt.Sprintf("(%d, %d) %q", i%width, i/width, string(c.Runes)))
					}
				}
			})
			switch {
			case noColor && len(coloured) > 0:
				t.Errorf("without colour, %d cells have colours: %v", len(coloured), coloured[:min(len(coloured), 5)])
			case !noColor && len(coloured) == 0:
				t.Errorf("in colour, no cell has a colour")
			}
		})
	}
}

// TestAppReplaceSaysItOnce checks that a replace waiting for its byte says "replace:" once: the
// status bar's mode part says it, and the message only what to type.
func TestAppReplaceSaysItOnce(t *testing.T) {
	s := startSim(t, make([]byte, 16), "default", mmap.ReadWrite, Options{})
	s.keys(tcell.NewEventKey(tcell.KeyRune, 'r', tcell.ModAlt))
	s.waitFor("type two hex digits")
	if got := lastLine(s.screen()); strings.Count(got, "replace") != 1 {
		t.Errorf("status bar %q, want \"replace\" once", got)
	}
}

// TestAppHelpWraps checks that the help overlay wraps its long lines to its width, whatever the
// terminal's: no line is wider than the overlay, and no word is lost.
func TestAppHelpWraps(t *testing.T) {
	for _, width := range []int{60, 90, 120, 200} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			s := startSim(t, make([]byte, 64), "default", mmap.ReadWrite, Options{})
			s.onUIDraw(func() { s.sim.SetSize(width, 40) })
			s.keys(key(tcell.KeyF1))
			s.waitFor("default keys · Esc closes")
			var text string
			var inner int
			s.onUI(func() {
				text = s.a.help.GetText(true)
				_, _, inner, _ = s.a.help.GetInnerRect()
			})
			for line := range strings.SplitSeq(text, "\n") {
				if utf8.RuneCountInString(line) > inner {
					t.Errorf("the help line %q is wider than the overlay's %d columns", line, inner)
				}
			}
			if got, want := strings.Fields(text), strings.Fields(helpText(s.a.km)); !slices.Equal(got, want) {
				t.Errorf("the wrapped help has other words than the help:\n%s", text)
			}
		})
	}
}

// TestAppSearchDirections checks where searching goes: a new search from a match moves on to
// the next one, as vim's / does; in the default preset next is forward and previous backward
// whatever the last search's direction; vim's n repeats the last direction and N reverses it.
func TestAppSearchDirections(t *testing.T) {
	data := make([]byte, 64)
	for _, off := range []int{0x10, 0x20, 0x30} {
		copy(data[off:], "ab")
	}
	shiftF3 := tcell.NewEventKey(tcell.KeyF3, 0, tcell.ModShift)

	s := startSim(t, data, "default", mmap.ReadWrite, Options{})
	s.prompt(key(tcell.KeyCtrlR), "search back", "t:ab")
	s.waitFor(`"ab" at 0x30 (search wrapped past the start)`)
	s.keys(key(tcell.KeyF3))
	s.waitFor(`"ab" at 0x10 (search wrapped past the end)`)
	s.keys(key(tcell.KeyF3))
	s.waitFor(`"ab" at 0x20`)
	s.keys(shiftF3)
	s.waitFor(`"ab" at 0x10`)
	s.prompt(key(tcell.KeyCtrlF), "search hex", "t:ab")
	s.waitFor(`"ab" at 0x20`)

	v := startSim(t, data, "vim", mmap.ReadWrite, Options{})
	v.typeText("?t:ab")
	v.keys(key(tcell.KeyEnter))
	v.waitFor(`"ab" at 0x30 (search wrapped past the start)`)
	v.typeText("n")
	v.waitFor(`"ab" at 0x20`)
	v.typeText("N")
	v.waitFor(`"ab" at 0x30`)
	v.typeText("/t:ab")
	v.keys(key(tcell.KeyEnter))
	v.waitFor(`"ab" at 0x10 (search wrapped past the end)`)
}

// TestAppSearchOnlyWildcards checks that ?? alone in the hex column is refused as wildcards
// with nothing to find, as x:?? is, rather than searched for as text.
func TestAppSearchOnlyWildcards(t *testing.T) {
	s := startSim(t, make([]byte, 64), "default", mmap.ReadWrite, Options{})
	for _, text := range []string{"x:??", "??", "?? ??"} {
		s.prompt(key(tcell.KeyCtrlF), "search hex", text)
		s.waitFor(fmt.Sprintf("hex pattern %q: only ?? wildcards: give at least one byte", strings.TrimPrefix(text, "x:")))
		s.keys(key(tcell.KeyRight))
		s.waitForNot("wildcards")
	}
}

// TestAppColsTooWide checks that bytes per row asked for that do not fit the terminal are said
// to fall short, with the number shown, once, and that a width that fits them says nothing.
func TestAppColsTooWide(t *testing.T) {
	s := startSim(t, make([]byte, 256), "default", mmap.ReadWrite, Options{Cols: 32})
	s.waitFor("32 bytes per row do not fit 120 columns: showing 16; widen the terminal, or set cols=N")
	s.waitFor("00000010 │")
	s.keys(key(tcell.KeyRight))
	s.waitForNot("do not fit")
	s.onUIDraw(func() { s.sim.SetSize(200, 40) })
	s.waitFor("00000020 │")
	if strings.Contains(s.screen(), "do not fit") {
		t.Errorf("32 bytes per row fit 200 columns, yet:\n%s", s.screen())
	}
	s.command(key(tcell.KeyCtrlE), "set cols=64")
	s.waitFor("64 bytes per row do not fit 200 columns: showing 32")
}

// TestAppVimCountBeforeG checks vim's G: alone it goes to the last byte, after a count to the
// byte at that decimal offset, as bvi does; P is unbound, and says so, rather than paste as p.
func TestAppVimCountBeforeG(t *testing.T) {
	s := startSim(t, make([]byte, 4096), "vim", mmap.ReadWrite, Options{})
	s.typeText("100G")
	s.waitFor("hex  0x64 (100) / 4096")
	s.typeText("G")
	s.waitFor("hex  0xFFF (4095) / 4096")
	s.typeText("5000G")
	s.waitFor("past the end")
	s.typeText("P")
	s.waitFor("P is not bound to anything")
}
