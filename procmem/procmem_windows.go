package procmem

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// x/sys has no GetMappedFileNameW; psapi exports it (kernel32 has it as K32GetMappedFileNameW
// since Windows 7, psapi forwards there).
var procGetMappedFileNameW = windows.NewLazySystemDLL("psapi.dll").NewProc("GetMappedFileNameW")

// Memory types from VirtualQueryEx (MEMORY_BASIC_INFORMATION.Type).
const (
	memImage  = 0x1000000
	memMapped = 0x40000
)

// osProcess is the Windows side of a Process: a handle with the rights to query, read and write.
type osProcess struct {
	pid int
	h   windows.Handle
}

func (o *osProcess) open(pid int) error {
	o.pid = pid
	const access = windows.PROCESS_VM_READ | windows.PROCESS_VM_WRITE | windows.PROCESS_VM_OPERATION |
		windows.PROCESS_QUERY_INFORMATION | windows.SYNCHRONIZE
	h, err := windows.OpenProcess(access, false, uint32(pid))
	switch {
	case h != 0:
		o.h = h
		return nil
	case errors.Is(err, windows.ERROR_INVALID_PARAMETER):
		return &sentence{fmt.Sprintf("procmem: no process %d: check the id (tasklist)", pid), ErrNoProcess}
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		return permissionError(pid)
	}
	return fmt.Errorf("procmem: process %d: %w", pid, os.NewSyscallError("OpenProcess", err))
}

func permissionError(pid int) error {
	return &sentence{fmt.Sprintf("procmem: process %d: permission denied: Windows lets a process at another's memory as the same user at the same or a lower integrity level, or as an administrator (SeDebugPrivilege)", pid), fs.ErrPermission}
}

func (o *osProcess) close() error { return windows.CloseHandle(o.h) }

// exited reports whether the process has ended: its handle is signalled then.
func (o *osProcess) exited() bool {
	ev, err := windows.WaitForSingleObject(o.h, 0)
	return err == nil && ev == windows.WAIT_OBJECT_0
}

func (o *osProcess) regions() ([]Region, error) {
	if o.exited() {
		return nil, fmt.Errorf("procmem: process %d: %w", o.pid, errExited)
	}
	var regions []Region
	var mbi windows.MemoryBasicInformation
	names := map[uintptr]string{} // by allocation base: one name per image or view
	for addr := uintptr(0); ; {
		if err := windows.VirtualQueryEx(o.h, addr, &mbi, unsafe.Sizeof(mbi)); err != nil {
			break // past the last region of user space
		}
		next := mbi.BaseAddress + mbi.RegionSize
		if mbi.State == windows.MEM_COMMIT && mbi.Protect&windows.PAGE_GUARD == 0 {
			regions = append(regions, Region{
				Start: int64(mbi.BaseAddress),
				End:   int64(next),
				Perms: perms(mbi.Protect, mbi.Type),
				Name:  o.name(&mbi, names),
			})
		}
		if next <= addr {
			break
		}
		addr = next
	}
	return regions, nil
}

// perms spells a page protection as /proc/PID/maps does. Write-copy counts as writable: see the
// package doc.
func perms(protect, typ uint32) string {
	p := []byte("---p")
	switch protect &^ (windows.PAGE_NOCACHE | windows.PAGE_WRITECOMBINE) {
	case windows.PAGE_READONLY:
		p[0] = 'r'
	case windows.PAGE_READWRITE, windows.PAGE_WRITECOPY:
		p[0], p[1] = 'r', 'w'
	case windows.PAGE_EXECUTE:
		p[2] = 'x'
	case windows.PAGE_EXECUTE_READ:
		p[0], p[2] = 'r', 'x'
	case windows.PAGE_EXECUTE_READWRITE, windows.PAGE_EXECUTE_WRITECOPY:
		p[0], p[1], p[2] = 'r', 'w', 'x'
	}
	if typ == memMapped {
		p[3] = 's'
	}
	return string(p)
}

// name names a region: the file of an image or a mapped view, else [anon].
func (o *osProcess) name(mbi *windows.MemoryBasicInformation, names map[uintptr]string) string {
	if mbi.Type != memImage && mbi.Type != memMapped {
		return "[anon]"
	}
	if name, ok := names[mbi.AllocationBase]; ok {
		return name
	}
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n, _, _ := procGetMappedFileNameW.Call(uintptr(o.h), mbi.BaseAddress, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	name := "[anon]"
	if n > 0 {
		// Wine says \??\Z:\dir\x.dll; Windows \Device\HarddiskVolume3\dir\x.dll.
		name = strings.TrimPrefix(windows.UTF16ToString(buf[:n]), `\??\`)
	}
	names[mbi.AllocationBase] = name
	return name
}

// errFar refuses an address a 32-bit mmhex cannot pass to the system.
var errFar = errors.New("the address does not fit this 32-bit mmhex: use a 64-bit build")

func (o *osProcess) read(b []byte, addr int64) (int, error) {
	if int64(uintptr(addr)) != addr {
		return 0, errFar
	}
	var n uintptr
	err := windows.ReadProcessMemory(o.h, uintptr(addr), unsafe.SliceData(b), uintptr(len(b)), &n)
	return int(n), err
}

func (o *osProcess) write(b []byte, addr int64) (int, error) {
	if int64(uintptr(addr)) != addr {
		return 0, errFar
	}
	var n uintptr
	err := windows.WriteProcessMemory(o.h, uintptr(addr), unsafe.SliceData(b), uintptr(len(b)), &n)
	return int(n), err
}

// writeForced lifts the protection of the pages written for the write and puts it back.
func (o *osProcess) writeForced(b []byte, addr int64) (int, error) {
	if int64(uintptr(addr)) != addr {
		return 0, errFar
	}
	var old uint32
	if err := windows.VirtualProtectEx(o.h, uintptr(addr), uintptr(len(b)), windows.PAGE_EXECUTE_READWRITE, &old); err != nil {
		return 0, err
	}
	n, err := o.write(b, addr)
	var ignored uint32
	windows.VirtualProtectEx(o.h, uintptr(addr), uintptr(len(b)), old, &ignored)
	return n, err
}

func (o *osProcess) retryPageWise(err error) bool {
	return errors.Is(err, windows.ERROR_PARTIAL_COPY) || errors.Is(err, windows.ERROR_NOACCESS)
}

func (o *osProcess) explain(op string, addr int64, err error) error {
	switch {
	case o.exited():
		return errExited
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		return permissionError(o.pid)
	case errors.Is(err, windows.ERROR_PARTIAL_COPY), errors.Is(err, windows.ERROR_NOACCESS), errors.Is(err, errUnmapped):
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
