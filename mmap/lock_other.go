//go:build (!unix && !windows) || aix

package mmap

import "fmt"

// lock says that this system has no advisory lock mmhex uses (AIX lacks flock).
func (s *osMapping) lock(waiting func()) (func(closed bool) error, error) {
	return nil, fmt.Errorf("mmap: lock: %w", ErrNotSupported)
}
