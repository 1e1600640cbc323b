// Package watch finds what another process changed in shared memory. A Watcher keeps a copy (the
// snapshot) of a range of a mapping and, on each poll, diffs the live bytes against it, reports
// the runs of bytes that changed and updates the snapshot.
//
// Shared memory has no change notification, so polling is the only way to see changes, and a
// value that changes and changes back between two polls is never seen.
//
// Cost: a poll compares the snapshot with the live bytes, read in place (no copy), in 4 KiB
// blocks with bytes.Equal, which runs at memory bandwidth; it looks at single bytes only in
// blocks that differ. A poll over a screenful of rows costs microseconds, one over 64 MiB a few
// milliseconds. To keep a whole large mapping in sight without that cost on every tick, PollNext
// diffs a bounded slice of it per call, round-robin; Budget gives the slice for an interval.
package watch

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"sync"
	"time"
)

// Source is the memory a Watcher reads: *mmap.Mapping satisfies it. Scan must hand out the
// bytes of [off, off+length) in consecutive chunks starting at offset at, which are valid only
// during the call (see mmap.Mapping.Scan); the Watcher always asks for an overlap of 0.
type Source interface {
	Size() int64
	Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error
}

// Run is one stretch of contiguous bytes that changed between two polls: at Offset, Old was
// replaced by New (of the same length).
type Run struct {
	Offset   int64
	Old, New []byte
}

// End returns the offset just past the run.
func (r Run) End() int64 { return r.Offset + int64(len(r.New)) }

// MaxLength is the largest range a Watcher keeps a snapshot of: 1 GiB on 64-bit systems, 256 MiB
// on 32-bit ones, whose address space also holds the mapping's windows.
const MaxLength int64 = 256 << 20 << (strconv.IntSize / 64 * 2)

// ErrTooLarge is returned by New and Extend for a range longer than MaxLength.
var ErrTooLarge = fmt.Errorf("watch: a watched range holds at most %d MiB (the watcher keeps a copy of it)", MaxLength>>20)

// ScanRate is how many bytes per second Budget allots to sweeping a whole mapping: at the 5 GB/s
// or more a diff runs at, that is about 5% of one core, and a 64 MiB mapping is swept every
// quarter second, a 1 GiB one every 4 seconds.
const ScanRate = 256 << 20

// blockSize is the unit of comparison: large enough that the call to bytes.Equal costs nothing
// next to it, small enough that a block that differs is cheap to look at byte by byte.
const blockSize = 4096

// Watcher diffs a range of a Source against its snapshot. Its methods are safe for concurrent
// use: a poll and an Absorb never interleave.
type Watcher struct {
	mu   sync.Mutex
	src  Source
	off  int64
	snap []byte // the bytes of [off, off+len(snap)) as of the last poll that read them
	next int64  // where PollNext resumes, relative to off
	// live holds a copy of a block that differs, so the runs reported and the snapshot agree
	// even while the other process keeps writing.
	live [blockSize]byte
}

// New returns a Watcher over [off, off+length) of src, with a snapshot of the bytes there now.
// The range must lie inside src and hold at most MaxLength bytes.
func New(src Source, off, length int64) (*Watcher, error) {
	size := src.Size()
	if off < 0 || length < 0 || off > size || length > size-off {
		return nil, fmt.Errorf("watch: range [%d, +%d) is outside the memory's %d bytes", off, length, size)
	}
	if length > MaxLength {
		return nil, ErrTooLarge
	}
	w := &Watcher{src: src, off: off, snap: make([]byte, length)}
	if err := w.read(off, w.snap); err != nil {
		return nil, err
	}
	return w, nil
}

// Offset returns where the watched range starts.
func (w *Watcher) Offset() int64 { return w.off }

// Len returns the length of the watched range.
func (w *Watcher) Len() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return int64(len(w.snap))
}

// Poll diffs the whole watched range and returns the runs that changed since they were last
// read, in offset order. On an error (a fault when the memory shrank underneath: mmap.ErrFault)
// it returns the runs found before it too.
func (w *Watcher) Poll() ([]Run, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.diff(w.off, int64(len(w.snap)))
}

// PollRange is Poll restricted to [off, off+length), clipped to the watched range: the rows on
// screen. Changes elsewhere stay in the live bytes for a later poll to report.
func (w *Watcher) PollRange(off, length int64) ([]Run, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	start, end := max(off, w.off), w.off+int64(len(w.snap))
	if length < end-off { // compared this way round, a length meaning "to the end" cannot overflow
		end = off + max(length, 0)
	}
	if start >= end {
		return nil, nil
	}
	return w.diff(start, end-start)
}

// PollNext is Poll over the next budget bytes of the watched range, continuing where the previous
// PollNext stopped and starting over at the beginning after the end, so repeated calls sweep the
// whole range at a bounded cost each. A call that reaches the end stops there.
func (w *Watcher) PollNext(budget int64) ([]Run, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	length := int64(len(w.snap))
	if w.next >= length {
		w.next = 0
	}
	n := min(max(budget, 1), length-w.next)
	runs, err := w.diff(w.off+w.next, n)
	w.next += n
	return runs, err
}

// Absorb writes p at off through dst, which writes to the watched memory (the mapping itself, or
// the editor that writes to it), and records the bytes written in the snapshot, holding off polls
// meanwhile: this process's own edits are never reported as changes. Bytes outside the watched
// range are written all the same.
func (w *Watcher) Absorb(dst io.WriterAt, p []byte, off int64) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := dst.WriteAt(p, off)
	start := max(off, w.off)
	end := min(off+int64(n), w.off+int64(len(w.snap)))
	if start < end {
		copy(w.snap[start-w.off:end-w.off], p[start-off:end-off])
	}
	return n, err
}

// Extend lengthens the watched range to length bytes, after the memory grew (a file another
// process appended to, mapped anew). The bytes added are taken as they are now: later changes to
// them are reported.
func (w *Watcher) Extend(length int64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := int64(len(w.snap))
	switch {
	case length < old:
		return fmt.Errorf("watch: cannot extend a range of %d bytes to %d", old, length)
	case length > MaxLength:
		return ErrTooLarge
	case w.off+length > w.src.Size():
		return fmt.Errorf("watch: range [%d, +%d) is outside the memory's %d bytes", w.off, length, w.src.Size())
	}
	grown := make([]byte, length)
	copy(grown, w.snap)
	if err := w.read(w.off+old, grown[old:]); err != nil {
		return err
	}
	w.snap = grown
	return nil
}

// Budget returns how many bytes PollNext should diff per tick of interval so that sweeping a
// whole mapping costs ScanRate bytes per second: 13 MiB for 50 ms, 256 KiB for 1 ms.
func Budget(interval time.Duration) int64 {
	return max(blockSize, int64(float64(ScanRate)*interval.Seconds()))
}

// read copies the live bytes at off into p.
func (w *Watcher) read(off int64, p []byte) error {
	err := w.src.Scan(off, int64(len(p)), 0, func(chunk []byte, at int64) error {
		copy(p[at-off:], chunk)
		return nil
	})
	if err != nil {
		return fmt.Errorf("watch: read [%d, +%d): %w", off, len(p), err)
	}
	return nil
}

// diff compares [off, off+length), inside the watched range, with the snapshot, block by block,
// and brings the snapshot up to date. The caller holds w.mu.
func (w *Watcher) diff(off, length int64) ([]Run, error) {
	var runs []Run
	err := w.src.Scan(off, length, 0, func(chunk []byte, at int64) error {
		snap := w.snap[at-w.off : at-w.off+int64(len(chunk))]
		for i := 0; i < len(chunk); i += blockSize {
			j := min(i+blockSize, len(chunk))
			if bytes.Equal(chunk[i:j], snap[i:j]) {
				continue
			}
			live := w.live[:j-i]
			copy(live, chunk[i:j])
			runs = appendRuns(runs, at+int64(i), snap[i:j], live)
			copy(snap[i:j], live)
		}
		return nil
	})
	if err != nil {
		return runs, fmt.Errorf("watch: diff [%d, +%d): %w", off, length, err)
	}
	return runs, nil
}

// appendRuns appends the runs where old and cur, which start at offset base, differ. A run that
// starts where the last one in runs ends continues it, so runs cross block and chunk edges whole.
func appendRuns(runs []Run, base int64, old, cur []byte) []Run {
	for i := 0; ; {
		i = firstDiffering(old, cur, i)
		if i == len(old) {
			return runs
		}
		j := firstEqual(old, cur, i)
		at := base + int64(i)
		if last := len(runs) - 1; last >= 0 && runs[last].End() == at {
			runs[last].Old = append(runs[last].Old, old[i:j]...)
			runs[last].New = append(runs[last].New, cur[i:j]...)
		} else {
			runs = append(runs, Run{Offset: at, Old: bytes.Clone(old[i:j]), New: bytes.Clone(cur[i:j])})
		}
		i = j
	}
}

// firstDiffering returns the first index from i where a and b differ, or len(a); a word at a time.
func firstDiffering(a, b []byte, i int) int {
	for ; i+8 <= len(a); i += 8 {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for ; i < len(a) && a[i] == b[i]; i++ {
	}
	return i
}

// firstEqual returns the first index from i where a and b agree, or len(a); it skips words whose
// eight bytes all differ, so a long rewritten stretch is not walked byte by byte.
func firstEqual(a, b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(a); i += 8 {
		x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:])
		if (x-ones)&^x&highs != 0 { // some byte of x is zero: a and b agree there
			break
		}
	}
	for ; i < len(a) && a[i] != b[i]; i++ {
	}
	return i
}
