package editor

import (
	"errors"
	"fmt"
	"github.com/mmhex/mmhex/internal/byteconv"
	"slices"
	"sort"
)

// change is one write: the bytes at off before and after it.
type change struct {
	off int64
	old []byte
	// new is what was written. For a fill it is one period of the pattern, repeated from off over
	// len(old) bytes, so a large fill does not keep its new bytes twice.
	new []byte
}

// step is one user action, undone and redone as a whole: a typing run, a fill, a paste, or an
// insert or delete (cut, with no changes).
type step struct {
	changes []change
	cut     *cut
}

// add records a write. A write that continues or overwrites the last change (typing a run, the
// low nibble after the high one) extends it, so a run of typing costs two bytes per byte typed.
func (s *step) add(off int64, old, new []byte) {
	if n := len(s.changes); n > 0 && len(old) == len(new) {
		c := &s.changes[n-1]
		end := c.off + int64(len(c.old))
		if len(c.new) == len(c.old) && off >= c.off && off <= end {
			k := copy(c.new[off-c.off:], new)
			c.old = append(c.old, old[k:]...)
			c.new = append(c.new, new[k:]...)
			return
		}
	}
	s.changes = append(s.changes, change{off: off, old: slices.Clone(old), new: slices.Clone(new)})
}

// start is the lowest offset the step changed, where undo and redo put the cursor.
func (s *step) start() int64 {
	if s.cut != nil {
		return s.cut.off
	}
	lowest := s.changes[0].off
	for _, c := range s.changes[1:] {
		lowest = min(lowest, c.off)
	}
	return lowest
}

// history is the undo and redo stacks. It has no depth limit: each step holds only the bytes it
// changed.
type history struct {
	undo, redo []step
	// open is true while the last undo step is a typing run that further typing extends.
	open bool
}

// endRun closes the typing run, so the next write starts a new undo step.
func (h *history) endRun() { h.open = false }

// record adds a write to the history: to the open run when run is true and one is open, else as a
// new step. Any new write forgets what could be redone.
func (h *history) record(off int64, old, new []byte, run bool) {
	h.redo = nil
	if !run || !h.open || len(h.undo) == 0 {
		h.undo = append(h.undo, step{})
	}
	h.undo[len(h.undo)-1].add(off, old, new)
	h.open = run
}

// recordCut adds an insert or a delete to the history as a step of its own.
func (h *history) recordCut(c cut) {
	h.redo = nil
	h.open = false
	h.undo = append(h.undo, step{cut: &c})
}

// Errors for an empty history.
var (
	ErrNothingToUndo = errors.New("nothing to undo")
	ErrNothingToRedo = errors.New("nothing to redo")
)

// write stores new at off through the storage (repeated over len(old) bytes when it is shorter),
// marks the range unflushed and records it in the history. If a write fails part of the way (the
// file shrank underneath), the bytes already written are put back, so a failed action leaves
// nothing that undo does not know about.
func (e *Editor) write(off int64, old, new []byte, run bool) error {
	if written, err := e.store(off, int64(len(old)), new); err != nil {
		if written == 0 {
			return err
		}
		if _, rerr := e.st.WriteAt(old[:written], off); rerr != nil {
			return fmt.Errorf("%w; putting back the %s written before it failed too: %v", err, byteconv.FormatSize(written), rerr)
		}
		return fmt.Errorf("%w; the %s written before it were put back", err, byteconv.FormatSize(written))
	}
	e.history.record(off, old, new, run)
	return nil
}

// store writes pattern repeated over n bytes from off and marks them unflushed, and returns how
// many bytes it wrote. It is the one place the editor writes to the storage, so it is where a
// write the file cannot take now is refused (see canWrite). It writes in chunks, so a fill of any
// size needs little memory besides its undo record.
func (e *Editor) store(off, n int64, pattern []byte) (int64, error) {
	if e.moving {
		return 0, ErrMoving
	}
	if err := e.canWrite(Range{off, off + n}); err != nil {
		return 0, err
	}
	if int64(len(pattern)) == n {
		if err := e.storeChunk(pattern, off); err != nil {
			return 0, err
		}
		return n, nil
	}
	const chunk = 1 << 20
	buf := make([]byte, min(n, max(chunk-chunk%int64(len(pattern)), int64(len(pattern)))))
	for i := 0; i < len(buf); i += len(pattern) {
		copy(buf[i:], pattern)
	}
	for at := off; at < off+n; at += int64(len(buf)) {
		if err := e.storeChunk(buf[:min(int64(len(buf)), off+n-at)], at); err != nil {
			return at - off, err
		}
	}
	return n, nil
}

func (e *Editor) storeChunk(p []byte, off int64) error {
	_, err := e.st.WriteAt(p, off)
	if err != nil {
		return fmt.Errorf("write %s at 0x%X: %w", byteconv.FormatSize(int64(len(p))), off, err)
	}
	e.markUnflushed(Range{off, off + int64(len(p))})
	return nil
}

// Undo writes back the bytes of the last action and moves the cursor to where it began; an
// insert or delete is undone by moving the bytes back, size included. It is refused, and the
// step stays to be undone, when another process changed those bytes since (undo would destroy
// its write) or the file cannot take the write (it shrank, or was replaced). A run of bytes
// typed in insert mode is inserted first, and that is what undo undoes.
func (e *Editor) Undo() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return err
	}
	if e.moving {
		return ErrMoving
	}
	h := &e.history
	h.endRun()
	if len(h.undo) == 0 {
		return ErrNothingToUndo
	}
	s := h.undo[len(h.undo)-1]
	if s.cut != nil {
		if err := e.undoCut(s.cut, true); err != nil {
			return err
		}
		h.undo = h.undo[:len(h.undo)-1]
		h.redo = append(h.redo, s)
		return nil
	}
	if err := e.checkStep(s, "undo", "edit", "you", func(c change) []byte { return c.new }); err != nil {
		return err
	}
	for i := len(s.changes) - 1; i >= 0; i-- {
		c := s.changes[i]
		if _, err := e.store(c.off, int64(len(c.old)), c.old); err != nil {
			return err
		}
	}
	h.undo = h.undo[:len(h.undo)-1]
	h.redo = append(h.redo, s)
	e.moveTo(s.start())
	return nil
}

// Redo writes again the bytes of the last undone action; it is refused as Undo is.
func (e *Editor) Redo() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return err
	}
	if e.moving {
		return ErrMoving
	}
	h := &e.history
	h.endRun()
	if len(h.redo) == 0 {
		return ErrNothingToRedo
	}
	s := h.redo[len(h.redo)-1]
	if s.cut != nil {
		if err := e.undoCut(s.cut, false); err != nil {
			return err
		}
		h.redo = h.redo[:len(h.redo)-1]
		h.undo = append(h.undo, s)
		return nil
	}
	if err := e.checkStep(s, "redo", "undo", "undo", func(c change) []byte { return c.old }); err != nil {
		return err
	}
	for _, c := range s.changes {
		if _, err := e.store(c.off, int64(len(c.old)), c.new); err != nil {
			return err
		}
	}
	h.redo = h.redo[:len(h.redo)-1]
	h.undo = append(h.undo, s)
	e.moveTo(s.start())
	return nil
}

// markUnflushed adds r to the unflushed ranges, merging it with those it overlaps or touches.
func (e *Editor) markUnflushed(r Range) {
	u := e.unflushed
	i := sort.Search(len(u), func(i int) bool { return u[i].End >= r.Start })
	j := i
	for ; j < len(u) && u[j].Start <= r.End; j++ {
		r.Start, r.End = min(r.Start, u[j].Start), max(r.End, u[j].End)
	}
	e.unflushed = slices.Replace(u, i, j, r)
}

func (e *Editor) unflushedBytes() int64 {
	var n int64
	for _, r := range e.unflushed {
		n += r.Len()
	}
	return n
}

// Unflushed returns the number of bytes written since the last flush.
func (e *Editor) Unflushed() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.unflushedBytes()
}

// UnflushedRanges returns the ranges written since the last flush, sorted and merged.
func (e *Editor) UnflushedRanges() []Range {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.unflushed)
}

// Flush makes the unflushed ranges durable (msync and fsync, or their Windows twins) and reports
// what it did. It flushes the span from the first range to the last in one call, so scattered
// edits cost one fsync, not one each; the system writes only the pages that are dirty. It looks at
// the file first: changed bytes past the end of a file another process truncated are counted as
// lost, never as flushed, and a path that names another file now is reported. The history
// survives: undo after a flush writes the old bytes back, which makes them unflushed again. If
// the flush fails, the ranges stay unflushed.
func (e *Editor) Flush() (FlushReport, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return FlushReport{}, err
	}
	e.history.endRun()
	if err := e.refreshSize(); err != nil {
		return FlushReport{}, err
	}
	e.checkIdentity(true)
	r := FlushReport{Lost: e.disk.lost, ShrankTo: e.disk.lostTo, Replaced: e.disk.replaced}
	if len(e.unflushed) > 0 {
		span := Range{e.unflushed[0].Start, e.unflushed[len(e.unflushed)-1].End}
		if err := e.st.Flush(span.Start, span.Len()); err != nil {
			return FlushReport{}, fmt.Errorf("flush 0x%X..0x%X: %w", span.Start, span.End, err)
		}
		r.Flushed = e.unflushedBytes()
		e.unflushed = nil
	}
	// The report tells of the loss and the replacement, so CheckStorage need not tell them again.
	if r.Lost > 0 {
		e.disk.announced = e.disk.current
	}
	e.disk.announcedReplaced = e.disk.replaced
	e.disk.lost, e.disk.lostTo = 0, 0
	return r, nil
}
