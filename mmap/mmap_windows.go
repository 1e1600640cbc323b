//go:build windows

package mmap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// procOpenFileMappingW is OpenFileMappingW, which golang.org/x/sys/windows does not wrap.
var procOpenFileMappingW = windows.NewLazySystemDLL("kernel32.dll").NewProc("OpenFileMappingW")

// allocationGranularity is where Windows lets a view start: 64 KiB on every Windows release
// (GetSystemInfo's dwAllocationGranularity).
const allocationGranularity = 64 << 10

// osMapping holds the Windows handles behind a mapping: the file (none for a named section) and
// the section object.
type osMapping struct {
	file    windows.Handle
	section windows.Handle
	path    string // the file's path or the section's full name, for messages
	named   bool
	// sectionSize is the size the section was made for. A file's section is made anew when the
	// file's size changes; a named section's size is the size asked for when this process
	// created it, or the view's size from VirtualQuery when it was opened by name.
	sectionSize int64
	writable    bool
}

func (s *osMapping) openFile(path string, writable bool) error {
	info, err := os.Stat(path)
	if err != nil {
		return pathError("open", path, unwrapPathError(err))
	}
	if info.IsDir() {
		return pathError("open", path, ErrIsDir)
	}
	if !info.Mode().IsRegular() {
		// A device or pipe has no fixed size to map.
		return pathError("open", path, ErrNotRegular)
	}
	s.path, s.writable = path, writable
	name, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return pathError("open", path, err)
	}
	access := uint32(windows.GENERIC_READ)
	if writable {
		access |= windows.GENERIC_WRITE
	}
	// Share everything: a hex editor attached to a live file must not lock out the process
	// that writes it.
	share := uint32(windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE)
	h, err := windows.CreateFile(name, access, share, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return pathError("open", path, err)
	}
	s.file = h
	return nil
}

func (s *osMapping) openNamed(name string, writable bool) error {
	full, err := sectionName(name)
	if err != nil {
		return err
	}
	s.path, s.named, s.writable = full, true, writable
	name16, err := windows.UTF16PtrFromString(full)
	if err != nil {
		return pathError("open", full, err)
	}
	r, _, callErr := procOpenFileMappingW.Call(uintptr(viewAccess(writable)), 0, uintptr(unsafe.Pointer(name16)))
	if r == 0 {
		return pathError("open", full, os.NewSyscallError("OpenFileMappingW", callErr))
	}
	s.section = windows.Handle(r)
	// No call returns a section's size; a view of the whole section does, through VirtualQuery.
	addr, err := windows.MapViewOfFile(s.section, viewAccess(false), 0, 0, 0)
	if err != nil {
		s.close(false)
		return pathError("open", full, os.NewSyscallError("MapViewOfFile", err))
	}
	var info windows.MemoryBasicInformation
	err = windows.VirtualQuery(addr, &info, unsafe.Sizeof(info))
	windows.UnmapViewOfFile(addr)
	if err != nil {
		s.close(false)
		return pathError("open", full, os.NewSyscallError("VirtualQuery", err))
	}
	s.sectionSize = int64(info.RegionSize)
	return nil
}

func (s *osMapping) createNamed(name string, size int64) error {
	full, err := sectionName(name)
	if err != nil {
		return err
	}
	s.path, s.named, s.writable = full, true, true
	name16, err := windows.UTF16PtrFromString(full)
	if err != nil {
		return pathError("create", full, err)
	}
	h, err := windows.CreateFileMapping(windows.InvalidHandle, nil, windows.PAGE_READWRITE,
		uint32(uint64(size)>>32), uint32(size), name16)
	// x/sys reports ERROR_ALREADY_EXISTS as an error together with a valid handle to the
	// existing section: that is the single-instance signal, not a failure to create.
	if h != 0 && errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		windows.CloseHandle(h)
		return pathError("create", full, fs.ErrExist)
	}
	if h == 0 {
		return pathError("create", full, os.NewSyscallError("CreateFileMapping", err))
	}
	s.section, s.sectionSize = h, size
	return nil
}

// listNamed cannot list sections: Windows keeps them in the object manager's namespace, which
// only the undocumented NtQueryDirectoryObject enumerates.
func listNamed() ([]string, error) {
	return nil, fmt.Errorf("mmap: list: %w (Windows does not list named sections)", ErrNotSupported)
}

// shmPath says that a Windows section is no file: see NamedPath.
func shmPath(name string) (string, error) {
	return "", fmt.Errorf("mmap: named mapping %q: %w: a Windows section is no file", name, ErrNotSupported)
}

// sectionName puts a bare name in the session's Local\ namespace, as CreateFileMapping's callers
// usually do; names with a Local\ or Global\ prefix pass through.
func sectionName(name string) (string, error) {
	bare := name
	for _, prefix := range []string{`Local\`, `Global\`} {
		if len(name) > len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			bare = name[len(prefix):]
		}
	}
	if bare == "" || strings.ContainsAny(bare, "\\\x00") {
		return "", &NameError{Name: name, Rule: `use a name like MyAppShared, Local\MyAppShared or Global\MyAppShared`}
	}
	if bare == name {
		return `Local\` + name, nil
	}
	return name, nil
}

func viewAccess(writable bool) uint32 {
	if writable {
		return windows.FILE_MAP_READ | windows.FILE_MAP_WRITE
	}
	return windows.FILE_MAP_READ
}

// size returns the object's size; for a file whose size changed since its section was made,
// it makes the section anew (the caller has unmapped every view of the old one).
func (s *osMapping) size() (int64, error) {
	size, err := s.currentSize()
	if err != nil || s.named {
		return size, err
	}
	if s.section != 0 && size == s.sectionSize {
		return size, nil
	}
	if s.section != 0 {
		windows.CloseHandle(s.section)
		s.section, s.sectionSize = 0, 0
	}
	if size == 0 {
		// A section of zero bytes cannot be made: an empty file is an empty mapping.
		return 0, nil
	}
	protect := uint32(windows.PAGE_READONLY)
	if s.writable {
		protect = windows.PAGE_READWRITE
	}
	h, err := windows.CreateFileMapping(s.file, nil, protect, 0, 0, nil)
	if h == 0 {
		return 0, pathError("map", s.path, os.NewSyscallError("CreateFileMapping", err))
	}
	s.section, s.sectionSize = h, size
	return size, nil
}

// currentSize returns the file's size now, or the named section's size.
func (s *osMapping) currentSize() (int64, error) {
	if s.named {
		return s.sectionSize, nil
	}
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(s.file, &info); err != nil {
		return 0, pathError("stat", s.path, os.NewSyscallError("GetFileInformationByHandle", err))
	}
	return int64(info.FileSizeHigh)<<32 | int64(info.FileSizeLow), nil
}

func (s *osMapping) granularity() int64 { return allocationGranularity }

func (s *osMapping) mapView(off int64, n int, writable bool) ([]byte, error) {
	addr, err := windows.MapViewOfFile(s.section, viewAccess(writable), uint32(uint64(off)>>32), uint32(off), uintptr(n))
	if err != nil {
		return nil, pathError("map", s.path, os.NewSyscallError("MapViewOfFile", err))
	}
	// A view covers whole pages; the slice stops at the object's size (Go issue 71059).
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), n), nil
}

func (s *osMapping) unmapView(view []byte) error {
	if err := windows.UnmapViewOfFile(uintptr(unsafe.Pointer(&view[0]))); err != nil {
		return pathError("unmap", s.path, os.NewSyscallError("UnmapViewOfFile", err))
	}
	return nil
}

func (s *osMapping) flushView(view []byte) error {
	if err := windows.FlushViewOfFile(uintptr(unsafe.Pointer(&view[0])), uintptr(len(view))); err != nil {
		return pathError("flush", s.path, os.NewSyscallError("FlushViewOfFile", err))
	}
	return nil
}

func (s *osMapping) syncFile() error {
	if err := windows.FlushFileBuffers(s.file); err != nil {
		return pathError("flush", s.path, os.NewSyscallError("FlushFileBuffers", err))
	}
	return nil
}

// close closes the section, then the file. Windows removes a named section when its last handle
// or view goes, so there is nothing to unlink.
func (s *osMapping) close(created bool) error {
	var err error
	if s.section != 0 {
		err = windows.CloseHandle(s.section)
		s.section = 0
	}
	if s.file != 0 {
		if cerr := windows.CloseHandle(s.file); err == nil {
			err = cerr
		}
		s.file = 0
	}
	return err
}

// release removes view's pages from the process's working set: VirtualUnlock on pages that are
// not locked does exactly that (and then fails with ERROR_NOT_LOCKED), while the section keeps
// their bytes, written ones included, in the system's cache. A failure only leaves the pages
// resident, so it is not reported.
func (s *osMapping) release(view []byte) {
	windows.VirtualUnlock(uintptr(unsafe.Pointer(unsafe.SliceData(view))), uintptr(len(view)))
}
