package cli

import (
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
	m, err := t.open(mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer m.Close()
	size := m.Size()
	off, err := offsetIn(start, t, size)
	if err != nil {
		return err
	}
	length := size - off
	if limit != nil {
		length = min(length, *limit)
	}
	enc, err := xxd.NewEncoder(io.out, off, opts)
	if err != nil {
		return err
	}
	err = m.Scan(off, length, 0, func(chunk []byte, _ int64) error {
		_, err := enc.Write(chunk)
		return err
	})
	if err == nil {
		err = enc.Close()
	}
	if err != nil {
		return fmt.Errorf("dump %s: %w", t, err)
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
