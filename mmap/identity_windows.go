//go:build windows

package mmap

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Replaced reports whether the path the file was opened by names another file now, or none:
// someone renamed another file over it or deleted it, so the bytes this Mapping writes reach a
// file no longer found under that name. It compares the volume serial number and file index of
// the open handle with those of the path opened anew. Named sections always report false: a
// section lives while any handle to it does, so its name cannot be given to another one under
// this process.
func (m *Mapping) Replaced() (bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return false, ErrClosed
	}
	if !m.fileBacked {
		return false, nil
	}
	open, err := fileID(m.sys.file)
	if err != nil {
		return false, pathError("stat", m.sys.path, err)
	}
	// A deleted file keeps its name until its last handle closes, so the path still opens it;
	// but the name goes with this process's handle, and the edits with it.
	var std fileStandardInfo
	if err := windows.GetFileInformationByHandleEx(m.sys.file, windows.FileStandardInfo, (*byte)(unsafe.Pointer(&std)), uint32(unsafe.Sizeof(std))); err != nil {
		return false, pathError("stat", m.sys.path, os.NewSyscallError("GetFileInformationByHandleEx", err))
	}
	if std.DeletePending {
		return true, nil
	}
	name, err := windows.UTF16PtrFromString(m.sys.path)
	if err != nil {
		return false, pathError("stat", m.sys.path, err)
	}
	// No access rights are needed to read the identity; sharing everything and backup semantics
	// let the open succeed whoever holds the file, and for a directory put in its place.
	share := uint32(windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE)
	h, err := windows.CreateFile(name, 0, share, nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND) {
		return true, nil
	}
	if err != nil {
		return false, pathError("stat", m.sys.path, os.NewSyscallError("CreateFile", err))
	}
	defer windows.CloseHandle(h)
	named, err := fileID(h)
	if err != nil {
		return false, pathError("stat", m.sys.path, err)
	}
	return open != named, nil
}

// fileIdentity is what tells two files apart on Windows: the volume and the index on it.
type fileIdentity struct {
	volume           uint32
	indexHigh, index uint32
}

func fileID(h windows.Handle) (fileIdentity, error) {
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &info); err != nil {
		return fileIdentity{}, os.NewSyscallError("GetFileInformationByHandle", err)
	}
	return fileIdentity{info.VolumeSerialNumber, info.FileIndexHigh, info.FileIndexLow}, nil
}

// fileStandardInfo is FILE_STANDARD_INFO, which golang.org/x/sys/windows does not declare.
type fileStandardInfo struct {
	AllocationSize, EndOfFile int64
	NumberOfLinks             uint32
	DeletePending, Directory  bool
}
