//go:build unix && !aix

package mmap

import (
	"context"
	"errors"

	"golang.org/x/sys/unix"
)

// lock takes flock(LOCK_EX) on the open file. flock belongs to the open file description, so two
// Mappings of one file conflict even inside one process, and the kernel drops it when the last
// descriptor closes, also when the process dies.
func (s *osMapping) lock(ctx context.Context, waiting func()) (func(closed bool) error, error) {
	fd := int(s.file.Fd())
	err := acquire(ctx, waiting, func() (bool, error) {
		err := flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if errors.Is(err, unix.EWOULDBLOCK) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return nil, pathError("lock", s.path, err)
	}
	return func(closed bool) error {
		if closed {
			return nil // closing the descriptor released it, and fd may name another file now
		}
		if err := flock(fd, unix.LOCK_UN); err != nil {
			return pathError("unlock", s.path, err)
		}
		return nil
	}, nil
}

// flock is unix.Flock, resumed when a signal interrupts it.
func flock(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
