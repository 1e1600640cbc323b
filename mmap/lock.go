package mmap

import (
	"context"
	"sync"
	"time"
)

// Lock takes an advisory exclusive lock on the object behind the mapping, so that two processes
// that both lock it (two mmhex patch runs) never interleave a check with a write. It does not
// stop a process that does not lock: readers, editors and other programs go on as before. When
// another holder has it, Lock calls waiting (if not nil) once, in the calling goroutine, and then
// waits until the lock is free. The returned unlock releases it, once however often it is
// called; a process that ends releases its locks. A Close from another goroutine waits for a
// Lock under way.
//
// Platform differences: on POSIX systems it is flock(LOCK_EX) on the open file, which covers
// files and the named mappings in /dev/shm alike and ends with the process. On Windows a file is
// locked with LockFileEx on one byte far past any real end of file, so that readers and writers of
// the data never meet the lock (Windows byte-range locks are mandatory); a named section has no
// file to lock, so a named mutex stands for it: Local\mmhex-lock-NAME (or Global\...), which
// Windows hands to the next waiter when a holder dies.
func (m *Mapping) Lock(waiting func()) (unlock func() error, err error) {
	return m.LockContext(context.Background(), waiting)
}

// LockContext is Lock with a wait that ctx can end: when ctx is done before the other holder lets
// go, it returns an error wrapping ctx's error and holds nothing. An editor's move waits this way,
// so that its cancel key ends the wait too.
func (m *Mapping) LockContext(ctx context.Context, waiting func()) (unlock func() error, err error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	release, err := m.sys.lock(ctx, waiting)
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

// lockRetry is how often a lock busy elsewhere is tried again. Neither flock nor LockFileEx takes
// a deadline, so a wait that a context can end polls; the holders are mmhex patches and splices,
// for which 20 ms more is nothing.
const lockRetry = 20 * time.Millisecond

// acquire takes a lock through try, which reports whether it got it. When another holder has
// it, acquire calls waiting (if not nil) once and tries again every lockRetry until it gets it,
// try fails, or ctx is done (then it returns ctx's error).
func acquire(ctx context.Context, waiting func(), try func() (bool, error)) error {
	if ok, err := try(); ok || err != nil {
		return err
	}
	if waiting != nil {
		waiting()
	}
	tick := time.NewTicker(lockRetry)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if ok, err := try(); ok || err != nil {
			return err
		}
	}
}
