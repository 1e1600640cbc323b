package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/live"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/procmem"
	"github.com/mmhex/mmhex/splice"
	"github.com/mmhex/mmhex/tui"
)

const editorUsage = `
Usage: mmhex [flags] FILE
       mmhex [flags] --watch FILE
       mmhex [flags] -n NAME
       mmhex [flags] -p PID [--region R | --address ADDR]

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

With -p PID the editor opens a region of process PID's memory (see 'mmhex regions -p PID'):
--region R picks it by index, name or module base name (libc.so.6, [heap]); --address ADDR
picks the region holding ADDR and puts the cursor there; with neither, [heap] when the process
has one, else its first writable region. The offset column, the status bar and goto use real
addresses. Live mode is on. Typing writes into the process at once (there is nothing to flush);
a page the process itself cannot write (code, read-only data) is written only when you confirm,
as a debugger does. Bytes are never inserted or deleted: a process's memory has a fixed layout.
The regions panel (F11; vim: g r) lists the regions, and Enter moves the editor to one; so
does the command :region R.

Key bindings: --keys default or vim. Single bindings can be changed in the file
keys.conf in the mmhex folder of the user configuration directory (on Linux
~/.config/mmhex/keys.conf), one "action = key, key" per line.

Other commands: mmhex patch, splice, dump, search, regions, create, watch (each with --help).
`

func runEditor(args []string, io stdio) error {
	fs := newFlagSet("mmhex", editorUsage, io.out)
	readOnly := fs.BoolP("read-only", "r", false, "open read-only: edit mode and every write are refused")
	fs.StringP("name", "n", "", "open the named shared-memory mapping `NAME` instead of a file")
	fs.IntP("pid", "p", 0, "open the memory of process `PID` instead of a file")
	regionSpec := fs.String("region", "", "with -p, start on region `R`: an index, a name or a module")
	address := fs.String("address", "", "with -p, start on the region holding `ADDR`, the cursor on it")
	preset := fs.String("keys", "default", "key bindings: `PRESET` is "+strings.Join(keymap.Presets(), " or "))
	cols := fs.Int("cols", 0, "`N` bytes per row, at most what fits the terminal (default: fit it, 16 when it fits)")
	watchFile := fs.Bool("watch", false, "live mode for FILE: show the changes other processes make to it")
	interval := fs.Duration("interval", live.DefaultInterval, "live mode compares the bytes every `D` (at least 1ms)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *showVersion {
		fmt.Fprintln(io.out, "mmhex "+buildVersion())
		return nil
	}
	t, rest, err := targetFrom(fs, "mmhex")
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0 && t.pid != 0:
		return usageErrorf("-p %d and %q: -p PID opens a process's memory instead of a FILE, so give one or the other (see 'mmhex --help')", t.pid, rest[0])
	case len(rest) > 0 && t.name != "":
		return usageErrorf("-n %s and %q: -n NAME opens a named mapping instead of a FILE, so give one or the other (see 'mmhex --help')", t.name, rest[0])
	case len(rest) > 0:
		return usageErrorf("unexpected %q: mmhex opens one FILE at a time (see 'mmhex --help')", rest[0])
	case t.pid == 0 && (fs.Changed("region") || fs.Changed("address")):
		return usageErrorf("--region and --address choose where in a process to start: use them with -p PID")
	case fs.Changed("region") && fs.Changed("address"):
		return usageErrorf("--region and --address both choose the region: give one")
	}
	if *cols < 0 || *cols > tui.MaxCols {
		return usageErrorf("--cols %d: give 1 to %d bytes per row, or 0 to fit the terminal", *cols, tui.MaxCols)
	}
	liveMode := *watchFile || t.name != "" || t.pid != 0
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
	if t.pid != 0 {
		return runProcessEditor(t, *regionSpec, *address, *readOnly, km, tui.Options{Cols: *cols, NoColor: os.Getenv("NO_COLOR") != ""}, *interval, io)
	}
	recovered, err := recoverInterrupted(t, *readOnly)
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
	opts := tui.Options{Cols: *cols, ReadOnlyNote: readOnlyNote, NoColor: os.Getenv("NO_COLOR") != ""}
	var st editor.Storage = splice.Editable{Mapping: m}
	if liveMode {
		opts.Live = newLive(t, m, *interval)
		st = live.Storage{Storage: m, Live: opts.Live}
	}
	if fi, err := os.Stat(t.path); err == nil && readOnlyNote == "" {
		opts.StartNote = rootEditsReadOnly(t, fi.Mode(), os.Geteuid())
	}
	if recovered != "" {
		opts.StartNote = recovered
		fmt.Fprintln(io.err, recovered) // stays on the terminal when the editor ends
	}
	return tui.New(editor.New(st), km, opts).RunTerminal(io.in, io.out, io.err)
}

// runProcessEditor runs the editor on a region of process t, in live mode.
func runProcessEditor(t target, spec, addrText string, readOnly bool, km *keymap.Keymap, opts tui.Options, interval time.Duration, io stdio) error {
	p, r, cursor, err := openProcessRegion(t, spec, addrText)
	if err != nil {
		return err
	}
	defer p.Close()
	if !isTerminal(io.in) || !isTerminal(io.out) {
		return errors.New("the editor needs a terminal: run it with standard input and output on a terminal (for a hex dump in a pipe, use 'mmhex dump -p')")
	}
	if readOnly {
		opts.ReadOnlyNote = "opened with --read-only"
	}
	s := processSession(p, r, readOnly, interval)
	opts.Live, opts.Base, opts.Force = s.Live, s.Base, s.Force
	opts.Regions = func() ([]procmem.Region, error) {
		regions, err := p.Regions()
		return regions, explainProcess(err)
	}
	opts.OpenRegion = func(r procmem.Region) (tui.Session, error) {
		return processSession(p, r, readOnly, interval), nil
	}
	s.Editor.SetCursor(cursor)
	return tui.New(s.Editor, km, opts).RunTerminal(io.in, io.out, io.err)
}

// newLive makes live mode over the target's mapping m, comparing every interval.
func newLive(t target, m *mmap.Mapping, interval time.Duration) *live.Live {
	label := t.name
	if t.path != "" {
		label = filepath.Base(t.path)
	}
	return live.New(m, live.Config{Label: label, Name: t.name, Interval: interval})
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
		return nil, usageErrorf("key file %s: %w", path, err)
	}
	var km *keymap.Keymap
	if f == nil {
		km, err = keymap.Load(preset, nil, "")
	} else {
		defer f.Close()
		km, err = keymap.Load(preset, f, path)
	}
	if err != nil {
		return nil, usageErrorf("%w", err)
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
