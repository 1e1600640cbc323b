package watch_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/watch"
)

var _ watch.Source = (*mmap.Mapping)(nil)

func mappedFile(t testing.TB, data []byte, mode mmap.Mode) (*mmap.Mapping, string) {
	t.Helper()
	path := filepath.Join(testdir.New(t), "watched.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.Open(path, mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, path
}

// TestSeesWritesThroughTheFile writes the file with write(2), as another program would: the page
// cache makes it visible through the mapping.
func TestSeesWritesThroughTheFile(t *testing.T) {
	m, path := mappedFile(t, pattern(64<<10), mmap.ReadWrite)
	w := mustNew(t, m, 0, m.Size())
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte{0xDE, 0xAD}, 40000); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Absorb(m, []byte{0xEE}, 100); err != nil {
		t.Fatal(err)
	}
	got, err := w.Poll()
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, "after write(2)", got, []watch.Run{{40000, pattern(40002)[40000:], []byte{0xDE, 0xAD}}})
	onDisk := make([]byte, 1)
	if _, err := f.ReadAt(onDisk, 100); err != nil || onDisk[0] != 0xEE {
		t.Errorf("file holds %x at 100, %v; want the absorbed write 0xEE", onDisk, err)
	}
}

// TestTruncatedFileFaults shrinks the file under the watcher: the poll must return
// mmap.ErrFault, not crash.
func TestTruncatedFileFaults(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows refuses to truncate a file that has a mapped view")
	}
	m, path := mappedFile(t, bytes.Repeat([]byte{1}, 256<<10), mmap.ReadOnly)
	w := mustNew(t, m, 0, m.Size())
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Poll(); !errors.Is(err, mmap.ErrFault) {
		t.Fatalf("Poll over a truncated file = %v, want mmap.ErrFault", err)
	}
	if runs, err := w.PollRange(0, 4096); err != nil || len(runs) != 0 {
		t.Errorf("PollRange inside the new size = %v, %v; want no runs, no error", runs, err)
	}
}
