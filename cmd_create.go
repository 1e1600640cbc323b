package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mmhex/mmhex/mmap"
)

const createUsage = `
Usage: mmhex create [--size N] [--demo] NAME

Creates the named shared-memory mapping NAME of N bytes (default 4096; the OS rounds it up to
whole pages), zero-filled, and holds it until Ctrl-C or SIGTERM, then releases it (on Linux the
name, /dev/shm/NAME, is removed). Another process attaches with 'mmhex -n NAME' (the editor) or
'mmhex watch -n NAME' (print every change). If NAME exists already, create says so and exits 1:
another process holds it.

Sizes may be decimal or 0x-hex, with an optional K, M or G suffix (1024, 1024², 1024³):
4096, 64K, 1M, 0x1000.

--demo fills in values to watch (all little-endian):
  0x00  int32   999
  0x04  int32   666
  0x10  int32   999
and every 100 ms updates
  0x20  uint32  a counter
  0x28  uint64  the time, in nanoseconds since 1970 (Unix time)
  0x30  16 bytes of text, cycling through a few words
`

// The --demo layout; the help text above and the README describe it.
const (
	demoCounterAt = 0x20
	demoTimeAt    = 0x28
	demoTextAt    = 0x30
	demoTextLen   = 16
	demoEnd       = demoTextAt + demoTextLen
	demoTick      = 100 * time.Millisecond
)

var demoWords = []string{"hello, mmhex", "shared memory", "polled, diffed", "seen live"}

func runCreate(args []string, io stdio) error {
	flags := newFlagSet("mmhex create", createUsage, io.out)
	sizeArg := flags.String("size", "4096", "size `N` in bytes (4096, 64K, 1M, 0x1000)")
	demo := flags.Bool("demo", false, "write demo values and keep changing some every 100 ms")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return usageErrorf("give one mapping name (usage: mmhex create [--size N] [--demo] NAME; see 'mmhex create --help')")
	}
	name := flags.Arg(0)
	size, err := parseByteSize(*sizeArg)
	if err != nil || size <= 0 {
		return usageErrorf("--size %q: want a positive number of bytes such as 4096, 64K, 1M or 0x1000", *sizeArg)
	}
	if *demo && size < demoEnd {
		return usageErrorf("--demo needs at least %d bytes, --size is %d", demoEnd, size)
	}

	m, err := mmap.CreateNamed(name, size)
	switch {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s already exists: another process holds it", name)
	case errors.Is(err, mmap.ErrNotSupported), errors.Is(err, mmap.ErrBadName):
		return err
	case err != nil:
		return fmt.Errorf("create named mapping %q: %w", name, err)
	}
	defer m.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(io.out, "created named mapping %q: %d bytes\n", name, m.Size())
	fmt.Fprintf(io.out, "attach from another terminal:\n  mmhex -n %s          edit it live\n  mmhex watch -n %s    print every change\n", name, name)
	if *demo {
		fmt.Fprintf(io.out, "demo values (little-endian): int32 999 at 0x0, 666 at 0x4, 999 at 0x10; every 100 ms: "+
			"uint32 counter at 0x%x, uint64 Unix time in ns at 0x%x, text at 0x%x\n", demoCounterAt, demoTimeAt, demoTextAt)
	}
	fmt.Fprintln(io.out, "holding it until Ctrl-C")

	if *demo {
		err = runDemo(ctx, m)
	} else {
		<-ctx.Done()
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("named mapping %q: %w", name, err)
	}
	if runtime.GOOS == "windows" {
		fmt.Fprintf(io.out, "closed named mapping %q: it lives on while other processes hold it\n", name)
	} else {
		fmt.Fprintf(io.out, "released named mapping %q: the name is removed; processes still attached keep their memory\n", name)
	}
	return nil
}

// runDemo writes the demo's fixed values, then updates the changing ones every demoTick until
// ctx is done.
func runDemo(ctx context.Context, m *mmap.Mapping) error {
	var fixed [20]byte
	binary.LittleEndian.PutUint32(fixed[0:], 999)
	binary.LittleEndian.PutUint32(fixed[4:], 666)
	binary.LittleEndian.PutUint32(fixed[16:], 999)
	if _, err := m.WriteAt(fixed[:], 0); err != nil {
		return err
	}
	ticker := time.NewTicker(demoTick)
	defer ticker.Stop()
	for counter := uint32(0); ; counter++ {
		var values [demoEnd - demoCounterAt]byte
		binary.LittleEndian.PutUint32(values[0:], counter)
		binary.LittleEndian.PutUint64(values[demoTimeAt-demoCounterAt:], uint64(time.Now().UnixNano()))
		copy(values[demoTextAt-demoCounterAt:], demoWords[counter%uint32(len(demoWords))])
		if _, err := m.WriteAt(values[:], demoCounterAt); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// parseByteSize reads a byte count: decimal or 0x-hex, with an optional K, M or G suffix
// (powers of 1024, also written KiB, MiB, GiB). A leading 0 does not mean octal.
func parseByteSize(s string) (int64, error) {
	num, unit := strings.TrimSpace(s), int64(1)
units:
	for _, u := range []struct {
		suffixes []string
		unit     int64
	}{{[]string{"KiB", "K"}, 1 << 10}, {[]string{"MiB", "M"}, 1 << 20}, {[]string{"GiB", "G"}, 1 << 30}} {
		for _, suffix := range u.suffixes {
			if len(num) > len(suffix) && strings.EqualFold(num[len(num)-len(suffix):], suffix) {
				num, unit = num[:len(num)-len(suffix)], u.unit
				break units
			}
		}
	}
	base := 10
	if lower := strings.ToLower(num); strings.HasPrefix(lower, "0x") {
		num, base = num[2:], 16
	}
	n, err := strconv.ParseInt(num, base, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a byte count", s)
	}
	if n < 0 || n > math.MaxInt64/unit {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return n * unit, nil
}
