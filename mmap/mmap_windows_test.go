//go:build windows

package mmap

import (
	"bytes"
	"golang.org/x/sys/windows"
	"os"
	"os/exec"
	"testing"
)

func namedSupported() bool { return true }

// canBypassPermissions reports whether the read-only attribute may not stop this process: Wine
// maps the attribute to Unix permissions, which root bypasses.
func canBypassPermissions() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	if err := os.Chmod(path, 0o444); err != nil { // sets FILE_ATTRIBUTE_READONLY
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(path, 0o644) }) // TempDir cannot remove a read-only file
}

func unprivilegedCommand(t *testing.T) *exec.Cmd {
	t.Skip("under Wine the read-only attribute becomes Unix permissions, which a root test run bypasses; on Windows it is enforced")
	return nil
}

// TestTruncationRefusedWhileMapped checks the Windows side of the truncation story: the OS
// refuses to shrink a file that has a view, so the mapping stays whole and readable.
func TestTruncationRefusedWhileMapped(t *testing.T) {
	data := randomBytes(256<<10, 3)
	path := writeTemp(t, data)
	m := mustOpen(t, path, ReadWrite)
	if err := os.Truncate(path, 4096); err == nil {
		t.Fatal("Truncate of a mapped file succeeded; Windows refuses it with ERROR_USER_MAPPED_FILE")
	}
	got := make([]byte, 16)
	if _, err := m.ReadAt(got, 200<<10); err != nil || !bytes.Equal(got, data[200<<10:200<<10+16]) {
		t.Errorf("ReadAt after refused truncation = %x, %v", got, err)
	}
}
