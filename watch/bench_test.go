package watch_test

import (
	"bytes"
	"testing"

	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/watch"
)

const benchSize = 64 << 20

// benchMapping maps a page-cached 64 MiB file read-write and watches all of it.
func benchMapping(b *testing.B) (*mmap.Mapping, *watch.Watcher) {
	m, _ := mappedFile(b, pattern(benchSize), mmap.ReadWrite)
	w, err := watch.New(m, 0, m.Size())
	if err != nil {
		b.Fatal(err)
	}
	return m, w
}

// toggle changes the bytes at offs, so the next poll has something to find.
func toggle(b *testing.B, m *mmap.Mapping, offs ...int64) {
	var one [1]byte
	for _, off := range offs {
		if _, err := m.ReadAt(one[:], off); err != nil {
			b.Fatal(err)
		}
		one[0] ^= 0xFF
		if _, err := m.WriteAt(one[:], off); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPollVisible diffs a screenful (4 KiB) of a 64 MiB mapping, as the editor does every tick.
func BenchmarkPollVisible(b *testing.B) {
	m, w := benchMapping(b)
	const top = 32 << 20
	b.Run("no change", func(b *testing.B) {
		b.SetBytes(4096)
		for b.Loop() {
			if _, err := w.PollRange(top, 4096); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one change", func(b *testing.B) {
		b.SetBytes(4096)
		for b.Loop() {
			toggle(b, m, top+100)
			if runs, err := w.PollRange(top, 4096); err != nil || len(runs) != 1 {
				b.Fatalf("PollRange = %d runs, %v; want 1", len(runs), err)
			}
		}
	})
}

// BenchmarkPoll64MiB diffs a whole 64 MiB mapping; compare with BenchmarkBytesEqual64MiB.
func BenchmarkPoll64MiB(b *testing.B) {
	m, w := benchMapping(b)
	b.Run("no change", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			if _, err := w.Poll(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("8 changes", func(b *testing.B) {
		offs := []int64{0, 5000, 1 << 20, 9<<20 + 1, 20 << 20, 33<<20 + 7, 50 << 20, benchSize - 1}
		b.SetBytes(benchSize)
		for b.Loop() {
			toggle(b, m, offs...)
			if runs, err := w.Poll(); err != nil || len(runs) != len(offs) {
				b.Fatalf("Poll = %d runs, %v; want %d", len(runs), err, len(offs))
			}
		}
	})
}

// BenchmarkBytesEqual64MiB is the ceiling: one bytes.Equal of a 64 MiB copy against the mapping.
func BenchmarkBytesEqual64MiB(b *testing.B) {
	m, _ := mappedFile(b, pattern(benchSize), mmap.ReadOnly)
	snapshot := pattern(benchSize)
	b.SetBytes(benchSize)
	for b.Loop() {
		err := m.Scan(0, benchSize, 0, func(chunk []byte, at int64) error {
			if !bytes.Equal(chunk, snapshot[at:at+int64(len(chunk))]) {
				b.Fatal("the mapping differs from the file's bytes")
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
