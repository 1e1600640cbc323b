//go:build unix

package mmap

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// shmDir is where Linux keeps POSIX shared memory objects; shm_open(name) opens shmDir/name.
const shmDir = "/dev/shm"

// osMapping holds the open file behind a mapping on POSIX systems.
type osMapping struct {
	file *os.File
	path string // the file's path, for messages and for unlinking a created object
}

// openFile opens a path the user gave, following a symbolic link as every program given a path
// does (vim, dd, cat): the user chose the path. Links planted by other users in a sticky
// directory such as /tmp are the kernel's to refuse (fs.protected_symlinks).
func (s *osMapping) openFile(path string, writable bool) error {
	return s.open(path, writable, 0)
}

// openNamed opens /dev/shm/name without following a symbolic link, as shm_open does: /dev/shm
// is writable by everyone, and a link planted there would redirect writes to any file.
func (s *osMapping) openNamed(name string, writable bool) error {
	path, err := shmPath(name)
	if err != nil {
		return err
	}
	return s.open(path, writable, unix.O_NOFOLLOW)
}

func (s *osMapping) createNamed(name string, size int64) error {
	path, err := shmPath(name)
	if err != nil {
		return err
	}
	// O_EXCL fails on any existing name, a symbolic link included.
	if err := s.open(path, true, os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW); err != nil {
		return err
	}
	if err := s.file.Truncate(size); err != nil {
		s.close(true)
		return pathError("create", path, unwrapPathError(err))
	}
	return nil
}

// open opens path and keeps it only if it is a regular file. O_NONBLOCK makes opening a FIFO or
// a device return at once instead of waiting for a writer or the hardware; the descriptor is
// then checked with fstat, which describes what was opened, where a stat before the open could
// describe a file swapped away in between. O_NONBLOCK stays set: it changes nothing for a
// regular file, whose reads and writes never wait, and the mapping does no I/O on it. O_NOCTTY
// keeps a terminal device from becoming this process's controlling terminal on its way to
// being refused.
func (s *osMapping) open(path string, writable bool, extra int) error {
	flag := os.O_RDONLY
	if writable {
		flag = os.O_RDWR
	}
	// 0600: a shared memory object this user creates is for this user's processes.
	f, err := os.OpenFile(path, flag|extra|unix.O_NONBLOCK|unix.O_NOCTTY, 0o600)
	if err != nil {
		err = unwrapPathError(err)
		switch {
		case errors.Is(err, unix.EISDIR):
			err = ErrIsDir
		case errors.Is(err, unix.ETXTBSY):
			err = ErrBusy
		case extra&unix.O_NOFOLLOW != 0 && errors.Is(err, unix.ELOOP):
			// What O_NOFOLLOW returns when the last component is a symbolic link; the
			// names it is used for hold no other component that could be one.
			err = ErrSymlink
		}
		return pathError("open", path, err)
	}
	info, err := f.Stat()
	switch {
	case err != nil:
		err = pathError("stat", path, unwrapPathError(err))
	case info.IsDir():
		err = pathError("open", path, ErrIsDir)
	case !info.Mode().IsRegular():
		err = pathError("open", path, ErrNotRegular)
	}
	if err != nil {
		f.Close()
		return err
	}
	s.file, s.path = f, path
	return nil
}

// listNamed lists the POSIX shared memory objects in /dev/shm, sorted.
func listNamed() ([]string, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("mmap: list: %w", ErrNotSupported)
	}
	entries, err := os.ReadDir(shmDir)
	if err != nil {
		return nil, pathError("list", shmDir, unwrapPathError(err))
	}
	var names []string
	for _, e := range entries {
		// sem_open keeps POSIX semaphores in /dev/shm too, as sem.NAME: they are no mappings.
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), "sem.") {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// shmPath turns a mapping name, with or without shm_open's leading slash, into its /dev/shm path.
func shmPath(name string) (string, error) {
	if runtime.GOOS != "linux" {
		return "", fmt.Errorf("mmap: named mapping %q: %w: POSIX shared memory is reached through /dev/shm, which only Linux has", name, ErrNotSupported)
	}
	bare := strings.TrimPrefix(name, "/")
	switch {
	case bare == "" || bare == "." || bare == "..":
		// Each names /dev/shm itself or its parent, not an object in it.
		return "", &NameError{Name: name, Rule: "a name cannot be empty, . or ..: use a name like myapp-shared"}
	case strings.ContainsAny(bare, "/\x00"):
		return "", &NameError{Name: name, Rule: "use a name without slashes, like myapp-shared"}
	}
	return shmDir + "/" + bare, nil
}

func (s *osMapping) currentSize() (int64, error) { return s.size() }

func (s *osMapping) size() (int64, error) {
	info, err := s.file.Stat()
	if err != nil {
		return 0, pathError("stat", s.path, unwrapPathError(err))
	}
	return info.Size(), nil
}

func (s *osMapping) granularity() int64 { return int64(os.Getpagesize()) }

func (s *osMapping) mapView(off int64, n int, writable bool) ([]byte, error) {
	prot := unix.PROT_READ
	if writable {
		prot |= unix.PROT_WRITE
	}
	view, err := unix.Mmap(int(s.file.Fd()), off, n, prot, unix.MAP_SHARED)
	if err != nil {
		return nil, pathError("mmap", s.path, err)
	}
	return view, nil
}

func (s *osMapping) unmapView(view []byte) error {
	if err := unix.Munmap(view); err != nil {
		return pathError("munmap", s.path, err)
	}
	return nil
}

func (s *osMapping) flushView(view []byte) error {
	if err := unix.Msync(view, unix.MS_SYNC); err != nil {
		return pathError("msync", s.path, err)
	}
	return nil
}

func (s *osMapping) syncFile() error {
	if err := s.file.Sync(); err != nil {
		return pathError("fsync", s.path, unwrapPathError(err))
	}
	return nil
}

func (s *osMapping) close(created bool) error {
	if s.file == nil {
		return nil
	}
	var err error
	if created {
		err = s.unlinkIfOurs()
	}
	if cerr := s.file.Close(); err == nil {
		err = cerr
	}
	s.file = nil
	return err
}

// release drops view's pages from the process with madvise(MADV_DONTNEED). The view is
// MAP_SHARED (mapView maps nothing else), so on Linux the pages leave the process at once and
// their bytes, written ones too, stay in the page cache or tmpfs; on a MAP_PRIVATE view it would
// throw away the writes. macOS and the BSDs take it as a hint and deactivate the pages lazily,
// keeping their bytes; MADV_FREE, which may discard them, is meant for anonymous memory and is
// not used. A failure only leaves the pages resident, so it is not reported.
func (s *osMapping) release(view []byte) { unix.Madvise(view, unix.MADV_DONTNEED) }

// unlinkIfOurs removes the name of the object this process created, if the name still belongs
// to it: another process may have removed ours and created its own under the same name, which
// is not ours to remove. Device and inode tell: those of the open descriptor against those the
// name has now. Nothing unlinks a name only if it still names a given file, so a replacement
// made between the check and the unlink is not seen; the check closes the window that matters,
// the whole time create holds its name.
func (s *osMapping) unlinkIfOurs() error {
	ours, err := s.file.Stat()
	if err != nil {
		return pathError("stat", s.path, unwrapPathError(err))
	}
	now, err := os.Lstat(s.path)
	if err != nil {
		return pathError("remove", s.path, unwrapPathError(err))
	}
	if !os.SameFile(ours, now) {
		return pathError("remove", s.path, ErrNameReused)
	}
	if err := os.Remove(s.path); err != nil {
		return pathError("remove", s.path, unwrapPathError(err))
	}
	return nil
}
