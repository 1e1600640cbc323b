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

// osProcess is the Linux side of a Process. It keeps /proc/PID/mem open once a forced write
// has needed it.
type osProcess struct {
	pid   int
	memMu sync.Mutex
	mem   *os.File
}

func (o *osProcess) open(pid int) error {
	o.pid = pid
	// Reading maps takes the same ptrace access check as reading memory, so Open refuses what
	// every later call would.
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return openError(pid, err)
	}
	defer f.Close()
	var one [1]byte
	if _, err := f.Read(one[:]); err == io.EOF && !alive(pid) {
		return &sentence{fmt.Sprintf("procmem: process %d has exited", pid), ErrNoProcess}
	} else if err != nil && err != io.EOF {
		return openError(pid, err)
	}
	return nil
}

func (o *osProcess) close() error {
	o.memMu.Lock()
	defer o.memMu.Unlock()
	if o.mem == nil {
		return nil
	}
	err := o.mem.Close()
	o.mem = nil
	return err
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
	if len(b) == 0 && !alive(pid) {
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

// alive reports whether the process still has memory: a zombie has none.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may hold any byte.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] != 'Z' && b[i+2] != 'X'
}

func iovecs(b []byte, addr int64) ([]unix.Iovec, []unix.RemoteIovec) {
	local := []unix.Iovec{{Base: unsafe.SliceData(b)}}
	local[0].SetLen(len(b))
	return local, []unix.RemoteIovec{{Base: uintptr(addr), Len: len(b)}}
}

// errFar refuses an address a 32-bit mmhex cannot pass to the kernel.
var errFar = errors.New("the address does not fit this 32-bit mmhex: use a 64-bit build")

func (o *osProcess) read(b []byte, addr int64) (int, error) {
	if int64(uintptr(addr)) != addr {
		return 0, errFar
	}
	local, remote := iovecs(b, addr)
	n, err := unix.ProcessVMReadv(o.pid, local, remote, 0)
	return max(n, 0), err
}

func (o *osProcess) write(b []byte, addr int64) (int, error) {
	if int64(uintptr(addr)) != addr {
		return 0, errFar
	}
	local, remote := iovecs(b, addr)
	n, err := unix.ProcessVMWritev(o.pid, local, remote, 0)
	return max(n, 0), err
}

func (o *osProcess) writeForced(b []byte, addr int64) (int, error) {
	o.memMu.Lock()
	defer o.memMu.Unlock()
	if o.mem == nil {
		f, err := os.OpenFile(fmt.Sprintf("/proc/%d/mem", o.pid), os.O_RDWR, 0)
		if err != nil {
			return 0, err
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
	case errors.Is(err, unix.ESRCH), !alive(pid):
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
