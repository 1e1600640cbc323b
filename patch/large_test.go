package patch_test

import (
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/mmhex/mmhex/patch"
)

// scriptLines generates a patch script of n lines, "OFFSET 41", one every stride bytes, as it is
// read: a script of millions of lines costs the test no memory of its own.
type scriptLines struct {
	n, stride int
	line      int
	pending   []byte
}

func (s *scriptLines) Read(p []byte) (int, error) {
	for len(s.pending) < len(p) && s.line < s.n {
		s.pending = fmt.Appendf(s.pending, "%d 41\n", s.line*s.stride)
		s.line++
	}
	if len(s.pending) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.pending)
	s.pending = s.pending[:copy(s.pending, s.pending[n:])]
	return n, nil
}

// zeroFile is a Reader of size zero bytes that holds no memory.
type zeroFile struct{ size int64 }

func (z zeroFile) Size() int64 { return z.size }

func (z zeroFile) ReadAt(p []byte, off int64) (int, error) {
	clear(p)
	return len(p), nil
}

// parseAndPlan parses a generated script of n one-byte patches and plans it against a file of
// zeros, where every patch changes its byte.
func parseAndPlan(tb testing.TB, n int) (*patch.Entries, *patch.Plan) {
	tb.Helper()
	const stride = 1024
	entries, err := patch.ParseScript(&scriptLines{n: n, stride: stride}, "large.txt")
	if err != nil {
		tb.Fatal(err)
	}
	plan, err := patch.Prepare(zeroFile{size: int64(n) * stride}, entries)
	if err != nil {
		tb.Fatal(err)
	}
	return entries, plan
}

// heapPerPatchBound is the most heap a parsed and planned one-byte patch may hold: a script of
// MaxScriptPatches patches then stays near 256 MiB, and one of a million near 64 MiB.
const heapPerPatchBound = 64

// TestLargeScriptHeldCompactly parses and plans a script of 256Ki one-byte patches and checks
// the heap that the entries and the plan hold together, per patch.
func TestLargeScriptHeldCompactly(t *testing.T) {
	const n = 1 << 18
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	entries, plan := parseAndPlan(t, n)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if plan.Bytes() != n {
		t.Fatalf("the plan changes %d bytes, want %d", plan.Bytes(), n)
	}
	perPatch := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
	t.Logf("%.1f bytes of heap per patch", perPatch)
	if perPatch > heapPerPatchBound {
		t.Errorf("the entries and plan of %d one-byte patches hold %.1f bytes of heap per patch, want at most %d", n, perPatch, heapPerPatchBound)
	}
	runtime.KeepAlive(entries)
	runtime.KeepAlive(plan)
}

// BenchmarkParseLargeScript parses and plans a script of 256Ki one-byte patches and reports the
// time and the bytes allocated per patch.
func BenchmarkParseLargeScript(b *testing.B) {
	const n = 1 << 18
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	allocated := ms.TotalAlloc
	for b.Loop() {
		parseAndPlan(b, n)
	}
	runtime.ReadMemStats(&ms)
	patches := float64(b.N) * n
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/patches, "ns/patch")
	b.ReportMetric(float64(ms.TotalAlloc-allocated)/patches, "B/patch")
}
