package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/patch"
	"github.com/mmhex/mmhex/xxd"
)

const patchUsage = `
Usage: mmhex patch [flags] FILE OFFSET VALUE [OFFSET VALUE ...]
       mmhex patch [flags] -n NAME OFFSET VALUE [OFFSET VALUE ...]
       mmhex patch [flags] -p PID ADDR VALUE [ADDR VALUE ...]
       mmhex patch [flags] FILE --script SCRIPT|-
       mmhex patch [flags] FILE --xxd DUMP|-

Writes each VALUE at its OFFSET through a memory mapping of FILE, then flushes it to disk.
Every patch is checked before the first byte changes: a bad value, a range past the end, two
patches on one byte, an expect= that does not hold, or a file that cannot be written, and
nothing at all is written. Patches never grow a file; only bytes that differ are written.
Two patches of one file take turns (an advisory lock: flock, LockFileEx); the second waits and
says so. SIGINT, SIGTERM or SIGHUP during the writing puts back the bytes already written; one
that comes after the last write lets the patch finish. Either way mmhex says which, and exits
with 128+signal.

OFFSET  4096 (decimal), 0x1000 (hex), 64K (also M, G), end-N (N bytes before the end)
VALUE   hex bytes:  DEADBEEF  de:ad:be:ef  "de ad be ef"  0xde,0xad,0xbe,0xef
        numbers:    u8: i8: u16le: u16be: i16le: i16be: u32le: u32be: i32le: i32be:
                    u64le: u64be: i64le: i64be: f32le: f32be: f64le: f64be:
                    then decimal, 0x hex, 0o, 0b (i32le:-999, u16be:0xbeef, f64le:2.5)
        text:       str:TEXT (UTF-8)  utf16le:TEXT  utf16be:TEXT
        A pair may be followed by expect=VALUE: the bytes at OFFSET must be these first.

A script (--script) holds one patch per line, OFFSET VALUE [expect=VALUE], with # comments;
"double quotes" group words with spaces and take \" \\ \n \r \t \xNN escapes. A script holds
at most 4194304 patches in 1 GiB (512 MiB on a 32-bit system), and a line at most 1 MiB.
A dump (--xxd) is a hex dump in xxd's layout ('mmhex dump' or 'xxd' output, edited): its hex
column is the new content of the bytes it covers.

With -p PID, each OFFSET is an address in process PID's memory (see 'mmhex regions -p PID'),
written with process_vm_writev (WriteProcessMemory on Windows); nothing is flushed and there is
no lock. A page the process cannot write (code, read-only data) is refused unless --force,
which writes it as a debugger does (/proc/PID/mem; VirtualProtectEx on Windows).

Each changed run is printed on stdout, "0x00000010: de ad -> be ef"; a summary goes to stderr.
Exit status: 0 done; 1 nothing written (check failed, file unwritable); 2 bad command line,
script or dump; 128+N stopped by signal N, as said above.

Examples:
  mmhex patch data.bin 0 i32le:999 4 i32le:666 16 i32le:999
  mmhex patch fw.bin 0x1f0 9090 --expect 7405 --undo-file fw.undo
  mmhex patch fw.bin --script fw.undo
  mmhex patch -p 4242 0x55d0c8a70058 i32le:5000 --expect i32le:1000
  mmhex dump fw.bin > d.txt; $EDITOR d.txt; mmhex patch fw.bin --xxd d.txt --dry-run
`

func runPatch(args []string, io stdio) error {
	o, err := parsePatchFlags(args, io)
	if err != nil {
		return err
	}
	entries, err := o.entries(io.in)
	if err != nil {
		return err
	}
	if o.target.pid != 0 {
		return o.patchProcess(entries, io)
	}
	mode := mmap.ReadWrite
	if o.dryRun {
		mode = mmap.ReadOnly
	}
	recovered, err := recoverInterrupted(o.target, o.dryRun)
	if recovered != "" {
		fmt.Fprintln(io.err, recovered)
	}
	if err != nil {
		return err
	}
	m, err := openForPatch(o.target, mode)
	if err != nil {
		return err
	}
	defer m.Close()
	if o.dryRun {
		return o.dryRunReport(m, entries, io)
	}
	return o.apply(m, entries, io)
}

// patchOptions is what the command line of mmhex patch asks for.
type patchOptions struct {
	target                         target
	operands                       []string // OFFSET VALUE [expect=VALUE] ...
	scriptPath, dumpPath, undoPath string
	expect                         *string // --expect's value, when given
	dryRun, noFlush, force         bool
}

// parsePatchFlags reads the command line into options and checks that they go together.
func parsePatchFlags(args []string, io stdio) (*patchOptions, error) {
	fs := newFlagSet("mmhex patch", patchUsage, io.out)
	fs.StringP("name", "n", "", "patch the named shared-memory mapping `NAME` instead of a file")
	fs.IntP("pid", "p", 0, "patch the memory of process `PID`: each OFFSET is an address")
	force := fs.Bool("force", false, "with -p, write pages the process cannot write (code, read-only data), as a debugger does")
	scriptPath := fs.String("script", "", "read patches from `SCRIPT`, one per line (- for stdin)")
	dumpPath := fs.String("xxd", "", "apply the xxd-style hex dump `DUMP` (- for stdin)")
	expectText := fs.String("expect", "", "the bytes at the OFFSET must be `HEX` (or a typed VALUE) first; for a single patch")
	dryRun := fs.Bool("dry-run", false, "check everything and print what would change; write nothing")
	undoPath := fs.String("undo-file", "", "first save to `FILE`, a new file, a script that reverts this patch (mmhex patch FILE --script UNDO)")
	noFlush := fs.Bool("no-flush", false, "leave writing the changes to disk to the system (no msync/fsync)")
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	t, operands, err := targetFrom(fs, "mmhex patch")
	if err != nil {
		return nil, err
	}
	o := &patchOptions{target: t, operands: operands, scriptPath: *scriptPath, dumpPath: *dumpPath,
		undoPath: *undoPath, dryRun: *dryRun, noFlush: *noFlush, force: *force}
	if fs.Changed("expect") {
		o.expect = expectText
	}
	switch {
	case o.scriptPath == "-" && o.dumpPath == "-":
		return nil, usageErrorf("--script and --xxd cannot both read stdin")
	case o.force && t.pid == 0:
		return nil, usageErrorf("--force writes a process's read-only pages: use it with -p PID")
	case o.undoPath == "-":
		return nil, usageErrorf("--undo-file needs a file name: the undo script must be saved before the patch")
	}
	return o, nil
}

// entries gathers the patches from the operands, --expect, the script and the dump, and checks
// that the undo file is not the target.
func (o *patchOptions) entries(stdin io.Reader) (*patch.Entries, error) {
	args, err := patch.ParseArgs(o.operands)
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	if o.expect != nil {
		if len(args) != 1 || o.scriptPath != "" || o.dumpPath != "" {
			return nil, usageErrorf("--expect checks a single OFFSET VALUE patch; for several, write OFFSET VALUE expect=HEX for each")
		}
		if args[0].Expect != nil {
			return nil, usageErrorf("patch 1 has both --expect and expect=: give one")
		}
		if args[0].Expect, err = patch.ParseValue(*o.expect); err != nil {
			return nil, usageErrorf("--expect: %w", err)
		}
	}
	entries := new(patch.Entries)
	for _, e := range args {
		entries.Append(e)
	}
	if o.scriptPath != "" {
		if err := readScript(o.scriptPath, stdin, entries); err != nil {
			return nil, err
		}
	}
	if o.dumpPath != "" {
		if err := readDump(o.dumpPath, stdin, entries); err != nil {
			return nil, err
		}
	}
	if entries.Len() == 0 && o.scriptPath == "" && o.dumpPath == "" {
		return nil, usageErrorf("nothing to patch: give OFFSET VALUE pairs, --script SCRIPT or --xxd DUMP (see 'mmhex patch --help')")
	}
	return entries, o.checkUndoPath()
}

// checkUndoPath refuses an undo file that is the object being patched: saving it would replace
// the target. A named mapping is a file too where it lives in /dev/shm.
func (o *patchOptions) checkUndoPath() error {
	if o.undoPath == "" {
		return nil
	}
	path, what := o.target.path, "the file being patched"
	if o.target.name != "" {
		path, _ = mmap.NamedPath(o.target.name)
		what = fmt.Sprintf("the named mapping %q being patched", o.target.name)
	}
	if path != "" && sameFile(o.undoPath, path) {
		return usageErrorf("--undo-file %s is %s: give another name", o.undoPath, what)
	}
	return nil
}

// patchesText counts the patches for the summary: a dump's every line is a patch, most of them
// changing nothing, so a dump alone is counted in the lines that change.
func (o *patchOptions) patchesText(plan *patch.Plan) string {
	if o.dumpPath != "" && o.scriptPath == "" && len(o.operands) == 0 {
		return fmt.Sprintf("%s of %d", byteconv.CountAs(plan.Changing, "dump line", "dump lines"), plan.Patches)
	}
	return byteconv.CountAs(plan.Patches, "patch", "patches")
}

// patchTarget is what patch writes to: a mapping, or a process's address space.
type patchTarget interface {
	patch.Target
	FileBacked() bool
}

// dryRunReport checks the patches against m and prints what they would change.
func (o *patchOptions) dryRunReport(m patch.Reader, entries *patch.Entries, io stdio) error {
	plan, err := patch.Prepare(m, entries)
	if err != nil {
		return err
	}
	if err := printChanges(io.out, plan); err != nil {
		return err
	}
	unsaved := ""
	if o.undoPath != "" {
		unsaved = " (no undo file either)"
	}
	fmt.Fprintf(io.err, "dry run: %s would change %s of %s; nothing written%s\n",
		o.patchesText(plan), changedBytes(plan), o.target, unsaved)
	return nil
}

// apply checks the patches against m and writes them, all or nothing. Two patches of one object
// take turns: the lock spans the check and the write, so that an expect= still holds when its
// bytes are written. SIGINT, SIGTERM and SIGHUP are caught meanwhile: one that arrives before
// the last write rolls back what was written; one that arrives later lets the patch finish.
// Either way the command ends with 128+signal and says which.
func (o *patchOptions) apply(m *mmap.Mapping, entries *patch.Entries, io stdio) error {
	unlock, err := m.Lock(func() { fmt.Fprintf(io.err, "waiting for another mmhex patch on %s…\n", o.target) })
	if err != nil {
		return fmt.Errorf("%s: %w", o.target, err)
	}
	defer unlock()
	return o.write(m, entries, io)
}

// write checks the patches against m and writes them, all or nothing, under the signal rule
// apply describes.
func (o *patchOptions) write(m patchTarget, entries *patch.Entries, io stdio) error {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(signals)

	plan, err := patch.Prepare(m, entries)
	if err != nil {
		return err
	}
	if o.undoPath != "" {
		if err := plan.SaveUndo(o.undoPath, commandTarget(o.target)); err != nil {
			return fmt.Errorf("%w: nothing written", err)
		}
	}
	if err := plan.Apply(m, signals); err != nil {
		return o.applyFailed(m, plan, err)
	}
	err = o.report(m, plan, io)
	select {
	case sig := <-signals:
		msg := fmt.Errorf("interrupted by %s after the patch was complete: %s holds all of it", patch.SignalName(sig), o.target)
		if err != nil {
			msg = fmt.Errorf("%w; then %w", err, msg)
		}
		return signalExit(sig, msg)
	default:
	}
	return err
}

// applyFailed explains an Apply that stopped, after flushing the restored bytes. When every byte
// was restored the undo file is removed: it would revert a patch that never happened, and keep
// the same command from running again.
func (o *patchOptions) applyFailed(m patchTarget, plan *patch.Plan, err error) error {
	var aerr *patch.ApplyError
	var ierr *patch.InterruptedError
	restored := errors.As(err, &aerr) && aerr.RestoreErr == nil || errors.As(err, &ierr) && ierr.RestoreErr == nil
	if restored && o.undoPath != "" {
		os.Remove(o.undoPath)
	}
	if restored && m.FileBacked() {
		if ferr := plan.Flush(m); ferr != nil {
			err = fmt.Errorf("%w; flushing the restored bytes failed: %w", err, ferr)
		}
	}
	if !restored && o.undoPath != "" {
		err = fmt.Errorf("%w; the undo file %s holds the old bytes", err, o.undoPath)
	}
	if ierr != nil {
		return signalExit(ierr.Signal, fmt.Errorf("%s: %w", o.target, err))
	}
	return fmt.Errorf("%s: %w", o.target, err)
}

// report prints the changes written, flushes them unless --no-flush, and sums up.
func (o *patchOptions) report(m patchTarget, plan *patch.Plan, io stdio) error {
	// The patch is written: a failure to report it must not hide the flush that follows.
	printErr := printChanges(io.out, plan)
	flushed := ""
	switch {
	case plan.Patches == 0:
		fmt.Fprintf(io.err, "no patches given: nothing written to %s\n", o.target)
		return nil
	case plan.Runs() == 0:
		fmt.Fprintf(io.err, "%s already holds these bytes: nothing written\n", o.target)
		return nil
	case o.noFlush:
		flushed = "; not flushed (--no-flush)"
	case m.FileBacked():
		if err := plan.Flush(m); err != nil {
			return fmt.Errorf("%s: patched, but flushing to disk failed: %w", o.target, err)
		}
		flushed = "; flushed to disk"
	}
	fmt.Fprintf(io.err, "patched %s: %s changed by %s%s\n", o.target, changedBytes(plan), o.patchesText(plan), flushed)
	return printErr
}

// signalExit ends the command with err and the exit status a shell gives a process that sig
// ended: 128 + the signal's number.
func signalExit(sig os.Signal, err error) error {
	code := 1
	if s, ok := sig.(syscall.Signal); ok {
		code = 128 + int(s)
	}
	return &exitError{code: code, err: err}
}

// openForPatch maps the target, explaining a file that cannot be written in patch's terms.
func openForPatch(t target, mode mmap.Mode) (*mmap.Mapping, error) {
	if mode == mmap.ReadWrite && t.path != "" {
		m, err := mmap.Open(t.path, mode)
		if errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("%s is not writable: nothing written; make it writable, patch a copy, or check with --dry-run", t.path)
		}
		if err != nil {
			return nil, t.explain(err, mode)
		}
		return m, nil
	}
	return t.open(mode)
}

// readScript appends the patches of the script at path ("-": in) to entries.
func readScript(path string, in io.Reader, entries *patch.Entries) error {
	r, name, closeFn, err := openInput(path, in, "script")
	if err != nil {
		return err
	}
	defer closeFn()
	err = entries.AppendScript(r, name)
	var perr *patch.ParseError
	if errors.As(err, &perr) {
		return usageErrorf("%w", err)
	}
	return err
}

// readDump appends the hex dump at path ("-": in) to entries, one entry per row.
func readDump(path string, in io.Reader, entries *patch.Entries) error {
	r, name, closeFn, err := openInput(path, in, "dump")
	if err != nil {
		return err
	}
	defer closeFn()
	rows, err := xxd.Read(r)
	var serr *xxd.SyntaxError
	if errors.As(err, &serr) {
		return usageErrorf("%s:%d: %w", name, serr.Line, serr.Err)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	for _, row := range rows {
		// A dump's entries are named by their line, never by their offset: no text to keep.
		entries.Append(patch.Entry{
			Offset: patch.Offset{N: row.Offset},
			Value:  row.Data,
			Origin: patch.Origin{Source: name, Line: row.Line},
		})
	}
	return nil
}

// openInput opens a file given to a flag, or stdin for "-", and names it for messages.
func openInput(path string, in io.Reader, what string) (io.Reader, string, func(), error) {
	if path == "-" {
		return in, "stdin", func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", nil, fmt.Errorf("%s %s: no such file: check the path", what, path)
		}
		return nil, "", nil, fmt.Errorf("%s %s: %w", what, path, errors.Unwrap(err))
	}
	return f, path, func() { f.Close() }, nil
}

// sameFile reports whether the two paths name one existing file.
func sameFile(a, b string) bool {
	ai, err := os.Stat(a)
	if err != nil {
		return false
	}
	bi, err := os.Stat(b)
	return err == nil && os.SameFile(ai, bi)
}

// commandTarget names the target as command-line arguments do: the path, -n NAME or -p PID.
func commandTarget(t target) []string {
	if t.pid != 0 {
		return []string{"-p", strconv.Itoa(t.pid)}
	}
	if t.name != "" {
		return []string{"-n", t.name}
	}
	return []string{t.path}
}

func printChanges(w io.Writer, plan *patch.Plan) error {
	bw := bufio.NewWriter(w)
	for i := range plan.Runs() {
		fmt.Fprintln(bw, plan.Change(i))
	}
	return bw.Flush()
}

func changedBytes(plan *patch.Plan) string {
	return fmt.Sprintf("%s in %s", byteconv.CountAs(plan.Bytes(), "byte", "bytes"), byteconv.CountAs(plan.Runs(), "run", "runs"))
}
