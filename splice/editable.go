package splice

import (
	"context"
	"fmt"

	"github.com/mmhex/mmhex/mmap"
)

// Editable is a mapped file as the editor uses it: the mapping, whose Splice inserts and
// deletes bytes under the file's lock (mmap's Lock), so that mmhex patch and mmhex splice wait
// for the move, and it for them.
type Editable struct {
	*mmap.Mapping
	// Chunk is the number of bytes moved per step; 0 means DefaultChunk.
	Chunk int64
}

// CanSplice returns nil when the file can change size, or the reason it cannot.
func (f Editable) CanSplice() error {
	switch {
	case !f.FileBacked():
		return fmt.Errorf("%w: a named mapping has the size it was created with; insert and delete work on files", mmap.ErrFixedSize)
	case !f.Writable():
		return mmap.ErrReadOnly
	}
	return nil
}

// Splice deletes deleteN bytes at off and inserts insert there (see Splice), holding the file's
// lock meanwhile; progress hears of each step. When another process holds the lock (an mmhex
// patch or splice of the file), waiting hears true and the move waits, until waiting hears false
// as it gets the lock, or until ctx is done: then nothing changed, the error wraps ErrCanceled
// and ctx's error, and its NothingChanged method says so (as for a cancel before the move began).
func (f Editable) Splice(ctx context.Context, off, deleteN int64, insert []byte, progress func(done, total int64, rollingBack bool), waiting func(bool)) error {
	waited := false
	unlock, err := f.LockContext(ctx, func() {
		waited = true
		if waiting != nil {
			waiting(true)
		}
	})
	if err != nil && ctx.Err() != nil {
		return notBegun(fmt.Errorf("%s: %w while another mmhex (a patch or splice) held the file's lock (%w): nothing changed",
			f.Name(), ErrCanceled, ctx.Err()))
	}
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	defer unlock()
	if waited && waiting != nil {
		waiting(false)
	}
	opts := Options{Chunk: f.Chunk}
	if progress != nil {
		opts.Progress = func(p Progress) { progress(p.Done, p.Total, p.RollingBack) }
	}
	return Splice(ctx, f.Mapping, off, deleteN, insert, opts)
}
