package live

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/watch"
)

// gatedSource is memory whose first Scan, once it has copied the bytes, waits for gate: a
// watcher's snapshot taken, not yet in place.
type gatedSource struct {
	mu      sync.Mutex
	mem     []byte
	gated   atomic.Bool
	copied  chan struct{}
	gate    chan struct{}
	scanned atomic.Int64
}

func (g *gatedSource) Size() int64 { return int64(len(g.mem)) }

func (g *gatedSource) CurrentSize() (int64, error) { return g.Size(), nil }

func (g *gatedSource) Scan(off, length int64, _ int, fn func(chunk []byte, at int64) error) error {
	g.mu.Lock()
	err := fn(g.mem[off:off+length], off)
	g.mu.Unlock()
	g.scanned.Add(length)
	if g.gated.CompareAndSwap(true, false) {
		close(g.copied)
		<-g.gate
	}
	return err
}

func (g *gatedSource) WriteAt(p []byte, off int64) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return copy(g.mem[off:], p), nil
}

// TestLiveWritesDuringSnapshot checks that a write of the user's made while a new watcher takes
// its snapshot is not reported as a change.
func TestLiveWritesDuringSnapshot(t *testing.T) {
	g := &gatedSource{mem: make([]byte, 1<<16), copied: make(chan struct{}), gate: make(chan struct{})}
	g.gated.Store(true)
	l := &Live{src: g, window: 1 << 16, interval: time.Millisecond, budget: watch.Budget(time.Millisecond)}
	built := make(chan error, 1)
	go func() { built <- l.build(0, 1<<16) }()
	<-g.copied
	if _, err := l.absorb([]byte{1, 2, 3}, 0x100); err != nil {
		t.Fatal(err)
	}
	close(g.gate)
	if err := <-built; err != nil {
		t.Fatal(err)
	}
	if runs, err := l.poll(editor.Range{}); err != nil || len(runs) != 0 {
		t.Fatalf("after a write during the snapshot, poll found %d runs (%v), want none", len(runs), err)
	}
	g.WriteAt([]byte{9}, 0x200) // another process
	runs, err := l.poll(editor.Range{})
	if err != nil || len(runs) != 1 || runs[0].Offset != 0x200 {
		t.Fatalf("poll found %v (%v), want the one change at 0x200", runs, err)
	}
}

func TestLiveBudgetBoundsEachTick(t *testing.T) {
	g := &gatedSource{mem: make([]byte, 1<<20)}
	l := &Live{src: g, window: 1 << 20, interval: time.Millisecond, budget: 64 << 10}
	if _, err := l.poll(editor.Range{}); err != nil { // the first poll takes the snapshot
		t.Fatal(err)
	}
	for range 3 {
		before := g.scanned.Load()
		if _, err := l.poll(editor.Range{Start: 0x1000, End: 0x1000 + 640}); err != nil {
			t.Fatal(err)
		}
		if got, want := g.scanned.Load()-before, int64(640+64<<10); got != want {
			t.Errorf("one poll read %d bytes, want %d: the visible 640 and the budget", got, want)
		}
	}
}

func TestChangeLog(t *testing.T) {
	var c ChangeLog
	seen := time.Date(2025, 1, 2, 15, 4, 5, 6e6, time.Local)
	long := watch.Run{Offset: 0x40, Old: make([]byte, 20), New: bytes.Repeat([]byte{0xAB}, 20)}
	c.Add([]watch.Run{{Offset: 0x10, Old: []byte{1}, New: []byte{2}}, long}, seen)
	got := c.Newest()
	want := []string{
		"15:04:05.006  0x00000010  01 → 02",
		"15:04:05.006  0x00000040  0000000000000000… → abababababababab… (20 bytes)",
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("entry %d = %q, want %q", i, got[i], want[i])
		}
	}

	for i := range ChangesKept + 5 {
		c.Add([]watch.Run{{Offset: int64(i), Old: []byte{0}, New: []byte{1}}}, seen)
	}
	got = c.Newest()
	if len(got) != ChangesKept || c.Total() != ChangesKept+7 {
		t.Fatalf("%d entries kept of %d, want %d of %d", len(got), c.Total(), ChangesKept, ChangesKept+7)
	}
	if got[0].Off != ChangesKept+4 || got[len(got)-1].Off != 5 {
		t.Errorf("kept offsets %d down to %d, want %d down to 5", got[0].Off, got[len(got)-1].Off, ChangesKept+4)
	}
}

// BenchmarkLiveTick measures one tick of live mode over a 64 MiB file for a 200x60 terminal
// (59 rows of 16 bytes on screen) at the default interval: the visible rows and one budget's
// slice of the rest are compared. "idle" finds nothing; "change" finds one changed byte on screen
// and marks it in the editor; "visible-only" leaves the sweep out.
func BenchmarkLiveTick(b *testing.B) {
	path := filepath.Join(testdir.New(b), "data.bin")
	data := bytes.Repeat([]byte("mmhex live "), (64<<20)/11+1)[:64<<20]
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	other, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	defer other.Close()
	l := New(m, Config{Label: "data.bin", Interval: DefaultInterval})
	ed := editor.New(Storage{Mapping: m, Live: l})
	noFade := func() bool { return false }
	const top, rows, cols = 32 << 20, 59, 16
	// The view shows rows x cols bytes from top: the cursor on its last row.
	ed.SetCursor(top + (rows-1)*cols)
	ed.ViewState(rows, cols)
	if got := ed.Visible(); got.Start != top {
		b.Fatalf("the view shows %v, want it from 0x%X", got, top)
	}
	l.Tick(ed, noFade)
	budget := l.budget
	b.Run("idle", func(b *testing.B) {
		for b.Loop() {
			l.Tick(ed, noFade)
		}
		b.ReportMetric(float64(budget)/(1<<20), "MiB-swept/op")
	})
	b.Run("change", func(b *testing.B) {
		var one [1]byte
		for b.Loop() {
			one[0]++
			other.WriteAt(one[:], top+100)
			l.Tick(ed, noFade)
		}
		b.ReportMetric(float64(budget)/(1<<20), "MiB-swept/op")
	})
	// The visible rows alone: a budget of one byte leaves the sweep out.
	l.budget = 1
	b.Run("visible-only", func(b *testing.B) {
		for b.Loop() {
			l.Tick(ed, noFade)
		}
	})
}
