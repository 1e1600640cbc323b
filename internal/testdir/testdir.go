// Package testdir gives tests a temporary directory that is removed afterwards on every platform
// mmhex is tested on, Wine included.
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
