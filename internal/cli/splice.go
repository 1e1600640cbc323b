package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/patch"
	"github.com/mmhex/mmhex/splice"
)

const spliceUsage = `
Usage: mmhex splice [flags] FILE OFFSET [--delete N] [--insert VALUE] [--expect V] [--dry-run]

Deletes N bytes at OFFSET and inserts VALUE in their place, in FILE itself: the file grows or
shrinks, and the bytes after OFFSET move through a memory mapping, with no temporary copy of
the file. Other processes that map the file see the bytes move.

A journal next to the file (.FILE.mmhex-journal) records the operation before the file is
touched, and how far the move got, chunk by chunk; if mmhex stops midway (kill -9, power loss),
the next mmhex that opens the file (the editor, patch, splice) completes the operation and says
so. Each chunk is flushed (msync, fsync) before the journal says it moved, which writes
the moved bytes twice; --no-flush skips the flushes: a kill -9 is still recovered, a power loss
may not be. Where the journal cannot be written (a read-only folder), splice refuses. SIGINT, SIGTERM or
SIGHUP during the move moves the bytes back: the file is as before, mmhex says so and exits with
128+signal. Two splices or patches of one file take turns (an advisory lock).

OFFSET  4096 (decimal), 0x1000 (hex), 64K (also M, G), end-N (N bytes before the end)
N       a number of bytes, as OFFSET without end-
VALUE   hex bytes:  DEADBEEF  de:ad:be:ef  "de ad be ef"  0xde,0xad,0xbe,0xef
        numbers:    u8: i8: u16le: ... f64be: then decimal, 0x hex, 0o, 0b (i32le:-999)
        text:       str:TEXT (UTF-8)  utf16le:TEXT  utf16be:TEXT
        (see 'mmhex patch --help')

Exit status: 0 done; 1 nothing changed (check failed, refused); 2 bad command line; 128+N
stopped by signal N, rolled back.

Examples:
  mmhex splice data.bin 0 --insert 7f454c46
  mmhex splice data.bin 0x100 --delete 16 --expect 00000000
  mmhex splice notes.txt end-0 --insert "str:one more line"
`

func runSplice(args []string, io stdio) error {
	fs := newFlagSet("mmhex splice", spliceUsage, io.out)
	fs.StringP("name", "n", "", "(refused: a named mapping has a fixed size)")
	deleteText := fs.String("delete", "", "delete `N` bytes at OFFSET")
	insertText := fs.String("insert", "", "insert `VALUE` at OFFSET (after deleting)")
	expectText := fs.String("expect", "", "the bytes at OFFSET must be `V` first")
	dryRun := fs.Bool("dry-run", false, "check everything and say what would change; write nothing")
	noFlush := fs.Bool("no-flush", false, "leave writing to disk to the system (no fsync, no msync): kill -9 is still recovered, a power loss may not be")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	t, operands, err := targetFrom(fs, "mmhex splice")
	if err != nil {
		return err
	}
	if t.name != "" {
		return fmt.Errorf("named mapping %q: a named mapping has the size it was created with, so bytes cannot be inserted or deleted; use mmhex patch to overwrite them", t.name)
	}
	if len(operands) != 1 {
		return usageErrorf("give FILE OFFSET, then --delete N and/or --insert VALUE (see 'mmhex splice --help')")
	}
	at, err := byteconv.ParseOffset(operands[0])
	if err != nil {
		return usageErrorf("offset %q: %w", operands[0], err)
	}
	var deleteN int64
	var insert, expect []byte
	if fs.Changed("delete") {
		if deleteN, err = byteconv.ParseSize(*deleteText); err != nil {
			return usageErrorf("--delete %q: %w", *deleteText, err)
		}
	}
	if fs.Changed("insert") {
		if insert, err = patch.ParseValue(*insertText); err != nil {
			return usageErrorf("--insert: %w", err)
		}
	}
	if fs.Changed("expect") {
		if expect, err = patch.ParseValue(*expectText); err != nil {
			return usageErrorf("--expect: %w", err)
		}
	}
	if deleteN == 0 && len(insert) == 0 {
		return usageErrorf("nothing to do: give --delete N, --insert VALUE or both (see 'mmhex splice --help')")
	}
	if *dryRun {
		return spliceDryRun(t, at, deleteN, insert, expect, io)
	}

	m, err := openForPatch(t, mmap.ReadWrite)
	if err != nil {
		return err
	}
	defer m.Close()
	unlock, err := m.Lock(func() { fmt.Fprintf(io.err, "waiting for another mmhex patch or splice on %s…\n", t) })
	if err != nil {
		return fmt.Errorf("%s: %w", t, err)
	}
	defer unlock()
	report, err := splice.RecoverFile(m)
	if s := report.String(); s != "" {
		fmt.Fprintln(io.err, s)
	}
	if err != nil {
		return err
	}
	off, err := spliceCheck(m, at, deleteN, expect)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(signals)
	var caught os.Signal
	stopWatching := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case caught = <-signals:
			cancel()
		case <-stopWatching:
		}
	}()
	oldSize := m.Size()
	err = splice.Splice(ctx, m, off, deleteN, insert, splice.Options{NoSync: *noFlush})
	close(stopWatching)
	<-watched
	if err != nil {
		if caught != nil {
			return signalExit(caught, fmt.Errorf("%s: interrupted by %s: %w", t, patch.SignalName(caught), err))
		}
		return err
	}
	flushed := "flushed to disk"
	if *noFlush {
		flushed = "not flushed (--no-flush)"
	}
	fmt.Fprintf(io.err, "spliced %s: %s; %s → %s; %s\n", t, spliceWhat(off, deleteN, insert, true),
		byteconv.FormatSize(oldSize), byteconv.FormatSize(m.Size()), flushed)
	if caught != nil {
		return signalExit(caught, fmt.Errorf("interrupted by %s after the splice was complete: %s holds all of it", patch.SignalName(caught), t))
	}
	return nil
}

// spliceCheck places the offset in m and checks the range to delete and the expected bytes.
func spliceCheck(m *mmap.Mapping, at byteconv.Offset, deleteN int64, expect []byte) (int64, error) {
	size := m.Size()
	off, err := at.Resolve(size)
	if err != nil {
		return 0, fmt.Errorf("offset %s: %w", at.Text, err)
	}
	switch {
	case off > size:
		return 0, fmt.Errorf("offset %s (0x%x) is past the end of %s (size %s): nothing changed", at.Text, off, m.Name(), byteconv.FormatSize(size))
	case deleteN > size-off:
		return 0, fmt.Errorf("--delete %d at 0x%x runs past the end of %s (size %s; %s there): nothing changed",
			deleteN, off, m.Name(), byteconv.FormatSize(size), byteconv.FormatSize(size-off))
	case int64(len(expect)) > size-off:
		return 0, fmt.Errorf("--expect: %s at 0x%x run past the end of %s (size %s): nothing changed",
			byteconv.FormatSize(int64(len(expect))), off, m.Name(), byteconv.FormatSize(size))
	}
	if expect != nil {
		found := make([]byte, len(expect))
		if _, err := m.ReadAt(found, off); err != nil {
			return 0, err
		}
		if !bytes.Equal(found, expect) {
			return 0, fmt.Errorf("--expect: 0x%x holds %x, not %x: nothing changed", off, found, expect)
		}
	}
	return off, nil
}

// spliceDryRun checks the splice against the file read-only and says what it would do.
func spliceDryRun(t target, at byteconv.Offset, deleteN int64, insert, expect []byte, io stdio) error {
	if jpath := splice.JournalPath(t.path); fileExists(jpath) {
		return fmt.Errorf("%s has an interrupted insert or delete (journal %s): run mmhex splice without --dry-run, or open it in mmhex, to complete it first", t, jpath)
	}
	m, err := t.open(mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer m.Close()
	off, err := spliceCheck(m, at, deleteN, expect)
	if err != nil {
		return err
	}
	newSize := m.Size() - deleteN + int64(len(insert))
	fmt.Fprintf(io.err, "dry run: would %s in %s; %s → %s, moving %s; nothing written\n", spliceWhat(off, deleteN, insert, false), t,
		byteconv.FormatSize(m.Size()), byteconv.FormatSize(newSize), byteconv.FormatSize(m.Size()-off-deleteN))
	return nil
}

// spliceWhat says what a splice does, "deleted 2 bytes and inserted 3 bytes at 0x10", with the
// verbs in the past (done) or not ("delete", "insert": would be done).
func spliceWhat(off, deleteN int64, insert []byte, done bool) string {
	del, ins := "delete", "insert"
	if done {
		del, ins = "deleted", "inserted"
	}
	switch {
	case deleteN == 0:
		return fmt.Sprintf("%s %s at 0x%x", ins, byteconv.FormatSize(int64(len(insert))), off)
	case len(insert) == 0:
		return fmt.Sprintf("%s %s at 0x%x", del, byteconv.FormatSize(deleteN), off)
	}
	return fmt.Sprintf("%s %s and %s %s at 0x%x", del, byteconv.FormatSize(deleteN), ins, byteconv.FormatSize(int64(len(insert))), off)
}

// recoverInterrupted completes an insert or delete of the target file that mmhex was making
// when it stopped, if any, and returns the sentence that says so. A read-only session writes
// nothing: it gets a warning instead.
func recoverInterrupted(t target, readOnly bool) (string, error) {
	if t.path == "" {
		return "", nil
	}
	if readOnly {
		if jpath := splice.JournalPath(t.path); fileExists(jpath) {
			return fmt.Sprintf("%s has an interrupted insert or delete (journal %s): its bytes are between two states until mmhex opens it for writing", t, jpath), nil
		}
		return "", nil
	}
	report, err := splice.Recover(t.path)
	return report.String(), err
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
