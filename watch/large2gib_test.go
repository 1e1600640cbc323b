package watch

import (
	"fmt"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// TestWatchAcrossTwoGiB watches a range across 2 GiB, where an int of a 32-bit build turns
// negative, and finds changes there with Poll, PollRange and PollNext. The file is sparse; the
// changes are made through the file, not the mapping.
func TestWatchAcrossTwoGiB(t *testing.T) {
	const start, length = 1<<31 - 512<<10, 1 << 20
	path := testdir.Sparse(t, 3<<30)
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	w, err := New(m, start, length)
	if err != nil {
		t.Fatal(err)
	}
	show := func(runs []Run) string {
		s := ""
		for _, r := range runs {
			s += fmt.Sprintf("%#x: % x -> % x; ", r.Offset, r.Old, r.New)
		}
		return s
	}

	testdir.WriteAt(t, path, 1<<31-1, "\x11\x22")
	testdir.WriteAt(t, path, 0x80040000, "\x33")
	runs, err := w.Poll()
	if got, want := show(runs), "0x7fffffff: 00 00 -> 11 22; 0x80040000: 00 -> 33; "; err != nil || got != want {
		t.Errorf("Poll = %s%v; want %s", got, err, want)
	}

	testdir.WriteAt(t, path, 0x80000010, "\x44")
	testdir.WriteAt(t, path, 0x80050000, "\x55")
	runs, err = w.PollRange(0x80000000, 0x100)
	if got, want := show(runs), "0x80000010: 00 -> 44; "; err != nil || got != want {
		t.Errorf("PollRange over 0x80000000 = %s%v; want %s", got, err, want)
	}
	var swept []Run
	for range length / (256 << 10) {
		runs, err := w.PollNext(256 << 10)
		if err != nil {
			t.Fatal(err)
		}
		swept = append(swept, runs...)
	}
	if got, want := show(swept), "0x80050000: 00 -> 55; "; got != want {
		t.Errorf("a PollNext sweep = %s want %s", got, want)
	}
}
