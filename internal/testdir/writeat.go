package testdir

import (
	"os"
	"testing"
)

// WriteAt writes s at offset off of the file at path as another process would, through the file
// and not a mapping: tests plant bytes in sparse files with it.
func WriteAt(t testing.TB, path string, off int64, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte(s), off); err != nil {
		t.Fatal(err)
	}
}
