package mmap

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
)

// TestResize grows and shrinks a mapped file in every view mode: after each Resize, Size is the
// new size, the old bytes below it are there, the grown bytes read as zeros, every byte can be
// written, and the file on disk has the new size and the bytes written.
func TestResize(t *testing.T) {
	inBothViewModes(t, func(t *testing.T) {
		data := randomBytes(200<<10+17, 7)
		path := writeTemp(t, data)
		m := mustOpen(t, path, ReadWrite)
		want := bytes.Clone(data)
		for _, size := range []int64{300<<10 + 5, 64<<10 - 1, 0, 1, 129 << 10} {
			if err := m.Resize(size); err != nil {
				t.Fatalf("Resize(%d): %v", size, err)
			}
			if got := m.Size(); got != size {
				t.Fatalf("Size() after Resize(%d) = %d", size, got)
			}
			if int64(len(want)) > size {
				want = want[:size]
			} else {
				want = append(want, make([]byte, size-int64(len(want)))...)
			}
			if got := readAll(t, m); !bytes.Equal(got, want) {
				t.Fatalf("after Resize(%d): the bytes differ from the old ones cut or zero-extended", size)
			}
			if size > 0 {
				// Write the last byte, which only the new mapping reaches after a grow.
				want[size-1] = byte(size)
				if _, err := m.WriteAt(want[size-1:], size-1); err != nil {
					t.Fatalf("WriteAt(%d) after Resize(%d): %v", size-1, size, err)
				}
			}
			if err := m.FlushAll(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("file after Resize(%d): %d bytes, want %d, or different bytes", size, len(got), size)
			}
		}
	})
}

func TestResizeRefusals(t *testing.T) {
	path := writeTemp(t, []byte("fixed"))
	ro := mustOpen(t, path, ReadOnly)
	if err := ro.Resize(10); !errors.Is(err, ErrFixedSize) {
		t.Errorf("Resize of a read-only mapping = %v, want ErrFixedSize", err)
	}
	rw := mustOpen(t, path, ReadWrite)
	if err := rw.Resize(-1); err == nil {
		t.Error("Resize(-1) succeeded")
	}
	if rw.Size() != 5 {
		t.Errorf("Size() after refused resizes = %d, want 5", rw.Size())
	}
	rw.Close()
	if err := rw.Resize(10); !errors.Is(err, ErrClosed) {
		t.Errorf("Resize after Close = %v, want ErrClosed", err)
	}
	if !namedSupported() {
		return
	}
	named, err := CreateNamed(uniqueName(t), 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer named.Close()
	if err := named.Resize(8192); !errors.Is(err, ErrFixedSize) {
		t.Errorf("Resize of a named mapping = %v, want ErrFixedSize", err)
	}
}

// TestResizeBeyond4GiB grows a sparse file past 4 GiB and writes its last byte, which 32-bit
// builds reach through windows, then shrinks it back below 4 GiB.
func TestResizeBeyond4GiB(t *testing.T) {
	path := testdir.Sparse(t, 1<<20)
	m := mustOpen(t, path, ReadWrite)
	const size = 5<<30 + 3
	if err := m.Resize(size); err != nil {
		t.Skipf("cannot grow a sparse file to %d bytes here: %v", int64(size), err)
	}
	if _, err := m.WriteAt([]byte("end"), size-3); err != nil {
		t.Fatalf("WriteAt past 4 GiB after Resize: %v", err)
	}
	if err := m.FlushAll(); err != nil {
		t.Fatal(err)
	}
	if got := testdir.ReadAt(t, path, size-3, 3); got != "end" {
		t.Errorf("file at %d = %q, want %q", int64(size-3), got, "end")
	}
	if err := m.Resize(4<<30 - 1); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Size() != 4<<30-1 {
		t.Errorf("file after shrinking: %v, %v; want %d bytes", info.Size(), err, int64(4<<30-1))
	}
}
