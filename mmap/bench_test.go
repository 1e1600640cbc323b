package mmap

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// benchFileSize is the size of the page-cached file the scan benchmarks read, 1 GiB as in the
// goals they check; shrink it with -short.
func benchFileSize() int64 {
	if testing.Short() {
		return 64 << 20
	}
	return 1 << 30
}

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// benchFile writes the benchmark file once per test binary, filled with a repeating pattern that
// never contains the searched needle, and reads it once so it is in the page cache.
func benchFile(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mmhex-bench")
		if err != nil {
			benchErr = err
			return
		}
		benchPath = filepath.Join(dir, "scan.bin")
		block := bytes.Repeat([]byte("mmhex scan benchmark data 0123456789abcdef"), (1<<20)/42+1)[:1<<20]
		f, err := os.Create(benchPath)
		if err != nil {
			benchErr = err
			return
		}
		for written := int64(0); written < benchFileSize() && err == nil; written += int64(len(block)) {
			_, err = f.Write(block)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		benchErr = err
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

func removeBenchFile() {
	if benchPath != "" {
		os.RemoveAll(filepath.Dir(benchPath))
	}
}

// needle starts with a byte the file never holds, so the search runs at its full speed and
// the benchmarks compare memory access, not false starts.
var needle = []byte("\x00needle-not-in-file")

// BenchmarkScanMapped searches the file through the mapping, as mmhex's search does.
func BenchmarkScanMapped(b *testing.B) {
	m, err := Open(benchFile(b), ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	b.SetBytes(m.Size())
	for b.Loop() {
		err := m.Scan(0, m.Size(), len(needle)-1, func(chunk []byte, at int64) error {
			if bytes.Contains(chunk, needle) {
				b.Fatal("needle found")
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanBare is the bar BenchmarkScanMapped is held to: bytes.Contains straight over the
// whole mapping, which stays resident from one pass to the next. Without a whole view (32-bit)
// there is nothing to compare and it is skipped.
func BenchmarkScanBare(b *testing.B) {
	m, err := Open(benchFile(b), ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	if m.whole == nil {
		b.Skip("the file is not mapped whole on this platform")
	}
	b.SetBytes(m.Size())
	for b.Loop() {
		if bytes.Contains(m.whole, needle) {
			b.Fatal("needle found")
		}
	}
}

// BenchmarkScanRead searches the file read(2) into a 1 MiB buffer, the way a non-mapping tool does.
func BenchmarkScanRead(b *testing.B) {
	f, err := os.Open(benchFile(b))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	b.SetBytes(info.Size())
	buf := make([]byte, 1<<20)
	for b.Loop() {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
		carry := 0
		for {
			n, err := f.Read(buf[carry:])
			if bytes.Contains(buf[:carry+n], needle) {
				b.Fatal("needle found")
			}
			if err == io.EOF || n == 0 {
				break
			}
			carry = copy(buf, buf[carry+n-(len(needle)-1):carry+n])
		}
	}
}

// BenchmarkScanHeap is the memory-bandwidth ceiling: the same search over bytes already on the heap.
func BenchmarkScanHeap(b *testing.B) {
	data, err := os.ReadFile(benchFile(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if bytes.Contains(data, needle) {
			b.Fatal("needle found")
		}
	}
}

// BenchmarkRandomReadAt reads single bytes at random offsets across the file: no syscall per
// read on 64-bit, so the cost does not depend on the offset.
func BenchmarkRandomReadAt(b *testing.B) {
	m, err := Open(benchFile(b), ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	r := rand.New(rand.NewPCG(1, 2))
	offsets := make([]int64, 4096)
	for i := range offsets {
		offsets[i] = r.Int64N(m.Size())
	}
	var one [1]byte
	i := 0
	for b.Loop() {
		if _, err := m.ReadAt(one[:], offsets[i%len(offsets)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
