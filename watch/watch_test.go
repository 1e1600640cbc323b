package watch_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/mmhex/mmhex/watch"
)

// memSource is a Source over a byte slice that hands out chunks of at most chunk bytes (all at
// once when chunk is 0), honouring Scan's overlap, and fails with failure once a chunk reaches
// failAt, the way a mapping faults on a truncated file.
type memSource struct {
	data    []byte
	chunk   int
	failAt  int64
	failure error
	scanned int64 // bytes handed out, overlap included
}

var errFault = errors.New("fault")

func newSource(data []byte) *memSource { return &memSource{data: data, failAt: -1} }

func (s *memSource) Size() int64 { return int64(len(s.data)) }

func (s *memSource) Scan(off, length int64, overlap int, fn func([]byte, int64) error) error {
	if off < 0 || length < 0 || off+length > int64(len(s.data)) {
		return fmt.Errorf("scan [%d, +%d) past the end of %d bytes", off, length, len(s.data))
	}
	step := length
	if s.chunk > 0 {
		step = int64(s.chunk)
	}
	for start := off; start < off+length; start += step {
		end := min(start+step, off+length)
		from := start
		if start > off {
			from = max(off, start-int64(overlap))
		}
		if s.failAt >= 0 && end > s.failAt {
			return s.failure
		}
		s.scanned += end - from
		if err := fn(s.data[from:end], from); err != nil {
			return err
		}
	}
	return nil
}

// reference is the obvious byte-by-byte diff the block diff must agree with.
func reference(off int64, old, cur []byte) []watch.Run {
	var runs []watch.Run
	for i := 0; i < len(old); i++ {
		if old[i] == cur[i] {
			continue
		}
		j := i
		for j < len(old) && old[j] != cur[j] {
			j++
		}
		runs = append(runs, watch.Run{Offset: off + int64(i), Old: bytes.Clone(old[i:j]), New: bytes.Clone(cur[i:j])})
		i = j
	}
	return runs
}

func mustNew(t *testing.T, src watch.Source, off, length int64) *watch.Watcher {
	t.Helper()
	w, err := watch.New(src, off, length)
	if err != nil {
		t.Fatalf("New(%d, %d): %v", off, length, err)
	}
	return w
}

func checkRuns(t *testing.T, what string, got, want []watch.Run) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got runs\n%s\nwant\n%s", what, formatRuns(got), formatRuns(want))
	}
}

func formatRuns(runs []watch.Run) string {
	var b bytes.Buffer
	for _, r := range runs {
		fmt.Fprintf(&b, "  %d: %x -> %x\n", r.Offset, r.Old, r.New)
	}
	return b.String()
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	return b
}

func TestPollReportsContiguousRuns(t *testing.T) {
	const size = 3*4096 + 37
	orig := pattern(size)
	type write struct {
		off  int
		data []byte
	}
	tests := []struct {
		name   string
		setup  []write // before the snapshot is taken
		writes []write // after it
		want   []watch.Run
	}{
		{"nothing changed", nil, nil, nil},
		{"one byte", nil, []write{{10, []byte{0xEE}}}, []watch.Run{{10, orig[10:11], []byte{0xEE}}}},
		{"same value written back", nil, []write{{10, orig[10:11]}}, nil},
		{"changed and changed back", nil, []write{{10, []byte{0}}, {10, orig[10:11]}}, nil},
		{"int32 999 to 1000: only the low byte differs", []write{{0, []byte{0xE7, 3, 0, 0}}}, []write{{0, []byte{0xE8, 3, 0, 0}}},
			[]watch.Run{{0, []byte{0xE7}, []byte{0xE8}}}},
		{"two runs split by one equal byte", nil, []write{{20, []byte{0, 0}}, {23, []byte{0}}},
			[]watch.Run{{20, orig[20:22], []byte{0, 0}}, {23, orig[23:24], []byte{0}}}},
		{"adjacent writes form one run", nil, []write{{30, []byte{1}}, {31, []byte{2}}},
			[]watch.Run{{30, orig[30:32], []byte{1, 2}}}},
		{"across a block edge", nil, []write{{4094, []byte{0xF0, 0xF1, 0xF2, 0xF3}}},
			[]watch.Run{{4094, orig[4094:4098], []byte{0xF0, 0xF1, 0xF2, 0xF3}}}},
		{"whole block rewritten", nil, []write{{4096, bytes.Repeat([]byte{0xAB}, 4096)}},
			// orig holds 0xAB where 7i+3 = 0xAB (mod 256), at i = 24 (mod 256): those bytes stay.
			rewrittenRuns(orig, 4096, 8192, 0xAB)},
		{"run over a whole block and beyond", nil, []write{{4090, bytes.Repeat([]byte{0x5A}, 4200)}},
			rewrittenRuns(orig, 4090, 8290, 0x5A)},
		{"last bytes", nil, []write{{size - 3, []byte{9, 9, 9}}}, []watch.Run{{size - 3, orig[size-3:], []byte{9, 9, 9}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newSource(pattern(size))
			for _, wr := range tt.setup {
				copy(src.data[wr.off:], wr.data)
			}
			w := mustNew(t, src, 0, size)
			for _, wr := range tt.writes {
				copy(src.data[wr.off:], wr.data)
			}
			got, err := w.Poll()
			if err != nil {
				t.Fatal(err)
			}
			checkRuns(t, "first poll", got, tt.want)
			again, err := w.Poll()
			if err != nil {
				t.Fatal(err)
			}
			checkRuns(t, "second poll, nothing new", again, nil)
		})
	}
}

// rewrittenRuns lists the runs that filling [start, end) of orig with b makes, worked out by hand
// rather than by a diff: every byte changes except those orig already holds as b.
func rewrittenRuns(orig []byte, start, end int, b byte) []watch.Run {
	var runs []watch.Run
	for i := start; i < end; {
		if orig[i] == b {
			i++
			continue
		}
		j := i
		for j < end && orig[j] != b {
			j++
		}
		runs = append(runs, watch.Run{Offset: int64(i), Old: orig[i:j], New: bytes.Repeat([]byte{b}, j-i)})
		i = j
	}
	return runs
}

// TestPollMatchesReference checks the block diff against the byte-by-byte one on random changes,
// with the memory handed out whole and in small chunks that cut runs and blocks anywhere.
func TestPollMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 7, 8, 4095, 4096, 4097, 5*4096 + 13} {
		for _, chunk := range []int{0, 1, 5, 4096, 10007} {
			t.Run(fmt.Sprintf("size %d chunk %d", size, chunk), func(t *testing.T) {
				src := newSource(pattern(size))
				src.chunk = chunk
				w := mustNew(t, src, 0, int64(size))
				for round := range 20 {
					before := bytes.Clone(src.data)
					for range r.IntN(6) {
						at := r.IntN(size)
						n := min(1+r.IntN(40), size-at)
						for k := range n {
							if r.IntN(4) != 0 {
								src.data[at+k] = byte(r.Uint32())
							}
						}
					}
					got, err := w.Poll()
					if err != nil {
						t.Fatal(err)
					}
					checkRuns(t, fmt.Sprintf("round %d", round), got, reference(0, before, src.data))
				}
			})
		}
	}
}

func TestPollRangeAndOffset(t *testing.T) {
	src := newSource(pattern(10000))
	w := mustNew(t, src, 1000, 5000) // watches [1000, 6000)
	if w.Offset() != 1000 || w.Len() != 5000 {
		t.Fatalf("Offset, Len = %d, %d; want 1000, 5000", w.Offset(), w.Len())
	}
	for _, off := range []int{500, 999, 1000, 2000, 5999, 6000, 9000} {
		src.data[off] ^= 0xFF
	}
	got, err := w.PollRange(0, 2001) // clipped to [1000, 2001)
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, "PollRange(0, 2001)", got, []watch.Run{
		{1000, []byte{pattern(10000)[1000]}, []byte{src.data[1000]}},
		{2000, []byte{pattern(10000)[2000]}, []byte{src.data[2000]}},
	})
	got, err = w.Poll()
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, "Poll after PollRange reports only the rest", got, []watch.Run{
		{5999, []byte{pattern(10000)[5999]}, []byte{src.data[5999]}},
	})
	if got, err := w.PollRange(7000, 100); err != nil || got != nil {
		t.Errorf("PollRange outside the watched range = %v, %v; want nothing", got, err)
	}
}

func TestPollNextSweepsRoundRobin(t *testing.T) {
	const size, budget = 10000, 4096
	src := newSource(pattern(size))
	w := mustNew(t, src, 0, size)
	src.scanned = 0
	src.data[100] ^= 1  // in the first slice
	src.data[9999] ^= 1 // in the third
	var seen []int64
	for call := range 6 {
		before := src.scanned
		runs, err := w.PollNext(budget)
		if err != nil {
			t.Fatal(err)
		}
		if n := src.scanned - before; n > budget {
			t.Fatalf("call %d read %d bytes, over the budget of %d", call, n, budget)
		}
		for _, r := range runs {
			seen = append(seen, r.Offset)
		}
		if call == 2 {
			src.data[5000] ^= 1 // behind the sweep: seen on the next lap
		}
	}
	if want := []int64{100, 9999, 5000}; !reflect.DeepEqual(seen, want) {
		t.Errorf("PollNext saw changes at %v, want %v in that order", seen, want)
	}
	if src.scanned != 2*size {
		t.Errorf("six calls of %d bytes over %d bytes read %d bytes, want two laps (%d)", budget, size, src.scanned, 2*size)
	}
}

// writerAt records writes into a memSource's bytes, as the mapping would.
type writerAt struct{ src *memSource }

func (w writerAt) WriteAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > int64(len(w.src.data)) {
		return 0, errors.New("past the end")
	}
	return copy(w.src.data[off:], p), nil
}

func TestAbsorbHidesOwnWrites(t *testing.T) {
	src := newSource(pattern(8192))
	w := mustNew(t, src, 0, 4096)
	if n, err := w.Absorb(writerAt{src}, []byte("mine"), 100); n != 4 || err != nil {
		t.Fatalf("Absorb = %d, %v; want 4, nil", n, err)
	}
	if n, err := w.Absorb(writerAt{src}, []byte("edge"), 4094); n != 4 || err != nil {
		t.Fatalf("Absorb across the range's end = %d, %v; want 4, nil", n, err)
	}
	if got := string(src.data[100:104]) + string(src.data[4094:4098]); got != "mineedge" {
		t.Fatalf("memory holds %q, want the absorbed writes written through", got)
	}
	src.data[104] = 0 // a foreign change right next to our own
	got, err := w.Poll()
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, "poll after own writes", got, []watch.Run{{104, []byte{pattern(8192)[104]}, []byte{0}}})
	if _, err := w.Absorb(writerAt{src}, []byte("x"), 9000); err == nil {
		t.Error("Absorb past the end succeeded, want the writer's error")
	}
}

func TestExtend(t *testing.T) {
	src := newSource(pattern(100))
	w := mustNew(t, src, 10, 50)
	src.data = append(src.data, make([]byte, 100)...) // the file grew
	src.data[150] = 1
	if err := w.Extend(140); err != nil {
		t.Fatal(err)
	}
	if got, err := w.Poll(); err != nil || len(got) != 0 {
		t.Fatalf("poll after Extend = %v, %v; want no runs: the new bytes are the baseline", got, err)
	}
	src.data[149] = 2
	got, err := w.Poll()
	if err != nil {
		t.Fatal(err)
	}
	checkRuns(t, "change in the extension", got, []watch.Run{{149, []byte{0}, []byte{2}}})
	for _, bad := range []int64{10, 191} {
		if err := w.Extend(bad); err == nil {
			t.Errorf("Extend(%d) succeeded, want an error", bad)
		}
	}
}

// hugeSource claims a size it does not hold, to check the limit before any allocation.
type hugeSource struct{ *memSource }

func (hugeSource) Size() int64 { return watch.MaxLength + 1 }

func TestNewRejectsBadRanges(t *testing.T) {
	src := newSource(pattern(100))
	for _, r := range []struct{ off, length int64 }{{-1, 10}, {0, 101}, {90, 11}, {101, 0}, {0, -1}} {
		if _, err := watch.New(src, r.off, r.length); err == nil {
			t.Errorf("New(%d, %d) over 100 bytes succeeded, want an error", r.off, r.length)
		}
	}
	if _, err := watch.New(hugeSource{newSource(nil)}, 0, watch.MaxLength+1); !errors.Is(err, watch.ErrTooLarge) {
		t.Errorf("New over MaxLength+1 bytes = %v, want ErrTooLarge", err)
	}
	if w, err := watch.New(src, 100, 0); err != nil {
		t.Errorf("New of an empty range at the end = %v, want success", err)
	} else if runs, err := w.Poll(); err != nil || runs != nil {
		t.Errorf("Poll of an empty range = %v, %v", runs, err)
	}
}

func TestFaultReturnsRunsSeenBeforeIt(t *testing.T) {
	src := newSource(pattern(3 * 4096))
	src.chunk = 4096
	w := mustNew(t, src, 0, 3*4096)
	src.data[10] = 0
	src.failAt, src.failure = 2*4096, errFault
	runs, err := w.Poll()
	if !errors.Is(err, errFault) {
		t.Fatalf("Poll = %v, want the source's fault", err)
	}
	checkRuns(t, "runs before the fault", runs, []watch.Run{{10, pattern(11)[10:11], []byte{0}}})
}

func TestBudget(t *testing.T) {
	tests := []struct {
		interval time.Duration
		want     int64
	}{
		{time.Second, watch.ScanRate},
		{50 * time.Millisecond, watch.ScanRate / 20},
		{time.Millisecond, watch.ScanRate / 1000},
		{time.Microsecond, 4096},
	}
	for _, tt := range tests {
		if got := watch.Budget(tt.interval); got != tt.want {
			t.Errorf("Budget(%v) = %d, want %d", tt.interval, got, tt.want)
		}
	}
}
