//go:build unix

package mmap

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/mmhex/mmhex/internal/testdir"
	"golang.org/x/sys/unix"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func namedSupported() bool { return runtime.GOOS == "linux" }

func canBypassPermissions() bool { return os.Geteuid() == 0 }

// makeReadOnly leaves path readable by everyone and writable by no one, and lets everyone reach
// it, so an unprivileged process is refused writing and nothing else.
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	openDirsToAll(t, path)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
}

// openDirsToAll lets every user reach path through the test's temporary directories.
func openDirsToAll(t *testing.T, path string) {
	t.Helper()
	for dir := filepath.Dir(path); dir != os.TempDir() && dir != "/"; dir = filepath.Dir(dir) {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// unprivilegedCommand returns a command that runs a copy of this test binary as user nobody.
func unprivilegedCommand(t *testing.T) *exec.Cmd {
	t.Helper()
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	dir := testdir.New(t)
	exe := filepath.Join(dir, "mmap.test")
	if err := os.WriteFile(exe, self, 0o755); err != nil {
		t.Fatal(err)
	}
	openDirsToAll(t, exe)
	cmd := exec.Command(exe)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return cmd
}

// TestTruncatedUnderneath shrinks the file under a live mapping, as another process may: touching
// the pages past the new end raises SIGBUS, which must come back as ErrFault, not a crash.
func TestTruncatedUnderneath(t *testing.T) {
	inBothViewModes(t, func(t *testing.T) {
		path := writeTemp(t, randomBytes(256<<10, 3))
		m := mustOpen(t, path, ReadWrite)
		if err := os.Truncate(path, 4096); err != nil {
			t.Fatal(err)
		}
		if size, err := m.CurrentSize(); size != 4096 || err != nil || m.Size() != 256<<10 {
			t.Errorf("after truncation: CurrentSize() = %d, %v; Size() = %d; want 4096, nil and the mapped 256 KiB", size, err, m.Size())
		}
		_, err := m.ReadAt(make([]byte, 16), 200<<10)
		if !errors.Is(err, ErrFault) {
			t.Errorf("ReadAt past the new end = %v, want ErrFault", err)
		}
		if want := "at offset 0x32000"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadAt past the new end = %v, want the message to say %q", err, want)
		}
		if _, err := m.WriteAt([]byte{1}, 200<<10); !errors.Is(err, ErrFault) {
			t.Errorf("WriteAt past the new end = %v, want ErrFault", err)
		}
		err = m.Scan(0, 256<<10, 0, func(chunk []byte, at int64) error {
			if bytes.Count(chunk, []byte{0xEE}) > len(chunk) {
				t.Error("impossible count")
			}
			return nil
		})
		if !errors.Is(err, ErrFault) {
			t.Errorf("Scan over the lost pages = %v, want ErrFault", err)
		}
		if _, err := m.ReadAt(make([]byte, 16), 0); err != nil {
			t.Errorf("ReadAt inside the new size = %v, want nil", err)
		}

		changed, err := m.Remap()
		if err != nil || !changed || m.Size() != 4096 {
			t.Fatalf("Remap = %v, %v; Size() = %d; want true, nil, 4096", changed, err, m.Size())
		}
		if _, err := m.ReadAt(make([]byte, 16), 200<<10); err != io.EOF {
			t.Errorf("ReadAt past the end after Remap = %v, want io.EOF", err)
		}
	})
}

// TestFaultOutsideTheMappingIsNotErrFault touches memory that was unmapped, outside any view of
// the mapping, from a Scan callback: that is a bug in the caller, not a file that shrank, so the
// fault must come out as the panic it is.
func TestFaultOutsideTheMappingIsNotErrFault(t *testing.T) {
	m := mustOpen(t, writeTemp(t, []byte("abc")), ReadOnly)
	gone, err := unix.Mmap(-1, 0, os.Getpagesize(), unix.PROT_READ, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Munmap(gone); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if _, isFault := recover().(interface{ Addr() uintptr }); !isFault {
			t.Error("want the fault on unmapped memory to come out as a runtime fault")
		}
	}()
	err = m.Scan(0, 3, 0, func([]byte, int64) error { return fmt.Errorf("%d", gone[0]) })
	t.Errorf("Scan returned %v: it turned a fault outside the mapping into an error", err)
}

func TestOpenRefusesWhatIsNotARegularFile(t *testing.T) {
	fifo := filepath.Join(testdir.New(t), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	// Opening a FIFO for reading would block until a writer came; Open must refuse at once.
	if _, err := Open(fifo, ReadOnly); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Open(FIFO) = %v, want ErrNotRegular", err)
	}
	if _, err := Open("/dev/null", ReadOnly); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Open(/dev/null) = %v, want ErrNotRegular", err)
	}
}

func TestListNamed(t *testing.T) {
	if !namedSupported() {
		if _, err := ListNamed(); !errors.Is(err, ErrNotSupported) {
			t.Errorf("ListNamed on %s = %v, want ErrNotSupported", runtime.GOOS, err)
		}
		return
	}
	name := uniqueName(t)
	m, err := CreateNamed(name, 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	semaphore := filepath.Join(shmDir, "sem."+name) // what sem_open would make
	if err := os.WriteFile(semaphore, make([]byte, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(semaphore)
	names, err := ListNamed()
	if err != nil || !slices.Contains(names, name) || !slices.IsSorted(names) {
		t.Errorf("ListNamed() = %v, %v; want a sorted list holding %q", names, err, name)
	}
	if slices.Contains(names, "sem."+name) {
		t.Errorf("ListNamed() = %v: lists the semaphore sem.%s, which is no mapping", names, name)
	}
}

func TestCreatedNameIsUnlinkedOnClose(t *testing.T) {
	if !namedSupported() {
		t.Skip("no /dev/shm on " + runtime.GOOS)
	}
	name := uniqueName(t)
	m, err := CreateNamed("/"+name, 8192)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(shmDir, name)); err != nil {
		t.Fatalf("created object is not in %s: %v", shmDir, err)
	}
	m.Close()
	if _, err := os.Stat(filepath.Join(shmDir, name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Close, Stat = %v; want the name unlinked", err)
	}
}

// inShm returns a fresh name and its path in /dev/shm, removed when the test ends, skipping the
// test where there is no /dev/shm.
func inShm(t *testing.T) (name, path string) {
	t.Helper()
	if !namedSupported() {
		t.Skip("no /dev/shm on " + runtime.GOOS)
	}
	name = uniqueName(t)
	path = filepath.Join(shmDir, name)
	t.Cleanup(func() { os.Remove(path) })
	return name, path
}

// atOnce runs open, which must not block, and returns its error. Opening a FIFO for reading
// waits for a writer: if open is still waiting after a minute, the test opens the FIFO for
// writing itself, which releases it, and fails.
func atOnce(t *testing.T, fifo string, open func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- open() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			defer w.Close()
		}
		t.Fatalf("still blocked in open after a minute: a FIFO must be refused at once")
		return nil
	}
}

func TestOpenNamedRefusesAFIFOAtOnce(t *testing.T) {
	name, path := inShm(t)
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{ReadOnly, ReadWrite} {
		err := atOnce(t, path, func() error {
			m, err := OpenNamed(name, mode)
			if err == nil {
				m.Close()
			}
			return err
		})
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("OpenNamed(FIFO, %v) = %v, want ErrNotRegular", mode, err)
		}
	}
}

func TestOpenNamedRefusesASymlink(t *testing.T) {
	name, path := inShm(t)
	victim := writeTemp(t, []byte("not yours"))
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []Mode{ReadOnly, ReadWrite} {
		m, err := OpenNamed(name, mode)
		if err == nil {
			m.Close()
		}
		if !errors.Is(err, ErrSymlink) {
			t.Errorf("OpenNamed(symlink, %v) = %v, want ErrSymlink", mode, err)
		}
	}
	if _, err := CreateNamed(name, 4096); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CreateNamed(symlink) = %v, want fs.ErrExist", err)
	}
	if got, err := os.ReadFile(victim); err != nil || string(got) != "not yours" {
		t.Errorf("the link's target holds %q, %v; want it untouched", got, err)
	}

	// A dangling link must not make CreateNamed create its target.
	os.Remove(path)
	missing := filepath.Join(testdir.New(t), "created-through-a-link")
	if err := os.Symlink(missing, path); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateNamed(name, 4096); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CreateNamed(dangling symlink) = %v, want fs.ErrExist", err)
	}
	if _, err := os.Lstat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("CreateNamed created the dangling link's target: Lstat = %v", err)
	}
}

// TestOpenFollowsASymlinkToAFile: a path the user gives is theirs to choose, links included.
func TestOpenFollowsASymlinkToAFile(t *testing.T) {
	target := writeTemp(t, []byte("linked"))
	link := filepath.Join(testdir.New(t), "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	m := mustOpen(t, link, ReadOnly)
	defer m.Close()
	got := make([]byte, 6)
	if _, err := m.ReadAt(got, 0); err != nil || string(got) != "linked" {
		t.Errorf("read %q, %v through the link; want %q", got, err, "linked")
	}
}

func TestCloseLeavesAReplacedNameAlone(t *testing.T) {
	name, path := inShm(t)
	m, err := CreateNamed(name, 4096)
	if err != nil {
		t.Fatal(err)
	}
	// Another process removes the name and creates its own object under it.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("theirs"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); !errors.Is(err, ErrNameReused) {
		t.Errorf("Close = %v, want ErrNameReused", err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "theirs" {
		t.Errorf("after Close the name holds %q, %v; want the other object, untouched", got, err)
	}
}
