package editor

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// mapped is an editor over a real temp file mapped with mmap, so tests can check the file's bytes.
type mapped struct {
	*Editor
	path string
	m    *mmap.Mapping
}

func openFile(t *testing.T, content []byte, mode mmap.Mode) mapped {
	t.Helper()
	path := filepath.Join(testdir.New(t), "data.bin")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.Open(path, mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	e := New(m)
	e.ViewState(4, 16)
	return mapped{Editor: e, path: path, m: m}
}

func newFile(t *testing.T, content []byte) mapped {
	t.Helper()
	return openFile(t, content, mmap.ReadWrite)
}

// fileBytes flushes and returns what the file holds on disk.
func (f mapped) fileBytes(t *testing.T) []byte {
	t.Helper()
	if _, err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f mapped) wantFile(t *testing.T, want []byte) {
	t.Helper()
	if got := f.fileBytes(t); !bytes.Equal(got, want) {
		t.Fatalf("file holds % X, want % X", got, want)
	}
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func with(b []byte, off int, repl ...byte) []byte {
	c := bytes.Clone(b)
	copy(c[off:], repl)
	return c
}

func mustEdit(t *testing.T, e *Editor) {
	t.Helper()
	if err := e.SetMode(EditMode); err != nil {
		t.Fatal(err)
	}
}

func typeHex(t *testing.T, e *Editor, digits string) {
	t.Helper()
	for _, r := range digits {
		ok, err := e.TypeHex(r)
		if err != nil || !ok {
			t.Fatalf("TypeHex(%q) = %v, %v; want true, nil", r, ok, err)
		}
	}
}

func TestTypeHex(t *testing.T) {
	tests := []struct {
		name       string
		cursor     int64
		digits     string
		want       []byte
		wantCursor int64
		wantLow    bool
	}{
		{"high nibble only", 2, "a", with(seq(8), 2, 0xA2), 2, true},
		{"one byte", 2, "aB", with(seq(8), 2, 0xAB), 3, false},
		{"a run", 1, "deadbe", with(seq(8), 1, 0xDE, 0xAD, 0xBE), 4, false},
		{"half a byte after a run", 1, "ff1", with(seq(8), 1, 0xFF, 0x12), 2, true},
		{"up to the last byte", 6, "1122", with(seq(8), 6, 0x11, 0x22), 7, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFile(t, seq(8))
			f.SetCursor(tt.cursor)
			mustEdit(t, f.Editor)
			typeHex(t, f.Editor, tt.digits)
			vs := f.ViewState(4, 16)
			if vs.Cursor != tt.wantCursor || vs.LowNibble != tt.wantLow {
				t.Errorf("cursor %d, low nibble %v; want %d, %v", vs.Cursor, vs.LowNibble, tt.wantCursor, tt.wantLow)
			}
			f.wantFile(t, tt.want)
		})
	}
}

func TestTypeHexRefusals(t *testing.T) {
	f := newFile(t, seq(4))
	if _, err := f.TypeHex('a'); !errors.Is(err, ErrNotEditMode) {
		t.Errorf("TypeHex in view mode: got %v, want ErrNotEditMode", err)
	}
	mustEdit(t, f.Editor)
	if ok, err := f.TypeHex('g'); ok || err != nil {
		t.Errorf("TypeHex('g') = %v, %v; want false, nil", ok, err)
	}
	f.wantFile(t, seq(4))
}

func TestTypeText(t *testing.T) {
	f := newFile(t, seq(8))
	f.SetCursor(5)
	f.ToggleColumn()
	mustEdit(t, f.Editor)
	for _, r := range "Hé" { // é is two bytes: the last two
		if err := f.TypeText(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.TypeText('!'); !errors.Is(err, ErrEndOfFile) {
		t.Errorf("TypeText past the last byte: got %v, want ErrEndOfFile", err)
	}
	f.wantFile(t, with(seq(8), 5, 'H', 0xC3, 0xA9))
	if err := f.Undo(); err != nil {
		t.Fatal(err)
	}
	f.wantFile(t, seq(8))
}

func TestUndoGrouping(t *testing.T) {
	tests := []struct {
		name string
		// act types "11" at 0 and "22" at 1 with something in between.
		between   func(e *Editor)
		afterUndo []byte
	}{
		{"one run", func(e *Editor) {}, seq(4)},
		{"moving away ends the run", func(e *Editor) { e.Move(-1); e.Move(1) }, with(seq(4), 0, 0x11)},
		{"leaving edit mode ends the run", func(e *Editor) { e.SetMode(ViewMode); e.SetMode(EditMode) }, with(seq(4), 0, 0x11)},
		{"switching column ends the run", func(e *Editor) { e.ToggleColumn(); e.ToggleColumn() }, with(seq(4), 0, 0x11)},
		{"a flush ends the run", func(e *Editor) { e.Flush() }, with(seq(4), 0, 0x11)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFile(t, seq(4))
			mustEdit(t, f.Editor)
			typeHex(t, f.Editor, "11")
			tt.between(f.Editor)
			typeHex(t, f.Editor, "22")
			f.wantFile(t, with(seq(4), 0, 0x11, 0x22))
			if err := f.Undo(); err != nil {
				t.Fatal(err)
			}
			f.wantFile(t, tt.afterUndo)
			if err := f.Redo(); err != nil {
				t.Fatal(err)
			}
			f.wantFile(t, with(seq(4), 0, 0x11, 0x22))
		})
	}
}

func TestUndoRedo(t *testing.T) {
	f := newFile(t, seq(16))
	mustEdit(t, f.Editor)
	typeHex(t, f.Editor, "aabb")
	f.SetCursor(8)
	typeHex(t, f.Editor, "cc")
	f.SetCursor(0)
	typeHex(t, f.Editor, "dd") // overwrites the first run's first byte: undo must restore 0xAA
	edited := with(with(seq(16), 0, 0xDD, 0xBB), 8, 0xCC)
	f.wantFile(t, edited)

	steps := [][]byte{with(with(seq(16), 0, 0xAA, 0xBB), 8, 0xCC), with(seq(16), 0, 0xAA, 0xBB), seq(16)}
	for i, want := range steps {
		if err := f.Undo(); err != nil {
			t.Fatalf("undo %d: %v", i+1, err)
		}
		f.wantFile(t, want)
	}
	if err := f.Undo(); !errors.Is(err, ErrNothingToUndo) {
		t.Errorf("undo past the start: got %v, want ErrNothingToUndo", err)
	}
	if got := f.Cursor(); got != 0 {
		t.Errorf("cursor after undo: got %d, want 0 (where the first run began)", got)
	}
	for i := len(steps) - 2; i >= 0; i-- {
		if err := f.Redo(); err != nil {
			t.Fatal(err)
		}
		f.wantFile(t, steps[i])
	}
	if err := f.Redo(); err != nil {
		t.Fatal(err)
	}
	f.wantFile(t, edited)
	if err := f.Redo(); !errors.Is(err, ErrNothingToRedo) {
		t.Errorf("redo past the end: got %v, want ErrNothingToRedo", err)
	}

	// A new edit after an undo forgets the redo stack.
	f.Undo()
	f.SetCursor(15)
	typeHex(t, f.Editor, "ee")
	if err := f.Redo(); !errors.Is(err, ErrNothingToRedo) {
		t.Errorf("redo after a new edit: got %v, want ErrNothingToRedo", err)
	}
}

func TestUnflushedAndFlush(t *testing.T) {
	f := newFile(t, seq(64))
	mustEdit(t, f.Editor)
	typeHex(t, f.Editor, "0102")
	f.SetCursor(2)
	typeHex(t, f.Editor, "03") // touches the first range: merged
	f.SetCursor(40)
	typeHex(t, f.Editor, "04")
	if got, want := f.UnflushedRanges(), []Range{{0, 3}, {40, 41}}; !equalRanges(got, want) {
		t.Errorf("unflushed ranges: got %v, want %v", got, want)
	}
	if got := f.Status().Unflushed; got != 4 {
		t.Errorf("status unflushed: got %d, want 4", got)
	}
	r, err := f.Flush()
	if err != nil || r != (FlushReport{Flushed: 4}) {
		t.Fatalf("Flush() = %+v, %v; want 4 flushed, nil", r, err)
	}
	if got := f.Unflushed(); got != 0 {
		t.Errorf("unflushed after flush: got %d, want 0", got)
	}
	// Undo survives the flush, and writing the old bytes back makes them unflushed again.
	if err := f.Undo(); err != nil {
		t.Fatal(err)
	}
	if got, want := f.UnflushedRanges(), []Range{{40, 41}}; !equalRanges(got, want) {
		t.Errorf("unflushed after undo: got %v, want %v", got, want)
	}
	f.wantFile(t, with(seq(64), 0, 1, 2, 3))
}

func equalRanges(a, b []Range) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReplaceByte(t *testing.T) {
	f := newFile(t, seq(4))
	f.SetCursor(1)
	if err := f.ReplaceByte(0x7E); err != nil {
		t.Fatal(err)
	}
	if err := f.ReplaceByte(0x7F); err != nil {
		t.Fatal(err)
	}
	if got := f.Mode(); got != ViewMode {
		t.Errorf("mode after replace: got %v, want view mode", got)
	}
	if got := f.Cursor(); got != 1 {
		t.Errorf("cursor after replace: got %d, want 1", got)
	}
	f.wantFile(t, with(seq(4), 1, 0x7F))
	f.Undo()
	f.wantFile(t, with(seq(4), 1, 0x7E))
	f.Undo()
	f.wantFile(t, seq(4))
}

func TestFill(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		sel     Range
		pattern []byte
	}{
		{"one byte", 32, Range{4, 12}, []byte{0xFF}},
		{"pattern repeats from the start", 32, Range{3, 13}, []byte{1, 2, 3}},
		{"pattern longer than the selection", 32, Range{0, 2}, []byte{9, 8, 7}},
		{"larger than a write chunk", 3<<20 + 5, Range{7, 3<<20 + 1}, []byte{0xAB, 0xCD, 0xEF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := seq(tt.size)
			f := newFile(t, orig)
			f.Select(tt.sel)
			if err := f.Fill(tt.pattern); err != nil {
				t.Fatal(err)
			}
			want := bytes.Clone(orig)
			for i := tt.sel.Start; i < tt.sel.End; i++ {
				want[i] = tt.pattern[(i-tt.sel.Start)%int64(len(tt.pattern))]
			}
			f.wantFile(t, want)
			if err := f.Undo(); err != nil {
				t.Fatal(err)
			}
			f.wantFile(t, orig)
			if err := f.Redo(); err != nil {
				t.Fatal(err)
			}
			f.wantFile(t, want)
		})
	}
}

func TestFillRefusals(t *testing.T) {
	f := newFile(t, seq(8))
	if err := f.Fill([]byte{1}); !errors.Is(err, ErrNoSelection) {
		t.Errorf("fill without selection: got %v, want ErrNoSelection", err)
	}
	f.Select(Range{0, 4})
	if err := f.Fill(nil); err == nil {
		t.Error("fill with no bytes: got nil error")
	}
	f.wantFile(t, seq(8))
}

func TestCopyPaste(t *testing.T) {
	orig := []byte("Hello, mapped world\x00\x01")
	f := newFile(t, orig)
	f.Select(Range{0, 5})
	hexClip, err := f.Copy(false)
	if err != nil {
		t.Fatal(err)
	}
	if want := "48 65 6C 6C 6F"; hexClip != want {
		t.Errorf("copy as hex: got %q, want %q", hexClip, want)
	}
	f.SetCursor(7)
	note, err := f.Paste()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, "pasted 5 bytes") {
		t.Errorf("paste note: got %q, want it to say 5 bytes were pasted", note)
	}
	want := []byte("Hello, Hellod world\x00\x01")
	f.wantFile(t, want)

	// Clipped at the end, with a message.
	f.SetCursor(int64(len(orig)) - 2)
	note, err = f.Paste()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, "pasted 2 of 5 bytes") {
		t.Errorf("clipped paste note: got %q, want it to say 2 of 5 bytes", note)
	}
	clipped := bytes.Clone(want)
	copy(clipped[len(clipped)-2:], "He")
	f.wantFile(t, clipped)

	f.Undo()
	f.wantFile(t, want)
	f.Undo()
	f.wantFile(t, orig)

	f.Select(Range{12, 21})
	text, err := f.Copy(true)
	if err != nil {
		t.Fatal(err)
	}
	if want := "d world.."; text != want {
		t.Errorf("copy as text: got %q, want %q", text, want)
	}
	if got := f.Register(); !bytes.Equal(got, orig[12:21]) {
		t.Errorf("register after text copy: got % X, want the raw bytes % X", got, orig[12:21])
	}
}

func TestPasteRefusals(t *testing.T) {
	f := newFile(t, seq(8))
	if _, err := f.Paste(); !errors.Is(err, ErrRegisterEmpty) {
		t.Errorf("paste with empty register: got %v, want ErrRegisterEmpty", err)
	}
	if _, err := f.Copy(false); !errors.Is(err, ErrNoSelection) {
		t.Errorf("copy without selection: got %v, want ErrNoSelection", err)
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	f := openFile(t, seq(8), mmap.ReadOnly)
	if err := f.SetMode(EditMode); !errors.Is(err, ErrReadOnly) {
		t.Errorf("SetMode(EditMode): got %v, want ErrReadOnly", err)
	}
	if err := f.ToggleMode(); !errors.Is(err, ErrReadOnly) {
		t.Errorf("ToggleMode: got %v, want ErrReadOnly", err)
	}
	if got := f.Mode(); got != ViewMode {
		t.Errorf("mode: got %v, want view mode", got)
	}
	if err := f.ReplaceByte(1); !errors.Is(err, ErrReadOnly) {
		t.Errorf("ReplaceByte: got %v, want ErrReadOnly", err)
	}
	f.Select(Range{0, 4})
	if err := f.Fill([]byte{1}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Fill: got %v, want ErrReadOnly", err)
	}
	if _, err := f.Copy(false); err != nil {
		t.Errorf("Copy on read-only: got %v, want nil (reading is allowed)", err)
	}
	if _, err := f.Paste(); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Paste: got %v, want ErrReadOnly", err)
	}
	b, err := os.ReadFile(f.path)
	if err != nil || !bytes.Equal(b, seq(8)) {
		t.Errorf("file: got % X, %v; want it unchanged", b, err)
	}
}

func TestInsertDeleteRefused(t *testing.T) {
	f := newFile(t, seq(8))
	insert := func() error { return f.StartInsert(false) }
	deleteOne := func() error { return f.Delete(1) }
	for name, fn := range map[string]func() error{"insert": insert, "delete": deleteOne} {
		err := fn()
		if !errors.Is(err, ErrFixedSize) || !strings.Contains(err.Error(), "fixed size") {
			t.Errorf("%s: got %v, want ErrFixedSize saying why", name, err)
		}
	}
	f.wantFile(t, seq(8))
}

func TestFault(t *testing.T) {
	const size = 3 * 65536
	f := newFile(t, make([]byte, size))
	f.SetCursor(size - 10)
	mustEdit(t, f.Editor)
	if err := os.Truncate(f.path, 0); err != nil {
		t.Skipf("this OS refuses to truncate a mapped file, so it cannot fault this way: %v", err)
	}
	// Reading the old bytes faults; the editor looks at the size again and says why.
	_, err := f.TypeHex('a')
	if !errors.Is(err, ErrGone) || !strings.Contains(err.Error(), "data.bin shrank to 0 bytes") {
		t.Errorf("typing into a truncated file: got %v, want ErrGone saying data.bin shrank to 0 bytes", err)
	}
	f.Select(Range{0, 16})
	if err := f.Fill([]byte{1}); !errors.Is(err, ErrGone) {
		t.Errorf("fill in a truncated file: got %v, want ErrGone", err)
	}
}

func TestPasteBytes(t *testing.T) {
	f := newFile(t, seq(8))
	f.SetCursor(5)
	note, err := f.PasteBytes([]byte{0xA1, 0xA2, 0xA3, 0xA4})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(note, "pasted 3 of 4 bytes at 0x5") {
		t.Errorf("note %q, want it to say 3 of 4 bytes were pasted at 0x5", note)
	}
	f.wantFile(t, with(seq(8), 5, 0xA1, 0xA2, 0xA3))
	if err := f.Undo(); err != nil {
		t.Fatal(err)
	}
	f.wantFile(t, seq(8))
	if _, err := f.PasteBytes(nil); err == nil {
		t.Error("PasteBytes(nil): got nil error")
	}
}

// failingWrites passes writes on to the mapping but fails the one after the first allowed, as
// a file truncated underneath and then restored would.
type failingWrites struct {
	*mmap.Mapping
	allowed, calls int
}

func (s *failingWrites) WriteAt(p []byte, off int64) (int, error) {
	s.calls++
	if s.calls == s.allowed+1 {
		return 0, mmap.ErrFault
	}
	return s.Mapping.WriteAt(p, off)
}

func TestFillFailingPartWayPutsBackWhatItWrote(t *testing.T) {
	orig := seq(3 << 20)
	f := newFile(t, orig)
	e := New(&failingWrites{Mapping: f.m, allowed: 1})
	e.Select(Range{0, int64(len(orig))})
	err := e.Fill([]byte{0xEE})
	if !errors.Is(err, mmap.ErrFault) || !strings.Contains(err.Error(), "were put back") {
		t.Fatalf("Fill = %v, want the fault and a note that the written bytes were put back", err)
	}
	f.wantFile(t, orig)
	if err := e.Undo(); !errors.Is(err, ErrNothingToUndo) {
		t.Errorf("Undo after a failed fill = %v, want ErrNothingToUndo", err)
	}
}
