package splice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// spliced returns before with del bytes at off replaced by ins.
func spliced(before []byte, off, del int, ins []byte) []byte {
	after := append([]byte{}, before[:off]...)
	after = append(after, ins...)
	return append(after, before[off+del:]...)
}

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(syncFreeDir(t), "data.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func open(t *testing.T, path string) *mmap.Mapping {
	t.Helper()
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// syncFreeDir returns a temporary directory where fsync costs nothing (tmpfs, on Linux), for the
// tests that splice small files thousands of times: their crashes are those of a process (the
// bytes written are in the page cache), which syncs make no difference to.
func syncFreeDir(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		return testdir.New(t)
	}
	dir, err := os.MkdirTemp("/dev/shm", "mmhex-splice-test-")
	if err != nil {
		return testdir.New(t)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// testChunk is small, so that the files of the tests take many steps to move.
const testChunk = 16

// spliceCase is one operation on a file of size bytes.
type spliceCase struct {
	name           string
	size, off, del int
	ins            []byte
}

var spliceCases = []spliceCase{
	{"insert at the start", 100, 0, 0, []byte{0xaa}},
	{"insert in the middle", 100, 37, 0, []byte("inserted")},
	{"insert at the end", 100, 100, 0, []byte("appended")},
	{"insert more than a chunk", 100, 10, 0, bytes.Repeat([]byte{0xbb}, 40)},
	{"insert into an empty file", 0, 0, 0, []byte("new")},
	{"delete at the start", 100, 0, 1, nil},
	{"delete in the middle", 100, 50, 7, nil},
	{"delete at the end", 100, 90, 10, nil},
	{"delete more than a chunk", 100, 5, 40, nil},
	{"delete everything", 100, 0, 100, nil},
	{"replace, growing", 100, 20, 3, []byte("12345")},
	{"replace, shrinking", 100, 20, 5, []byte("123")},
	{"replace, same size", 100, 20, 4, []byte("abcd")},
}

func TestSplice(t *testing.T) {
	for _, tc := range spliceCases {
		t.Run(tc.name, func(t *testing.T) {
			before := randomBytes(tc.size, uint64(tc.size+tc.off))
			path := writeFile(t, before)
			m := open(t, path)
			defer m.Close()
			var steps int
			opts := Options{Chunk: testChunk, Progress: func(Progress) { steps++ }}
			if err := Splice(context.Background(), m, int64(tc.off), int64(tc.del), tc.ins, opts); err != nil {
				t.Fatal(err)
			}
			want := spliced(before, tc.off, tc.del, tc.ins)
			if m.Size() != int64(len(want)) {
				t.Errorf("Size() = %d, want %d", m.Size(), len(want))
			}
			if got := readFile(t, path); !bytes.Equal(got, want) {
				t.Errorf("file after the splice differs from the expected bytes (%d bytes, want %d)", len(got), len(want))
			}
			if tail := tc.size - tc.off - tc.del; tc.del != len(tc.ins) && steps != (tail+testChunk-1)/testChunk {
				t.Errorf("%d progress calls for a %d-byte move, want one per %d-byte chunk", steps, tail, testChunk)
			}
			if _, err := os.Stat(JournalPath(path)); !os.IsNotExist(err) {
				t.Errorf("journal after a complete splice: %v, want none", err)
			}
		})
	}
}

// crashAt returns a crash hook that stops the operation at the k-th crash point it reaches (from
// 1), and a counter of the points reached.
func crashAt(k int) (func(string) bool, *int) {
	n := 0
	return func(string) bool { n++; return n == k }, &n
}

// checkRecovered runs Recover on the file after a crash and checks that it is byte for byte
// the state after the operation or the one before, as the report says, and the journal is gone.
func checkRecovered(t *testing.T, path string, before, after []byte) Outcome {
	t.Helper()
	r, err := Recover(path)
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	got := readFile(t, path)
	switch {
	case r.Outcome == Completed && !bytes.Equal(got, after):
		t.Fatalf("%s, but the file is not the state after it (%d bytes, want %d)", r, len(got), len(after))
	case (r.Outcome == RolledBack || r.Outcome == Discarded) && !bytes.Equal(got, before):
		t.Fatalf("%s, but the file is not the state before it (%d bytes, want %d)", r, len(got), len(before))
	case r.Outcome == NothingPending:
		t.Fatalf("Recover after a crash found no journal")
	}
	if _, err := os.Stat(JournalPath(path)); !os.IsNotExist(err) {
		t.Fatalf("journal after recovery: %v, want none", err)
	}
	return r.Outcome
}

// TestCrashAtEveryPoint stops each operation at every point where a crash must be survivable —
// after the journal is written, after growing, after each chunk's record, halfway through its
// bytes, after its bytes, after the move, after the inserted bytes, after resizing, after the
// flush — as kill -9 would (the bytes written so far are in the page cache, nothing is cleaned
// up), then recovers, and the file must be byte for byte the state after the operation.
func TestCrashAtEveryPoint(t *testing.T) {
	for _, tc := range spliceCases {
		t.Run(tc.name, func(t *testing.T) {
			before := randomBytes(tc.size, uint64(tc.size+tc.off))
			after := spliced(before, tc.off, tc.del, tc.ins)
			for k := 1; ; k++ {
				path := writeFile(t, before)
				m := open(t, path)
				crash, reached := crashAt(k)
				err := Splice(context.Background(), m, int64(tc.off), int64(tc.del), tc.ins, Options{Chunk: testChunk, crash: crash})
				m.Close()
				if err == nil {
					if *reached >= k {
						t.Fatalf("the crash at point %d did not stop the splice", k)
					}
					if got := readFile(t, path); !bytes.Equal(got, after) {
						t.Fatal("the splice without a crash left the wrong bytes")
					}
					break
				}
				if !errors.Is(err, errCrashed) {
					t.Fatalf("crash at point %d: %v", k, err)
				}
				if got := checkRecovered(t, path, before, after); got != Completed {
					t.Fatalf("crash at point %d: recovery outcome %v, want Completed", k, got)
				}
			}
		})
	}
}

// TestCrashDuringRecovery crashes the recovery too, at every point, and recovers again.
func TestCrashDuringRecovery(t *testing.T) {
	for _, tc := range []spliceCase{spliceCases[1], spliceCases[6], spliceCases[10]} {
		t.Run(tc.name, func(t *testing.T) {
			before := randomBytes(tc.size, 9)
			after := spliced(before, tc.off, tc.del, tc.ins)
			for k := 2; k < 40; k += 3 {
				for r := 1; ; r++ {
					path := writeFile(t, before)
					m := open(t, path)
					crash, _ := crashAt(k)
					err := Splice(context.Background(), m, int64(tc.off), int64(tc.del), tc.ins, Options{Chunk: testChunk, crash: crash})
					m.Close()
					if err == nil {
						return
					}
					m = open(t, path)
					crash, _ = crashAt(r)
					_, err = recoverFile(m, Options{crash: crash})
					m.Close()
					if err == nil {
						break
					}
					if !errors.Is(err, errCrashed) {
						t.Fatalf("crash at %d, recovery crashed at %d: %v", k, r, err)
					}
					checkRecovered(t, path, before, after)
				}
			}
		})
	}
}

// TestCancel cancels each operation after every step of its move: the file must be as before,
// and the error must say so (after the last step there is nothing to roll back: the operation
// completes). It crashes the rollback at every point too: recovery then finishes
// the rollback (or, before the journal says it began, the operation).
func TestCancel(t *testing.T) {
	for _, tc := range spliceCases {
		t.Run(tc.name, func(t *testing.T) {
			before := randomBytes(tc.size, uint64(tc.size+tc.off))
			after := spliced(before, tc.off, tc.del, tc.ins)
			for stop := 1; stop <= (tc.size+testChunk-1)/testChunk; stop++ {
				for k := 0; ; k++ {
					path := writeFile(t, before)
					m := open(t, path)
					ctx, cancel := context.WithCancel(context.Background())
					steps, canceled := 0, false
					opts := Options{Chunk: testChunk}
					opts.Progress = func(p Progress) {
						if steps++; steps == stop {
							cancel()
							canceled = true
						}
					}
					points := 0
					opts.crash = func(string) bool {
						if canceled {
							points++
						}
						return k > 0 && points == k
					}
					err := Splice(ctx, m, int64(tc.off), int64(tc.del), tc.ins, opts)
					m.Close()
					cancel()
					if !canceled {
						return // the move took fewer steps
					}
					if errors.Is(err, errCrashed) {
						checkRecovered(t, path, before, after)
						continue
					}
					if err == nil {
						// Canceled after the last step: the move was done, so was the rest.
						if got := readFile(t, path); !bytes.Equal(got, after) {
							t.Fatalf("cancel after the last step: the file is not the state after the splice")
						}
						break
					}
					if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
						t.Fatalf("cancel after step %d: %v, want ErrCanceled", stop, err)
					}
					if got := readFile(t, path); !bytes.Equal(got, before) {
						t.Fatalf("cancel after step %d: the file is not as before", stop)
					}
					if _, err := os.Stat(JournalPath(path)); !os.IsNotExist(err) {
						t.Fatalf("journal after a cancel: %v, want none", err)
					}
					break
				}
			}
		})
	}
}

func TestRecoverDiscardsAnIncompleteJournal(t *testing.T) {
	before := randomBytes(100, 1)
	path := writeFile(t, before)
	if err := os.WriteFile(JournalPath(path), []byte("MMHEXJ01 torn"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Recover(path)
	if err != nil || r.Outcome != Discarded {
		t.Fatalf("Recover = %v, %v; want Discarded", r, err)
	}
	if got := readFile(t, path); !bytes.Equal(got, before) {
		t.Error("the file changed")
	}
	if _, err := os.Stat(JournalPath(path)); !os.IsNotExist(err) {
		t.Errorf("journal after Discarded: %v, want none", err)
	}
}

// TestRecoverRefusesAChangedFile: a journal whose file has a size neither before nor after its
// operation belongs to another file now; nothing is written.
func TestRecoverRefusesAChangedFile(t *testing.T) {
	before := randomBytes(100, 1)
	path := writeFile(t, before)
	m := open(t, path)
	crash, _ := crashAt(4)
	err := Splice(context.Background(), m, 10, 0, []byte("xyz"), Options{Chunk: testChunk, crash: crash})
	m.Close()
	if !errors.Is(err, errCrashed) {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("another file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Recover(path); err == nil {
		t.Fatal("Recover of a file that changed size succeeded")
	}
	if got := string(readFile(t, path)); got != "another file" {
		t.Errorf("file = %q, want it untouched", got)
	}
}

func TestSpliceRefusals(t *testing.T) {
	path := writeFile(t, []byte("0123456789"))
	m := open(t, path)
	defer m.Close()
	for _, tt := range []struct {
		off, del int64
		want     string
	}{
		{11, 0, "past the end"},
		{5, 6, "run past the end"},
		{-1, 0, "negative"},
	} {
		err := Splice(context.Background(), m, tt.off, tt.del, []byte("x"), Options{})
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tt.want)) {
			t.Errorf("Splice(%d, %d) = %v, want an error saying %q", tt.off, tt.del, err, tt.want)
		}
	}
	ro, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := Splice(context.Background(), ro, 0, 0, []byte("x"), Options{}); !errors.Is(err, mmap.ErrReadOnly) {
		t.Errorf("Splice of a read-only mapping = %v, want ErrReadOnly", err)
	}
	if err := os.WriteFile(JournalPath(path), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Splice(context.Background(), m, 0, 0, []byte("x"), Options{}); !errors.Is(err, ErrPending) {
		t.Errorf("Splice with a journal there = %v, want ErrPending", err)
	}
	if got := string(readFile(t, path)); got != "0123456789" {
		t.Errorf("file = %q after refusals, want it untouched", got)
	}
}

func ExampleSplice() {
	dir, _ := os.MkdirTemp("", "mmhex-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "data.bin")
	os.WriteFile(path, []byte("hello world"), 0o644)
	m, _ := mmap.Open(path, mmap.ReadWrite)
	defer m.Close()
	// Replace "world" with "there, mmhex".
	if err := Splice(context.Background(), m, 6, 5, []byte("there, mmhex"), Options{}); err != nil {
		fmt.Println(err)
	}
	b, _ := os.ReadFile(path)
	fmt.Printf("%s (%d bytes)\n", b, m.Size())
	// Output: hello there, mmhex (18 bytes)
}

// TestSpliceBeyond4GiB moves bytes across the 4 GiB mark of a sparse file, which 32-bit builds
// reach through windows.
func TestSpliceBeyond4GiB(t *testing.T) {
	const size = 4<<30 + 64<<10
	path := testdir.Sparse(t, size)
	m := open(t, path)
	defer m.Close()
	const off = 4<<30 - 8
	if _, err := m.WriteAt([]byte("before4G|after"), off-9); err != nil {
		t.Fatal(err)
	}
	if err := Splice(context.Background(), m, off, 1, []byte("<insert>"), Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Size() != size+7 {
		t.Errorf("Size() = %d, want %d", m.Size(), int64(size+7))
	}
	if got := testdir.ReadAt(t, path, off-9, 21); got != "before4G|<insert>fter" {
		t.Errorf("bytes around 4 GiB = %q, want %q", got, "before4G|<insert>fter")
	}
}

// TestEditableWaitsForLock splices through Editable while another mapping of the file holds its
// lock, as an mmhex patch or splice would: the move says it waits, and a cancel then leaves the
// file as it was with no journal; once the holder lets go, the move says so and runs.
func TestEditableWaitsForLock(t *testing.T) {
	before := randomBytes(3*testChunk, 11)
	insert := []byte("inserted")
	path := writeFile(t, before)
	m := open(t, path)
	defer m.Close()
	f := Editable{Mapping: m, Chunk: testChunk}
	other := open(t, path)
	defer other.Close()
	unlock, err := other.Lock(nil)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var heard []bool
	moved := false
	err = f.Splice(ctx, 10, 0, insert, func(int64, int64, bool) { moved = true }, func(w bool) {
		heard = append(heard, w)
		cancel()
	})
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("splice canceled while waiting for the lock: %v, want ErrCanceled and context.Canceled", err)
	}
	if fmt.Sprint(heard) != "[true]" || moved {
		t.Errorf("waiting heard %v and progress heard a step: %v; want [true] and no step", heard, moved)
	}
	if got := readFile(t, path); !bytes.Equal(got, before) {
		t.Fatal("a splice canceled while waiting for the lock changed the file")
	}
	if _, err := os.Stat(JournalPath(path)); !os.IsNotExist(err) {
		t.Fatalf("journal after a cancel: %v, want none", err)
	}

	heard = nil
	err = f.Splice(context.Background(), 10, 0, insert, nil, func(w bool) {
		heard = append(heard, w)
		if w {
			// Windows grows no file while another view maps it: the holder lets go
			// and closes.
			if err := unlock(); err != nil {
				t.Error(err)
			}
			other.Close()
		}
	})
	if err != nil {
		t.Fatalf("splice once the holder let go: %v", err)
	}
	if fmt.Sprint(heard) != "[true false]" {
		t.Errorf("waiting heard %v, want [true false]", heard)
	}
	if got := readFile(t, path); !bytes.Equal(got, spliced(before, 10, 0, insert)) {
		t.Fatal("the splice after the wait did not insert the bytes")
	}
}
