package editor

import (
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// TestEditPastFourGiB edits, searches and undoes past 4 GiB, where a 32-bit build reaches the
// bytes through moving windows and any int offset would wrap. The file is sparse.
func TestEditPastFourGiB(t *testing.T) {
	const size = 6 << 30
	path := testdir.Sparse(t, size)
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	e := New(m)
	e.ViewState(4, 16)

	const at = 4<<30 + 5
	if err := e.Goto("0x100000005"); err != nil {
		t.Fatal(err)
	}
	mustEdit(t, e)
	typeHex(t, e, "c0de")
	if r, err := e.Flush(); err != nil || r.Flushed != 2 {
		t.Fatalf("Flush = %+v, %v; want 2 bytes flushed", r, err)
	}
	if got := testdir.ReadAt(t, path, at, 2); got != "\xc0\xde" {
		t.Fatalf("file at 0x%X = % x, want c0 de", int64(at), got)
	}

	p, err := ParseHexPattern("c0 de")
	if err != nil {
		t.Fatal(err)
	}
	e.SetCursor(4<<30 - 1<<16)
	found := make(chan SearchReport, 1)
	e.SetSearchNotify(func(r SearchReport) {
		if r.Finished {
			found <- r
		}
	})
	if err := e.StartSearch(p, false); err != nil {
		t.Fatal(err)
	}
	if r := <-found; r.Err != nil || r.Offset != at {
		t.Fatalf("search found %#x, %v; want %#x", r.Offset, r.Err, int64(at))
	}

	if err := e.Undo(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := testdir.ReadAt(t, path, at, 2); got != "\x00\x00" {
		t.Errorf("file at 0x%X after undo = % x, want 00 00", int64(at), got)
	}
}
