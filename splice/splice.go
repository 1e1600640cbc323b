// Package splice inserts and deletes bytes in a memory-mapped file, in place, so that no crash
// loses a byte.
//
// A mapping has a fixed size; a file does not. Splice grows the file when the operation adds
// bytes, moves the bytes after the change through the mapping to their new place in chunks
// (from the end for an insert, from the start for a delete), writes the inserted bytes and
// shrinks the file when the operation removes bytes. There is no temporary copy of the file:
// other processes that map it see the bytes move, and the disk needs no second copy's room.
//
// Before the file is touched, a journal next to it (JournalPath) records the operation, the bytes
// it deletes and inserts, and then, chunk by chunk, how far the move got. Every chunk is durable
// in the file (msync, fsync) before the journal says so (write, fsync), and a chunk whose source
// and destination overlap has its source bytes in the journal before the first of them is
// overwritten. So whenever the process stops (kill -9, power loss), Recover, which every mmhex
// open of a file runs, finds the journal and completes the operation, or rolls it back when a
// cancel had begun to, and the file ends byte for byte as after the operation, or as before it.
package splice

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/mmap"
)

// File is what Splice works on: a read-write mapping of a file (*mmap.Mapping).
type File interface {
	Name() string
	Size() int64
	FileBacked() bool
	Writable() bool
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	Flush(off, length int64) error
	Resize(size int64) error
}

var _ File = (*mmap.Mapping)(nil)

// DefaultChunk is how many bytes a move takes per step. Every step costs two syncs, so it is
// large; it is also what the move holds in memory (once in a buffer, and the pages touched,
// which mmap releases as it goes).
const DefaultChunk = 4 << 20

// Errors callers tell apart with errors.Is.
var (
	// ErrCanceled: the context was canceled during the move, and the move was rolled back.
	ErrCanceled = errors.New("canceled")
	// ErrPending: the file has the journal of an interrupted operation; Recover completes it.
	ErrPending = errors.New("an interrupted insert or delete is pending")
	// ErrNoJournal: the journal cannot be written, so the operation is refused.
	ErrNoJournal = errors.New("the journal cannot be written")
)

// Options tune Splice.
type Options struct {
	// Chunk is the number of bytes moved per step; 0 means DefaultChunk.
	Chunk int64
	// Progress, when not nil, is called after each step of the move, in the calling goroutine.
	Progress func(Progress)
	// NoSync leaves writing the journal and the file to disk to the system: no fsync or msync
	// after each step, and no flush at the end. A process that stops midway (kill -9) is still
	// recovered, since the page cache keeps every write in order; a power loss or a kernel
	// crash may not be.
	NoSync bool

	// crash is the tests' fault injection: called at each point where a crash must be
	// survivable, it stops the operation there, as kill -9 would, when it returns true.
	crash func(point string) bool
}

// Progress is how far a move got.
type Progress struct {
	Done, Total int64
	// RollingBack is true when a cancel is moving the bytes back.
	RollingBack bool
}

type phase byte

const (
	forward  phase = 1
	rollback phase = 2
)

// errCrashed is what a test's injected crash returns: the operation stopped where it was.
var errCrashed = errors.New("splice: injected crash")

// unchangedError is the error of a move canceled before it touched the file. Its NothingChanged
// says so to a caller that keeps state about the file's bytes (the editor's unflushed ranges,
// which a move that began would have flushed), without the caller importing this package.
type unchangedError struct{ error }

func (e unchangedError) Unwrap() error { return e.error }

// NothingChanged reports that the file was not touched.
func (unchangedError) NothingChanged() bool { return true }

func notBegun(err error) error { return unchangedError{err} }

// Splice deletes deleteN bytes at off in f and inserts insert in their place, through the
// mapping, and flushes the file; f's size changes by len(insert)-deleteN and f is mapped anew.
// The caller holds f's lock (mmap's Lock) so that no other mmhex changes the file meanwhile.
//
// Canceling ctx stops the move at the end of the step under way and moves the bytes moved so
// far back, then returns an error wrapping ErrCanceled and ctx's error: the file is as before.
// The rollback itself is not canceled. Any other error during the move leaves the journal: the
// file is between the two states until Recover (or the next mmhex open of the file) completes
// the operation, and the error says so.
func Splice(ctx context.Context, f File, off, deleteN int64, insert []byte, opts Options) error {
	o := op{Offset: off, Delete: deleteN, Insert: int64(len(insert)), OldSize: f.Size()}
	if err := check(f, o); err != nil {
		return err
	}
	if o.Delete == 0 && o.Insert == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return notBegun(fmt.Errorf("%s: %w before it began (%w): nothing changed", describe(o), ErrCanceled, err))
	}
	e := newEngine(f, opts)
	perm := fs.FileMode(0o600)
	if info, err := os.Stat(f.Name()); err == nil {
		// Whoever may read the file may read the bytes the journal keeps of it.
		perm = info.Mode().Perm() & 0o666
	}
	jpath := JournalPath(f.Name())
	j, err := createJournal(jpath, f, o, insert, e.chunk, e.buf, perm, opts.NoSync)
	switch {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %w (journal %s): reopen the file in mmhex to complete it first", f.Name(), ErrPending, jpath)
	case err != nil:
		return fmt.Errorf("%s: %s refused: %w: %w; insert and delete need to write a journal next to the file, which keeps it safe from a crash", f.Name(), describe(o), ErrNoJournal, err)
	}
	e.j = j
	defer j.file.Close()
	if e.crashed("journal") {
		return errCrashed
	}
	if o.newSize() > o.OldSize {
		if err := f.Resize(o.newSize()); err != nil {
			return e.abandon(fmt.Errorf("growing %s to %s: %w", f.Name(), byteconv.FormatSize(o.newSize()), err))
		}
		if e.crashed("grown") {
			return errCrashed
		}
	}
	return e.run(ctx, record{phase: forward})
}

// check refuses what cannot be spliced, before anything is written.
func check(f File, o op) error {
	switch {
	case !f.FileBacked():
		return fmt.Errorf("%s: %w: a named mapping has the size it was created with; insert and delete work on files", f.Name(), mmap.ErrFixedSize)
	case !f.Writable():
		return fmt.Errorf("%s: %w: it is open read-only", f.Name(), mmap.ErrReadOnly)
	case o.Offset < 0 || o.Delete < 0:
		return fmt.Errorf("%s: negative offset or length", describe(o))
	case o.Offset > o.OldSize:
		return fmt.Errorf("%s: offset 0x%x is past the end of %s (size %s)", describe(o), o.Offset, f.Name(), byteconv.FormatSize(o.OldSize))
	case o.Delete > o.OldSize-o.Offset:
		return fmt.Errorf("%s: the bytes to delete run past the end of %s (size %s)", describe(o), f.Name(), byteconv.FormatSize(o.OldSize))
	case o.Insert > 1<<62-o.OldSize:
		return fmt.Errorf("%s: the file would be too large", describe(o))
	}
	return nil
}

// describe names the operation for messages: "insert 3 bytes at 0x10".
func describe(o op) string {
	switch {
	case o.Delete == 0:
		return fmt.Sprintf("insert %s at 0x%x", byteconv.FormatSize(o.Insert), o.Offset)
	case o.Insert == 0:
		return fmt.Sprintf("delete %s at 0x%x", byteconv.FormatSize(o.Delete), o.Offset)
	}
	return fmt.Sprintf("replace %s at 0x%x with %s", byteconv.FormatSize(o.Delete), o.Offset, byteconv.FormatSize(o.Insert))
}

// engine runs the move of one operation, from its start or from where a journal says it got.
type engine struct {
	f     File
	j     *journal
	opts  Options
	chunk int64
	buf   []byte
	rec   record // the latest record written
}

func newEngine(f File, opts Options) *engine {
	chunk := opts.Chunk
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	return &engine{f: f, opts: opts, chunk: chunk, buf: make([]byte, chunk)}
}

func (e *engine) crashed(point string) bool { return e.opts.crash != nil && e.opts.crash(point) }

// abandon ends an operation whose move has not begun: the file is put back to its old size and
// the journal removed.
func (e *engine) abandon(cause error) error {
	if e.f.Size() != e.j.op.OldSize {
		if err := e.f.Resize(e.j.op.OldSize); err != nil {
			return fmt.Errorf("%w; %s", cause, e.interrupted(err))
		}
	}
	if err := e.j.remove(e.opts.NoSync); err != nil {
		return fmt.Errorf("%w; %w", cause, err)
	}
	return fmt.Errorf("%w: nothing changed", cause)
}

// interrupted says that the operation stopped between its two states because of err.
func (e *engine) interrupted(err error) error {
	return fmt.Errorf("%s stopped midway: %w; the journal %s keeps it, and the next mmhex open of %s completes it",
		describe(e.j.op), err, e.j.path, e.f.Name())
}

// move is a move of n bytes from src to dst. It runs from the end when dst > src and from the
// start otherwise, so that a chunk never overwrites the source of a chunk still to come.
type move struct{ src, dst, n int64 }

// chunkAt returns where, in the move, the chunk of n bytes that follows done moved bytes starts.
func (mv move) chunkAt(done, n int64) int64 {
	if mv.dst > mv.src {
		return mv.n - done - n
	}
	return done
}

// overlaps reports whether the chunk's destination overlaps its source, which writing it then
// destroys.
func (mv move) overlaps(n int64) bool {
	d := mv.dst - mv.src
	return n > 0 && d != 0 && max(d, -d) < n
}

// moveOf is the move of a phase: forward, or the rollback of the first moved bytes of the forward
// move, back to where they were.
func (e *engine) moveOf(rec record) move {
	fwd := e.j.op.forwardMove()
	if rec.phase == forward {
		return fwd
	}
	start := int64(0)
	if fwd.dst > fwd.src {
		start = fwd.n - rec.moved
	}
	return move{src: fwd.dst + start, dst: fwd.src + start, n: rec.moved}
}

// run goes on from rec: it redoes the chunk rec says may be in flight, moves the rest, and
// finishes the phase.
func (e *engine) run(ctx context.Context, rec record) error {
	e.rec = rec
	mv := e.moveOf(rec)
	done := rec.done
	if rec.n > 0 {
		if err := e.redo(mv, rec); err != nil {
			return e.interrupted(err)
		}
		done += rec.n
	}
	for done < mv.n {
		if rec.phase == forward && ctx.Err() != nil {
			return e.cancel(done, ctx.Err())
		}
		n := min(e.chunk, mv.n-done)
		if err := e.step(mv, done, n); err != nil {
			if errors.Is(err, errCrashed) {
				return err
			}
			return e.interrupted(err)
		}
		done += n
		if e.opts.Progress != nil {
			e.opts.Progress(Progress{Done: done, Total: mv.n, RollingBack: rec.phase == rollback})
		}
	}
	if err := e.write(record{phase: rec.phase, moved: rec.moved, done: mv.n}); err != nil {
		return e.interrupted(err)
	}
	if e.crashed("moved") {
		return errCrashed
	}
	return e.finish(rec.phase)
}

// flush makes [off, off+n) of the file durable, unless NoSync.
func (e *engine) flush(off, n int64) error {
	if e.opts.NoSync {
		return nil
	}
	return e.f.Flush(off, n)
}

// write writes the next record.
func (e *engine) write(rec record) error {
	rec.seq = e.rec.seq + 1
	if err := e.j.writeRecord(rec, e.opts.NoSync); err != nil {
		return err
	}
	e.rec = rec
	return nil
}

// step moves the n bytes after done: the source is read, kept in the journal when the
// destination overlaps it, then written and made durable.
func (e *engine) step(mv move, done, n int64) error {
	at := mv.chunkAt(done, n)
	buf := e.buf[:n]
	if _, err := e.f.ReadAt(buf, mv.src+at); err != nil {
		return err
	}
	rec := record{phase: e.rec.phase, moved: e.rec.moved, done: done, n: n}
	if mv.overlaps(n) {
		rec.data = buf
	}
	if err := e.write(rec); err != nil {
		return err
	}
	if e.crashed("record") {
		return errCrashed
	}
	half := n / 2
	if _, err := e.f.WriteAt(buf[:half], mv.dst+at); err != nil {
		return err
	}
	if e.crashed("half") {
		return errCrashed
	}
	if _, err := e.f.WriteAt(buf[half:], mv.dst+at+half); err != nil {
		return err
	}
	if e.crashed("written") {
		return errCrashed
	}
	return e.flush(mv.dst+at, n)
}

// redo writes again the chunk a record says may be in flight: from the journal when the record
// holds its source, else from the source, which no write of this move has reached.
func (e *engine) redo(mv move, rec record) error {
	at := mv.chunkAt(rec.done, rec.n)
	data := rec.data
	if data == nil {
		data = e.buf[:rec.n]
		if _, err := e.f.ReadAt(data, mv.src+at); err != nil {
			return err
		}
	}
	if _, err := e.f.WriteAt(data, mv.dst+at); err != nil {
		return err
	}
	return e.flush(mv.dst+at, rec.n)
}

// cancel turns the forward move, done bytes into it, into a rollback and runs it.
func (e *engine) cancel(done int64, cause error) error {
	rec := record{phase: rollback, moved: done}
	if err := e.write(rec); err != nil {
		return e.interrupted(err)
	}
	if e.crashed("cancel") {
		return errCrashed
	}
	if err := e.run(context.Background(), e.rec); err != nil {
		return err
	}
	return fmt.Errorf("%s: %w (%w): rolled back, %s is as before", describe(e.j.op), ErrCanceled, cause, e.f.Name())
}

// finish ends a phase whose move is complete: the inserted bytes are written and the file takes
// its new size, or the deleted bytes are written back and it takes its old size; then the file
// is flushed and the journal removed. Every step may be done again after a crash.
func (e *engine) finish(p phase) error {
	o := e.j.op
	size := o.newSize()
	if p == forward {
		if size > e.f.Size() {
			if err := e.f.Resize(size); err != nil { // an insert at the end moves nothing
				return e.interrupted(err)
			}
		}
		if err := e.j.copyOut(e.f, headerSize+o.Delete, o.Insert, o.Offset, e.buf); err != nil {
			return e.interrupted(err)
		}
	} else {
		size = o.OldSize
		if err := e.j.copyOut(e.f, headerSize, o.Delete, o.Offset, e.buf); err != nil {
			return e.interrupted(err)
		}
	}
	if e.crashed("copied") {
		return errCrashed
	}
	if e.f.Size() != size {
		if err := e.f.Resize(size); err != nil {
			return e.interrupted(err)
		}
	}
	if e.crashed("resized") {
		return errCrashed
	}
	if err := e.flush(0, e.f.Size()); err != nil {
		return e.interrupted(err)
	}
	if e.crashed("flushed") {
		return errCrashed
	}
	if err := e.j.remove(e.opts.NoSync); err != nil {
		return fmt.Errorf("%s is complete, but %w: the next open completes it again, harmlessly", describe(o), err)
	}
	return nil
}
