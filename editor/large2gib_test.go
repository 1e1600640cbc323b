package editor

import (
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// Offsets around 2 GiB and 4 GiB, where an int of a 32-bit build (GOARCH=386 runs these tests)
// turns negative or wraps to zero. The files are sparse.
var pastTwoGiB = []struct {
	name string
	at   int64
}{
	{"across 2 GiB", 1<<31 - 3},
	{"past 2 GiB", 0x90000007},
	{"across 4 GiB", 1<<32 - 3},
	{"past 4 GiB", 0x1_2345_6789},
}

// TestSearchPastTwoAndFourGiB searches forward and backward for needles planted across and past
// 2 GiB and 4 GiB, each from a megabyte away, and checks the match and its highlight.
func TestSearchPastTwoAndFourGiB(t *testing.T) {
	path := testdir.Sparse(t, 6<<30)
	for i, tt := range pastTwoGiB {
		testdir.WriteAt(t, path, tt.at, "needle-"+string(rune('A'+i)))
	}
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	e := New(m)
	e.ViewState(4, 16)
	found := make(chan SearchReport, 1)
	e.SetSearchNotify(func(r SearchReport) {
		if r.Finished {
			found <- r
		}
	})
	for i, tt := range pastTwoGiB {
		needle := "needle-" + string(rune('A'+i))
		p, err := TextPattern(needle, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, backward := range []bool{false, true} {
			from := tt.at - 1<<20 + 3
			if backward {
				from = tt.at + 1<<20 + 3
			}
			e.SetCursor(from)
			if err := e.StartSearch(p, backward); err != nil {
				t.Fatal(err)
			}
			r := <-found
			if r.Err != nil || r.Offset != tt.at || r.Wrapped {
				t.Errorf("%s: search (backward %v) from %#x found %#x (wrapped %v), %v; want %#x",
					tt.name, backward, from, r.Offset, r.Wrapped, r.Err, tt.at)
				continue
			}
			if got := e.Cursor(); got != tt.at {
				t.Errorf("%s: cursor at %#x after the search, want %#x", tt.name, got, tt.at)
			}
			want := Range{tt.at, tt.at + int64(len(needle))}
			var matches []Range
			for _, h := range e.ViewState(4, 16).Highlights {
				if h.Kind == HighlightMatch {
					matches = append(matches, h.Range)
				}
			}
			if len(matches) != 1 || matches[0] != want {
				t.Errorf("%s: match highlights %#x, want [%#x]", tt.name, matches, want)
			}
		}
	}
}

// TestFillPastTwoAndFourGiB fills selections across and past 2 GiB and 4 GiB, reads the bytes
// back from the file, and undoes each fill. One fill is larger than the chunk a fill writes at a
// time, so its chunks cross 2 GiB.
func TestFillPastTwoAndFourGiB(t *testing.T) {
	path := testdir.Sparse(t, 6<<30)
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	e := New(m)
	e.ViewState(4, 16)
	type fill struct {
		name string
		sel  Range
	}
	fills := []fill{{"3 MiB across 2 GiB", Range{1<<31 - 1<<20 - 1, 1<<31 + 2<<20}}}
	for _, tt := range pastTwoGiB {
		fills = append(fills, fill{tt.name, Range{tt.at - 5, tt.at + 6}})
	}
	for _, f := range fills {
		e.Select(f.sel)
		if err := e.Fill([]byte{0xAB, 0xCD}); err != nil {
			t.Fatalf("%s: Fill: %v", f.name, err)
		}
		if _, err := e.Flush(); err != nil {
			t.Fatal(err)
		}
		n := f.sel.Len()
		got := testdir.ReadAt(t, path, f.sel.Start-1, int(n)+2)
		want := "\x00" + strings.Repeat("\xab\xcd", int(n+1)/2)[:n] + "\x00"
		if got != want {
			t.Errorf("%s: the file holds % x… at %#x, want % x…", f.name, head(got), f.sel.Start-1, head(want))
		}

		if err := e.Undo(); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := testdir.ReadAt(t, path, f.sel.Start, int(n)); strings.Trim(got, "\x00") != "" {
			t.Errorf("%s: the file holds % x… at %#x after undo, want zeros", f.name, head(got), f.sel.Start)
		}
	}
}

// head cuts long byte strings for a message.
func head(s string) []byte { return []byte(s[:min(len(s), 32)]) }
