package editor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Splicer is what the editor needs of a storage to insert and delete bytes: a file whose size can
// change. A storage that is not one refuses inserts and deletes with ErrFixedSize.
type Splicer interface {
	// CanSplice returns nil when bytes can be inserted and deleted, or the reason they cannot.
	CanSplice() error
	// Splice deletes deleteN bytes at off and inserts insert in their place, moving the bytes
	// after them; afterwards Size is the new size. Canceling ctx moves the bytes back, and the
	// error then wraps context.Canceled: the storage is as before. progress, if not nil, hears of
	// each step of the move, in the calling goroutine. waiting, if not nil, hears true when
	// another program holds the storage's lock and the move waits for it, and false once the move
	// has it, in the calling goroutine too; a cancel during the wait changes nothing. The error
	// of a move that changed nothing (canceled before it began, or while it waited) has a method
	// NothingChanged() bool that returns true: the editor then keeps what it knows of the bytes.
	Splice(ctx context.Context, off, deleteN int64, insert []byte, progress func(done, total int64, rollingBack bool), waiting func(bool)) error
}

// MoveProgress is how far a move of bytes (an insert or a delete) got.
type MoveProgress struct {
	Done, Total int64
	// RollingBack is true when a cancel is moving the bytes back.
	RollingBack bool
	// Waiting is true while another program holds the file's lock (an mmhex patch or splice of
	// it) and the move waits for it to let go; nothing has moved yet.
	Waiting bool
}

// InsertIdle is how long typing in insert mode may pause before the bytes typed are inserted
// (see PendingIdle): the run ends, and the file takes them in one move.
const InsertIdle = time.Second

var (
	// ErrMoving refuses a change while bytes move: an insert or delete is under way.
	ErrMoving = errors.New("an insert or delete is moving bytes: wait for it to end, or cancel it")
	// ErrNotInserted is wrapped by the error of a run of typed bytes that could not be inserted.
	ErrNotInserted = errors.New("the bytes typed in insert mode were not inserted")
)

// pendingInsert is a run of bytes typed in insert mode that the file has not taken yet: the
// editor shows them inserted at off (ReadAt, ViewState) and inserts them in one move when the
// run ends, so typing costs no move per key.
type pendingInsert struct {
	off  int64
	data []byte
	half bool      // the last byte has its high nibble only
	last time.Time // when the last byte was typed
}

func (p *pendingInsert) active() bool { return len(p.data) > 0 }

// cut is an insert or a delete as the history keeps it: the bytes deleted at off and those
// inserted there. Undo and redo move the bytes back and forth, so both are kept, in memory.
type cut struct {
	off      int64
	deleted  []byte
	inserted []byte
}

// SetMoveProgress sets the function that hears how far a move of bytes got. It is called from
// the goroutine that runs the action that moves them, with the editor's lock free.
func (e *Editor) SetMoveProgress(fn func(MoveProgress)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.moveProgress = fn
}

// Moving reports whether bytes are moving: an insert, a delete, or their undo, is under way.
func (e *Editor) Moving() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.moving
}

// CancelMove asks the move under way to stop and move the bytes back; the action that started
// it returns an error wrapping context.Canceled once the storage is as before. It reports
// whether a move was under way.
func (e *Editor) CancelMove() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.moveCancel == nil {
		return false
	}
	e.moveCancel()
	return true
}

// canSplice refuses inserting and deleting on a storage that cannot change size, or now.
func (e *Editor) canSplice(verb string) (Splicer, error) {
	if e.moving {
		return nil, ErrMoving
	}
	if err := e.checkWritable(); err != nil {
		return nil, err
	}
	sp, ok := e.st.(Splicer)
	if !ok {
		return nil, fmt.Errorf("cannot %s: %w", verb, ErrFixedSize)
	}
	if err := sp.CanSplice(); err != nil {
		return nil, fmt.Errorf("cannot %s: %w", verb, err)
	}
	if err := e.canWrite(); err != nil {
		return nil, err
	}
	return sp, nil
}

// StartInsert enters insert mode: bytes typed are inserted before the cursor, or after it when
// after is set (vim's a). It is refused where bytes cannot be inserted, with the reason.
func (e *Editor) StartInsert(after bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return err
	}
	if _, err := e.canSplice("insert"); err != nil {
		return err
	}
	e.history.endRun()
	e.lowNibble = false
	e.selecting = false
	e.mode = InsertMode
	if after {
		e.cursor = min(e.cursor+1, e.size)
	}
	return nil
}

// ToggleInsert switches edit mode between inserting and overwriting; from view mode it enters
// edit mode, overwriting.
func (e *Editor) ToggleInsert() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch e.mode {
	case ViewMode:
		return e.setMode(EditMode)
	case InsertMode:
		return e.setMode(EditMode)
	}
	if _, err := e.canSplice("insert"); err != nil {
		return err
	}
	e.history.endRun()
	e.lowNibble = false
	e.mode = InsertMode
	return nil
}

// typeInsert adds what was typed to the pending run: a hex digit fills the high nibble of a new
// byte, then its low nibble; a character in the text column adds its UTF-8 bytes.
func (e *Editor) typeInsert(r rune, hex bool) error {
	if e.moving {
		return ErrMoving
	}
	p := &e.ins
	if !p.active() {
		if _, err := e.canSplice("insert"); err != nil {
			return err
		}
		p.off = e.cursor
	}
	p.last = e.now()
	if !hex {
		p.half = false
		p.data = utf8.AppendRune(p.data, r)
		e.lowNibble = false
		e.cursor = p.off + int64(len(p.data))
		return nil
	}
	d, _ := byteconv.HexDigit(r)
	if p.half {
		p.data[len(p.data)-1] |= d
		p.half = false
		e.lowNibble = false
		e.cursor = p.off + int64(len(p.data))
		return nil
	}
	p.data = append(p.data, d<<4)
	p.half = true
	e.lowNibble = true
	e.cursor = p.off + int64(len(p.data)) - 1
	return nil
}

// Backspace takes back the last n keys typed in insert mode that the file has not taken yet:
// in the hex column a nibble each, in the text column a character each. The cursor goes back
// where it was before those keys; the file and the history are untouched, as the bytes were
// never inserted. With nothing pending it moves the cursor n bytes left, as Move(-n) does.
func (e *Editor) Backspace(n int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.moving {
		return ErrMoving
	}
	if !e.ins.active() {
		e.moveTo(e.cursor - n)
		return nil
	}
	for ; n > 0 && e.ins.active(); n-- {
		e.takeBack()
	}
	return nil
}

// takeBack takes back the last key of the pending run. A run is typed in one column: switching
// columns ends it.
func (e *Editor) takeBack() {
	p := &e.ins
	last := len(p.data) - 1
	switch {
	case e.column == HexColumn && !p.half:
		p.data[last] &= 0xF0
		p.half = true
		e.lowNibble = true
		e.cursor = p.off + int64(last)
	case e.column == HexColumn:
		p.data = p.data[:last]
		p.half = false
		e.lowNibble = false
		e.cursor = p.off + int64(last)
	default:
		_, size := utf8.DecodeLastRune(p.data)
		p.data = p.data[:len(p.data)-size]
		e.cursor = p.off + int64(len(p.data))
	}
	p.last = e.now()
	if !p.active() {
		*p = pendingInsert{}
	}
}

// Pending returns the number of bytes typed in insert mode that the file has not taken yet.
func (e *Editor) Pending() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.ins.data)
}

// PendingIdle reports whether a run of bytes typed in insert mode has waited InsertIdle since
// the last key: time to insert them (EndRun).
func (e *Editor) PendingIdle() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ins.active() && !e.moving && e.now().Sub(e.ins.last) >= InsertIdle
}

// EndRun ends the run of typing: the bytes typed in insert mode are inserted, in one move, as
// one undo step. Insert mode stays on. A byte with only its high nibble typed is inserted as it
// is (its low nibble 0), as edit mode writes it. If the move fails or is canceled, the bytes are
// not inserted and the error says so.
func (e *Editor) EndRun() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.settle()
}

// settle inserts the pending run, if any.
func (e *Editor) settle() error {
	p := &e.ins
	if !p.active() || e.moving {
		return nil
	}
	e.history.endRun()
	sp, err := e.canSplice("insert")
	if err == nil {
		err = e.splice(sp, p.off, 0, p.data)
	}
	data, off := p.data, p.off
	*p = pendingInsert{}
	e.lowNibble = false
	if err != nil {
		e.cursor = max(0, min(off, e.size-1))
		return fmt.Errorf("%w (%s at 0x%X): %w", ErrNotInserted, byteconv.Count(int64(len(data)), "byte"), off, err)
	}
	e.history.recordCut(cut{off: off, inserted: data})
	e.cursor = off + int64(len(data))
	e.clampCursor()
	return nil
}

// settleQuietly settles for the methods that return no error; CheckStorage reports it.
func (e *Editor) settleQuietly() {
	if err := e.settle(); err != nil {
		e.settleErr = err
	}
}

// clampCursor keeps the cursor in the file; in insert mode it may stand just past the last byte,
// where bytes typed are appended.
func (e *Editor) clampCursor() {
	limit := e.size - 1
	if e.mode == InsertMode {
		limit = e.size
	}
	e.cursor = max(0, min(e.cursor, limit))
}

// splice moves the bytes through sp with the editor's lock released, so that the view draws
// and reads the storage meanwhile; moving refuses every write until it ends. Then the editor
// takes the storage's new size, and the offsets it keeps follow the bytes.
func (e *Editor) splice(sp Splicer, off, deleteN int64, insert []byte) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.moving, e.moveCancel = true, cancel
	progress := e.moveProgress
	e.mu.Unlock()
	var report func(done, total int64, rollingBack bool)
	if progress != nil {
		report = func(done, total int64, rollingBack bool) {
			progress(MoveProgress{Done: done, Total: total, RollingBack: rollingBack})
		}
	}
	var wait func(bool)
	if progress != nil {
		wait = func(w bool) { progress(MoveProgress{Waiting: w}) }
	}
	err := sp.Splice(ctx, off, deleteN, insert, report, wait)
	e.mu.Lock()
	e.moving, e.moveCancel = false, nil
	if !nothingChanged(err) {
		e.afterSplice(off, deleteN, int64(len(insert)), err)
	}
	return err
}

// nothingChanged reports whether a move's error says it never touched the storage (see
// Splicer): the selection, the highlights and the unflushed ranges then all stand, where a move
// that began would have flushed the file.
func nothingChanged(err error) bool {
	var unchanged interface{ NothingChanged() bool }
	return errors.As(err, &unchanged) && unchanged.NothingChanged()
}

// afterSplice takes the storage's size after a move and moves the offsets the editor keeps
// with the bytes: bookmarks after the change shift, those in deleted bytes land at off.
// The selection, the search's highlights and other processes' changes are dropped, as their
// bytes moved. The history needs no change: each step's offsets hold in the file as it was right
// after that step, which is how undo and redo find it.
func (e *Editor) afterSplice(off, deleteN, insertN int64, err error) {
	size := e.st.Size()
	e.size = size
	e.disk.current, e.disk.announced = size, size
	e.selecting, e.selection = false, Range{}
	e.search.show = false
	e.foreign = nil
	if err != nil && !errors.Is(err, context.Canceled) {
		// Interrupted midway: the bytes are between two states until the file is reopened.
		for i := range e.unflushed {
			e.unflushed[i].End = min(e.unflushed[i].End, size)
		}
		e.unflushed = slices.DeleteFunc(e.unflushed, func(r Range) bool { return r.Empty() })
		e.clampCursor()
		return
	}
	// The move flushes the whole file, whether it completes or rolls back.
	e.unflushed = nil
	if err != nil {
		return
	}
	delta := insertN - deleteN
	for i := range e.bookmarks {
		b := &e.bookmarks[i]
		switch {
		case b.Offset >= off+deleteN:
			b.Offset += delta
		case b.Offset >= off:
			b.Offset = off
		}
	}
	e.bookmarks = slices.CompactFunc(e.bookmarks, func(a, b Bookmark) bool { return a.Offset == b.Offset })
	e.top = max(0, min(e.top, e.maxTop()))
}

// Delete deletes the selection, or else n bytes at the cursor (as many as there are), as one
// undo step: the bytes after them move back, and the file shrinks. The deleted bytes are kept
// for undo, in memory, so a delete takes at most 256 MiB; and one byte at least stays in the
// file, since the editor shows a file that has some.
func (e *Editor) Delete(n int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return err
	}
	return e.deleteRange(Range{e.cursor, min(e.cursor+max(n, 1), e.size)}, true)
}

// DeleteSelection deletes the selection as Delete does; with nothing selected it is refused.
func (e *Editor) DeleteSelection() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return err
	}
	if e.selection.Empty() {
		return ErrNoSelection
	}
	return e.deleteRange(e.selection, true)
}

func (e *Editor) deleteRange(r Range, preferSelection bool) error {
	sp, err := e.canSplice("delete")
	if err != nil {
		return err
	}
	if preferSelection && !e.selection.Empty() {
		r = e.selection
	}
	r.End = min(r.End, e.size)
	switch {
	case r.Empty():
		return errors.New("nothing to delete: the cursor is past the last byte")
	case r.Len() >= e.size:
		return fmt.Errorf("cannot delete all %s: the editor keeps one byte at least (mmhex splice can empty a file)", byteconv.Count(e.size, "byte"))
	case r.Len() > maxActionBytes:
		return fmt.Errorf("%w: a delete of %d bytes would keep as many in memory for undo; delete at most %d MiB at a time",
			ErrTooLarge, r.Len(), maxActionBytes>>20)
	}
	e.history.endRun()
	old := make([]byte, r.Len())
	if err := e.read(old, r.Start); err != nil {
		return err
	}
	if err := e.splice(sp, r.Start, r.Len(), nil); err != nil {
		return err
	}
	e.history.recordCut(cut{off: r.Start, deleted: old})
	e.cursor = r.Start
	e.clampCursor()
	return nil
}

// insertAt inserts b at the cursor as one undo step (a paste in insert mode); the cursor moves
// past it.
func (e *Editor) insertAt(b []byte) error {
	sp, err := e.canSplice("insert")
	if err != nil {
		return err
	}
	if int64(len(b)) > maxActionBytes {
		return fmt.Errorf("%w: an insert of %d bytes would keep as many in memory for undo; insert at most %d MiB at a time",
			ErrTooLarge, len(b), maxActionBytes>>20)
	}
	e.history.endRun()
	off := e.cursor
	data := slices.Clone(b)
	if err := e.splice(sp, off, 0, data); err != nil {
		return err
	}
	e.history.recordCut(cut{off: off, inserted: data})
	e.cursor = off + int64(len(data))
	e.clampCursor()
	return nil
}

// undoCut moves the bytes of c back (undo) or again (redo). It is refused, and the step stays,
// when the bytes it would take out are not those it put there: another process changed them.
func (e *Editor) undoCut(c *cut, undo bool) error {
	verb, take, put := "redo", c.deleted, c.inserted
	if undo {
		verb, take, put = "undo", c.inserted, c.deleted
	}
	sp, err := e.canSplice(verb)
	if err != nil {
		return err
	}
	if c.off+int64(len(take)) > e.size {
		return fmt.Errorf("%s refused: the file is %s now, too short for the bytes at 0x%X", verb, byteconv.FormatSize(e.size), c.off)
	}
	found := make([]byte, len(take))
	if err := e.read(found, c.off); err != nil {
		return err
	}
	if !bytes.Equal(found, take) {
		return fmt.Errorf("%s refused: the bytes at 0x%X were %w since", verb, c.off, ErrChangedElsewhere)
	}
	if err := e.splice(sp, c.off, int64(len(take)), put); err != nil {
		return err
	}
	e.cursor = c.off
	e.clampCursor()
	return nil
}

// logicalSize is the size the view shows: the file's and the pending run's bytes.
func (e *Editor) logicalSize() int64 { return e.size + int64(len(e.ins.data)) }
