// Package testdir gives tests temporary directories and files that are removed afterwards on
// every platform mmhex is tested on, Wine included, and reads files back for checks.
package testdir

import (
	"bytes"
	"encoding/binary"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// New returns a new temporary directory removed when the test ends. On Linux and macOS it is
// t.TempDir. Under Wine 8, os.RemoveAll (and so t.TempDir's cleanup) fails with "Invalid
// function" because Wine lacks FileDispositionInformationEx, while os.Remove works; so on
// Windows the cleanup removes entries one by one, deepest first.
func New(t testing.TB) string {
	t.Helper()
	if runtime.GOOS != "windows" {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp("", "mmhex-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var paths []string
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			paths = append(paths, path)
			return nil
		})
		for _, path := range slices.Backward(paths) {
			os.Chmod(path, 0o666) // a read-only file cannot be removed on Windows
			if err := os.Remove(path); err != nil {
				t.Errorf("testdir: removing %s: %v", path, err)
			}
		}
	})
	return dir
}

// Sparse returns the path of a new file of size bytes in a new temporary directory, all holes:
// it costs no disk, so tests reach offsets past 4 GiB cheaply. It skips the test where the file
// system cannot make one.
func Sparse(t testing.TB, size int64) string {
	t.Helper()
	path := filepath.Join(New(t), "sparse.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Skipf("cannot make a sparse %d-byte file here: %v", size, err)
	}
	return path
}

// ReadAt returns n bytes of the file at path from off, as another reader of the file sees them.
func ReadAt(t testing.TB, path string, off int64, n int) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Sample returns the sample file's 4096 bytes, which testdata/README.md describes. They are made
// here, not read from testdata/sample.bin: that copy is there for people to try mmhex on, and
// tests must not depend on its staying unedited.
func Sample(t testing.TB) []byte {
	t.Helper()
	return sampleBytes()
}

func sampleBytes() []byte {
	b := make([]byte, 0, 4096)
	// An ELF64 header for x86-64.
	b = append(b, 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 0, 0x3e, 0, 1, 0, 0, 0, 0, 0x10, 0x40, 0, 0, 0, 0, 0,
		0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0x40, 0, 0x38, 0, 1, 0, 0x40, 0, 0, 0, 0, 0)
	b = append(b, "mmhex sample file: Hello, world!\n\tTabs, spaces and CR\r\n"...)
	for _, r := range "Hello UTF-16" {
		b = binary.LittleEndian.AppendUint16(b, uint16(r))
	}
	for i := range 256 {
		b = append(b, byte(i))
	}
	for _, v := range []int32{999, 666, 0, 999} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	b = append(b, bytes.Repeat([]byte{0xff}, 32)...)
	b = append(b, make([]byte, 48)...)
	r := rand.New(rand.NewPCG(1, 2))
	for len(b) < 4096 {
		b = append(b, byte(r.Uint32()))
	}
	return b
}
