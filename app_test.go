package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/mmap"
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

func TestParseHexBytes(t *testing.T) {
	tests := []struct {
		text    string
		want    []byte
		wantErr bool
	}{
		{"00", []byte{0}, false},
		{"DEADBEEF", []byte{0xDE, 0xAD, 0xBE, 0xEF}, false},
		{"de ad:be,ef", []byte{0xDE, 0xAD, 0xBE, 0xEF}, false},
		{"0xFF 0x01", []byte{0xFF, 0x01}, false},
		{"", nil, true},
		{"abc", nil, true},
		{"zz", nil, true},
		{"?? 00", nil, true},
	}
	for _, tt := range tests {
		got, err := parseHexBytes(tt.text)
		if (err != nil) != tt.wantErr || !bytes.Equal(got, tt.want) {
			t.Errorf("parseHexBytes(%q) = % X, %v; want % X, error %v", tt.text, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestEditorCommandLine(t *testing.T) {
	dir := testdir.New(t)
	file := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(file, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.bin")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	configDir := filepath.Join(dir, "config")
	if err := os.MkdirAll(filepath.Join(configDir, "mmhex"), 0o755); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(configDir, "mmhex", "keys.conf")
	if err := os.WriteFile(keyFile, []byte("# mine\nedit.undo = Ctrl-U\ncursor.dwn = j\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		config   string // the user config directory
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"version", []string{"--version"}, dir, 0, "mmhex " + version + "\n", ""},
		{"version after the file", []string{file, "--version"}, dir, 0, "mmhex " + version + "\n", ""},
		{"help", []string{"--help"}, dir, 0, "Usage: mmhex [flags] FILE", ""},
		{"no file", nil, dir, 2, "", "no file given"},
		{"two files", []string{file, file}, dir, 2, "", "one FILE at a time"},
		{"bad cols", []string{"--cols", "-1", file}, dir, 2, "", "--cols -1"},
		{"unknown flag", []string{"--colour", file}, dir, 2, "", "unknown flag: --colour"},
		{"unknown preset", []string{"--keys", "emacs", file}, dir, 2, "", `unknown preset "emacs"`},
		{"bad key file", []string{file}, configDir, 2, "", keyFile + `:3: unknown action "cursor.dwn"`},
		{"missing file", []string{filepath.Join(dir, "nope.bin")}, dir, 1, "", "no such file"},
		{"empty file", []string{empty}, dir, 1, "",
			"mmhex: " + empty + " is empty (0 bytes): a memory mapping has a fixed size, so there is nothing to view or edit\n"},
		{"not a terminal", []string{"-r", file}, dir, 1, "", "the editor needs a terminal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", tt.config) // os.UserConfigDir on Linux
			t.Setenv("AppData", tt.config)         // and on Windows
			var out, errOut bytes.Buffer
			code := run(tt.args, strings.NewReader(""), &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", errOut.String(), tt.wantErr)
			}
			if lines := strings.Count(errOut.String(), "\n"); lines > 1 {
				t.Errorf("stderr has %d lines, want one: %q", lines, errOut.String())
			}
		})
	}
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

func startSim(t *testing.T, content []byte, preset string, mode mmap.Mode, opts appOptions) *simApp {
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
	km, err := keymap.Load(preset, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	s := &simApp{t: t, a: newApp(editor.New(m), km, opts), sim: tcell.NewSimulationScreen("UTF-8"), path: path, done: make(chan error, 1)}
	s.a.tv.SetScreen(s.sim)
	s.sim.SetSize(120, 40)
	go func() { s.done <- s.a.runInTerminal(nil, stdio{out: s, err: s}) }()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			s.a.tv.Stop()
			<-s.done
		}
	})
	s.waitFor("00000000")
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
	var text string
	s.a.tv.QueueUpdate(func() { text = screenText(s.sim) })
	return text
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

// quit waits for the app to end after a quit key or command, and returns its error and what it
// printed.
func (s *simApp) quit() (error, string) {
	s.t.Helper()
	select {
	case err := <-s.done:
		s.done <- err
		s.mu.Lock()
		defer s.mu.Unlock()
		return err, s.errOut.String()
	case <-time.After(10 * time.Second):
		s.t.Fatalf("the app did not quit; the screen shows:\n%s", s.screen())
	}
	return nil, ""
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

func sample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sample.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func patched(b []byte, off int, repl ...byte) []byte {
	c := bytes.Clone(b)
	copy(c[off:], repl)
	return c
}

func TestAppDefaultKeys(t *testing.T) {
	data := sample(t)
	s := startSim(t, data, "default", mmap.ReadWrite, appOptions{})
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
	s.waitFor("sel 4 B")
	s.keys(key(tcell.KeyCtrlC))
	s.waitFor("copied 4 bytes as hex")
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

	s.keys(tcell.NewEventKey(tcell.KeyDelete, 0, tcell.ModNone))
	s.waitFor("cannot delete: a memory mapping has a fixed size")

	s.keys(key(tcell.KeyCtrlQ))
	err, out := s.quit()
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
	data := sample(t)
	s := startSim(t, data, "vim", mmap.ReadWrite, appOptions{})
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
	s.typeText("x")
	s.waitFor("cannot delete")
	s.typeText(":goto 0x40")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("0x40 (64)")
	s.typeText(":w")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("flushed 3 bytes")
	s.wantFile(patched(data, 2, 0x41))
	s.typeText(":q")
	s.keys(key(tcell.KeyEnter))
	err, out := s.quit()
	if err != nil || out != "" {
		t.Errorf("quit after flushing: error %v, printed %q; want nothing left to flush", err, out)
	}
	s.wantFile(patched(data, 2, 0x41))
}

func TestAppReadOnly(t *testing.T) {
	data := sample(t)
	s := startSim(t, data, "default", mmap.ReadOnly, appOptions{readOnlyNote: "opened with --read-only"})
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
	if err, out := s.quit(); err != nil || out != "" {
		t.Errorf("quit: error %v, printed %q; want neither", err, out)
	}
	s.wantFile(data)
}

func TestAppPanels(t *testing.T) {
	s := startSim(t, sample(t), "default", mmap.ReadWrite, appOptions{})
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
	data := sample(t)
	s := startSim(t, data, "default", mmap.ReadWrite, appOptions{})
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
	if err, _ := s.quit(); err != nil {
		t.Fatal(err)
	}
	s.wantFile(patched(data, 0, 0xDE, 0xAD, 0xBE, 0xEF))
}

func TestAppFileShrinks(t *testing.T) {
	data := make([]byte, 5*4096)
	s := startSim(t, data, "default", mmap.ReadWrite, appOptions{})
	s.keys(key(tcell.KeyCtrlG))
	s.waitFor("goto: ")
	s.typeText("0x4000")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("0x4000 (16384)")
	if err := os.Truncate(s.path, 100); err != nil {
		t.Skipf("this OS refuses to truncate a mapped file: %v", err)
	}
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("1")
	s.waitFor("the file shrank underneath")
	s.waitFor("00004000 │ ?? ??")
	s.keys(key(tcell.KeyCtrlQ))
	if err, _ := s.quit(); err != nil {
		t.Errorf("quit after the file shrank: %v", err)
	}
}

func TestAppPanicFlushesAndReports(t *testing.T) {
	data := sample(t)
	s := startSim(t, data, "default", mmap.ReadWrite, appOptions{})
	orig := actionTable["help.toggle"]
	actionTable["help.toggle"] = func(*app) error { panic("boom") }
	defer func() { actionTable["help.toggle"] = orig }()
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("ab")
	s.waitFor("1 unflushed")
	s.keys(key(tcell.KeyF1))
	err, out := s.quit()
	if err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("error %v, want an internal error", err)
	}
	if !strings.Contains(out, "mmhex: internal error: boom") || !strings.Contains(out, "flushed 1 changed bytes") {
		t.Errorf("printed %q, want the panic, its trace and the flush", out)
	}
	s.wantFile(patched(data, 0, 0xAB))
}

func TestAppSmallTerminal(t *testing.T) {
	s := startSim(t, sample(t), "default", mmap.ReadWrite, appOptions{})
	s.a.tv.QueueUpdateDraw(func() { s.sim.SetSize(40, 10) })
	s.waitFor("00000000 │ 7f 45 4c 46 │ .ELF")
	s.keys(key(tcell.KeyF4))
	s.waitFor("VIEW  data.bin  the…") // the start of "the inspector needs a terminal 66 columns wide"
	if lines := strings.Split(s.screen(), "\n"); !strings.HasPrefix(lines[0], "00000000 │ 7f 45 4c 46 │ .ELF") {
		t.Errorf("with the inspector on, a 40-column screen shows:\n%s", s.screen())
	}
	s.keys(key(tcell.KeyF1))
	s.waitFor("default keys")
	lines := strings.Split(s.screen(), "\n")
	if !strings.HasPrefix(lines[0], "╔") || !strings.HasPrefix(lines[9], "╚") {
		t.Errorf("the help does not fill the 40x10 screen within its border:\n%s", s.screen())
	}
	s.keys(key(tcell.KeyEscape))
	s.a.tv.QueueUpdateDraw(func() { s.sim.SetSize(120, 40) })
	s.waitFor("│u32     1179403647")
}
