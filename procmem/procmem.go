// Package procmem is mmhex's door to another process's memory: its regions, and reading and
// writing its bytes, as far as the operating system lets this user. Besides mmap it is the only
// package that makes OS calls.
//
// A Process is opened by its id. Regions lists what it has mapped; ReadAt and WriteAt move bytes
// at its addresses; WriteForced writes pages the process itself cannot write, as a debugger does.
// A View is one region seen the way the editor, watch and live mode see a file: offsets 0 to
// Size from the region's start (Base).
//
// Addresses are int64: user space on Linux and Windows x86-64 ends below 2^47 (2^56 with
// five-level paging), far from 2^63. The one mapping above it, Linux's legacy [vsyscall] page
// at 0xffffffffff600000, lies in kernel space, cannot be read this way, and is left out of Regions.
//
// Platform differences:
//
//   - Linux: regions come from /proc/PID/maps; bytes move with process_vm_readv and
//     process_vm_writev, one system call per contiguous range; WriteForced writes through
//     /proc/PID/mem, which may write read-only and code pages (FOLL_FORCE). Permission is the
//     kernel's ptrace access rule: the same user and a dumpable target, or CAP_SYS_PTRACE; the
//     Yama module (kernel.yama.ptrace_scope) may narrow it. A pid names whatever process has it
//     now, so Open pins the process with a pidfd (or, before Linux 5.3, its start time) and every
//     access first checks that the process is still there: once it exited, its reused pid
//     reaches no other process.
//   - Windows: OpenProcess, VirtualQueryEx for the regions and psapi's GetMappedFileNameW for the
//     names of image and mapped regions, ReadProcessMemory and WriteProcessMemory. Write-copy
//     pages count as writable: WriteProcessMemory resolves copy-on-write, and a DLL's shared
//     section reports PAGE_WRITECOPY under Wine yet is shared. WriteForced lifts a page's
//     protection with VirtualProtectEx for the write and puts it back. Regions carry no [heap] or
//     [stack] labels there: private memory is [anon]. The handle, held from Open to Close, names
//     the process itself, not its id: a reused id cannot redirect it.
//   - macOS and the rest: Open returns ErrNotSupported (task_for_pid needs entitlements).
package procmem

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
)

// Errors callers tell apart with errors.Is. A refusal by the OS matches fs.ErrPermission too.
var (
	// ErrNotSupported is returned by Open where another process's memory cannot be opened.
	ErrNotSupported = errors.New("procmem: reading another process's memory is not supported on this platform")
	// ErrNoProcess is returned by Open when no process has the id.
	ErrNoProcess = errors.New("no such process")
	// ErrGone matches the errors for memory that went away: the process exited, or nothing is
	// mapped (or readable) at the address any more.
	ErrGone = errors.New("procmem: the memory is gone")
	// ErrNotWritable matches a write to a page the process cannot write: WriteForced writes it.
	ErrNotWritable = errors.New("not writable by the process")
	// ErrOutOfRange refuses a View access past the region's end.
	ErrOutOfRange = errors.New("procmem: range is past the end of the region")
	// ErrClosed refuses use after Close.
	ErrClosed = errors.New("procmem: closed")
)

// goneError is a reason memory went away; it matches ErrGone.
type goneError string

func (e goneError) Error() string        { return string(e) }
func (e goneError) Is(target error) bool { return target == ErrGone }

const (
	errExited   goneError = "the process exited"
	errUnmapped goneError = "nothing readable is mapped there (any more): see mmhex regions"
)

// sentence is an error whose message says it all, matching err (a sentinel) for errors.Is.
type sentence struct {
	msg string
	err error
}

func (e *sentence) Error() string { return e.msg }
func (e *sentence) Unwrap() error { return e.err }

// AddrError is a read or write that stopped at Addr; the bytes before Addr were transferred.
type AddrError struct {
	Pid  int
	Op   string // "read", "write" or "forced write"
	Addr int64
	Err  error
}

func (e *AddrError) Error() string {
	return fmt.Sprintf("procmem: process %d: %s at 0x%x: %v", e.Pid, e.Op, e.Addr, e.Err)
}

func (e *AddrError) Unwrap() error { return e.Err }

// Region is one stretch of a process's address space with the same permissions and backing:
// a line of /proc/PID/maps, a run of pages from VirtualQueryEx.
type Region struct {
	Start, End int64 // [Start, End)
	// Perms is four letters: r, w, x or '-', then p (private) or s (shared).
	Perms string
	// Name is the mapped file's path or the module's, or [heap], [stack], [vdso], ... or [anon].
	Name string
}

// Size returns the region's length in bytes.
func (r Region) Size() int64 { return r.End - r.Start }

// Readable reports whether the process may read the region, and so whether this package can.
func (r Region) Readable() bool { return len(r.Perms) > 0 && r.Perms[0] == 'r' }

// Writable reports whether the process may write the region.
func (r Region) Writable() bool { return len(r.Perms) > 1 && r.Perms[1] == 'w' }

// Contains reports whether addr lies in the region.
func (r Region) Contains(addr int64) bool { return addr >= r.Start && addr < r.End }

// Module returns the base name of the region's file (libc.so.6, myshr.dll), or its name when it
// has no file ([heap]).
func (r Region) Module() string {
	if strings.HasPrefix(r.Name, "[") {
		return r.Name
	}
	name := strings.TrimSuffix(r.Name, " (deleted)")
	return path.Base(strings.ReplaceAll(name, `\`, "/"))
}

func (r Region) String() string {
	return fmt.Sprintf("%x-%x %s %s", r.Start, r.End, r.Perms, r.Name)
}

// Select returns the regions spec names: an index into regions, a region's name ([heap], a
// path) or a module's base name (libc.so.6, myshr.dll, which may name several regions). It
// returns nil when none matches.
func Select(regions []Region, spec string) []Region {
	if i, err := strconv.Atoi(spec); err == nil {
		if i >= 0 && i < len(regions) {
			return regions[i : i+1]
		}
		return nil
	}
	var out []Region
	for _, r := range regions {
		if r.Name == spec || r.Module() == spec {
			out = append(out, r)
		}
	}
	return out
}

// Containing returns the index of the region holding addr, or -1.
func Containing(regions []Region, addr int64) int {
	for i, r := range regions {
		if r.Contains(addr) {
			return i
		}
	}
	return -1
}

// Process is another process, open for reading and writing its memory. Its methods are safe for
// concurrent use.
type Process struct {
	pid int
	os  osProcess
	mu  sync.Mutex
	// closed is guarded by mu; a call under way when Close runs may still finish.
	closed bool
}

// Open opens the process with id pid. It fails with an error matching ErrNoProcess when there is
// none, fs.ErrPermission when the OS refuses (the sentence says which rule), and ErrNotSupported
// on systems this package does not cover.
func Open(pid int) (*Process, error) {
	if pid <= 0 {
		return nil, fmt.Errorf("procmem: process id %d: give a positive number", pid)
	}
	p := &Process{pid: pid}
	if err := p.os.open(pid); err != nil {
		return nil, err
	}
	return p, nil
}

// Pid returns the process id.
func (p *Process) Pid() int { return p.pid }

// Close releases the process. It is safe to call twice.
func (p *Process) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	return p.os.close()
}

func (p *Process) checkOpen() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	return nil
}

// Regions returns the process's regions in address order.
func (p *Process) Regions() ([]Region, error) {
	if err := p.checkOpen(); err != nil {
		return nil, err
	}
	return p.os.regions()
}

// ReadAt reads len(b) bytes at addr. A read that meets an unreadable page returns the bytes
// before it and an *AddrError naming the page's address (matching ErrGone when nothing readable
// is mapped there, or the process exited).
func (p *Process) ReadAt(b []byte, addr int64) (int, error) {
	return p.transfer(b, addr, "read", p.os.read)
}

// WriteAt writes b at addr, as the process itself could: a page it cannot write stops the write
// there with an *AddrError matching ErrNotWritable (use WriteForced).
func (p *Process) WriteAt(b []byte, addr int64) (int, error) {
	return p.transfer(b, addr, "write", p.os.write)
}

// WriteForced writes b at addr even into pages the process cannot write (code, read-only data),
// as a debugger sets a breakpoint. Only on the user's explicit request: patch --force, or a
// confirm in the editor.
func (p *Process) WriteForced(b []byte, addr int64) (int, error) {
	return p.transfer(b, addr, "forced write", p.os.writeForced)
}

// transfer moves b to or from addr with move, which may stop short (a page it cannot reach).
// move's own granularity is not trusted to be a page: when it fails with more than a page left,
// the rest is tried a page at a time, so the error names the first page that failed.
func (p *Process) transfer(b []byte, addr int64, op string, move func(b []byte, addr int64) (int, error)) (int, error) {
	if err := p.checkOpen(); err != nil {
		return 0, err
	}
	if addr < 0 {
		return 0, &AddrError{Pid: p.pid, Op: op, Addr: addr, Err: errUnmapped}
	}
	done := 0
	pageWise := false
	for done < len(b) {
		at := addr + int64(done)
		part := b[done:]
		if pageWise {
			part = part[:min(len(part), int(pageSize-at%pageSize))]
		}
		n, err := move(part, at)
		done += n
		if n > 0 {
			continue
		}
		if err == nil {
			err = errUnmapped
		}
		if len(part) > int(pageSize-at%pageSize) && p.os.retryPageWise(err) {
			pageWise = true
			continue
		}
		return done, &AddrError{Pid: p.pid, Op: op, Addr: at, Err: p.os.explain(op, at, err)}
	}
	return done, nil
}

// pageSize is the unit in which memory is mapped and protected: 4 KiB on the systems this
// package covers. A larger page only makes an error's address less exact.
const pageSize = 4096
