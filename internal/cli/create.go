package cli

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/mmap"
)

const createUsage = `
Usage: mmhex create [--size N] [--demo] NAME

Creates the named shared-memory mapping NAME of N bytes (default 4096; the OS rounds it up to
whole pages), zero-filled, and holds it until Ctrl-C, SIGTERM or SIGHUP (its terminal closing),
then releases it (on Linux the name, /dev/shm/NAME, is removed, unless it names by then a
mapping another process made). Another process attaches with 'mmhex -n NAME' (the editor) or
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
	size, err := byteconv.ParseSize(*sizeArg)
	switch {
	case err != nil:
		return usageErrorf("--size %q: %w", *sizeArg, err)
	case size <= 0:
		return usageErrorf("--size %q: a mapping needs at least 1 byte", *sizeArg)
	}
	if *demo && size < demoEnd {
		return usageErrorf("--demo needs at least %d bytes, --size is %d", demoEnd, size)
	}

	m, err := mmap.CreateNamed(name, size)
	switch {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s already exists: another process holds it%s", name, staleNameHint(name))
	case errors.Is(err, mmap.ErrNotSupported), errors.Is(err, mmap.ErrBadName):
		return target{name: name}.explain(err, mmap.ReadWrite)
	case err != nil:
		return fmt.Errorf("create named mapping %q: %w", name, err)
	}
	defer m.Close()

	// SIGHUP is what closing the terminal sends: without it the name would outlive create.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if *demo {
		// Before the line below, which tells a waiting script or test that the values are there.
		if err := writeDemoFixed(m); err != nil {
			return fmt.Errorf("named mapping %q: %w", name, err)
		}
	}
	fmt.Fprintf(io.out, "created named mapping %q: %s\n", name, byteconv.FormatSize(m.Size()))
	fmt.Fprintf(io.out, "attach from another terminal:\n  mmhex -n %s          edit it live\n  mmhex watch -n %s    print every change\n", name, name)
	if *demo {
		fmt.Fprintf(io.out, "demo values (little-endian): int32 999 at 0x0, 666 at 0x4, 999 at 0x10; every 100 ms: "+
			"uint32 counter at 0x%x, uint64 Unix time in ns at 0x%x, text at 0x%x\n", demoCounterAt, demoTimeAt, demoTextAt)
	}
	fmt.Fprintln(io.out, "holding it until Ctrl-C")
	return holdNamed(ctx, m, name, *demo, io)
}

// holdNamed holds the named mapping m until ctx is done, changing the demo values meanwhile when
// demo is set, then closes it and says what became of the name.
func holdNamed(ctx context.Context, m *mmap.Mapping, name string, demo bool, io stdio) error {
	var err error
	if demo {
		err = runDemo(ctx, m)
	} else {
		<-ctx.Done()
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	reused := errors.Is(err, mmap.ErrNameReused)
	if err != nil && !reused {
		return fmt.Errorf("named mapping %q: %w", name, err)
	}
	if path, isFile := mmap.NamedPath(name); reused {
		// Someone removed our name while we held it and created their own under it.
		fmt.Fprintf(io.out, "released named mapping %q; %s is now another process's mapping, made after this one: left it in place\n", name, path)
	} else if isFile {
		fmt.Fprintf(io.out, "released named mapping %q: the name is removed; processes still attached keep their memory\n", name)
	} else {
		fmt.Fprintf(io.out, "closed named mapping %q: it lives on while other processes hold it\n", name)
	}
	return nil
}

// staleNameHint tells, on Linux, how to clear a name left behind by a creator that was killed
// before it could release it: the name is a file in /dev/shm, which outlives its creator.
func staleNameHint(name string) string {
	path, isFile := mmap.NamedPath(name)
	if !isFile {
		return ""
	}
	return " (if none does, remove " + path + ")"
}

// writeDemoFixed writes the demo's values that never change.
func writeDemoFixed(m *mmap.Mapping) error {
	var fixed [20]byte
	binary.LittleEndian.PutUint32(fixed[0:], 999)
	binary.LittleEndian.PutUint32(fixed[4:], 666)
	binary.LittleEndian.PutUint32(fixed[16:], 999)
	_, err := m.WriteAt(fixed[:], 0)
	return err
}

// runDemo updates the demo's changing values every demoTick until ctx is done.
func runDemo(ctx context.Context, m *mmap.Mapping) error {
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
