//go:build unix

package mmap

import (
	"errors"
	"io/fs"
	"os"
)

// Replaced reports whether the path the file was opened by names another file now, or none:
// someone renamed another file over it or removed it, so the bytes this Mapping writes reach a
// file no longer found under that name. It costs two system calls (fstat of the open file, stat
// of the path). Named mappings always report false: their name is not a file this package
// promises to follow (a POSIX object can be unlinked and recreated by its owner by design).
func (m *Mapping) Replaced() (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return false, ErrClosed
	}
	if !m.fileBacked {
		return false, nil
	}
	open, err := m.sys.file.Stat()
	if err != nil {
		return false, pathError("stat", m.sys.path, unwrapPathError(err))
	}
	named, err := os.Stat(m.sys.path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, pathError("stat", m.sys.path, unwrapPathError(err))
	}
	return !os.SameFile(open, named), nil
}
