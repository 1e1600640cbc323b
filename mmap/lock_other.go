//go:build (!unix && !windows) || aix

package mmap

import (
	"context"
	"fmt"
)

// lock says that this system has no advisory lock mmhex uses (AIX lacks flock).
func (s *osMapping) lock(context.Context, func()) (func(closed bool) error, error) {
	return nil, fmt.Errorf("mmap: lock: %w", ErrNotSupported)
}
