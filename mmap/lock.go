package mmap

import "sync"

// Lock takes an advisory exclusive lock on the object behind the mapping, so that two processes
// that both lock it (two mmhex patch runs) never interleave a check with a write. It does not
// stop a process that does not lock: readers, editors and other programs go on as before. When
// another holder has it, Lock calls waiting (if not nil) once and then blocks until the lock is
// free. The returned unlock releases it, once however often it is called; a process that ends
// releases its locks. A Close from another goroutine waits for a Lock under way.
//
// Platform differences: on POSIX systems it is flock(LOCK_EX) on the open file, which covers
// files and the named mappings in /dev/shm alike and ends with the process. On Windows a file is
// locked with LockFileEx on one byte far past any real end of file, so that readers and writers of
// the data never meet the lock (Windows byte-range locks are mandatory); a named section has no
// file to lock, so a named mutex stands for it: Local\mmhex-lock-NAME (or Global\...), which
// Windows hands to the next waiter when a holder dies.
func (m *Mapping) Lock(waiting func()) (unlock func() error, err error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	release, err := m.sys.lock(waiting)
	if err != nil {
		return nil, err
	}
	var once sync.Once
	return func() (err error) {
		once.Do(func() {
			m.mu.RLock()
			defer m.mu.RUnlock()
			err = release(m.closed)
		})
		return err
	}, nil
}
