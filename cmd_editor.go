package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gdamore/tcell/v2"
	"golang.org/x/term"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/mmap"
)

const editorUsage = `
Usage: mmhex [flags] FILE
       mmhex [flags] --watch FILE
       mmhex [flags] -n NAME

Opens FILE, or the named shared-memory mapping NAME, in the terminal hex editor. It starts in
view mode, where keys only move; edit mode overwrites bytes in place through the memory mapping.
Edits reach the page cache at once; flushing makes them durable, and quitting flushes them.
F1 shows the keys of the active preset.

Live mode (always with -n NAME; with --watch for a FILE) shows the changes other processes make
while you look: every --interval the bytes on screen are compared with a copy, and changed
bytes light up and fade over two seconds. The rest of the mapping is compared too, at most
256 MiB per second, and a changes panel lists what changed anywhere (in a mapping over 256 MiB,
in the 256 MiB around the view; 64 MiB on 32-bit systems). Shared memory has no change
notification, so this is polling: a value that changes and changes back within one interval is
not seen. Your own edits are written at once and are not reported as changes.

Key bindings: --keys default or vim. Single bindings can be changed in the file
keys.conf in the mmhex folder of the user configuration directory (on Linux
~/.config/mmhex/keys.conf), one "action = key, key" per line.

Other commands: mmhex patch, dump, create, watch (each with --help).
`

// maxCols bounds --cols: wider rows fit no terminal.
const maxCols = 1024

func runEditor(args []string, io stdio) error {
	fs := newFlagSet("mmhex", editorUsage, io.out)
	readOnly := fs.BoolP("read-only", "r", false, "open read-only: edit mode and every write are refused")
	name := fs.StringP("name", "n", "", "open the named shared-memory mapping `NAME` instead of a file")
	preset := fs.String("keys", "default", "key bindings: `PRESET` is "+strings.Join(keymap.Presets(), " or "))
	cols := fs.Int("cols", 0, "`N` bytes per row (default: fit the terminal, 16 when it fits)")
	watchFile := fs.Bool("watch", false, "live mode for FILE: show the changes other processes make to it")
	interval := fs.Duration("interval", defaultInterval, "live mode compares the bytes every `D` (at least 1ms)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *showVersion {
		fmt.Fprintln(io.out, "mmhex "+version)
		return nil
	}
	t, rest, err := targetFrom(*name, fs.Args(), "mmhex")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("unexpected %q: mmhex opens one FILE at a time (see 'mmhex --help')", rest[0])
	}
	if *cols < 0 || *cols > maxCols {
		return usageErrorf("--cols %d: give 1 to %d bytes per row, or 0 to fit the terminal", *cols, maxCols)
	}
	liveMode := *watchFile || t.name != ""
	switch {
	case fs.Changed("interval") && !liveMode:
		return usageErrorf("--interval sets how often live mode compares: add --watch to watch %s (see 'mmhex --help')", t)
	case *interval < time.Millisecond:
		return usageErrorf("--interval %v is too short: the shortest is 1ms", *interval)
	}
	km, err := loadKeymap(*preset)
	if err != nil {
		return err
	}
	m, readOnlyNote, err := openForEditing(t, *readOnly)
	if err != nil {
		return err
	}
	defer m.Close()
	if m.Size() == 0 {
		return fmt.Errorf("%s is empty (0 bytes): a memory mapping has a fixed size, so there is nothing to view or edit", t)
	}
	if !isTerminal(io.in) || !isTerminal(io.out) {
		return errors.New("the editor needs a terminal: run it with standard input and output on a terminal (for a hex dump in a pipe, use 'mmhex dump')")
	}
	opts := appOptions{cols: *cols, readOnlyNote: readOnlyNote, noColor: os.Getenv("NO_COLOR") != ""}
	var st editor.Storage = m
	if liveMode {
		opts.live = newLive(m, t, *interval)
		st = liveStorage{Mapping: m, l: opts.live}
	}
	a := newApp(editor.New(st), km, opts)
	if fi, err := os.Stat(t.path); err == nil && readOnlyNote == "" {
		if note := rootEditsReadOnly(t, fi.Mode(), os.Geteuid()); note != "" {
			a.say(note)
		}
	}
	screen, err := newTerminalScreen(a.droppedInput)
	if err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	return a.runInTerminal(screen, io)
}

// droppedInput tells the user that the terminal sent n bytes that are not UTF-8, which utf8Tty
// dropped: if they were part of a paste, what was pasted lacks them.
func (a *app) droppedInput(n int) {
	// utf8Tty calls it from tcell's input goroutine, which the UI goroutine may be waiting for.
	go a.tv.QueueUpdateDraw(func() {
		what := "1 byte the terminal sent that is"
		if n > 1 {
			what = fmt.Sprintf("%d bytes the terminal sent that are", n)
		}
		a.fail(fmt.Errorf("dropped %s not UTF-8; if you pasted, check what was written", what))
	})
}

// loadKeymap builds the keymap of the preset with the user's key file, if there is one, laid over
// it: keys.conf in the mmhex folder of the user's configuration directory. Mistakes in either are
// usage errors: the file and line are named.
func loadKeymap(preset string) (*keymap.Keymap, error) {
	path := ""
	// Without a configuration directory (no $HOME) there is no key file; the presets still work.
	if dir, err := os.UserConfigDir(); err == nil {
		path = filepath.Join(dir, "mmhex", "keys.conf")
	}
	f, err := openKeyFile(path)
	if err != nil {
		return nil, usageErrorf("key file %s: %v", path, err)
	}
	if f == nil {
		km, err := keymap.Load(preset, nil, "")
		if err != nil {
			return nil, usageErrorf("%v", err)
		}
		return km, nil
	}
	defer f.Close()
	km, err := keymap.Load(preset, f, path)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return km, nil
}

// openKeyFile opens the key file at path, or returns nil when there is none we could read: no
// path, no file, or a folder on the way we may not search (an unreadable $HOME under sudo -u).
// A file that is there but cannot be read is an error, and so is anything but a regular file:
// it is opened without blocking, so that a FIFO cannot stop the editor's start.
func openKeyFile(path string) (*os.File, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrPermission) {
		// Stat needs only the folders on the way: if it fails too, one of them is closed to us.
		if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrPermission) {
			return nil, nil
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, unwrapPath(err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("it is a %s, not a file: make it a file of \"action = key\" lines, or remove it", fileKind(fi.Mode()))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// unwrapPath returns the OS's reason alone, for a message that names the file already.
func unwrapPath(err error) error {
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fileKind names the kind of a file that is not a regular file.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "folder"
	case mode&fs.ModeNamedPipe != 0:
		return "FIFO"
	case mode&fs.ModeSocket != 0:
		return "socket"
	case mode&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// rootEditsReadOnly returns a note when root edits a file that has no write permission: root may
// write it anyway, and should hear that the mode says otherwise, as vim says.
func rootEditsReadOnly(t target, mode fs.FileMode, euid int) string {
	if euid != 0 || mode.Perm()&0o222 != 0 {
		return ""
	}
	return fmt.Sprintf("%s is read-only (mode %04o); you are root, so edits are written anyway", t, mode.Perm())
}

// openForEditing maps the target read-write, or read-only when asked to or when writing is
// refused. readOnlyNote says why the session is read-only, for the status bar.
func openForEditing(t target, readOnly bool) (*mmap.Mapping, string, error) {
	if readOnly {
		m, err := t.open(mmap.ReadOnly)
		return m, "opened with --read-only", err
	}
	m, err := t.open(mmap.ReadWrite)
	if err == nil {
		return m, "", nil
	}
	m, roErr := t.open(mmap.ReadOnly)
	if roErr != nil {
		return nil, "", err
	}
	// The session goes on read-only, so the note gives the OS's reason alone ("permission
	// denied", "read-only file system", "text file busy"), not open's advice to use -r.
	reason := err.Error()
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	return m, "writing was refused: " + reason, nil
}

func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// crash is a panic in one of the app's goroutines other than the UI's, with that goroutine's
// stack.
type crash struct {
	value any
	stack []byte
}

// recoverCrash is deferred by the app's goroutines other than the UI's: a panic there would end
// the process at once, the terminal left raw and the edits unflushed. It hands the panic to the
// UI goroutine, which panics with it, so it ends the app as a crash of the UI does: tview
// restores the terminal and runInTerminal flushes and reports. runInTerminal also finds it in
// a.crashed when the UI goroutine has stopped already.
func (a *app) recoverCrash() {
	p := recover()
	if p == nil {
		return
	}
	c := &crash{value: p, stack: debug.Stack()}
	if a.crashed.CompareAndSwap(nil, c) {
		// QueueUpdate waits for the UI goroutine, which may be gone.
		go a.tv.QueueUpdate(func() { panic(c) })
	}
}

// stopGrace is how long the UI may take to stop after a signal before the terminal is given
// back without it.
const stopGrace = 5 * time.Second

// runInTerminal runs the editor until the user quits or a signal arrives, then flushes the
// unflushed edits and reports them. The terminal is restored on every way out: tview finalizes
// the screen when Run returns or panics, a signal stops the application the same way (or
// handleSignals gives the terminal back itself), and a panic in another goroutine is handed to
// the UI goroutine (recoverCrash). A nil screen means one set with SetScreen already.
func (a *app) runInTerminal(screen tcell.Screen, io stdio) (err error) {
	rescue := saveTerminal(io.in, io.out)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGHUP, os.Interrupt, syscall.SIGQUIT, syscall.SIGABRT)
	uiStopped, stopped := make(chan struct{}), make(chan struct{})
	defer close(stopped)
	defer signal.Stop(signals) // before the handler goes: no signal may go unhandled
	go a.handleSignals(signals, uiStopped, stopped, rescue, io)

	defer func() {
		p := recover()
		var stack []byte
		if p != nil {
			stack = debug.Stack()
		}
		if c := a.crashed.Load(); c != nil {
			// Another goroutine's panic, whether or not the UI goroutine got to panic with it.
			p, stack = c.value, c.stack
		}
		if p != nil {
			// tview has finalized the screen already; flush so a crash loses no edit.
			fmt.Fprintf(io.err, "mmhex: internal error: %v\n%s", p, stack)
			note := a.flushOnExit(io)
			err = fmt.Errorf("internal error (please report it with the trace above)%s", note)
		}
	}()
	if screen != nil {
		// tview's SetScreen drops the error of the screen's Init, and turns the mouse and
		// paste on only on a screen it makes itself.
		checked := &initChecked{Screen: screen}
		a.tv.SetScreen(checked)
		if checked.err != nil {
			return fmt.Errorf("terminal: %w", checked.err)
		}
		screen.EnableMouse()
		screen.EnablePaste()
	}
	stopLive := func() {}
	if a.live != nil {
		ticker := time.NewTicker(a.live.interval)
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			defer a.recoverCrash()
			a.liveLoop(ticker.C, stop)
		}()
		var once sync.Once
		stopLive = func() {
			once.Do(func() {
				ticker.Stop()
				close(stop)
				// A tick stuck on a lock that a crashed UI goroutine held must not keep the
				// flush that follows from running.
				select {
				case <-done:
				case <-time.After(time.Second):
				}
			})
		}
		defer stopLive() // on a panic, before the deferred flush above
	}
	runErr := a.tv.Run()
	close(uiStopped)
	stopLive() // no tick may poll or queue a draw while the edits are flushed
	note := a.flushOnExit(io)
	if runErr != nil {
		return fmt.Errorf("terminal: %w%s", runErr, note)
	}
	if sig := a.signal.Load(); sig != nil {
		return &exitError{code: signalStatus(*sig), err: fmt.Errorf("stopped by signal %v%s", *sig, note)}
	}
	return nil
}

// handleSignals ends the app on a signal. The first one stops the UI, and runInTerminal flushes
// and reports. If the UI has not stopped within stopGrace (its event loop wedged), or a second
// signal comes, the terminal is given back without it and the process exits at once: nothing
// may keep the user's terminal. SIGQUIT and SIGABRT give the terminal back, then die the way Go
// makes them die, with every goroutine's stack and exit status 2: that dump is what they are
// sent for, wedged or not.
func (a *app) handleSignals(signals <-chan os.Signal, uiStopped, done <-chan struct{}, rescue *terminalRescue, io stdio) {
	var giveUp <-chan time.Time
	restore := func() {
		if uiStopped != nil {
			rescue.restore()
		}
	}
	const unflushed = "edits not flushed yet are in the mapping only (the OS writes a file's pages back in its own time)"
	for {
		select {
		case sig := <-signals:
			if sig == syscall.SIGQUIT || sig == syscall.SIGABRT {
				restore()
				fmt.Fprintf(io.err, "mmhex: %v: %s\n", sig, unflushed)
				dieOf(sig)
			}
			if a.signal.CompareAndSwap(nil, &sig) {
				// Stop waits for tcell's loops, so it runs apart. The queued Stop is for a signal
				// before Run: Run then makes a new screen, and the queued Stop ends it.
				go func() {
					a.tv.Stop()
					a.tv.QueueUpdate(a.tv.Stop)
				}()
				giveUp = time.After(stopGrace)
				continue
			}
			restore()
			fmt.Fprintf(io.err, "mmhex: stopped by a second signal (%v): %s\n", sig, unflushed)
			os.Exit(signalStatus(sig))
		case <-giveUp:
			sig := *a.signal.Load()
			restore()
			fmt.Fprintf(io.err, "mmhex: stopped by signal %v, but the editor did not stop within %v: %s\n", sig, stopGrace, unflushed)
			os.Exit(signalStatus(sig))
		case <-uiStopped:
			// The terminal is tview's to restore now, and the flush may take its time.
			uiStopped, giveUp = nil, nil
		case <-done:
			return
		}
	}
}

// dieOf lets Go's own handler for sig end the process. Where sig cannot be raised, it exits with
// the status Go gives.
func dieOf(sig os.Signal) {
	signal.Reset(sig)
	if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(sig) == nil {
		select {}
	}
	os.Exit(2)
}

// signalStatus is the exit status of a process ended by sig, as a shell reports it.
func signalStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

// initChecked keeps the error of Init for runInTerminal: tview's SetScreen calls Init and
// drops its error.
type initChecked struct {
	tcell.Screen
	err error
}

func (s *initChecked) Init() error {
	s.err = s.Screen.Init()
	return s.err
}

// flushOnExit flushes what is unflushed, prints what it did, and returns a note for an error
// message.
func (a *app) flushOnExit(io stdio) string {
	a.ed.CancelSearch()
	n, err := a.ed.Flush()
	switch {
	case err != nil:
		fmt.Fprintf(io.err, "mmhex: %v\n", err)
		return "; flushing the edits failed (they are in the page cache, which the OS writes back)"
	case n == 0:
		return ""
	case !a.ed.FileBacked():
		fmt.Fprintf(io.err, "mmhex: changed %s of %s, in memory (a named mapping has no file to flush to)\n", counted(n, "byte"), a.ed.Name())
		return ""
	}
	fmt.Fprintf(io.err, "mmhex: flushed %s to %s\n", counted(n, "changed byte"), a.ed.Name())
	return "; flushed " + counted(n, "changed byte")
}
