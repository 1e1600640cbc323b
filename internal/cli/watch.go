package cli

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/live"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/watch"
)

const watchUsage = `
Usage: mmhex watch [flags] FILE
       mmhex watch [flags] -n NAME
       mmhex watch [flags] -p PID --offset ADDR [--length N]

Prints every change made to a file or a named mapping, by any process, as it is seen. Shared
memory has no change notification, so mmhex polls: every --interval it diffs the memory against
a copy it keeps. A value that changes and changes back within one interval is not seen.

Each run of contiguous bytes that changed in one poll is one line, only the bytes that really
changed: an int32 at 0x10 going from 999 to 1000 (e7030000 to e8030000) is the one-byte run
  TIME OFFSET OLD -> NEW
  15:04:05.000123 0x00000010 e7 -> e8
TIME is the local time (to the microsecond) when the poll that saw the change ended; OFFSET is
hexadecimal; OLD and NEW are the bytes before and after, in hex.
With --json, each run is a JSON object on its own line, written out at once:
  {"time":"2025-01-02T15:04:05.000123456+01:00","offset":16,"length":1,"old":"e7","new":"e8"}
(time in RFC 3339 with nanoseconds, offset and length in decimal).

With -p PID, watch polls process PID's memory (process_vm_readv, ReadProcessMemory): OFFSET
is an address, and the offsets printed are addresses.

watch exits 0 after --count runs, after --duration, on Ctrl-C or SIGTERM, and when the watched
bytes go away (the file was truncated, the process exited or unmapped them), saying why on stderr; it exits 1 when the memory cannot
be read for another reason. A file that grows is followed: the bytes added are taken as they are
when the growth is seen, later changes to them are reported. If the creator of a named mapping
releases it, watch says so and goes on watching the memory it still holds. watch keeps a copy of
what it watches, at most 1 GiB (256 MiB on 32-bit systems): pick a range with --offset and --length.
Offsets and lengths may be decimal or 0x-hex, with an optional K, M or G suffix; an offset may
also be end-N, N bytes before the end.
`

// These formats are documented in watchUsage and the README; scripts parse them.
const (
	watchTextTime = "15:04:05.000000"
	watchJSONTime = "2006-01-02T15:04:05.000000000Z07:00"
)

// beforeFirstCopy, when a test sets it, runs between mapping the target and taking the first
// copy of it, where a truncation by another process cannot otherwise be timed.
var beforeFirstCopy func()

func runWatch(args []string, io stdio) error {
	flags := newFlagSet("mmhex watch", watchUsage, io.out)
	interval := flags.Duration("interval", 50*time.Millisecond, "poll every `D` (at least 1ms)")
	asJSON := flags.Bool("json", false, "print one JSON object per changed run")
	offArg := flags.String("offset", "0", "watch from offset `O` (end-N: N bytes before the end)")
	lenArg := flags.String("length", "", "watch `L` bytes (default: to the end)")
	count := flags.Int("count", 0, "exit after `N` runs (0: no limit)")
	duration := flags.Duration("duration", 0, "exit after `D` (0: no limit)")
	flags.StringP("name", "n", "", "watch the named mapping `NAME` instead of a file")
	flags.IntP("pid", "p", 0, "watch the memory of process `PID`: --offset is an address, --length defaults to the rest of its region")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	t, rest, err := targetFrom(flags, "mmhex watch")
	if err != nil {
		return err
	}
	start, err := byteconv.ParseOffset(*offArg)
	if err != nil {
		return usageErrorf("--offset %q: %w", *offArg, err)
	}
	var limit int64
	if *lenArg != "" {
		if limit, err = byteconv.ParseSize(*lenArg); err != nil {
			return usageErrorf("--length %q: %w", *lenArg, err)
		}
		if limit == 0 {
			return usageErrorf("--length 0 watches nothing: give a number of bytes, or leave --length out to watch to the end")
		}
	}
	switch {
	case len(rest) > 0:
		return usageErrorf("unexpected argument %q: watch takes one FILE or -n NAME (see 'mmhex watch --help')", rest[0])
	case *interval < time.Millisecond:
		return usageErrorf("--interval %v is too short: the shortest is 1ms", *interval)
	case *count < 0:
		return usageErrorf("--count %d: want 0 (no limit) or more", *count)
	case *duration < 0:
		return usageErrorf("--duration %v: want 0 (no limit) or more", *duration)
	}

	var src watch.Source
	var m *mmap.Mapping
	var off, length int64
	if t.pid != 0 {
		if err := needAddress(start, t); err != nil {
			return err
		}
		space, regions, closeFn, err := t.processSpace()
		if err != nil {
			return err
		}
		defer closeFn()
		if off, length, err = watchProcessRange(t, regions, start, limit); err != nil {
			return err
		}
		src = space
	} else {
		// A read-only command writes nothing, so an interrupted insert or delete is only reported.
		if pending, _ := recoverInterrupted(t, true); pending != "" {
			fmt.Fprintln(io.err, "warning: "+pending)
		}
		if m, err = t.open(mmap.ReadOnly); err != nil {
			return err
		}
		defer m.Close()
		if off, length, err = watchRange(t, m.Size(), start, limit); err != nil {
			return err
		}
		src = m
	}
	if beforeFirstCopy != nil {
		beforeFirstCopy()
	}
	w, err := watch.New(src, off, length)
	if errors.Is(err, mmap.ErrFault) && noteTruncation(t, m, off+length, io.err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("watch %s: %w", t, explainProcess(err))
	}
	s := &watchSession{
		t: t, m: m, w: w, json: *asJSON, left: *count, follow: *lenArg == "",
		out: bufio.NewWriter(io.out), errOut: io.err, size: src.Size(),
	}

	return s.run(*interval, *duration)
}

// run polls every interval until a signal, the duration (0: no limit) or the count of runs ends
// the session. It says what it watches once the signals are caught, so that a script may stop it
// as soon as it reads that line.
func (s *watchSession) run(interval, duration time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, duration)
		defer cancel()
	}
	fmt.Fprintf(s.errOut, "mmhex: watching %s: %s from 0x%x, every %v (Ctrl-C stops)\n", s.t, byteconv.FormatSize(s.w.Len()), s.w.Offset(), interval)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		if done, err := s.tick(); done || err != nil {
			return err
		}
	}
}

// watchRange places --offset (start) and --length (limit; 0 when not given: to the end) inside
// size bytes.
func watchRange(t target, size int64, start byteconv.Offset, limit int64) (off, length int64, err error) {
	if off, err = offsetIn(start, t, size); err != nil {
		return 0, 0, err
	}
	length = size - off
	if limit != 0 {
		if limit > length {
			return 0, 0, usageErrorf("--offset %s --length %d goes past the end of %s (%s)", start.Text, limit, t, byteconv.FormatSize(size))
		}
		length = limit
	}
	if length > watch.MaxLength {
		return 0, 0, usageErrorf("%s: %d bytes to watch, but watch keeps a copy of them and takes at most %d MiB: choose a range with --offset and --length", t, length, watch.MaxLength>>20)
	}
	return off, length, nil
}

// watchSession is one running mmhex watch.
type watchSession struct {
	t      target
	m      *mmap.Mapping
	w      *watch.Watcher
	out    *bufio.Writer
	errOut io.Writer
	json   bool
	left   int  // runs still to print before --count is reached; 0 when there is no --count
	follow bool // no --length: watch what a growing file adds

	size      int64 // the size last seen
	nameCheck time.Time
	nameGone  bool
	line      []byte
}

// tick runs one poll: it checks the file's size, diffs, prints the runs and reports whether
// watching is over.
func (s *watchSession) tick() (done bool, err error) {
	if s.t.path != "" {
		if done, err := s.checkSize(); done || err != nil {
			return done, err
		}
	}
	runs, pollErr := s.w.Poll()
	if done, err := s.print(runs, time.Now()); done || err != nil {
		return done, err
	}
	if pollErr != nil {
		return s.stopOnFault(pollErr)
	}
	if s.t.name != "" {
		s.checkName()
	}
	return false, nil
}

// checkSize notices a watched file that shrank below the watched range (the end) or grew (followed).
func (s *watchSession) checkSize() (done bool, err error) {
	size, err := s.m.CurrentSize()
	if err != nil {
		return true, fmt.Errorf("watch %s: %w", s.t, err)
	}
	if size == s.size {
		return false, nil
	}
	end := s.w.Offset() + s.w.Len()
	if size < end {
		s.notef("%s was truncated to %s (watching up to %d): stopped watching", s.t, byteconv.FormatSize(size), end)
		return true, nil
	}
	old := s.size
	s.size = size
	if !s.follow || size < old {
		return false, nil
	}
	if _, err := s.m.Remap(); err != nil {
		return true, fmt.Errorf("watch %s: map it again after it grew: %w", s.t, err)
	}
	length := min(s.m.Size()-s.w.Offset(), watch.MaxLength)
	if err := s.w.Extend(length); err != nil {
		return true, fmt.Errorf("watch %s: %w", s.t, err)
	}
	s.notef("%s grew from %d to %s: now watching %s from 0x%x", s.t, old, byteconv.FormatSize(size), byteconv.FormatSize(length), s.w.Offset())
	return false, nil
}

// stopOnFault ends watching after a poll failed: when the memory shrank underneath (a fault),
// that is the normal end of watching it; any other failure is an error.
func (s *watchSession) stopOnFault(err error) (done bool, _ error) {
	if note := goneNote(s.t, err); note != "" {
		s.notef("%s: stopped watching", note)
		return true, nil
	}
	if !errors.Is(err, mmap.ErrFault) {
		return true, fmt.Errorf("watch %s: %w", s.t, err)
	}
	if noteTruncation(s.t, s.m, s.w.Offset()+s.w.Len(), s.errOut) {
		return true, nil
	}
	return true, fmt.Errorf("watch %s: %w: stopped watching", s.t, mmap.ErrFault)
}

// noteTruncation tells, after a fault, whether it came from the watched object shrinking below
// end, the end of the watched range, and if so says that watching stopped there.
func noteTruncation(t target, m *mmap.Mapping, end int64, errOut io.Writer) bool {
	if _, err := m.Remap(); err != nil || m.Size() >= end {
		return false
	}
	fmt.Fprintf(errOut, "mmhex: %s was truncated to %s (watching up to %d): stopped watching\n", t, byteconv.FormatSize(m.Size()), end)
	return true
}

// checkName notes, once, that a named mapping's name is gone: its creator released it (POSIX
// unlinks the name; the memory lives on while mapped, so there is still something to watch).
func (s *watchSession) checkName() {
	now := time.Now()
	if s.nameGone || now.Sub(s.nameCheck) < live.NameCheckEvery {
		return
	}
	s.nameCheck = now
	other, err := mmap.OpenNamed(s.t.name, mmap.ReadOnly)
	if errors.Is(err, fs.ErrNotExist) {
		s.nameGone = true
		s.notef("named mapping %q was released by its creator: the memory stays mapped here, still watching (Ctrl-C stops)", s.t.name)
		return
	}
	if err == nil {
		other.Close()
	}
}

// print writes runs, as seen at now, and flushes them so a script reads them at once. It reports
// done when --count runs have been printed.
func (s *watchSession) print(runs []watch.Run, now time.Time) (done bool, err error) {
	if len(runs) == 0 {
		return false, nil
	}
	for _, r := range runs {
		s.line = s.format(s.line[:0], r, now)
		s.out.Write(s.line)
		if s.left > 0 {
			s.left--
			if s.left == 0 {
				done = true
				break
			}
		}
	}
	if err := s.out.Flush(); err != nil {
		return true, fmt.Errorf("watch: write the changes: %w", err)
	}
	return done, nil
}

// format appends one run's line, in text or JSON.
func (s *watchSession) format(b []byte, r watch.Run, now time.Time) []byte {
	if s.json {
		b = append(b, `{"time":"`...)
		b = now.AppendFormat(b, watchJSONTime)
		b = append(b, `","offset":`...)
		b = strconv.AppendInt(b, r.Offset, 10)
		b = append(b, `,"length":`...)
		b = strconv.AppendInt(b, int64(len(r.New)), 10)
		b = append(b, `,"old":"`...)
		b = hex.AppendEncode(b, r.Old)
		b = append(b, `","new":"`...)
		b = hex.AppendEncode(b, r.New)
		return append(b, "\"}\n"...)
	}
	b = now.AppendFormat(b, watchTextTime)
	b = fmt.Appendf(b, " 0x%08x ", r.Offset)
	b = hex.AppendEncode(b, r.Old)
	b = append(b, " -> "...)
	b = hex.AppendEncode(b, r.New)
	return append(b, '\n')
}

func (s *watchSession) notef(format string, args ...any) {
	fmt.Fprintf(s.errOut, "mmhex: "+format+"\n", args...)
}
