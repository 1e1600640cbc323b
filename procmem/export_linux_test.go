package procmem

import (
	"testing"

	"golang.org/x/sys/unix"
)

// Retarget points p's system calls at pid, as if the kernel had given the pid of the process p
// opened to another: the tests' stand-in for a reused pid, since no one picks the pid a new
// process gets.
func Retarget(p *Process, pid int) { p.os.pid = pid }

// WithoutPidfd makes Open find no pidfd_open, as on a kernel before 5.3, until the test ends: the
// process is then pinned by its start time.
func WithoutPidfd(t testing.TB) {
	old := pidfdOpen
	pidfdOpen = func(int, int) (int, error) { return -1, unix.ENOSYS }
	t.Cleanup(func() { pidfdOpen = old })
}

// StartTime returns the start time of the process with id pid, in clock ticks after boot.
func StartTime(pid int) (uint64, error) {
	st, err := readStat(pid)
	return st.start, err
}
