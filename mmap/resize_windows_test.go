package mmap

import (
	"errors"
	"testing"

	"golang.org/x/sys/windows"
)

// TestResizeWhileAnotherViewIsMapped: Windows refuses to shrink a file that another mapping has a
// view of. The refusal says so, and the mapping goes on at its old size. Growing is allowed.
func TestResizeWhileAnotherViewIsMapped(t *testing.T) {
	path := writeTemp(t, []byte("0123456789"))
	m := mustOpen(t, path, ReadWrite)
	other := mustOpen(t, path, ReadOnly)
	err := m.Resize(4)
	if !errors.Is(err, windows.ERROR_USER_MAPPED_FILE) {
		t.Errorf("Resize with another view mapped = %v, want ERROR_USER_MAPPED_FILE", err)
	}
	if m.Size() != 10 {
		t.Errorf("Size() after the refused resize = %d, want 10", m.Size())
	}
	got := make([]byte, 10)
	if _, err := m.ReadAt(got, 0); err != nil || string(got) != "0123456789" {
		t.Errorf("ReadAt after the refused resize = %q, %v", got, err)
	}
	if err := m.Resize(20); err != nil || m.Size() != 20 {
		t.Errorf("growing with another view mapped = %v, size %d; want nil, 20", err, m.Size())
	}
	other.Close()
	if err := m.Resize(4); err != nil || m.Size() != 4 {
		t.Errorf("shrinking once the other view is gone = %v, size %d; want nil, 4", err, m.Size())
	}
}
