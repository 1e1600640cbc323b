package splice

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmhex/mmhex/mmap"
)

// BenchmarkInsertAtStart inserts one byte at offset 0 of a 1 GiB page-cached file, which moves
// all of it: durably (a sync per chunk, as mmhex splice does), with the syncs left to one flush
// at the end (--no-flush, then a flush), and in the page cache alone.
func BenchmarkInsertAtStart(b *testing.B) {
	const size = 1 << 30
	path := filepath.Join(b.TempDir(), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	block := randomBytes(1<<20, 3)
	for off := int64(0); off < size; off += int64(len(block)) {
		if _, err := f.WriteAt(block, off); err != nil {
			b.Fatal(err)
		}
	}
	f.Sync()
	f.Close()
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for _, bc := range []struct {
		name         string
		noSync, then bool
	}{{"durable", false, false}, {"no-sync then flush", true, true}, {"page cache", true, false}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if err := Splice(context.Background(), m, 0, 0, []byte{1}, Options{NoSync: bc.noSync}); err != nil {
					b.Fatal(err)
				}
				if bc.then {
					if err := m.FlushAll(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
