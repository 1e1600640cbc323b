//go:build windows

package mmap

import (
	"os"

	"golang.org/x/sys/windows"
)

// resize sets the file's size. Windows refuses it while a section of the file is open with a
// view (ERROR_USER_MAPPED_FILE), so the section is closed first; the caller has unmapped the
// views, and size (called by establish) makes a section of the new size.
func (s *osMapping) resize(size int64) error {
	if s.section != 0 {
		windows.CloseHandle(s.section)
		s.section, s.sectionSize = 0, 0
	}
	if err := windows.Ftruncate(s.file, size); err != nil {
		return pathError("resize", s.path, os.NewSyscallError("SetFileInformationByHandle", err))
	}
	return nil
}
