package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/xxd"
)

const dumpUsage = `
Usage: mmhex dump [flags] FILE
       mmhex dump [flags] -n NAME
       mmhex dump [flags] -p PID --offset ADDR [--length N]

Prints a hex dump in xxd's layout, read straight from a memory mapping:

  00000000: 7f45 4c46 0201 0100 0000 0000 0000 0000  .ELF............

The output is what 'xxd -s OFFSET -l LENGTH -c COLS -g GROUP' prints, offsets absolute, so
'xxd -r' and 'mmhex patch FILE --xxd DUMP' read it back: dump, edit the hex, patch.

Colours (--color): NUL grey, printable ASCII cyan, white space green, other control bytes
magenta, non-ASCII yellow. By default colours are on when stdout is a terminal and the
NO_COLOR environment variable is unset or empty.

Examples:
  mmhex dump firmware.bin --offset 0x200 --length 64
  mmhex dump big.img --squeeze | less -R
  mmhex dump -n sensor-ring --cols 32 --group 4
`

func runDump(args []string, io stdio) error {
	fs := newFlagSet("mmhex dump", dumpUsage, io.out)
	fs.StringP("name", "n", "", "dump the named shared-memory mapping `NAME` instead of a file")
	fs.IntP("pid", "p", 0, "dump the memory of process `PID`: --offset is an address, --length defaults to the rest of its region")
	offsetText := fs.StringP("offset", "s", "0", "start at `OFFSET`: decimal, 0x hex, or end-N (N bytes before the end); K, M, G suffixes")
	lengthText := fs.StringP("length", "l", "", "dump at most `LENGTH` bytes, decimal or 0x hex, K, M, G suffixes (default: to the end)")
	cols := fs.IntP("cols", "c", 16, fmt.Sprintf("`N` bytes per row, 1 to %d (as xxd -c)", xxd.MaxCols))
	group := fs.IntP("group", "g", 2, "`N` bytes per space-separated group; 0 for one group per row (as xxd -g)")
	squeeze := fs.Bool("squeeze", false, "show rows that repeat the row above as one '*' line, as hexdump -C does")
	colorMode := fs.String("color", "auto", "colour bytes by class: `WHEN` is auto, always or never")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	t, rest, err := targetFrom(fs, "mmhex dump")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("unexpected %q: mmhex dump takes one FILE (see 'mmhex dump --help')", rest[0])
	}
	opts := xxd.Options{Cols: *cols, Group: *group, Squeeze: *squeeze}
	if opts.Cols < 1 || opts.Cols > xxd.MaxCols {
		return usageErrorf("--cols %d: give 1 to %d bytes per row", opts.Cols, xxd.MaxCols)
	}
	if opts.Group < 0 {
		return usageErrorf("--group %d: give 0 (no groups) or more bytes per group", opts.Group)
	}
	start, err := byteconv.ParseOffset(*offsetText)
	if err != nil {
		return usageErrorf("--offset %q: %w", *offsetText, err)
	}
	var limit *int64
	if *lengthText != "" {
		n, err := byteconv.ParseSize(*lengthText)
		if err != nil {
			return usageErrorf("--length %q: %w", *lengthText, err)
		}
		limit = &n
	}
	if opts.Color, err = colorWanted(*colorMode, io.out); err != nil {
		return err
	}

	if t.pid != 0 {
		return dumpProcess(t, start, limit, opts, io.out)
	}
	// A read-only command writes nothing, so an interrupted insert or delete is only reported.
	if pending, _ := recoverInterrupted(t, true); pending != "" {
		fmt.Fprintln(io.err, "warning: "+pending)
	}
	m, err := t.open(mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer m.Close()
	return dumpFrom(io.out, t, m, start, limit, opts)
}

// dumpFrom dumps m from the offset start reads as, to the end or at most *limit bytes.
func dumpFrom(out io.Writer, t target, m *mmap.Mapping, start byteconv.Offset, limit *int64, opts xxd.Options) error {
	size := m.Size()
	off, err := offsetIn(start, t, size)
	if err != nil {
		return err
	}
	length := size - off
	if limit != nil {
		length = min(length, *limit)
	}
	enc, err := xxd.NewEncoder(out, off, opts)
	if err != nil {
		return err
	}
	return dumpRange(t, m, enc, off, length)
}

// dumpCopy is how much dump copies out of the mapping before formatting it, and dumpBlock the
// unit of that copy. The encoder then never reads mapped memory, so when the file shrinks
// underneath, the fault strikes in the copy, between two blocks, and not inside the encoder's
// buffers, which would be lost with the rows they hold. Blocks start at multiples of 4 KiB, a
// divisor of every page size, so the blocks copied before a fault hold every byte the file
// still has.
const (
	dumpCopy  = 256 << 10
	dumpBlock = 4 << 10
)

// dumpRange dumps [off, off+length) of m through enc. If the file shrinks meanwhile, it prints
// every row read before the fault up to the file's new end, then says where that end is.
func dumpRange(t target, m *mmap.Mapping, enc *xxd.Encoder, off, length int64) error {
	buf := make([]byte, 0, dumpCopy)
	at := off // the offset of buf[0]
	err := m.Scan(off, length, 0, func(chunk []byte, start int64) error {
		for len(chunk) > 0 {
			n := min(len(chunk), int(dumpBlock-start%dumpBlock), cap(buf)-len(buf))
			// A fault inside this append leaves buf as it was: the blocks before it.
			buf = append(buf, chunk[:n]...)
			chunk, start = chunk[n:], start+int64(n)
			if len(buf) == cap(buf) {
				if _, err := enc.Write(buf); err != nil {
					return err
				}
				at, buf = at+int64(len(buf)), buf[:0]
			}
		}
		return nil
	})
	var size int64
	shrank := false
	if errors.Is(err, mmap.ErrFault) {
		var sizeErr error
		size, sizeErr = m.CurrentSize()
		shrank = sizeErr == nil && size < at+int64(len(buf))
	}
	if shrank {
		// The last page before the fault reads as zeros past the new end: those bytes are gone.
		buf = buf[:max(0, size-at)]
	}
	// After a failed write the encoder writes nothing more and returns that error.
	_, werr := enc.Write(buf)
	if cerr := enc.Close(); werr == nil {
		werr = cerr
	}
	switch {
	case shrank:
		return &explainedError{
			msg:   fmt.Sprintf("dump %s: it was truncated to %s while it was dumped: the rows above go up to its new end, 0x%x", t, byteconv.FormatSize(size), size),
			cause: err,
		}
	case err != nil:
		return fmt.Errorf("dump %s: %w", t, err)
	case werr != nil:
		return fmt.Errorf("dump %s: %w", t, werr)
	}
	return nil
}

// colorWanted decides from --color whether the dump is coloured; auto means when out is a
// terminal that takes colour escapes and NO_COLOR is unset or empty.
func colorWanted(mode string, out io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		f, ok := out.(*os.File)
		if !ok || os.Getenv("NO_COLOR") != "" || !term.IsTerminal(int(f.Fd())) {
			return false, nil
		}
		return enableEscapes(f), nil
	}
	return false, usageErrorf("--color %q: give auto, always or never", mode)
}

// offsetIn resolves an --offset against the size of t. An offset outside it is a usage error, in
// dump and watch alike: the command line has to change, as for an offset that does not parse.
func offsetIn(o byteconv.Offset, t target, size int64) (int64, error) {
	at, err := o.Resolve(size)
	switch {
	case err != nil: // the only failure: end-N with N more than the size
		return 0, usageErrorf("--offset %s lies before the start of %s (%s)", o.Text, t, byteconv.FormatSize(size))
	case at > size:
		return 0, usageErrorf("--offset %s is past the end of %s (%s)", o.Text, t, byteconv.FormatSize(size))
	}
	return at, nil
}
