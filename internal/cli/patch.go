package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/patch"
	"github.com/mmhex/mmhex/xxd"
)

const patchUsage = `
Usage: mmhex patch [flags] FILE OFFSET VALUE [OFFSET VALUE ...]
       mmhex patch [flags] -n NAME OFFSET VALUE [OFFSET VALUE ...]
       mmhex patch [flags] FILE --script SCRIPT|-
       mmhex patch [flags] FILE --xxd DUMP|-

Writes each VALUE at its OFFSET through a memory mapping of FILE, then flushes it to disk.
Every patch is checked before the first byte changes: a bad value, a range past the end, two
patches on one byte, an expect= that does not hold, or a file that cannot be written, and
nothing at all is written. Patches never grow a file; only bytes that differ are written.

OFFSET  4096 (decimal), 0x1000 (hex), 64K (also M, G), end-N (N bytes before the end)
VALUE   hex bytes:  DEADBEEF  de:ad:be:ef  "de ad be ef"  0xde,0xad,0xbe,0xef
        numbers:    u8: i8: u16le: u16be: i16le: i16be: u32le: u32be: i32le: i32be:
                    u64le: u64be: i64le: i64be: f32le: f32be: f64le: f64be:
                    then decimal, 0x hex, 0o, 0b (i32le:-999, u16be:0xbeef, f64le:2.5)
        text:       str:TEXT (UTF-8)  utf16le:TEXT  utf16be:TEXT
        A pair may be followed by expect=VALUE: the bytes at OFFSET must be these first.

A script (--script) holds one patch per line, OFFSET VALUE [expect=VALUE], with # comments;
"double quotes" group words with spaces and take \" \\ \n \r \t \xNN escapes.
A dump (--xxd) is a hex dump in xxd's layout ('mmhex dump' or 'xxd' output, edited): its hex
column is the new content of the bytes it covers.

Each changed run is printed on stdout, "0x00000010: de ad -> be ef"; a summary goes to stderr.
Exit status: 0 done; 1 nothing written (check failed, file unwritable); 2 bad command line,
script or dump.

Examples:
  mmhex patch data.bin 0 i32le:999 4 i32le:666 16 i32le:999
  mmhex patch fw.bin 0x1f0 9090 --expect 7405 --undo-file fw.undo
  mmhex patch fw.bin --script fw.undo
  mmhex dump fw.bin > d.txt; $EDITOR d.txt; mmhex patch fw.bin --xxd d.txt --dry-run
`

func runPatch(args []string, io stdio) error {
	fs := newFlagSet("mmhex patch", patchUsage, io.out)
	name := fs.StringP("name", "n", "", "patch the named shared-memory mapping `NAME` instead of a file")
	scriptPath := fs.String("script", "", "read patches from `SCRIPT`, one per line (- for stdin)")
	dumpPath := fs.String("xxd", "", "apply the xxd-style hex dump `DUMP` (- for stdin)")
	expectText := fs.String("expect", "", "the bytes at the OFFSET must be `HEX` (or a typed VALUE) first; for a single patch")
	dryRun := fs.Bool("dry-run", false, "check everything and print what would change; write nothing")
	undoPath := fs.String("undo-file", "", "first save to `FILE` a script that reverts this patch (mmhex patch FILE --script UNDO)")
	noFlush := fs.Bool("no-flush", false, "leave writing the changes to disk to the system (no msync/fsync)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	t, operands, err := targetFrom(*name, fs.Args(), "mmhex patch")
	if err != nil {
		return err
	}
	if *scriptPath == "-" && *dumpPath == "-" {
		return usageErrorf("--script and --xxd cannot both read stdin")
	}
	if *undoPath == "-" {
		return usageErrorf("--undo-file needs a file name: the undo script must be saved before the patch")
	}

	entries, err := patch.ParseArgs(operands)
	if err != nil {
		return usageErrorf("%w", err)
	}
	if fs.Changed("expect") {
		if len(entries) != 1 || *scriptPath != "" || *dumpPath != "" {
			return usageErrorf("--expect checks a single OFFSET VALUE patch; for several, write OFFSET VALUE expect=HEX for each")
		}
		if entries[0].Expect != nil {
			return usageErrorf("patch 1 has both --expect and expect=: give one")
		}
		if entries[0].Expect, err = patch.ParseValue(*expectText); err != nil {
			return usageErrorf("--expect: %w", err)
		}
	}
	if *scriptPath != "" {
		more, err := readScript(*scriptPath, io.in)
		if err != nil {
			return err
		}
		entries = append(entries, more...)
	}
	if *dumpPath != "" {
		more, err := readDump(*dumpPath, io.in)
		if err != nil {
			return err
		}
		entries = append(entries, more...)
	}
	if len(entries) == 0 && *scriptPath == "" && *dumpPath == "" {
		return usageErrorf("nothing to patch: give OFFSET VALUE pairs, --script SCRIPT or --xxd DUMP (see 'mmhex patch --help')")
	}
	if *undoPath != "" && t.path != "" && sameFile(*undoPath, t.path) {
		return usageErrorf("--undo-file %s is the file being patched: give another name", *undoPath)
	}

	mode := mmap.ReadWrite
	if *dryRun {
		mode = mmap.ReadOnly
	}
	m, err := openForPatch(t, mode)
	if err != nil {
		return err
	}
	defer m.Close()
	plan, err := patch.Prepare(m, entries)
	if err != nil {
		return err
	}
	// What the summary counts: a dump's every line is a patch, most of them changing nothing,
	// so a dump alone is counted in its lines.
	patches := byteconv.CountAs(plan.Patches, "patch", "patches")
	if *dumpPath != "" && *scriptPath == "" && len(operands) == 0 {
		patches = byteconv.CountAs(plan.Patches, "dump line", "dump lines")
	}
	if *dryRun {
		if err := printChanges(io.out, plan); err != nil {
			return err
		}
		unsaved := ""
		if *undoPath != "" {
			unsaved = " (no undo file either)"
		}
		fmt.Fprintf(io.err, "dry run: %s would change %s of %s; nothing written%s\n",
			patches, changedBytes(plan), t, unsaved)
		return nil
	}
	if *undoPath != "" {
		if err := plan.SaveUndo(*undoPath, commandTarget(t)); err != nil {
			return fmt.Errorf("%w: nothing written", err)
		}
	}
	if err := plan.Apply(m); err != nil {
		var aerr *patch.ApplyError
		if errors.As(err, &aerr) && aerr.RestoreErr != nil && *undoPath != "" {
			return fmt.Errorf("%s: %w; the undo file %s holds the old bytes", t, err, *undoPath)
		}
		return fmt.Errorf("%s: %w", t, err)
	}
	// The patch is written: a failure to report it must not hide the flush that follows.
	printErr := printChanges(io.out, plan)
	flushed := ""
	switch {
	case plan.Patches == 0:
		fmt.Fprintf(io.err, "no patches given: nothing written to %s\n", t)
		return nil
	case len(plan.Changes) == 0:
		fmt.Fprintf(io.err, "%s already holds these bytes: nothing written\n", t)
		return nil
	case *noFlush:
		flushed = "; not flushed (--no-flush)"
	case m.FileBacked():
		if err := plan.Flush(m); err != nil {
			return fmt.Errorf("%s: patched, but flushing to disk failed: %w", t, err)
		}
		flushed = "; flushed to disk"
	}
	fmt.Fprintf(io.err, "patched %s: %s changed by %s%s\n", t, changedBytes(plan), patches, flushed)
	return printErr
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

// readScript reads the patch script at path ("-": in).
func readScript(path string, in io.Reader) ([]patch.Entry, error) {
	r, name, closeFn, err := openInput(path, in, "script")
	if err != nil {
		return nil, err
	}
	defer closeFn()
	entries, err := patch.ParseScript(r, name)
	var perr *patch.ParseError
	if errors.As(err, &perr) {
		return nil, usageErrorf("%w", err)
	}
	return entries, err
}

// readDump reads the hex dump at path ("-": in) into one entry per row.
func readDump(path string, in io.Reader) ([]patch.Entry, error) {
	r, name, closeFn, err := openInput(path, in, "dump")
	if err != nil {
		return nil, err
	}
	defer closeFn()
	rows, err := xxd.Read(r)
	var serr *xxd.SyntaxError
	if errors.As(err, &serr) {
		return nil, usageErrorf("%s:%d: %w", name, serr.Line, serr.Err)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	entries := make([]patch.Entry, len(rows))
	for i, row := range rows {
		entries[i] = patch.Entry{
			Offset: patch.Offset{N: row.Offset, Text: fmt.Sprintf("0x%x", row.Offset)},
			Value:  row.Data,
			Origin: patch.Origin{Source: name, Line: row.Line},
		}
	}
	return entries, nil
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

// commandTarget names the target as command-line arguments do: the path, or -n NAME.
func commandTarget(t target) []string {
	if t.name != "" {
		return []string{"-n", t.name}
	}
	return []string{t.path}
}

func printChanges(w io.Writer, plan *patch.Plan) error {
	bw := bufio.NewWriter(w)
	for _, c := range plan.Changes {
		fmt.Fprintln(bw, c)
	}
	return bw.Flush()
}

func changedBytes(plan *patch.Plan) string {
	return fmt.Sprintf("%s in %s", byteconv.CountAs(plan.Bytes(), "byte", "bytes"), byteconv.CountAs(len(plan.Changes), "run", "runs"))
}
