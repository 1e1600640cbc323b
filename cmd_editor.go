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
	fs.StringP("name", "n", "", "open the named shared-memory mapping `NAME` instead of a file")
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
	t, rest, err := targetFrom(fs, "mmhex")
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
	return a.runInTerminal(nil, io)
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
	var km *keymap.Keymap
	f, err := os.Open(path)
	switch {
	case path == "" || errors.Is(err, fs.ErrNotExist):
		km, err = keymap.Load(preset, nil, "")
	case err != nil:
		return nil, usageErrorf("key file %s: %v", path, err)
	default:
		defer f.Close()
		km, err = keymap.Load(preset, f, path)
	}
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return km, nil
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

// runInTerminal runs the editor until the user quits or a signal arrives, then flushes the
// unflushed edits and reports them. The terminal is restored on every way out: tview finalizes
// the screen when Run returns or panics, a signal stops the application the same way, and a
// panic in another goroutine is handed to the UI goroutine (recoverCrash). A nil screen means the
// real terminal.
func (a *app) runInTerminal(screen tcell.Screen, io stdio) (err error) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGHUP, os.Interrupt)
	defer signal.Stop(signals)
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		for {
			select {
			case sig := <-signals:
				a.signal.Store(&sig)
				// Stop does nothing before Run has made the screen; the queued Stop runs once
				// the event loop starts (and waits forever if it has ended: a goroutine at exit).
				a.tv.Stop()
				go a.tv.QueueUpdate(a.tv.Stop)
			case <-stopped:
				return
			}
		}
	}()

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
		a.tv.SetScreen(screen)
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
	stopLive() // no tick may poll or queue a draw while the edits are flushed
	note := a.flushOnExit(io)
	if runErr != nil {
		return fmt.Errorf("terminal: %w%s", runErr, note)
	}
	if sig := a.signal.Load(); sig != nil {
		code := 1
		if s, ok := (*sig).(syscall.Signal); ok {
			code = 128 + int(s)
		}
		return &exitError{code: code, err: fmt.Errorf("stopped by signal %v%s", *sig, note)}
	}
	return nil
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
