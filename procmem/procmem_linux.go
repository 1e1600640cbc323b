package procmem

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// osProcess is the Linux side of a Process. A Linux pid names whatever process has it now: once
// the target exits and is reaped, the kernel may give its pid to another process (pids wrap, and
// fast in a container with a small pid_max), and process_vm_readv/writev by that pid would reach
// the newcomer. So Open pins the process it opened with a pidfd (pidfd_open, Linux 5.3), which
// becomes readable when that process exits, and every write first checks it, every read right
// after: a pid whose process Open pinned is still alive still names it. Where pidfd_open is not there (ENOSYS on an
// older kernel, EPERM under a seccomp filter, EINVAL for a thread's id), the process's start time
// (field 22 of /proc/PID/stat, in clock ticks since boot) taken at Open is compared instead: a
// newcomer with the pid has another one unless both started in the same tick, which would need
// the pids to wrap within it.
//
// For writes a race remains: the process may exit and its pid be reused between the check and
// the system call that follows, a few microseconds, where without the check the window is the
// whole session. A read checks afterwards, so it never returns a newcomer's bytes. /proc/PID/mem, opened once a forced write needs it, stays bound to the memory of the
// process it was opened on.
type osProcess struct {
	pid int
	// fdMu guards pidfd against Close while a call under way polls it: a closed descriptor's
	// number may already name another file.
	fdMu  sync.RWMutex
	pidfd int    // -1: no pidfd; start time instead
	start uint64 // the start time, when pidfd is -1
	// closed is set by close: a call still under way then finds the process exited.
	closed bool
	memMu  sync.Mutex
	mem    *os.File
}

// pidfdOpen is unix.PidfdOpen; the tests stand in a refusal for it to run the start-time check.
var pidfdOpen = unix.PidfdOpen

func (o *osProcess) open(pid int) error {
	o.pid, o.pidfd = pid, -1
	// Pin the process before reading its /proc files, and check it is still there after: the
	// files then belong to the process pinned, not to one that took the pid in between.
	fd, err := pidfdOpen(pid, 0)
	switch {
	case err == nil:
		o.pidfd = fd
	case errors.Is(err, unix.ESRCH):
		return openError(pid, err)
	default:
		st, err := readStat(pid)
		if err != nil {
			return openError(pid, err)
		}
		o.start = st.start
	}
	if err := o.openMaps(); err != nil {
		o.close()
		return err
	}
	return nil
}

// openMaps checks that this user may read the process's memory and that it has not exited.
func (o *osProcess) openMaps() error {
	pid := o.pid
	// Reading maps takes the same ptrace access check as reading memory, so Open refuses what
	// every later call would.
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return openError(pid, err)
	}
	defer f.Close()
	var one [1]byte
	if _, err := f.Read(one[:]); err != nil && err != io.EOF {
		return openError(pid, err)
	}
	// An exited process (a zombie) has an empty maps; one that exits now may have a new
	// process at its pid.
	if o.exited() {
		return &sentence{fmt.Sprintf("procmem: process %d has exited", pid), ErrNoProcess}
	}
	return nil
}

func (o *osProcess) close() error {
	o.fdMu.Lock()
	var err error
	if o.pidfd >= 0 {
		err = unix.Close(o.pidfd)
		o.pidfd = -1
	}
	o.closed = true
	o.fdMu.Unlock()
	o.memMu.Lock()
	defer o.memMu.Unlock()
	if o.mem == nil {
		return err
	}
	if cerr := o.mem.Close(); err == nil {
		err = cerr
	}
	o.mem = nil
	return err
}

// exited reports whether the process Open pinned has exited, and so whether its pid may now name
// another process. It costs one poll, or without a pidfd one read of /proc/PID/stat.
func (o *osProcess) exited() bool {
	o.fdMu.RLock()
	defer o.fdMu.RUnlock()
	if o.closed {
		return true
	}
	if o.pidfd < 0 {
		st, err := readStat(o.pid)
		return err != nil || st.start != o.start || st.state == 'Z' || st.state == 'X'
	}
	fds := []unix.PollFd{{Fd: int32(o.pidfd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 0)
		if err == unix.EINTR {
			continue
		}
		// A failed poll is taken as an exit: never guess that the pid is still the target's.
		return err != nil || n > 0
	}
}

// stat is what this package reads of /proc/PID/stat.
type stat struct {
	state byte   // R, S, D, Z (zombie), X (dead), ...
	start uint64 // field 22, starttime: clock ticks after boot
}

func readStat(pid int) (stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, err
	}
	return parseStat(b)
}

// parseStat reads the state (field 3) and start time (field 22) of a /proc/PID/stat line.
func parseStat(b []byte) (stat, error) {
	// The fields follow the command name, which is in parentheses and may hold any byte.
	bad := fmt.Errorf("procmem: unexpected /proc/PID/stat: %q", b)
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, bad
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 20 || len(fields[0]) != 1 {
		return stat{}, bad
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		return stat{}, bad
	}
	return stat{state: fields[0][0], start: start}, nil
}

// openError explains a failure to open one of the process's /proc files.
func openError(pid int, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, unix.ESRCH):
		return &sentence{fmt.Sprintf("procmem: no process %d: check the id (ps, pgrep)", pid), ErrNoProcess}
	case errors.Is(err, fs.ErrPermission), errors.Is(err, unix.EPERM):
		return permissionError(pid)
	}
	return fmt.Errorf("procmem: process %d: %w", pid, err)
}

// permissionError names the kernel's rule that refused access to pid's memory, with the Yama
// setting where the module is there.
func permissionError(pid int) error {
	rule := "the kernel lets a process at another's memory only as the same user with a dumpable target, or as root (CAP_SYS_PTRACE)"
	if b, err := os.ReadFile("/proc/sys/kernel/yama/ptrace_scope"); err == nil {
		scope := strings.TrimSpace(string(b))
		switch scope {
		case "0":
			rule += "; kernel.yama.ptrace_scope is 0 (the classic rule)"
		case "1":
			rule += "; and kernel.yama.ptrace_scope is 1: only a parent (or a declared tracer) may, so run as root or set it to 0"
		case "2":
			rule += "; and kernel.yama.ptrace_scope is 2: only CAP_SYS_PTRACE may, so run as root"
		default:
			rule += "; and kernel.yama.ptrace_scope is " + scope + ": no one may until reboot"
		}
	}
	return &sentence{fmt.Sprintf("procmem: process %d: permission denied: %s", pid, rule), fs.ErrPermission}
}

func (o *osProcess) regions() ([]Region, error) {
	pid := o.pid
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ESRCH) {
			return nil, fmt.Errorf("procmem: process %d: %w", pid, errExited)
		}
		return nil, openError(pid, err)
	}
	// Checked after the read, the check proves the list is the pinned process's.
	if o.exited() {
		return nil, fmt.Errorf("procmem: process %d: %w", pid, errExited)
	}
	return parseMaps(b)
}

// parseMaps reads /proc/PID/maps. Regions whose addresses do not fit an int64 ([vsyscall], in
// kernel space) are left out.
func parseMaps(b []byte) ([]Region, error) {
	var regions []Region
	s := bufio.NewScanner(bytes.NewReader(b))
	s.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for s.Scan() {
		line := s.Text()
		// start-end perms offset dev inode [name], the name after any number of spaces.
		fields := strings.Fields(line)
		if len(fields) < 5 {
			return nil, fmt.Errorf("procmem: unexpected line in maps: %q", line)
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		start, err1 := strconv.ParseInt(lo, 16, 64)
		end, err2 := strconv.ParseInt(hi, 16, 64)
		if !ok || len(fields[1]) != 4 {
			return nil, fmt.Errorf("procmem: unexpected line in maps: %q", line)
		}
		if err1 != nil || err2 != nil {
			continue // above 2^63: kernel space
		}
		name := "[anon]"
		if len(fields) > 5 {
			// The name is what follows the fifth field, and may hold spaces.
			rest := line
			for range 5 {
				rest = strings.TrimLeft(rest, " ")
				rest = rest[strings.IndexByte(rest, ' ')+1:]
			}
			name = strings.TrimLeft(rest, " ")
		}
		regions = append(regions, Region{Start: start, End: end, Perms: fields[1], Name: name})
	}
	return regions, s.Err()
}

func iovecs(b []byte, addr int64) ([]unix.Iovec, []unix.RemoteIovec) {
	local := []unix.Iovec{{Base: unsafe.SliceData(b)}}
	local[0].SetLen(len(b))
	return local, []unix.RemoteIovec{{Base: uintptr(addr), Len: len(b)}}
}

// errFar refuses an address a 32-bit mmhex cannot pass to the kernel.
var errFar = errors.New("the address does not fit this 32-bit mmhex: use a 64-bit build")

// read checks the pinned process after the read, not before: bytes read from a process that took
// its pid in the meantime are never returned.
func (o *osProcess) read(b []byte, addr int64) (int, error) {
	if int64(uintptr(addr)) != addr {
		return 0, errFar
	}
	local, remote := iovecs(b, addr)
	n, err := unix.ProcessVMReadv(o.pid, local, remote, 0)
	if o.exited() {
		return 0, errExited
	}
	return max(n, 0), err
}

func (o *osProcess) write(b []byte, addr int64) (int, error) {
	if int64(uintptr(addr)) != addr {
		return 0, errFar
	}
	if o.exited() {
		return 0, errExited
	}
	local, remote := iovecs(b, addr)
	n, err := unix.ProcessVMWritev(o.pid, local, remote, 0)
	return max(n, 0), err
}

func (o *osProcess) writeForced(b []byte, addr int64) (int, error) {
	o.memMu.Lock()
	defer o.memMu.Unlock()
	if o.exited() {
		return 0, errExited
	}
	if o.mem == nil {
		f, err := os.OpenFile(fmt.Sprintf("/proc/%d/mem", o.pid), os.O_RDWR, 0)
		if err != nil {
			return 0, err
		}
		// Opened while the pinned process lived, the file is bound to its memory.
		if o.exited() {
			f.Close()
			return 0, errExited
		}
		o.mem = f
	}
	n, err := o.mem.WriteAt(b, addr)
	var perr *fs.PathError
	if errors.As(err, &perr) {
		err = perr.Err
	}
	return n, err
}

// retryPageWise reports whether err is about the address (not the process): only then does
// trying page by page find where the readable memory ends.
func (o *osProcess) retryPageWise(err error) bool {
	return errors.Is(err, unix.EFAULT) || errors.Is(err, unix.EIO)
}

// explain turns the error of a transfer that moved nothing at addr into its reason.
func (o *osProcess) explain(op string, addr int64, err error) error {
	pid := o.pid
	switch {
	case errors.Is(err, errExited), errors.Is(err, unix.ESRCH), o.exited():
		return errExited
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES), errors.Is(err, fs.ErrPermission):
		return permissionError(pid)
	case errors.Is(err, unix.EFAULT), errors.Is(err, unix.EIO), errors.Is(err, errUnmapped):
		if op == "write" {
			if regions, rerr := o.regions(); rerr == nil {
				if i := Containing(regions, addr); i >= 0 && regions[i].Readable() && !regions[i].Writable() {
					return fmt.Errorf("%w: it lies in %s: write it anyway with --force, as a debugger does", ErrNotWritable, regions[i])
				}
			}
		}
		return errUnmapped
	}
	return err
}
