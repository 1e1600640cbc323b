package editor

import (
	"errors"
	"fmt"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// ErrNothingToRepeat refuses a repeat before any change, or once every change is undone.
var ErrNothingToRepeat = errors.New("nothing to repeat: no change is left to do again (undone changes are not repeated)")

// Repeat does the last change that was not undone again at the cursor (vim's .), and says what
// it did: the bytes a typing run, a replace, a fill or a paste wrote are written from the cursor,
// in the same places relative to each other; the bytes an insert put in are inserted there; as
// many bytes as a delete took are deleted there. The cursor then goes past what was written or
// inserted, so the next repeat continues. A write that would pass the end writes nothing.
func (e *Editor) Repeat() (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return "", err
	}
	if len(e.history.undo) == 0 {
		return "", ErrNothingToRepeat
	}
	if err := e.checkWritable(); err != nil {
		return "", err
	}
	s := e.history.undo[len(e.history.undo)-1]
	at := e.cursor
	switch {
	case s.cut != nil && len(s.cut.inserted) > 0:
		if err := e.insertAt(s.cut.inserted); err != nil {
			return "", err
		}
		return fmt.Sprintf("repeated: inserted %s at 0x%X", byteconv.Count(int64(len(s.cut.inserted)), "byte"), at), nil
	case s.cut != nil:
		n := int64(len(s.cut.deleted))
		if err := e.deleteRange(Range{at, at + n}, false); err != nil {
			return "", err
		}
		return fmt.Sprintf("repeated: deleted %s at 0x%X", byteconv.Count(n, "byte"), at), nil
	}
	return e.repeatWrites(s, at)
}

// repeatWrites writes the changes of s again from at, as one undo step.
func (e *Editor) repeatWrites(s step, at int64) (string, error) {
	start, end := s.start(), int64(0)
	for _, c := range s.changes {
		end = max(end, c.off+int64(len(c.old)))
	}
	if at+end-start > e.size {
		return "", fmt.Errorf("cannot repeat here: the change spans %s, which from 0x%X would pass the end of the file", byteconv.Count(end-start, "byte"), at)
	}
	e.history.endRun()
	for _, c := range s.changes {
		off := at + c.off - start
		old := make([]byte, len(c.old))
		if err := e.read(old, off); err != nil {
			return "", err
		}
		// Written as a run: the changes join one undo step, so one undo takes back the repeat.
		if err := e.write(off, old, c.new, true); err != nil {
			return "", err
		}
	}
	e.history.endRun()
	e.moveTo(at + end - start)
	return fmt.Sprintf("repeated: wrote %s at 0x%X", byteconv.Count(end-start, "byte"), at), nil
}
