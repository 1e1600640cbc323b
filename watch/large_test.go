package watch

import (
	"os"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// TestWatchPastFourGiB watches a range beyond 4 GiB, which a 32-bit build reaches through moving
// windows. The file is sparse; the change is made with write(2), not through the mapping.
func TestWatchPastFourGiB(t *testing.T) {
	const size, start = 6 << 30, 5<<30 + 4096
	path := testdir.Sparse(t, size)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	w, err := New(m, start, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xAB, 0xCD}, start+10); err != nil {
		t.Fatal(err)
	}
	runs, err := w.Poll()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Offset != start+10 || string(runs[0].Old) != "\x00\x00" || string(runs[0].New) != "\xab\xcd" {
		t.Fatalf("Poll = %+v, want one run at %#x: 00 00 -> ab cd", runs, int64(start+10))
	}
}
