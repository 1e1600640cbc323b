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

// Outcome is what Recover did.
type Outcome int

const (
	// NothingPending: there was no journal.
	NothingPending Outcome = iota
	// Completed: an interrupted operation was completed; the file holds its result.
	Completed
	// RolledBack: an operation that was being canceled was rolled back; the file is as before it.
	RolledBack
	// Discarded: the journal was incomplete, so its operation had not touched the file; the
	// journal was removed.
	Discarded
)

// Report says what Recover found and did.
type Report struct {
	Path, Journal string
	Outcome       Outcome
	// Operation describes the interrupted operation ("insert 1 byte at 0x0"); empty when the
	// journal was incomplete or absent.
	Operation string
}

// String is the sentence for the user, empty when there was nothing to recover.
func (r Report) String() string {
	switch r.Outcome {
	case Completed:
		return fmt.Sprintf("%s: completed an interrupted %s (mmhex stopped during it); the file now holds its result", r.Path, r.Operation)
	case RolledBack:
		return fmt.Sprintf("%s: rolled back an interrupted %s that was being canceled; the file is as before it", r.Path, r.Operation)
	case Discarded:
		return fmt.Sprintf("%s: removed the incomplete journal %s of an insert or delete that had not begun; the file was not changed", r.Path, r.Journal)
	}
	return ""
}

// Recover completes, or rolls back, an insert or delete of the file at path that was
// interrupted, when its journal is there; otherwise it returns a Report with NothingPending at
// the cost of one stat. It maps the file read-write and takes its lock (mmap's Lock) meanwhile.
// Every mmhex open of a file calls it first.
func Recover(path string) (Report, error) {
	jpath := JournalPath(path)
	if _, err := os.Lstat(jpath); errors.Is(err, fs.ErrNotExist) {
		return Report{Path: path, Journal: jpath}, nil
	}
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		return Report{Path: path, Journal: jpath}, fmt.Errorf("%s has an interrupted insert or delete (journal %s), which needs it open for writing to complete: %w", path, jpath, err)
	}
	defer m.Close()
	unlock, err := m.Lock(nil)
	if err != nil {
		return Report{Path: path, Journal: jpath}, err
	}
	defer unlock()
	return RecoverFile(m)
}

// RecoverFile is Recover for a file the caller has mapped read-write and locked.
func RecoverFile(f File) (Report, error) { return recoverFile(f, Options{}) }

func recoverFile(f File, opts Options) (Report, error) {
	r := Report{Path: f.Name(), Journal: JournalPath(f.Name())}
	j, rec, err := openJournal(r.Journal)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return r, nil
	case errors.Is(err, errBadJournal):
		// The journal is made durable before the file is touched: if it is not whole, the
		// operation never began.
		if err := os.Remove(r.Journal); err != nil {
			return r, fmt.Errorf("%s: removing the incomplete journal %s: %w", f.Name(), r.Journal, err)
		}
		r.Outcome = Discarded
		return r, nil
	case err != nil:
		return r, fmt.Errorf("%s: reading the journal %s of an interrupted insert or delete: %w", f.Name(), r.Journal, err)
	}
	defer j.file.Close()
	o := j.op
	r.Operation = describe(o)
	e := newEngine(f, opts)
	e.chunk, e.buf, e.j = j.chunk, make([]byte, j.chunk), j
	if err := j.checkBytes(e.buf); err != nil {
		return r, fmt.Errorf("%s: the journal %s of an interrupted %s is damaged (%w): the file is left as it is; move the journal away to open it", f.Name(), r.Journal, r.Operation, err)
	}
	if !f.Writable() {
		return r, fmt.Errorf("%s has an interrupted %s (journal %s): open it for writing to complete it", f.Name(), r.Operation, r.Journal)
	}
	if size := f.Size(); size != o.OldSize && size != o.newSize() {
		return r, fmt.Errorf("%s is %s, but the journal %s of an interrupted %s expects %s or %s: the file changed since; it is left as it is (move the journal away to open it)",
			f.Name(), byteconv.FormatSize(size), r.Journal, r.Operation, byteconv.FormatSize(o.OldSize), byteconv.FormatSize(o.newSize()))
	}
	// The move of a growing operation runs in the grown file; growing may not have happened.
	if rec.phase == forward && o.newSize() > f.Size() {
		if err := f.Resize(o.newSize()); err != nil {
			return r, e.interrupted(err)
		}
	}
	r.Outcome = Completed
	if rec.phase == rollback {
		r.Outcome = RolledBack
	}
	if err := e.run(context.Background(), rec); err != nil {
		return r, err
	}
	return r, nil
}
