package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/live"
	"github.com/mmhex/mmhex/mmap"
)

// Places past 2 GiB and 4 GiB, where an int of a 32-bit build (GOARCH=386 runs these tests)
// turns negative or wraps: each in a sparse file of size bytes, at a row start.
var pastTwoGiB = []struct {
	name     string
	size, at int64
}{
	{"past 2 GiB", 3 << 30, 0x90000000},
	{"past 4 GiB", 6 << 30, 0x1_2345_6780},
}

// openSparse maps a sparse file of size bytes read-write, with planted written at offset at.
func openSparse(t *testing.T, size, at int64, planted string) (*mmap.Mapping, string) {
	t.Helper()
	path := testdir.Sparse(t, size)
	testdir.WriteAt(t, path, at, planted)
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, path
}

// offsetDigits is the width of the view's offset column for a file of size bytes.
func offsetDigits(size int64) int {
	if size > 1<<32 {
		return 9
	}
	return 8
}

// offsetRow is how the view starts the row at off in a file of size bytes.
func offsetRow(size, off int64) string { return fmt.Sprintf("%0*x │ ", offsetDigits(size), off) }

// TestAppPastTwoAndFourGiB goes to an offset past 2 GiB (the reported crash on 386: "index out
// of range" in the view) and past 4 GiB, pages down, searches and fills a selection there.
func TestAppPastTwoAndFourGiB(t *testing.T) {
	const planted = "mmhex planted it"
	for _, tt := range pastTwoGiB {
		t.Run(tt.name, func(t *testing.T) {
			m, path := openSparse(t, tt.size, tt.at, planted)
			needle := tt.at + 0x12345
			testdir.WriteAt(t, path, needle, "needle")
			s := runSim(t, m, loadKeys(t, "default", ""), Options{})

			s.prompt(key(tcell.KeyCtrlG), "goto: ", fmt.Sprintf("%#x", tt.at))
			s.waitFor(offsetRow(tt.size, tt.at) + "6d 6d 68 65 78 20 70 6c  61 6e 74 65 64 20 69 74 │ mmhex planted it")
			s.waitFor(fmt.Sprintf("hex  0x%X (%d)", tt.at, tt.at))

			s.keys(key(tcell.KeyPgDn))
			s.waitForNot(fmt.Sprintf("hex  0x%X (%d)", tt.at, tt.at))
			cursor := s.a.ed.Cursor()
			if cursor <= tt.at {
				t.Fatalf("PgDn from %#x moved the cursor to %#x", tt.at, cursor)
			}
			s.waitFor(offsetRow(tt.size, cursor&^15))

			s.prompt(key(tcell.KeyCtrlF), "search hex: ", "6e 65 65 64 6c 65")
			s.waitFor(fmt.Sprintf("hex  0x%X (%d)", needle, needle))
			s.waitFor(offsetRow(tt.size, needle&^15))

			s.prompt(key(tcell.KeyCtrlG), "goto: ", fmt.Sprintf("%#x", tt.at+2))
			s.waitFor(fmt.Sprintf("hex  0x%X (%d)", tt.at+2, tt.at+2))
			s.keys(key(tcell.KeyCtrlT), key(tcell.KeyRight), key(tcell.KeyRight), key(tcell.KeyCtrlT))
			s.prompt(key(tcell.KeyCtrlL), "fill 3 bytes: ", "ee")
			s.waitFor(fmt.Sprintf("filled 3 bytes at 0x%X", tt.at+2))
			s.waitFor(offsetRow(tt.size, tt.at) + "6d 6d ee ee ee 20 70 6c")
			s.keys(key(tcell.KeyCtrlS))
			s.waitFor("flushed 3 bytes")
			if got, want := testdir.ReadAt(t, path, tt.at, 6), "mm\xee\xee\xee "; got != want {
				t.Errorf("the file holds %q at %#x, want %q", got, tt.at, want)
			}
		})
	}
}

// TestLivePastTwoAndFourGiB has live mode report a change another process makes past 2 GiB and
// past 4 GiB: highlighted in the view and listed in the changes panel at its offset.
func TestLivePastTwoAndFourGiB(t *testing.T) {
	for _, tt := range pastTwoGiB {
		t.Run(tt.name, func(t *testing.T) {
			m, path := openSparse(t, tt.size, tt.at, "")
			s := runLiveSim(t, m, live.Config{Label: filepath.Base(path), Window: 1 << 20}, "default")
			s.prompt(key(tcell.KeyCtrlG), "goto: ", fmt.Sprintf("%#x", tt.at))
			s.waitFor(fmt.Sprintf("hex  0x%X (%d)", tt.at, tt.at))
			s.a.liveTick() // the view left the watched window: a new one is taken around it
			if w := s.a.live.Watcher(); w.Offset() > tt.at || w.Offset()+w.Len() <= tt.at {
				t.Fatalf("watching [%#x, +%d), want a window around %#x", w.Offset(), w.Len(), tt.at)
			}

			poke(t, otherWriter(t, path), tt.at+4, 0x2A)
			s.a.liveTick()
			s.waitFor("1 change seen")
			screen := s.waitForRegexp(offsetRow(tt.size, tt.at) + "00 00 00 00 2a 00")
			row := -1
			for y, line := range strings.Split(screen, "\n") {
				if strings.HasPrefix(line, offsetRow(tt.size, tt.at)) {
					row = y
				}
			}
			if x := hexX(4) + offsetDigits(tt.size) - 8; !isForeign(s.background(x, row)) {
				t.Errorf("the changed byte %#x is not highlighted as a foreign change", tt.at+4)
			}
			s.keys(key(tcell.KeyCtrlO))
			s.waitFor(fmt.Sprintf("0x%08X  00 → 2a", tt.at+4))
		})
	}
}
