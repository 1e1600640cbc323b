package editor

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mmhex/mmhex/mmap"
)

// truncate truncates the mapped file to size as another process would, or skips the test where
// the OS refuses (Windows refuses to truncate a file that has a mapped view).
func truncate(t *testing.T, path string, size int64) {
	t.Helper()
	if err := os.Truncate(path, size); err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("Windows refuses to truncate a mapped file, so it cannot shrink underneath: %v", err)
		}
		t.Fatal(err)
	}
}

// onDiskBytes returns what the file holds, without flushing through the editor.
func onDiskBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestShrunkFileRefusesEditsPastItsEnd(t *testing.T) {
	orig := seq(8192)
	tests := []struct {
		name string
		edit func(f mapped) error
	}{
		{"typing hex", func(f mapped) error {
			f.SetCursor(0x64)
			mustEdit(t, f.Editor)
			_, err := f.TypeHex('f')
			return err
		}},
		{"typing text", func(f mapped) error {
			f.SetCursor(0x80)
			mustEdit(t, f.Editor)
			return f.TypeText('x')
		}},
		{"replacing a byte", func(f mapped) error {
			f.SetCursor(0x1000)
			return f.ReplaceByte(0xEE)
		}},
		{"a fill across the end", func(f mapped) error {
			f.Select(Range{0x60, 0x70})
			return f.Fill([]byte{0xEE})
		}},
		{"a paste", func(f mapped) error {
			f.SetCursor(0x70)
			_, err := f.PasteBytes([]byte("xy"))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFile(t, orig)
			truncate(t, f.path, 100)
			err := tt.edit(f)
			if !errors.Is(err, ErrGone) || !strings.Contains(err.Error(), "data.bin shrank to 100 bytes") {
				t.Errorf("got %v, want ErrGone saying data.bin shrank to 100 bytes", err)
			}
			if got := onDiskBytes(t, f.path); !bytes.Equal(got, orig[:100]) {
				t.Errorf("file holds % x, want its 100 bytes unchanged", got)
			}
			if r, err := f.Flush(); err != nil || r != (FlushReport{}) {
				t.Errorf("Flush() = %+v, %v; want nothing flushed and nothing lost", r, err)
			}
		})
	}
}

func TestShrinkSeenLostAndGrownBack(t *testing.T) {
	f := newFile(t, seq(8192))
	mustEdit(t, f.Editor)
	f.SetCursor(0x10)
	typeHex(t, f.Editor, "aa")
	f.SetCursor(0x200)
	typeHex(t, f.Editor, "bbcc")
	truncate(t, f.path, 100)

	note, err := f.CheckStorage()
	if err != nil || !strings.Contains(note, "data.bin shrank to 100 bytes") || !strings.Contains(note, "2 bytes changed there were lost") {
		t.Errorf("CheckStorage() = %q, %v; want it to say data.bin shrank to 100 bytes and 2 changed bytes were lost", note, err)
	}
	if note, _ := f.CheckStorage(); note != "" {
		t.Errorf("CheckStorage() again = %q, want the shrink reported once", note)
	}
	if st := f.Status(); st.Size != 8192 || st.Current != 100 || st.Unflushed != 1 {
		t.Errorf("status: size %d, current %d, unflushed %d; want 8192, 100, 1", st.Size, st.Current, st.Unflushed)
	}
	buf := make([]byte, 16)
	if n, err := f.ReadAt(buf, 0x60); n != 4 || !errors.Is(err, ErrGone) {
		t.Errorf("ReadAt across the end = %d, %v; want the 4 bytes before it and ErrGone", n, err)
	}
	if err := f.Undo(); !errors.Is(err, ErrGone) {
		t.Errorf("Undo of the edit past the end = %v, want ErrGone", err)
	}

	r, err := f.Flush()
	if want := (FlushReport{Flushed: 1, Lost: 2, ShrankTo: 100}); err != nil || r != want {
		t.Fatalf("Flush() = %+v, %v; want %+v", r, err, want)
	}
	if got := onDiskBytes(t, f.path); len(got) != 100 || got[0x10] != 0xAA {
		t.Errorf("file holds %d bytes with 0x10 = %02x; want 100 with aa", len(got), got[0x10])
	}

	truncate(t, f.path, 8192)
	if note, err := f.CheckStorage(); err != nil || !strings.Contains(note, "data.bin grew back to 8192 bytes") {
		t.Errorf("CheckStorage() after growing = %q, %v; want it to say data.bin grew back to 8192 bytes", note, err)
	}
	f.SetCursor(0x64)
	typeHex(t, f.Editor, "ff")
	if r, err := f.Flush(); err != nil || r != (FlushReport{Flushed: 1}) {
		t.Fatalf("Flush() after growing = %+v, %v; want 1 byte flushed", r, err)
	}
	if got := onDiskBytes(t, f.path); got[0x64] != 0xFF {
		t.Errorf("file at 0x64 = %02x, want ff", got[0x64])
	}
}

func TestSizeNotes(t *testing.T) {
	f := newFile(t, seq(8192))
	for _, step := range []struct {
		size int64
		note string
	}{
		{100, "data.bin shrank to 100 bytes: the bytes past it are gone"},
		{200, "data.bin grew to 200 bytes"},
		{8192, "data.bin grew back to 8192 bytes"},
		{9000, "data.bin is now 9000 bytes: reopen it to see past 8192 bytes"},
		{9000, ""},
	} {
		truncate(t, f.path, step.size)
		if note, err := f.CheckStorage(); note != step.note || err != nil {
			t.Errorf("at %d bytes: CheckStorage() = %q, %v; want %q", step.size, note, err, step.note)
		}
	}
}

func TestTruncatedToZeroFlushesNothing(t *testing.T) {
	f := newFile(t, seq(8192))
	mustEdit(t, f.Editor)
	typeHex(t, f.Editor, "ff")
	truncate(t, f.path, 0)
	r, err := f.Flush()
	if want := (FlushReport{Lost: 1}); err != nil || r != want {
		t.Fatalf("Flush() = %+v, %v; want %+v", r, err, want)
	}
	if r, err := f.Flush(); err != nil || r != (FlushReport{}) {
		t.Errorf("second Flush() = %+v, %v; want the loss reported once", r, err)
	}
}

func TestReplacedFile(t *testing.T) {
	otherBytes := []byte("the other file's bytes")
	tests := []struct {
		name string
		// replace does to path what another process would; it leaves what path holds then.
		replace func(path string) ([]byte, error)
	}{
		{"another file renamed over it", func(path string) ([]byte, error) {
			other := filepath.Join(filepath.Dir(path), "other.bin")
			if err := os.WriteFile(other, otherBytes, 0o644); err != nil {
				return nil, err
			}
			return otherBytes, os.Rename(other, path)
		}},
		{"renamed away", func(path string) ([]byte, error) { return nil, os.Rename(path, path+".old") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFile(t, seq(64))
			clock := time.Unix(1000, 0)
			f.now = func() time.Time { return clock }
			if note, err := f.CheckStorage(); note != "" || err != nil {
				t.Fatalf("CheckStorage() = %q, %v before anything happened", note, err)
			}
			mustEdit(t, f.Editor)
			typeHex(t, f.Editor, "aabb")
			holds, err := tt.replace(f.path)
			if err != nil {
				if runtime.GOOS == "windows" {
					t.Skipf("Windows refuses this while the file is mapped: %v", err)
				}
				t.Fatal(err)
			}

			// A frame looks at the identity at most once a second.
			if note, _ := f.CheckStorage(); note != "" {
				t.Errorf("CheckStorage() within the second = %q, want no look yet", note)
			}
			clock = clock.Add(identityCheckEvery)
			note, err := f.CheckStorage()
			if err != nil || !strings.Contains(note, "data.bin was replaced or removed on disk") {
				t.Errorf("CheckStorage() = %q, %v; want it to say data.bin was replaced or removed", note, err)
			}
			if !f.Status().Replaced {
				t.Error("Status().Replaced = false, want true")
			}
			if _, err := f.TypeHex('c'); !errors.Is(err, ErrReplaced) {
				t.Errorf("typing after the replacement = %v, want ErrReplaced", err)
			}
			if err := f.Undo(); !errors.Is(err, ErrReplaced) {
				t.Errorf("Undo after the replacement = %v, want ErrReplaced", err)
			}
			r, err := f.Flush()
			if want := (FlushReport{Flushed: 2, Replaced: true}); err != nil || r != want {
				t.Fatalf("Flush() = %+v, %v; want %+v", r, err, want)
			}
			got, err := os.ReadFile(f.path)
			if holds == nil && !errors.Is(err, os.ErrNotExist) || holds != nil && !bytes.Equal(got, holds) {
				t.Errorf("data.bin holds %q, %v; want %q untouched", got, err, holds)
			}
		})
	}
}

// twoWriters returns two editors over two mappings of one file: two writers through the page
// cache, as two processes would be.
func twoWriters(t *testing.T, content []byte) (a, b mapped) {
	t.Helper()
	a = newFile(t, content)
	m, err := mmap.Open(a.path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	b = mapped{Editor: New(m), path: a.path, m: m}
	b.ViewState(4, 16)
	mustEdit(t, a.Editor)
	mustEdit(t, b.Editor)
	return a, b
}

func TestUndoRefusesToOverwriteAnotherWriter(t *testing.T) {
	a, b := twoWriters(t, make([]byte, 64))
	a.SetCursor(0x10)
	typeHex(t, a.Editor, "aabb")
	b.SetCursor(0x10)
	typeHex(t, b.Editor, "1122")

	err := a.Undo()
	want := "undo refused: 0x10 was changed by another process since your edit (now 11, you wrote aa)"
	if !errors.Is(err, ErrChangedElsewhere) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Undo() = %v, want %q", err, want)
	}
	if got := a.fileBytes(t)[0x10:0x12]; !bytes.Equal(got, []byte{0x11, 0x22}) {
		t.Fatalf("file at 0x10 = % x, want B's 11 22 untouched", got)
	}
	// The step stays: once B undoes its edit, A's bytes are back and A's undo goes through.
	if err := b.Undo(); err != nil {
		t.Fatal(err)
	}
	if err := a.Undo(); err != nil {
		t.Fatalf("Undo() once the bytes are A's again = %v", err)
	}
	a.wantFile(t, make([]byte, 64))

	b.SetCursor(0x11)
	typeHex(t, b.Editor, "33")
	err = a.Redo()
	want = "redo refused: 0x11 was changed by another process since your undo (now 33, undo wrote 00)"
	if !errors.Is(err, ErrChangedElsewhere) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Redo() = %v, want %q", err, want)
	}
	a.wantFile(t, with(make([]byte, 64), 0x11, 0x33))
}

func TestUndoOfAFillChecksEveryByte(t *testing.T) {
	a, b := twoWriters(t, make([]byte, 3<<20))
	a.Select(Range{0, 3 << 20})
	if err := a.Fill([]byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	const at = 3<<20 - 2
	b.SetCursor(at)
	typeHex(t, b.Editor, "ff")
	err := a.Undo()
	if !errors.Is(err, ErrChangedElsewhere) || !strings.Contains(err.Error(), "0x2FFFFE was changed") || !strings.Contains(err.Error(), "you wrote 02") {
		t.Fatalf("Undo() = %v, want it refused at 0x2FFFFE, where the fill wrote 02", err)
	}
}
