package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
	"golang.org/x/sys/unix"
)

// shmName returns a fresh mapping name and its file in /dev/shm, removed when the test ends.
func shmName(t *testing.T) (name, path string) {
	t.Helper()
	name = fmt.Sprintf("mmhex-open-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	path, _ = mmap.NamedPath(name)
	t.Cleanup(func() { os.Remove(path) })
	return name, path
}

// withoutBlocking runs fn, which opens fifo and must be refused at once. Opening a FIFO for
// reading waits for a writer: if fn is still waiting after a minute, the test opens the FIFO for
// writing itself, which releases it, and fails.
func withoutBlocking(t *testing.T, fifo string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			defer w.Close()
		}
		<-done
		t.Fatal("still blocked in open after a minute: a FIFO must be refused at once")
	}
}

// checkOneLine checks a command's failure: exit 1, and one line on stderr holding want.
func checkOneLine(t *testing.T, r cliResult, want string) {
	t.Helper()
	if r.code != 1 || !strings.Contains(r.errOut, want) || strings.Count(r.errOut, "\n") != 1 || strings.Contains(r.errOut, "mmap:") {
		t.Errorf("exit %d, stderr %q; want exit 1 and one line holding %q", r.code, r.errOut, want)
	}
}

func TestNamedFIFOIsRefusedAtOnce(t *testing.T) {
	name, path := shmName(t)
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("named mapping %q is no shared-memory object: %s is a directory, device, FIFO or socket, which has no fixed size to map; check the name", name, path)
	for _, args := range [][]string{
		{"dump", "-n", name},
		{"watch", "-n", name, "--duration", "1ms"}, // should it open, it ends instead of running on
		{"patch", "-n", name, "0", "str:X"},
	} {
		t.Run(args[0], func(t *testing.T) {
			var r cliResult
			withoutBlocking(t, path, func() { r = runCLI(t, "", args...) })
			checkOneLine(t, r, want)
		})
	}
	for _, readOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("editor read-only %v", readOnly), func(t *testing.T) {
			var err error
			withoutBlocking(t, path, func() { _, _, err = openForEditing(target{name: name}, readOnly) })
			if !errors.Is(err, mmap.ErrNotRegular) || err.Error() != want {
				t.Errorf("openForEditing = %v; want %q, matching mmap.ErrNotRegular", err, want)
			}
		})
	}
}

// TestNamedSymlinkIsRefused plants what an unprivileged user can: a link in /dev/shm to a file
// of someone else's. Nothing may read or write through it.
func TestNamedSymlinkIsRefused(t *testing.T) {
	name, path := shmName(t)
	victim := filepath.Join(testdir.New(t), "victim")
	if err := os.WriteFile(victim, []byte("not yours to patch"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("named mapping %q is a symbolic link (%s): refused, because a link could redirect writes to another file; remove it if you did not make it", name, path)
	for _, args := range [][]string{
		{"patch", "-n", name, "0", "str:X"},
		{"dump", "-n", name},
		{"watch", "-n", name, "--duration", "1ms"}, // should it open, it ends instead of running on
	} {
		t.Run(args[0], func(t *testing.T) {
			r := runCLI(t, "", args...)
			checkOneLine(t, r, want)
			if r.out != "" {
				t.Errorf("stdout %q: want nothing read through the link", r.out)
			}
		})
	}
	for _, readOnly := range []bool{true, false} {
		if _, _, err := openForEditing(target{name: name}, readOnly); !errors.Is(err, mmap.ErrSymlink) || err.Error() != want {
			t.Errorf("openForEditing(read-only %v) = %v; want %q, matching mmap.ErrSymlink", readOnly, err, want)
		}
	}
	if got := string(fileBytes(t, victim)); got != "not yours to patch" {
		t.Errorf("the link's target holds %q: written through the link", got)
	}
}
