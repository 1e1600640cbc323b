// Package testdir gives tests temporary directories and files that are removed afterwards on
// every platform mmhex is tested on, Wine included, and reads files back for checks.
package testdir

import (
	"io/fs"
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

// Data returns the path of name in the module's testdata folder, for the tests of any package:
// it is found from the working directory, which go test makes the package's folder.
func Data(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", name)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("testdir: no go.mod above the working directory, so no testdata")
		}
		dir = parent
	}
}

// Sample returns the bytes of testdata/sample.bin, which its README describes.
func Sample(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(Data(t, "sample.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
