// Package patch writes patches into a mapped file safely: it parses offsets, values and patch
// scripts, checks every patch against the file (ranges, overlaps, expected bytes) before the
// first byte changes, writes only the bytes that differ, restores them if a write fails midway,
// and writes undo scripts that revert a patch exactly.
package patch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"syscall"

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
// touch the same byte, and every expectation held when the plan was made.
type Plan struct {
	// Changes are the runs of bytes that differ from what the file holds, in offset order.
	Changes []Change
	// Patches is the number of entries the plan was made from.
	Patches int
	// Changing is the number of those entries that change at least one byte.
	Changing int
}

// Bytes returns how many bytes the plan changes.
func (p *Plan) Bytes() int64 {
	var n int64
	for _, c := range p.Changes {
		n += int64(len(c.New))
	}
	return n
}

// placed is an entry with its offset resolved.
type placed struct {
	Entry
	at int64
}

func (p placed) end() int64 { return p.at + int64(len(p.Value)) }

// Prepare checks entries against r and returns the plan that applies them. It reads but never
// writes. It fails, naming the first entry at fault, when an offset or range lies past the end
// (patches never grow a file), when two entries touch the same byte, or when the bytes at an
// entry differ from its Expect. Expectations are checked against the file as it is, before any
// entry is applied.
func Prepare(r Reader, entries []Entry) (*Plan, error) {
	size := r.Size()
	list := make([]placed, len(entries))
	for i, e := range entries {
		at, err := e.Offset.Resolve(size)
		if err != nil {
			err = fmt.Errorf("offset %w", err)
		} else {
			err = checkRange(at, len(e.Value), size, "the value")
		}
		if err == nil && e.Expect != nil {
			err = checkRange(at, len(e.Expect), size, "expect=")
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Where(), err)
		}
		list[i] = placed{Entry: e, at: at}
	}
	order := make([]int, len(list))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpInt64(list[a].at, list[b].at) })
	if err := findOverlap(list, order); err != nil {
		return nil, err
	}
	for _, e := range list {
		if e.Expect == nil {
			continue
		}
		found := make([]byte, len(e.Expect))
		if err := readFull(r, found, e.at); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Where(), err)
		}
		if !bytes.Equal(found, e.Expect) {
			return nil, fmt.Errorf("%s: %s: nothing written", e.Where(), mismatch(e.at, e.Expect, found))
		}
	}
	var runs []Change
	changing := 0
	for _, i := range order {
		e := list[i]
		old := make([]byte, len(e.Value))
		if err := readFull(r, old, e.at); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Where(), err)
		}
		if !bytes.Equal(old, e.Value) {
			changing++
		}
		runs = appendRuns(runs, e.at, old, e.Value)
	}
	return &Plan{Changes: joinRuns(runs), Patches: len(entries), Changing: changing}, nil
}

// findOverlap returns an error naming two entries that touch the same byte, if any. order
// lists the entries by offset; the later of the two in the user's order is named first.
func findOverlap(list []placed, order []int) error {
	if len(order) == 0 {
		return nil
	}
	// An entry overlaps an earlier-starting one exactly when it starts before the furthest end
	// reached so far.
	furthest := order[0]
	for _, k := range order[1:] {
		if list[k].at < list[furthest].end() {
			a, b := list[furthest], list[k]
			if k < furthest {
				a, b = b, a
			}
			return fmt.Errorf("%s: bytes %s overlap bytes %s of %s: write each byte once",
				b.Where(), span(b.at, b.end()), span(a.at, a.end()), a.Where())
		}
		if list[k].end() > list[furthest].end() {
			furthest = k
		}
	}
	return nil
}

func span(from, to int64) string { return fmt.Sprintf("0x%x..0x%x", from, to-1) }

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// appendRuns appends the runs where value differs from old, which lie at offset at.
func appendRuns(runs []Change, at int64, old, value []byte) []Change {
	for i := 0; i < len(value); {
		if old[i] == value[i] {
			i++
			continue
		}
		j := i + 1
		for j < len(value) && old[j] != value[j] {
			j++
		}
		runs = append(runs, Change{Offset: at + int64(i), Old: old[i:j], New: value[i:j]})
		i = j
	}
	return runs
}

// joinRuns joins runs that follow each other without a gap (from adjacent entries) into one.
func joinRuns(runs []Change) []Change {
	var joined []Change
	for i := 0; i < len(runs); {
		j, n := i+1, len(runs[i].New)
		for j < len(runs) && runs[j].Offset == runs[j-1].Offset+int64(len(runs[j-1].New)) {
			n += len(runs[j].New)
			j++
		}
		c := runs[i]
		if j > i+1 {
			c.Old, c.New = make([]byte, 0, n), make([]byte, 0, n)
			for _, r := range runs[i:j] {
				c.Old, c.New = append(c.Old, r.Old...), append(c.New, r.New...)
			}
		}
		joined = append(joined, c)
		i = j
	}
	return joined
}

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
	for k, c := range p.Changes {
		for i := 0; i < len(c.New); i += applyChunk {
			select {
			case sig := <-stop:
				touched := k
				if i > 0 {
					touched++
				}
				return &InterruptedError{Signal: sig, Written: touched, Total: len(p.Changes), RestoreErr: p.restore(t, touched, -1)}
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
	for _, c := range p.Changes[:n] {
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
	if len(p.Changes) == 0 {
		return nil
	}
	first, last := p.Changes[0], p.Changes[len(p.Changes)-1]
	return t.Flush(first.Offset, last.Offset+int64(len(last.New))-first.Offset)
}
