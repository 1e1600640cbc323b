package mmap

import (
	"errors"
	"fmt"
)

// ErrFixedSize is returned by Resize for a mapping whose size cannot change: a named mapping
// (a Windows section is made with its size; other processes map a POSIX object at the size it
// has) or a mapping opened read-only.
var ErrFixedSize = errors.New("a mapping of this kind has a fixed size")

// Resize grows or shrinks the file behind the mapping to newSize bytes and maps it anew, so that
// Size reports newSize and every byte below it can be read and written. Bytes added by growing
// read as zeros (on most file systems they take no disk until written). Only read-write
// mappings of files can be resized; the others return an error wrapping ErrFixedSize.
//
// Other processes that map the file keep their own views: after a shrink, one that touches a
// page past the new end faults (see Remap). On Windows a file cannot shrink below a mapped view
// (SetEndOfFile fails with ERROR_USER_MAPPED_FILE), so Resize unmaps this mapping's views and
// closes its section first; if another mapping of the file has a view, a shrink fails with that
// error and this mapping is made again at the old size.
func (m *Mapping) Resize(newSize int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	switch {
	case !m.fileBacked:
		return fmt.Errorf("mmap: resize %s: %w (a named mapping keeps the size it was created with)", m.origin, ErrFixedSize)
	case !m.writable:
		return fmt.Errorf("mmap: resize %s: %w (it was opened read-only)", m.origin, ErrFixedSize)
	case newSize < 0:
		return fmt.Errorf("mmap: resize %s to %d bytes: the size cannot be negative", m.origin, newSize)
	}
	if err := m.unmapAll(); err != nil {
		return err
	}
	m.touched.mu.Lock()
	m.touched.bytes = 0
	m.touched.mu.Unlock()
	err := m.sys.resize(newSize)
	// Mapped anew whether or not the resize took: the views are gone either way.
	if merr := m.establish(); err == nil {
		err = merr
	}
	return err
}
