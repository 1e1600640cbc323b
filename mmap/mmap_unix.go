//go:build unix

package mmap

import (
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

func (s *osMapping) openFile(path string, writable bool) error {
	return s.open(path, writable, 0)
}

func (s *osMapping) openNamed(name string, writable bool) error {
	path, err := shmPath(name)
	if err != nil {
		return err
	}
	return s.open(path, writable, 0)
}

func (s *osMapping) createNamed(name string, size int64) error {
	path, err := shmPath(name)
	if err != nil {
		return err
	}
	if err := s.open(path, true, os.O_CREATE|os.O_EXCL); err != nil {
		return err
	}
	if err := s.file.Truncate(size); err != nil {
		s.close(true)
		return pathError("create", path, unwrapPathError(err))
	}
	return nil
}

func (s *osMapping) open(path string, writable bool, extra int) error {
	flag := os.O_RDONLY
	if writable {
		flag = os.O_RDWR
	}
	// 0600: a shared memory object this user creates is for this user's processes.
	f, err := os.OpenFile(path, flag|extra, 0o600)
	if err != nil {
		return pathError("open", path, unwrapPathError(err))
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
	if bare == "" || bare == "." || bare == ".." || strings.ContainsAny(bare, "/\x00") {
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
	err := s.file.Close()
	if created {
		if uerr := os.Remove(s.path); err == nil {
			err = uerr
		}
	}
	s.file = nil
	return err
}
