// Package patch writes patches into a mapped file safely: it parses offsets, values and patch
// scripts, checks every patch against the file (ranges, overlaps, expected bytes) before the
// first byte changes, writes only the bytes that differ, restores them if a write fails midway,
// and writes undo scripts that revert a patch exactly.
package patch

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Reader is what a patch is planned against: *mmap.Mapping satisfies it.
type Reader interface {
	Size() int64
	ReadAt(p []byte, off int64) (int, error)
}

// Target is what a patch is written to: *mmap.Mapping satisfies it. WriteAt never grows it.
type Target interface {
	Reader
	WriteAt(p []byte, off int64) (int, error)
	Flush(off, length int64) error
}

// Change is a run of consecutive bytes a plan changes: Old is there now, New replaces it.
type Change struct {
	Offset   int64
	Old, New []byte
}

// showBytes is how many bytes of a run messages and listings show before eliding the rest.
const showBytes = 16

// String shows the change as mmhex patch prints it: "0x00000010: de ad -> be ef".
func (c Change) String() string {
	return fmt.Sprintf("0x%08x: %s -> %s", c.Offset, FormatHex(c.Old, showBytes), FormatHex(c.New, showBytes))
}

// Plan is a set of patches checked against a file: every range lies inside it, no two patches
// touch the same byte, and every expectation held when the plan was made. Its changes are the
// runs of bytes that differ from what the file holds, in offset order: Runs counts them, Change
// returns one.
type Plan struct {
	runs []run
	// oldBytes and newBytes hold the runs' bytes end to end, so that a plan of a million one-byte
	// runs is three arrays rather than two million small allocations.
	oldBytes, newBytes []byte
	// Patches is the number of entries the plan was made from.
	Patches int
	// Changing is the number of those entries that change at least one byte.
	Changing int
}

// run is one change of a Plan: it starts at offset in the file, and its bytes are those of
// oldBytes and newBytes from the previous run's end to its own end.
type run struct {
	offset int64
	end    int
}

// Runs returns the number of changes in the plan.
func (p *Plan) Runs() int { return len(p.runs) }

// Change returns change i, in offset order. Its bytes share the plan's memory: they must not be
// changed.
func (p *Plan) Change(i int) Change {
	start := 0
	if i > 0 {
		start = p.runs[i-1].end
	}
	r := p.runs[i]
	return Change{Offset: r.offset, Old: p.oldBytes[start:r.end:r.end], New: p.newBytes[start:r.end:r.end]}
}

// Bytes returns how many bytes the plan changes.
func (p *Plan) Bytes() int64 { return int64(len(p.newBytes)) }

// add appends the runs where value differs from old, which lie at offset at. Bytes that begin
// where the last run ends (the next entry's) extend it: the file sees one write.
func (p *Plan) add(at int64, old, value []byte) {
	eachDifference(old, value, func(i, j int) {
		if n := len(p.runs); n == 0 || p.Change(n-1).end() != at+int64(i) {
			p.runs = append(p.runs, run{offset: at + int64(i)})
		}
		p.oldBytes = append(p.oldBytes, old[i:j]...)
		p.newBytes = append(p.newBytes, value[i:j]...)
		p.runs[len(p.runs)-1].end = len(p.newBytes)
	})
}

func (c Change) end() int64 { return c.Offset + int64(len(c.New)) }

// eachDifference calls fn with each stretch [i, j) where value differs from old.
func eachDifference(old, value []byte, fn func(i, j int)) {
	for i := 0; i < len(value); {
		if old[i] == value[i] {
			i++
			continue
		}
		j := i + 1
		for j < len(value) && old[j] != value[j] {
			j++
		}
		fn(i, j)
		i = j
	}
}

// planSize is what a plan holds, counted before the plan is made: its arrays are then made once
// at their size, and a plan too large for the process is refused rather than ending in a crash.
type planSize struct {
	runs, bytes int
	reach       int64 // where the last run ends
}

// add counts what Plan.add appends, joining runs as it does.
func (s *planSize) add(at int64, old, value []byte) {
	eachDifference(old, value, func(i, j int) {
		if s.runs == 0 || s.reach != at+int64(i) {
			s.runs++
		}
		s.bytes += j - i
		s.reach = at + int64(j)
	})
}

// memory returns the bytes a plan of this size takes.
func (s *planSize) memory() int64 {
	return int64(s.runs)*int64(unsafe.Sizeof(run{})) + 2*int64(s.bytes)
}

// maxPlanningMemory bounds the memory that entries and their plan take together. A 32-bit
// process has 4 GiB of address space for them, the mapping and the garbage collector's headroom
// (the heap may grow to twice what it holds): a script whose every other byte differs from the
// file's makes a run of each, and planning hundreds of millions of runs would end in an
// out-of-memory crash instead of a refusal. A 64-bit system is bounded by its memory alone.
// Tests lower it.
var maxPlanningMemory = func() int64 {
	if strconv.IntSize == 32 {
		return 1 << 30
	}
	return math.MaxInt64
}()

// Prepare checks entries against r and returns the plan that applies them. It reads but never
// writes. It fails, naming the first entry at fault, when an offset or range lies past the end
// (patches never grow a file), when two entries touch the same byte, or when the bytes at an
// entry differ from its Expect. Expectations are checked against the file as it is, before any
// entry is applied. A nil entries is an empty list.
func Prepare(r Reader, entries *Entries) (*Plan, error) {
	if entries == nil {
		entries = new(Entries)
	}
	pl := &planner{r: r, entries: entries, size: r.Size()}
	if err := pl.placeAndSort(); err != nil {
		return nil, err
	}
	if err := findOverlap(entries, pl.order, pl.size); err != nil {
		return nil, err
	}
	if err := pl.checkExpectations(); err != nil {
		return nil, err
	}
	return pl.plan()
}

// planner makes a Plan: it reads the file through one buffer, and visits the entries in the
// order of their offsets.
type planner struct {
	r       Reader
	entries *Entries
	size    int64
	order   []int32 // entries by offset, as int32: four bytes an entry where an int takes eight
	buf     []byte  // as long as the longest value or expectation
}

// at returns where entry i goes.
func (pl *planner) at(i int) int64 { return pl.entries.record(i).place(pl.size) }

// placeAndSort checks that every entry lies inside the file and sorts them by offset.
func (pl *planner) placeAndSort() error {
	n := pl.entries.Len()
	if n > math.MaxInt32 {
		return fmt.Errorf("%d patches at once: split them into several", n)
	}
	longest := 0
	for i := range n {
		if err := checkPlacement(pl.entries, i, pl.size); err != nil {
			return err
		}
		longest = max(longest, len(pl.entries.value(i)), len(pl.entries.expect(i)))
	}
	pl.buf = make([]byte, longest)
	pl.order = make([]int32, n)
	for i := range pl.order {
		pl.order[i] = int32(i)
	}
	byOffset := func(a, b int32) int { return cmp.Compare(pl.at(int(a)), pl.at(int(b))) }
	if !slices.IsSortedFunc(pl.order, byOffset) {
		slices.SortStableFunc(pl.order, byOffset)
	}
	return nil
}

// read returns the n bytes of the file at entry i's offset, in pl's buffer.
func (pl *planner) read(i, n int) ([]byte, error) {
	found := pl.buf[:n]
	if err := readFull(pl.r, found, pl.at(i)); err != nil {
		return nil, fmt.Errorf("%s: %w", pl.entries.At(i).Where(), err)
	}
	return found, nil
}

// checkExpectations checks every expect= against the file, in the user's order.
func (pl *planner) checkExpectations() error {
	for i := range pl.entries.Len() {
		expect := pl.entries.expect(i)
		if expect == nil {
			continue
		}
		found, err := pl.read(i, len(expect))
		if err != nil {
			return err
		}
		if !bytes.Equal(found, expect) {
			return fmt.Errorf("%s: %s: nothing written", pl.entries.At(i).Where(), mismatch(pl.at(i), expect, found))
		}
	}
	return nil
}

// plan reads the bytes each entry replaces and makes the plan. It reads them twice: first to
// size the plan, which is refused if with the entries it would take more than
// maxPlanningMemory, then to fill it.
func (pl *planner) plan() (*Plan, error) {
	var size planSize
	for _, i := range pl.order {
		value := pl.entries.value(int(i))
		old, err := pl.read(int(i), len(value))
		if err != nil {
			return nil, err
		}
		size.add(pl.at(int(i)), old, value)
	}
	if need := size.memory() + pl.entries.memory(); need > maxPlanningMemory {
		return nil, fmt.Errorf("these patches change %s in %s: with their plan they take %s, "+
			"more than the %s a 32-bit mmhex allows: nothing written; split them into several patches, or use a 64-bit mmhex",
			byteconv.Count(size.bytes, "byte"), byteconv.Count(size.runs, "run"), byteconv.FormatSize(need), sizeText(maxPlanningMemory))
	}
	p := &Plan{
		Patches:  pl.entries.Len(),
		runs:     make([]run, 0, size.runs),
		oldBytes: make([]byte, 0, size.bytes),
		newBytes: make([]byte, 0, size.bytes),
	}
	for _, i := range pl.order {
		value := pl.entries.value(int(i))
		old, err := pl.read(int(i), len(value))
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(old, value) {
			p.Changing++
		}
		p.add(pl.at(int(i)), old, value)
		if len(p.runs) > size.runs || len(p.newBytes) > size.bytes {
			// Another program changed the bytes between the two readings: the plan would outgrow
			// the size the memory bound was checked for.
			return nil, errChangedWhileChecked
		}
	}
	return p, nil
}

var errChangedWhileChecked = errors.New("the bytes to patch changed while the patches were checked (another program writes them): nothing written; try again")

// place returns where the entry goes in a file of size bytes, once checkPlacement has passed.
func (r *record) place(size int64) int64 {
	if r.fromEnd {
		return size - r.offset
	}
	return r.offset
}

// checkPlacement checks that entry i's offset, value and expectation lie inside a file of size
// bytes.
func checkPlacement(entries *Entries, i int, size int64) error {
	r := entries.record(i)
	var err error
	if r.fromEnd && r.offset > size {
		_, err = entries.At(i).Offset.Resolve(size)
		err = fmt.Errorf("offset %w", err)
	} else {
		at := r.place(size)
		err = checkRange(at, int(r.valueLen), size, "the value")
		if err == nil && r.expectLen > 0 {
			err = checkRange(at, int(r.expectLen), size, "expect=")
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", entries.At(i).Where(), err)
	}
	return nil
}

// findOverlap returns an error naming two entries that touch the same byte, if any. order
// lists the entries by offset; the later of the two in the user's order is named first.
func findOverlap(entries *Entries, order []int32, size int64) error {
	if len(order) == 0 {
		return nil
	}
	start := func(i int32) int64 { return entries.record(int(i)).place(size) }
	end := func(i int32) int64 { return start(i) + int64(entries.record(int(i)).valueLen) }
	// An entry overlaps an earlier-starting one exactly when it starts before the furthest end
	// reached so far.
	furthest := order[0]
	for _, k := range order[1:] {
		if start(k) < end(furthest) {
			a, b := furthest, k
			if k < furthest {
				a, b = b, a
			}
			return fmt.Errorf("%s: bytes %s overlap bytes %s of %s: write each byte once",
				entries.At(int(b)).Where(), span(start(b), end(b)), span(start(a), end(a)), entries.At(int(a)).Where())
		}
		if end(k) > end(furthest) {
			furthest = k
		}
	}
	return nil
}

func span(from, to int64) string { return fmt.Sprintf("0x%x..0x%x", from, to-1) }

func checkRange(at int64, n int, size int64, what string) error {
	if at > size || int64(n) > size-at {
		return fmt.Errorf("%s (%s at 0x%x) runs past the end of the file (%s): patches never grow a file",
			what, byteconv.FormatSize(int64(n)), at, byteconv.FormatSize(size))
	}
	return nil
}

func readFull(r Reader, p []byte, at int64) error {
	n, err := r.ReadAt(p, at)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read %s at 0x%x: %w", byteconv.FormatSize(int64(len(p))), at, err)
}

// mismatch describes the first difference between what was expected at at and what was found.
func mismatch(at int64, expected, found []byte) string {
	if len(expected) <= showBytes {
		return fmt.Sprintf("expected %s at 0x%x, found %s", FormatHex(expected, 0), at, FormatHex(found, 0))
	}
	i := 0
	for expected[i] == found[i] {
		i++
	}
	return fmt.Sprintf("expected %d bytes at 0x%x; from 0x%x expected %s, found %s", len(expected), at,
		at+int64(i), FormatHex(expected[i:], showBytes), FormatHex(found[i:], showBytes))
}

// ApplyError reports a write that failed partway through Apply, and whether the runs written
// before it were put back.
type ApplyError struct {
	At         int64 // offset of the run whose write failed
	Err        error
	Written    int   // runs written before the failure
	RestoreErr error // nil when every byte was restored
}

func (e *ApplyError) Error() string {
	msg := fmt.Sprintf("writing at 0x%x failed: %v", e.At, e.Err)
	if e.RestoreErr != nil {
		return msg + fmt.Sprintf("; putting back the %d runs already written failed too: %v", e.Written, e.RestoreErr)
	}
	return msg + "; the file holds its old bytes again"
}

func (e *ApplyError) Unwrap() error { return e.Err }

// applyChunk is the most Apply writes between two looks for a stop: a longer run is written in
// pieces, so that a signal is answered in bounded time whatever the runs' sizes.
const applyChunk = 1 << 20

// Apply writes the plan's changes into t, in offset order, all or nothing. When a write fails
// (ErrFault because the file shrank underneath, for one) it writes the old bytes back over every
// run it touched, including the one that failed, and returns an *ApplyError. When a signal
// arrives on stop before the last write, it likewise puts back what it wrote and returns an
// *InterruptedError; a nil stop never stops it. It does not flush.
func (p *Plan) Apply(t Target, stop <-chan os.Signal) error {
	for k := range p.Runs() {
		c := p.Change(k)
		for i := 0; i < len(c.New); i += applyChunk {
			select {
			case sig := <-stop:
				touched := k
				if i > 0 {
					touched++
				}
				return &InterruptedError{Signal: sig, Written: touched, Total: p.Runs(), RestoreErr: p.restore(t, touched, -1)}
			default:
			}
			j := min(i+applyChunk, len(c.New))
			if _, err := t.WriteAt(c.New[i:j], c.Offset+int64(i)); err != nil {
				return &ApplyError{At: c.Offset + int64(i), Err: err, Written: k, RestoreErr: p.restore(t, k+1, c.Offset)}
			}
		}
	}
	return nil
}

// restore writes the old bytes back over the first n changes and returns the first error, except
// one from the change at failed, whose write failed already and may not have changed anything.
func (p *Plan) restore(t Target, n int, failed int64) error {
	var first error
	for k := range n {
		c := p.Change(k)
		if _, err := t.WriteAt(c.Old, c.Offset); err != nil && c.Offset != failed && first == nil {
			first = err
		}
	}
	return first
}

// InterruptedError reports an Apply that a signal stopped, and whether the runs written before it
// were put back.
type InterruptedError struct {
	Signal     os.Signal
	Written    int   // runs written, wholly or in part, before the signal
	Total      int   // runs in the plan
	RestoreErr error // nil when every byte was restored
}

func (e *InterruptedError) Error() string {
	switch {
	case e.RestoreErr != nil:
		return fmt.Sprintf("interrupted by %s after writing %d of %d changes; putting them back failed: %v", SignalName(e.Signal), e.Written, e.Total, e.RestoreErr)
	case e.Written == 0:
		return fmt.Sprintf("interrupted by %s before the first of %d changes: nothing written; the file is as before", SignalName(e.Signal), e.Total)
	}
	return fmt.Sprintf("interrupted by %s: rolled back %d of %d changes; the file is as before", SignalName(e.Signal), e.Written, e.Total)
}

// SignalName names the signals that stop a patch as people know them: SIGINT, SIGTERM, SIGHUP.
func SignalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}

// Flush makes the changed bytes durable: one Flush over the span the changes cover, since the
// system writes back only the pages that changed.
func (p *Plan) Flush(t Target) error {
	if p.Runs() == 0 {
		return nil
	}
	first, last := p.Change(0), p.Change(p.Runs()-1)
	return t.Flush(first.Offset, last.end()-first.Offset)
}
