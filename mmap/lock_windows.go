//go:build windows

package mmap

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/windows"
)

// lockOffset is where a file's lock byte lies: far past any real end of file, because Windows
// refuses reads and writes (ReadFile, WriteFile) of a locked range to every other handle.
const lockOffset = 1<<63 - 1

func (s *osMapping) lock(ctx context.Context, waiting func()) (func(closed bool) error, error) {
	if s.named {
		return s.lockNamed(ctx, waiting)
	}
	ol := new(windows.Overlapped)
	ol.Offset, ol.OffsetHigh = lockOffset&0xffffffff, lockOffset>>32
	const flags = windows.LOCKFILE_EXCLUSIVE_LOCK | windows.LOCKFILE_FAIL_IMMEDIATELY
	err := acquire(ctx, waiting, func() (bool, error) {
		err := windows.LockFileEx(s.file, flags, 0, 1, 0, ol)
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return false, nil
		}
		if err != nil {
			return false, os.NewSyscallError("LockFileEx", err)
		}
		return true, nil
	})
	if err != nil {
		return nil, pathError("lock", s.path, err)
	}
	file := s.file
	return func(closed bool) error {
		if closed {
			return nil // closing the handle released it, and the handle may name another object now
		}
		if err := windows.UnlockFileEx(file, 0, 1, 0, ol); err != nil {
			return pathError("unlock", s.path, os.NewSyscallError("UnlockFileEx", err))
		}
		return nil
	}, nil
}

// lockNamed locks a named section through the named mutex that stands for it. A mutex belongs to
// the thread that waited for it and only that thread may release it, so one goroutine locked to
// its thread waits, holds and releases it; it tells the calling goroutine when it has to wait,
// which calls waiting.
func (s *osMapping) lockNamed(ctx context.Context, waiting func()) (func(closed bool) error, error) {
	name := lockMutexName(s.path)
	name16, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, pathError("lock", name, err)
	}
	// x/sys reports ERROR_ALREADY_EXISTS as an error together with a valid handle: another
	// process made the mutex first, which is no failure here.
	h, err := windows.CreateMutex(nil, false, name16)
	if h == 0 {
		return nil, pathError("lock", name, os.NewSyscallError("CreateMutex", err))
	}
	busy := make(chan struct{})
	acquired := make(chan error, 1)
	release := make(chan struct{})
	released := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer windows.CloseHandle(h)
		err := acquire(ctx, func() { busy <- struct{}{} }, func() (bool, error) {
			err := waitMutex(h, 0)
			if errors.Is(err, errMutexBusy) {
				return false, nil
			}
			return err == nil, err
		})
		acquired <- err
		if err != nil {
			return
		}
		<-release
		released <- windows.ReleaseMutex(h)
	}()
	select {
	case <-busy:
		if waiting != nil {
			waiting()
		}
		err = <-acquired
	case err = <-acquired:
	}
	if err != nil {
		return nil, pathError("lock", name, err)
	}
	// The mutex outlives the mapping's handles, so it is released whether or not they are closed.
	return func(bool) error {
		close(release)
		if err := <-released; err != nil {
			return pathError("unlock", name, os.NewSyscallError("ReleaseMutex", err))
		}
		return nil
	}, nil
}

// errMutexBusy is a wait that timed out: another thread holds the mutex.
var errMutexBusy = errors.New("mutex held by another thread")

// waitMutex waits up to ms milliseconds for the mutex. A mutex abandoned by a holder that died
// is ours as well: its patch ended one way or the other, and the next one checks afresh.
func waitMutex(h windows.Handle, ms uint32) error {
	event, err := windows.WaitForSingleObject(h, ms)
	switch event {
	case windows.WAIT_OBJECT_0, windows.WAIT_ABANDONED:
		return nil
	case uint32(windows.WAIT_TIMEOUT):
		return errMutexBusy
	}
	return os.NewSyscallError("WaitForSingleObject", err)
}

// lockMutexName names the mutex of the section full (Local\NAME or Global\NAME): the same
// namespace with an mmhex-lock- prefix, since a mutex may not share a section's name.
func lockMutexName(full string) string {
	i := strings.IndexByte(full, '\\')
	return full[:i+1] + "mmhex-lock-" + full[i+1:]
}
