package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/tui"
)

// The end-to-end tests run the real binary in tmux, send keys, and read the screen with
// capture-pane and the file with os.ReadFile.

// buildBinary builds mmhex into a temporary directory.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(testdir.New(t), "mmhex")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/mmhex/mmhex").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tmux is a tmux server of its own (a unique -L socket) holding one 120x40 pane.
type tmux struct {
	t      testing.TB
	socket string
	dir    string
	conf   string
}

var tmuxSockets atomic.Int64

// newTmux prepares a tmux server with no status line, so the pane is the whole 120x40 window.
// It skips the test when tmux is not installed.
func newTmux(t testing.TB) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; the end-to-end tests need it (apt-get install tmux)")
	}
	tm := &tmux{
		t:      t,
		socket: fmt.Sprintf("mmhex-e2e-%d-%d", os.Getpid(), tmuxSockets.Add(1)),
		dir:    testdir.New(t),
	}
	conf := filepath.Join(tm.dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g status off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm.conf = conf
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

// run runs a tmux command on this server and returns its output.
func (tm *tmux) run(args ...string) string {
	tm.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-L", tm.socket, "-f", tm.conf}, args...)...)
	// An empty configuration directory, so that no user key file changes the bindings.
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+tm.dir, "TERM=xterm-256color")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start runs the command line in a new 120x40 session. A shell around it records its process
// ID, its stderr and its exit status in files, then keeps the pane open, so the screen after the
// exit can be read. (tmux's own pane_dead_status is not used: tmux 3.3 sometimes leaves a pane
// whose program exited undead for many seconds.)
func (tm *tmux) start(args ...string) {
	tm.t.Helper()
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	file := func(name string) string { return filepath.Join(tm.dir, name) }
	script := fmt.Sprintf(`sh -c 'echo $$ >%s; exec "$@" 2>%s' mmhex %s; echo $? >%s; exec sleep 3600`,
		file("pid"), file("stderr"), strings.Join(quoted, " "), file("status"))
	tm.run("new-session", "-d", "-x", "120", "-y", "40", script)
}

func (tm *tmux) screen() string { return tm.run("capture-pane", "-p") }

func (tm *tmux) send(keys ...string) { tm.run(append([]string{"send-keys"}, keys...)...) }

func (tm *tmux) sendText(text string) { tm.run("send-keys", "-l", text) }

// waitFor polls the screen until it shows text (bounded), and returns it.
func (tm *tmux) waitFor(text string) string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tm.screen()
		if strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q; it shows:\n%s", text, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pid returns the process ID of mmhex.
func (tm *tmux) pid() int {
	tm.t.Helper()
	b, err := os.ReadFile(filepath.Join(tm.dir, "pid"))
	if err != nil {
		tm.t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		tm.t.Fatal(err)
	}
	return pid
}

// exited waits for the program to end and returns its exit status and what it wrote to stderr.
func (tm *tmux) exited() (int, string) {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, err := os.ReadFile(filepath.Join(tm.dir, "status"))
		if err == nil && bytes.HasSuffix(status, []byte("\n")) {
			code, err := strconv.Atoi(strings.TrimSpace(string(status)))
			if err != nil {
				tm.t.Fatalf("exit status %q: %v", status, err)
			}
			stderr, _ := os.ReadFile(filepath.Join(tm.dir, "stderr"))
			return code, string(stderr)
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("mmhex did not exit; the screen shows:\n%s", tm.screen())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// copySample writes the sample file to a temporary file.
func copySample(t *testing.T) (string, []byte) {
	t.Helper()
	data := testdir.Sample(t)
	path := filepath.Join(testdir.New(t), "sample.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func wantFileBytes(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("file holds % X, want % X", got, want)
	}
}

func TestEndToEnd(t *testing.T) {
	tm := newTmux(t)
	bin := buildBinary(t)
	path, data := copySample(t)
	tm.start(bin, path)
	tm.waitFor("00000000 │ 7f 45 4c 46 02 01 01 00")
	tm.waitFor("VIEW  sample.bin")

	tm.send("Right", "Right")
	tm.waitFor("0x2 (2)")
	tm.send("IC") // tmux's name for Insert
	tm.waitFor("EDIT")
	tm.sendText("4142")
	tm.waitFor("00000000 │ 7f 45 41 42 02 01")
	tm.waitFor("2 unflushed")

	tm.send("C-s")
	tm.waitFor("flushed 2 bytes")
	wantFileBytes(t, path, patched(data, 2, 0x41, 0x42))

	tm.send("C-z")
	tm.waitFor("00000000 │ 7f 45 4c 46 02 01")
	wantFileBytes(t, path, data)

	tm.send("Escape")
	tm.waitFor("VIEW")
	tm.send("C-f")
	tm.waitFor("search hex")
	tm.sendText("t:world")
	tm.send("Enter")
	tm.waitFor(`"world" at 0x5A`)
	tm.send("IC")
	tm.waitFor("EDIT")
	tm.sendText("57") // 'W'
	tm.waitFor("e: Hello, World!")

	tm.send("C-q")
	code, stderr := tm.exited()
	if code != 0 {
		t.Errorf("exit status %d, want 0 (stderr %q)", code, stderr)
	}
	if want := "mmhex: flushed 3 changed bytes to " + path + "\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	wantFileBytes(t, path, patched(data, 0x5A, 'W'))
}

func TestEndToEndVim(t *testing.T) {
	tm := newTmux(t)
	bin := buildBinary(t)
	path, data := copySample(t)
	tm.start(bin, "--keys", "vim", path)
	tm.waitFor("00000000 │ 7f 45 4c 46")
	tm.sendText("4l")
	tm.waitFor("0x4 (4)")
	tm.sendText("R")
	tm.waitFor("EDIT")
	tm.sendText("c0de")
	tm.waitFor("00000000 │ 7f 45 4c 46 c0 de 01 00")
	tm.send("Escape")
	tm.waitFor("VIEW")
	tm.sendText("/")
	tm.waitFor("search hex")
	tm.sendText("de ad ?? ef")
	tm.send("Enter")
	tm.waitFor("not found: DE AD ?? EF")
	tm.sendText(":wq")
	tm.send("Enter")
	code, stderr := tm.exited()
	if code != 0 || !strings.Contains(stderr, "flushed 2 changed bytes") {
		t.Errorf("exit status %d, stderr %q; want 0 and the 2 bytes flushed", code, stderr)
	}
	wantFileBytes(t, path, patched(data, 4, 0xC0, 0xDE))
}

// TestEndToEndSignalFlushesAndRestores stops the editor with an edit unflushed by SIGTERM, by
// SIGHUP, and by closing its terminal (which sends SIGHUP and ends the terminal's input): the
// edit is flushed, the terminal restored, and one line says what happened.
func TestEndToEndSignalFlushesAndRestores(t *testing.T) {
	for _, tt := range []struct {
		name   string
		sig    syscall.Signal
		closed bool // the terminal is closed rather than the signal sent
	}{
		{"SIGTERM", syscall.SIGTERM, false},
		{"SIGHUP", syscall.SIGHUP, false},
		{"terminal closed", syscall.SIGHUP, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTmux(t)
			bin := buildBinary(t)
			path, data := copySample(t)
			tm.start(bin, path)
			tm.waitFor("00000000 │ 7f 45 4c 46")
			tm.send("IC")
			tm.waitFor("EDIT")
			tm.sendText("00")
			tm.waitFor("1 unflushed")
			want := fmt.Sprintf("mmhex: stopped by signal %v; flushed 1 changed byte to %s\n", tt.sig, path)
			if tt.closed {
				pid := tm.pid()
				tm.run("kill-server")
				// The shell around mmhex goes with the terminal, so no exit status is recorded.
				// Its input ends (EOF) and SIGHUP comes, in either order: one line tells of the first.
				closed := fmt.Sprintf("mmhex: the terminal closed; flushed 1 changed byte to %s\n", path)
				if stderr := tm.stderrWhenGone(pid); stderr != want && stderr != closed {
					t.Errorf("stderr %q, want %q or %q", stderr, closed, want)
				}
				wantFileBytes(t, path, patched(data, 0, 0))
				return
			}
			tm.signal(tt.sig)
			code, stderr := tm.exited()
			if code != 128+int(tt.sig) {
				t.Errorf("exit status %d, want %d", code, 128+int(tt.sig))
			}
			if stderr != want {
				t.Errorf("stderr %q, want %q", stderr, want)
			}
			// The terminal was restored: the pane shows the shell's screen again, not the editor's.
			if s := tm.screen(); strings.Contains(s, "00000000 │") {
				t.Errorf("the editor's screen is still shown after it exited:\n%s", s)
			}
			wantFileBytes(t, path, patched(data, 0, 0))
		})
	}
}

// stderrWhenGone waits for the process pid to end and returns what mmhex wrote to stderr.
func (tm *tmux) stderrWhenGone(pid int) string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := os.FindProcess(pid)
		if err != nil || p.Signal(syscall.Signal(0)) != nil {
			break
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("mmhex (pid %d) did not end after its terminal closed", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stderr, _ := os.ReadFile(filepath.Join(tm.dir, "stderr"))
	return string(stderr)
}

// signal sends sig to mmhex.
func (tm *tmux) signal(sig syscall.Signal) {
	tm.t.Helper()
	p, err := os.FindProcess(tm.pid())
	if err == nil {
		err = p.Signal(sig)
	}
	if err != nil {
		tm.t.Fatal(err)
	}
}

// wantRestored checks that the pane is back on the normal screen with mouse reporting off.
func (tm *tmux) wantRestored() {
	tm.t.Helper()
	var format, want []string
	for _, flag := range []string{"alternate_on", "mouse_any_flag", "mouse_button_flag", "mouse_standard_flag", "mouse_sgr_flag"} {
		format = append(format, flag+"=#{"+flag+"}")
		want = append(want, flag+"=0")
	}
	if got := strings.TrimSpace(tm.run("display-message", "-p", strings.Join(format, " "))); got != strings.Join(want, " ") {
		tm.t.Errorf("the terminal is not restored: %s", got)
	}
}

// TestEndToEndInvalidUTF8 types and pastes bytes that are not UTF-8: they are dropped with a
// word, the editor goes on taking keys, and a signal still ends it and restores the terminal.
// tcell's input loop used to spin on such a byte for ever, deaf to keys and signals.
func TestEndToEndInvalidUTF8(t *testing.T) {
	tm := newTmux(t)
	bin := buildBinary(t)
	path, data := copySample(t)
	tm.start(bin, path)
	tm.waitFor("00000000 │ 7f 45 4c 46")
	tm.sendText("\xff")
	tm.waitFor("dropped 1 byte the terminal sent that is not UTF-8")
	tm.send("Right")
	tm.waitFor("0x1 (1)")
	tm.send("IC")
	tm.waitFor("EDIT")
	tm.run("set-buffer", "-b", "bad", "41\x8042")
	tm.run("paste-buffer", "-p", "-b", "bad") // as a bracketed paste
	tm.waitFor("00000000 │ 7f 41 42 46")
	tm.waitFor("dropped 1 byte the terminal sent that is not UTF-8; if you pasted, check what was written")
	tm.sendText("\xe2\x82")
	tm.sendText("\xac") // the end of a rune that started in an earlier read
	tm.waitFor("'€' is not a hex digit")
	tm.signal(syscall.SIGTERM)
	code, stderr := tm.exited()
	if code != 128+int(syscall.SIGTERM) || !strings.Contains(stderr, "flushed 2 changed bytes") {
		t.Errorf("exit status %d, stderr %q; want %d and the 2 bytes flushed", code, stderr, 128+int(syscall.SIGTERM))
	}
	tm.wantRestored()
	wantFileBytes(t, path, patched(data, 1, 0x41, 0x42))
}

// TestEndToEndQuitSignalsRestore sends SIGQUIT and SIGABRT: the terminal is restored, then Go
// prints every goroutine's stack and exits with status 2, as it does by default.
func TestEndToEndQuitSignalsRestore(t *testing.T) {
	sessions := map[syscall.Signal]*tmux{syscall.SIGQUIT: newTmux(t), syscall.SIGABRT: newTmux(t)}
	bin := buildBinary(t)
	for sig, tm := range sessions {
		t.Run(sig.String(), func(t *testing.T) {
			tm.t = t
			path, _ := copySample(t)
			tm.start(bin, path)
			tm.waitFor("00000000 │ 7f 45 4c 46")
			tm.signal(sig)
			code, stderr := tm.exited()
			if code != 2 || !strings.Contains(stderr, "goroutine ") || !strings.Contains(stderr, "edits not flushed yet are in the mapping only") {
				t.Errorf("exit status %d, want 2, and stderr with a note and the goroutines' stacks:\n%s", code, stderr)
			}
			tm.wantRestored()
		})
	}
}

// TestWedgedEditorHelper is no test by itself: TestEndToEndSignalEndsWedgedEditor runs the test
// binary with MMHEX_WEDGED_EDITOR naming a file, and this runs the editor on it over tcell's own
// screen without utf8Tty, where an invalid byte wedges tcell's input loop.
func TestWedgedEditorHelper(t *testing.T) {
	path := os.Getenv("MMHEX_WEDGED_EDITOR")
	if path == "" {
		t.Skip("run by TestEndToEndSignalEndsWedgedEditor")
	}
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	screen, err := tcell.NewScreen()
	if err != nil {
		t.Fatal(err)
	}
	km, err := keymap.Load("default", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	err = tui.New(editor.New(m), km, tui.Options{}).Run(screen, os.Stdin, os.Stdout, os.Stderr)
	fmt.Fprintf(os.Stderr, "Run returned: %v\n", err)
	os.Exit(3)
}

// cpuTicks returns the CPU time a process has used, in clock ticks.
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return utime + stime
}

// TestEndToEndSignalEndsWedgedEditor wedges the UI as an invalid byte did before utf8Tty, and
// checks that signals still end the editor and restore the terminal: the first after a grace
// period, a second at once.
func TestEndToEndSignalEndsWedgedEditor(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc to see the editor spin")
	}
	for _, second := range []bool{false, true} {
		t.Run(fmt.Sprintf("second signal %v", second), func(t *testing.T) {
			tm := newTmux(t)
			path, _ := copySample(t)
			tm.start("env", "MMHEX_WEDGED_EDITOR="+path, os.Args[0], "-test.run=^TestWedgedEditorHelper$")
			tm.waitFor("00000000 │ 7f 45 4c 46")
			pid := tm.pid()
			before := cpuTicks(t, pid)
			tm.sendText("\xff")
			// Wait for tcell's loop to spin: half a second of CPU, which an idle editor never uses.
			for deadline := time.Now().Add(10 * time.Second); cpuTicks(t, pid)-before < 50; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the helper did not wedge on \\xff")
				}
			}
			tm.signal(syscall.SIGTERM)
			want := "but the editor did not stop within 5s"
			if second {
				// Go delivers a signal that comes again before the first is handled once, so
				// SIGTERM is sent again until the editor exits: long before the 5 s of grace.
				want = "stopped by a second signal (terminated)"
				status := filepath.Join(tm.dir, "status")
				for deadline := time.Now().Add(4 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
					if _, err := os.Stat(status); err == nil {
						break
					}
					tm.signal(syscall.SIGTERM)
				}
			}
			code, stderr := tm.exited()
			if code != 128+int(syscall.SIGTERM) || !strings.Contains(stderr, want) {
				t.Errorf("exit status %d, stderr %q; want %d and %q", code, stderr, 128+int(syscall.SIGTERM), want)
			}
			tm.wantRestored()
		})
	}
}

// sgrSequence matches the SGR escape sequences of a screen captured with capture-pane -e.
var sgrSequence = regexp.MustCompile("\x1b\\[([0-9;]*)m")

// colours returns the SGR parameters on a captured screen that set a colour (not those that
// reset it to the default).
func colours(screen string) []string {
	var found []string
	for _, m := range sgrSequence.FindAllStringSubmatch(screen, -1) {
		for _, p := range strings.Split(m[1], ";") {
			n, err := strconv.Atoi(p)
			if err == nil && (n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 97 || n >= 100 && n <= 107) {
				found = append(found, p)
			}
		}
	}
	return found
}

func TestEndToEndNoColor(t *testing.T) {
	sessions := []struct {
		noColor string
		tm      *tmux
	}{{"", newTmux(t)}, {"1", newTmux(t)}}
	bin := buildBinary(t)
	path, _ := copySample(t)
	for _, session := range sessions {
		noColor, tm := session.noColor, session.tm
		t.Run("NO_COLOR="+noColor, func(t *testing.T) {
			tm.t = t
			tm.start("env", "NO_COLOR="+noColor, bin, path)
			tm.waitFor("00000000 │ 7f 45 4c 46")
			tm.waitFor("F1 for the keys")
			found := colours(tm.run("capture-pane", "-p", "-e"))
			switch {
			case noColor != "" && len(found) > 0:
				t.Errorf("with NO_COLOR set, the screen has colours: SGR %v", found[:min(len(found), 10)])
			case noColor == "" && len(found) == 0:
				t.Errorf("with NO_COLOR empty, the screen has no colours")
			}
			tm.send("C-q")
			if code, stderr := tm.exited(); code != 0 {
				t.Errorf("exit status %d (stderr %q), want 0", code, stderr)
			}
		})
	}
}

// BenchmarkStartupTmux measures, in a tmux pane, the time from starting mmhex on a 16 GiB sparse
// file to its first row on screen, and its resident memory then. For comparison, "tmux-baseline"
// is the same for cat printing one row, which is what tmux and the polling cost by themselves.
func BenchmarkStartupTmux(b *testing.B) {
	tm := newTmux(b)
	bin := buildBinary(b)
	big := testdir.Sparse(b, 16<<30)
	row := filepath.Join(tm.dir, "row.txt")
	if err := os.WriteFile(row, []byte("00000000 │ 00 00\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	tm.run("new-session", "-d", "-x", "120", "-y", "40", "sleep 3600")

	measure := func(b *testing.B, command string, memory bool) {
		var rss int64
		for i := 0; b.Loop(); i++ {
			window := fmt.Sprintf("w%d", i)
			start := time.Now()
			tm.run("new-window", "-d", "-n", window, command)
			for !strings.Contains(tm.run("capture-pane", "-p", "-t", ":"+window), "00000000 │") {
				if time.Since(start) > 10*time.Second {
					b.Fatalf("no first row within 10 s:\n%s", tm.run("capture-pane", "-p", "-t", ":"+window))
				}
			}
			b.StopTimer()
			if memory {
				pid, _ := strconv.Atoi(strings.TrimSpace(tm.run("display-message", "-p", "-t", ":"+window, "#{pane_pid}")))
				rss = max(rss, statusKiB(pid, "VmRSS:"))
			}
			tm.run("kill-window", "-t", ":"+window)
			b.StartTimer()
		}
		if rss > 0 {
			b.ReportMetric(float64(rss)/1024, "MiB-RSS")
		}
	}
	b.Run("mmhex-16GiB", func(b *testing.B) { measure(b, "exec "+bin+" "+big, true) })
	b.Run("tmux-baseline", func(b *testing.B) { measure(b, "cat "+row+"; exec sleep 3600", false) })
}

// statusKiB returns a field of a process's /proc status in KiB ("VmRSS:", "VmHWM:"), or 0 where
// there is none.
func statusKiB(pid int, field string) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// TestEndToEndCols runs the binary with --cols after the file (flags may stand anywhere).
func TestEndToEndCols(t *testing.T) {
	tm := newTmux(t)
	bin := buildBinary(t)
	path, data := copySample(t)
	tm.start(bin, path, "--cols", "8")
	screen := tm.waitFor("00000008 │ 00 00 00 00 00 00 00 00 │ ........")
	if first := strings.SplitN(screen, "\n", 2)[0]; !strings.HasPrefix(first, "00000000 │ 7f 45 4c 46 02 01 01 00 │ .ELF....") {
		t.Errorf("with --cols 8 the first row reads %q", first)
	}
	tm.send("C-q")
	if code, stderr := tm.exited(); code != 0 || stderr != "" {
		t.Errorf("exit status %d, stderr %q; want 0 and nothing", code, stderr)
	}
	wantFileBytes(t, path, data)
}

// patched returns a copy of b with repl written at off.
func patched(b []byte, off int, repl ...byte) []byte {
	c := bytes.Clone(b)
	copy(c[off:], repl)
	return c
}
