package editor

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/splice"
)

// newSpliceFile is an editor over a real temp file that can insert and delete bytes, moving
// chunk bytes per step.
func newSpliceFile(t *testing.T, content []byte, chunk int64) mapped {
	t.Helper()
	path := filepath.Join(testdir.New(t), "data.bin")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	e := New(splice.Editable{Mapping: m, Chunk: chunk})
	e.ViewState(4, 16)
	return mapped{Editor: e, path: path, m: m}
}

// onDisk returns what the file holds, without flushing or settling anything first.
func (f mapped) onDisk(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (f mapped) wantOnDisk(t *testing.T, want []byte) {
	t.Helper()
	if got := f.onDisk(t); !bytes.Equal(got, want) {
		t.Fatalf("file holds % X (%d bytes), want % X (%d bytes)", got, len(got), want, len(want))
	}
	if got := f.Size(); got != int64(len(want)) {
		t.Fatalf("Size() = %d, want %d", got, len(want))
	}
}

// shown reads all the editor shows, pending bytes included.
func (f mapped) shown(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, f.Size())
	if n, err := f.ReadAt(b, 0); err != nil || n != len(b) {
		t.Fatalf("ReadAt = %d, %v", n, err)
	}
	return b
}

func typeRunes(t *testing.T, e *Editor, text string) {
	t.Helper()
	for _, r := range text {
		if typed, err := e.Type(r); !typed || err != nil {
			t.Fatalf("Type(%q) = %v, %v; want true, nil", r, typed, err)
		}
	}
}

func spliced(b []byte, off, deleteN int, insert ...byte) []byte {
	return slices.Concat(b[:off], insert, b[off+deleteN:])
}

// TestInsertRun types a run in insert mode: it is shown at once, shifted in, and the file
// takes it in one move when the run ends; undo and redo move it out and in, size included.
func TestInsertRun(t *testing.T) {
	data := seq(40)
	f := newSpliceFile(t, data, 0)
	f.SetCursor(4)
	if err := f.StartInsert(false); err != nil {
		t.Fatal(err)
	}
	typeRunes(t, f.Editor, "414")
	if got, want := f.shown(t), spliced(data, 4, 0, 0x41, 0x40); !bytes.Equal(got, want) {
		t.Fatalf("shown % X, want % X", got, want)
	}
	vs := f.ViewState(4, 16)
	if vs.Size != 42 || vs.Cursor != 5 || !vs.LowNibble || vs.Mode != InsertMode {
		t.Errorf("view state %+v: want size 42, cursor 5 on its low nibble, insert mode", vs)
	}
	if !slices.ContainsFunc(vs.Highlights, func(h Highlight) bool {
		return h.Kind == HighlightPending && h.Range == Range{4, 6}
	}) {
		t.Errorf("highlights %v: want the two pending bytes marked", vs.Highlights)
	}
	// A read that starts inside the run and ends past it.
	part := make([]byte, 4)
	if _, err := f.ReadAt(part, 5); err != nil || !bytes.Equal(part, []byte{0x40, 4, 5, 6}) {
		t.Errorf("ReadAt(5) = % X, %v; want 40 04 05 06", part, err)
	}
	if got := f.onDisk(t); !bytes.Equal(got, data) {
		t.Fatalf("the file changed before the run ended: % X", got)
	}
	typeRunes(t, f.Editor, "2")
	if err := f.SetMode(ViewMode); err != nil {
		t.Fatal(err)
	}
	inserted := spliced(data, 4, 0, 0x41, 0x42)
	f.wantOnDisk(t, inserted)
	if st := f.Status(); st.Pending != 0 || st.Unflushed != 0 || st.Cursor != 6 {
		t.Errorf("status %+v: want nothing pending or unflushed (the move flushes), cursor 6", st)
	}

	if err := f.Undo(); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, data)
	if c := f.Cursor(); c != 4 {
		t.Errorf("cursor %d after undo, want 4", c)
	}
	if err := f.Redo(); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, inserted)
	if err := f.Redo(); !errors.Is(err, ErrNothingToRedo) {
		t.Errorf("second redo: %v, want ErrNothingToRedo", err)
	}
}

// TestInsertRunEnds checks each way a run ends: a move of the cursor, a flush, the idle timer's
// EndRun, a paste; and that an overwrite before and after stays its own undo step.
func TestInsertRunEnds(t *testing.T) {
	data := seq(32)
	clock := time.Unix(0, 0)
	f := newSpliceFile(t, data, 0)
	f.now = func() time.Time { return clock }
	f.SetColumn(TextColumn)
	if err := f.StartInsert(true); err != nil { // after the cursor: at 1
		t.Fatal(err)
	}
	typeRunes(t, f.Editor, "ab")
	f.Move(3) // from 3, past the run: to 6
	want := spliced(data, 1, 0, 'a', 'b')
	f.wantOnDisk(t, want)
	if c := f.Cursor(); c != 6 {
		t.Errorf("cursor %d after moving 3 from the end of the run, want 6", c)
	}

	typeRunes(t, f.Editor, "c")
	if _, err := f.Flush(); err != nil {
		t.Fatal(err)
	}
	want = spliced(want, 6, 0, 'c')
	f.wantOnDisk(t, want)

	typeRunes(t, f.Editor, "d")
	if f.PendingIdle() {
		t.Error("PendingIdle right after a key")
	}
	clock = clock.Add(InsertIdle)
	if !f.PendingIdle() {
		t.Error("PendingIdle false a second after the last key")
	}
	if err := f.EndRun(); err != nil {
		t.Fatal(err)
	}
	want = spliced(want, 7, 0, 'd')
	f.wantOnDisk(t, want)

	f.register = []byte("XYZ")
	if _, err := f.Paste(); err != nil {
		t.Fatal(err)
	}
	want = spliced(want, 8, 0, 'X', 'Y', 'Z')
	f.wantOnDisk(t, want)

	// Four inserts, four undo steps.
	for range 4 {
		if err := f.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	f.wantOnDisk(t, data)
}

// TestInsertBackspace takes back keys typed in insert mode: a nibble at a time in the hex
// column, a character at a time in the text column, the cursor back where it was, and the file
// untouched until the run ends with what remains.
func TestInsertBackspace(t *testing.T) {
	data := seq(32)
	f := newSpliceFile(t, data, 0)
	backspace := func(n int64) {
		t.Helper()
		if err := f.Backspace(n); err != nil {
			t.Fatalf("Backspace(%d): %v", n, err)
		}
	}
	wantView := func(what string, shown []byte, cursor int64, lowNibble bool, pending int) {
		t.Helper()
		if got := f.shown(t); !bytes.Equal(got, shown) {
			t.Errorf("%s: shown % X, want % X", what, got, shown)
		}
		st := f.Status()
		if st.Cursor != cursor || st.LowNibble != lowNibble || st.Pending != pending {
			t.Errorf("%s: cursor %d, low nibble %v, %d pending; want %d, %v, %d",
				what, st.Cursor, st.LowNibble, st.Pending, cursor, lowNibble, pending)
		}
		if got := f.onDisk(t); !bytes.Equal(got, data) {
			t.Fatalf("%s: the file changed before the run ended: % X", what, got)
		}
	}

	f.SetCursor(4)
	if err := f.StartInsert(false); err != nil {
		t.Fatal(err)
	}
	typeRunes(t, f.Editor, "abc")
	wantView("typed a b c", spliced(data, 4, 0, 0xab, 0xc0), 5, true, 2)
	backspace(1)
	wantView("c taken back", spliced(data, 4, 0, 0xab), 5, false, 1)
	backspace(1)
	wantView("b taken back", spliced(data, 4, 0, 0xa0), 4, true, 1)
	backspace(1)
	wantView("a taken back", data, 4, false, 0)
	if vs := f.ViewState(4, 16); slices.ContainsFunc(vs.Highlights, func(h Highlight) bool { return h.Kind == HighlightPending }) {
		t.Errorf("highlights %v after taking back every key: want no pending bytes marked", vs.Highlights)
	}

	// Typing again after taking back, then a count takes back that many keys.
	typeRunes(t, f.Editor, "12345")
	backspace(2)
	wantView("5 and 4 taken back", spliced(data, 4, 0, 0x12, 0x30), 5, true, 2)
	if err := f.EndRun(); err != nil {
		t.Fatal(err)
	}
	want := spliced(data, 4, 0, 0x12, 0x30)
	f.wantOnDisk(t, want)
	if err := f.Undo(); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, data)
	if err := f.Undo(); !errors.Is(err, ErrNothingToUndo) {
		t.Errorf("second undo: %v, want ErrNothingToUndo: a key taken back is no step", err)
	}

	// The text column: a character's UTF-8 bytes at a time.
	f.SetColumn(TextColumn)
	f.SetCursor(8)
	if err := f.StartInsert(false); err != nil {
		t.Fatal(err)
	}
	typeRunes(t, f.Editor, "xé€")
	wantView("typed x é €", spliced(data, 8, 0, []byte("xé€")...), 14, false, 6)
	backspace(1)
	wantView("€ taken back", spliced(data, 8, 0, []byte("xé")...), 11, false, 3)
	backspace(1)
	wantView("é taken back", spliced(data, 8, 0, 'x'), 9, false, 1)
	typeRunes(t, f.Editor, "y")
	if err := f.SetMode(ViewMode); err != nil {
		t.Fatal(err)
	}
	want = spliced(data, 8, 0, 'x', 'y')
	f.wantOnDisk(t, want)

	// With nothing pending, Backspace moves the cursor left, in insert mode as in view mode.
	f.SetCursor(20)
	backspace(3)
	if c := f.Cursor(); c != 17 {
		t.Errorf("cursor %d after Backspace 3 from 20 in view mode, want 17", c)
	}
	if err := f.StartInsert(false); err != nil {
		t.Fatal(err)
	}
	backspace(1)
	if c := f.Cursor(); c != 16 {
		t.Errorf("cursor %d after Backspace from 17 in insert mode with nothing typed, want 16", c)
	}
	f.wantOnDisk(t, want)
}

// TestInsertAtEnd appends: insert mode after the last byte.
func TestInsertAtEnd(t *testing.T) {
	f := newSpliceFile(t, seq(4), 0)
	f.FileEnd()
	if err := f.StartInsert(true); err != nil {
		t.Fatal(err)
	}
	if c := f.Cursor(); c != 4 {
		t.Fatalf("cursor %d, want 4, past the last byte", c)
	}
	typeRunes(t, f.Editor, "ff01")
	if err := f.EndRun(); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, []byte{0, 1, 2, 3, 0xff, 0x01})
}

// TestDelete deletes at the cursor, a count and the selection, with undo and redo, and checks
// that bookmarks follow their bytes.
func TestDelete(t *testing.T) {
	data := seq(64)
	f := newSpliceFile(t, data, 0)
	f.SetCursor(40)
	f.ToggleBookmark("tail")
	f.SetCursor(10)
	f.ToggleBookmark("gone")
	f.SetCursor(8)
	if err := f.Delete(5); err != nil {
		t.Fatal(err)
	}
	once := spliced(data, 8, 5)
	f.wantOnDisk(t, once)
	if c := f.Cursor(); c != 8 {
		t.Errorf("cursor %d after delete, want 8", c)
	}
	if got := f.Bookmarks(); len(got) != 2 || got[0].Offset != 8 || got[1].Offset != 35 {
		t.Errorf("bookmarks %v: want the deleted one at 8, the one after moved back to 35", got)
	}

	f.SetCursor(20)
	f.ToggleSelection()
	f.Move(3)
	f.ToggleSelection()
	if err := f.DeleteSelection(); err != nil {
		t.Fatal(err)
	}
	twice := spliced(once, 20, 4)
	f.wantOnDisk(t, twice)
	if !f.Selection().Empty() {
		t.Error("the selection survived its delete")
	}
	if err := f.DeleteSelection(); !errors.Is(err, ErrNoSelection) {
		t.Errorf("DeleteSelection with nothing selected: %v, want ErrNoSelection", err)
	}

	if err := f.Undo(); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, once)
	if err := f.Undo(); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, data)
	if err := f.Redo(); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, once)

	// An overwrite after the delete, then undoing both: each step's offsets hold.
	f.SetCursor(30)
	mustEdit(t, f.Editor)
	typeHex(t, f.Editor, "ee")
	if err := f.SetMode(ViewMode); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, with(once, 30, 0xee))
	for range 2 {
		if err := f.Undo(); err != nil {
			t.Fatal(err)
		}
	}
	f.wantOnDisk(t, data)

	f.FileEnd()
	if err := f.Delete(9); err != nil {
		t.Fatal(err)
	}
	f.wantOnDisk(t, data[:63])
	if c := f.Cursor(); c != 62 {
		t.Errorf("cursor %d after deleting the last byte, want 62", c)
	}
}

func TestDeleteRefused(t *testing.T) {
	f := newSpliceFile(t, seq(4), 0)
	f.Select(Range{0, 4})
	if err := f.DeleteSelection(); err == nil {
		t.Error("deleting every byte was not refused")
	}
	ro := openFile(t, seq(4), mmap.ReadOnly)
	ro.Editor = New(splice.Editable{Mapping: ro.m})
	if err := ro.Delete(1); !errors.Is(err, ErrReadOnly) {
		t.Errorf("delete on a read-only mapping: %v, want ErrReadOnly", err)
	}
	if err := ro.StartInsert(false); !errors.Is(err, ErrReadOnly) {
		t.Errorf("insert on a read-only mapping: %v, want ErrReadOnly", err)
	}
	f.wantOnDisk(t, seq(4))
}

// TestMoveCancelAndRefusals runs a delete of many small chunks; during the move the editor
// draws and reads, refuses writes, and the file's lock is held; a cancel rolls it back.
func TestMoveCancelAndRefusals(t *testing.T) {
	data := seq(64 << 10)
	f := newSpliceFile(t, data, 1024)
	other, err := mmap.Open(f.path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var during []error
	waited, locked := make(chan struct{}), make(chan struct{})
	steps := 0
	f.SetMoveProgress(func(p MoveProgress) {
		steps++
		if steps > 1 {
			return
		}
		during = append(during, f.ReplaceByte(0))
		f.ViewState(4, 16)
		b := make([]byte, 16)
		_, rerr := f.ReadAt(b, 0)
		during = append(during, rerr)
		go func() {
			unlock, err := other.Lock(func() { close(waited) })
			if err == nil {
				unlock()
			}
			close(locked)
		}()
		<-waited
		f.CancelMove()
	})
	f.SetCursor(10)
	err = f.Delete(100)
	<-locked
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("delete canceled midway: %v, want context.Canceled", err)
	}
	if !errors.Is(during[0], ErrMoving) || during[1] != nil {
		t.Errorf("during the move: write %v (want ErrMoving), read %v (want nil)", during[0], during[1])
	}
	f.wantOnDisk(t, data)
	if err := f.Undo(); !errors.Is(err, ErrNothingToUndo) {
		t.Errorf("undo after a canceled delete: %v, want nothing to undo", err)
	}
	if steps < 2 {
		t.Errorf("progress heard %d steps, want the move and its rollback", steps)
	}

	// A canceled run of typing: not inserted, said so. Its rollback shrinks the file, which
	// Windows refuses while another view of it is mapped: the other mapping has done its part.
	other.Close()
	// A key taken back while the run moves in is refused: the move is inserting those bytes.
	var backspaceErr error
	f.SetMoveProgress(func(MoveProgress) {
		backspaceErr = f.Backspace(1)
		f.CancelMove()
	})
	f.SetCursor(0)
	if err := f.StartInsert(false); err != nil {
		t.Fatal(err)
	}
	typeRunes(t, f.Editor, "00")
	if err := f.EndRun(); !errors.Is(err, ErrNotInserted) || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled run: %v, want ErrNotInserted and context.Canceled", err)
	}
	if !errors.Is(backspaceErr, ErrMoving) {
		t.Errorf("Backspace while the run moved in: %v, want ErrMoving", backspaceErr)
	}
	f.wantOnDisk(t, data)
}

// TestMoveWaitsForLock inserts a run while another mapping of the file holds its lock, as an
// mmhex patch or splice would: the progress says the move waits, and a cancel then leaves the
// file as it was, no journal, and the byte overwritten before still unflushed; once the holder
// lets go, a delete waits, then runs.
func TestMoveWaitsForLock(t *testing.T) {
	data := seq(4096)
	f := newSpliceFile(t, data, 1024)
	other, err := mmap.Open(f.path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	unlock, err := other.Lock(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ReplaceByte(0xEE); err != nil {
		t.Fatal(err)
	}
	overwritten := slices.Concat([]byte{0xEE}, data[1:])

	var heard []MoveProgress
	f.SetMoveProgress(func(p MoveProgress) {
		heard = append(heard, p)
		if p.Waiting {
			f.CancelMove()
		}
	})
	f.SetCursor(8)
	if err := f.StartInsert(false); err != nil {
		t.Fatal(err)
	}
	typeRunes(t, f.Editor, "4142")
	if err := f.EndRun(); !errors.Is(err, ErrNotInserted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("run canceled while waiting for the lock: %v, want ErrNotInserted and context.Canceled", err)
	}
	if want := []MoveProgress{{Waiting: true}}; !slices.Equal(heard, want) {
		t.Errorf("progress heard %v, want %v", heard, want)
	}
	f.wantOnDisk(t, overwritten)
	if _, err := os.Stat(splice.JournalPath(f.path)); !os.IsNotExist(err) {
		t.Errorf("journal after a canceled wait: %v, want none", err)
	}
	if got := f.UnflushedRanges(); !slices.Equal(got, []Range{{0, 1}}) {
		t.Errorf("unflushed after a canceled wait: %v, want the byte overwritten before", got)
	}

	heard = nil
	f.SetMoveProgress(func(p MoveProgress) {
		heard = append(heard, p)
		if p.Waiting {
			// Windows shrinks no file while another view maps it: the holder lets go and closes.
			if err := unlock(); err != nil {
				t.Error(err)
			}
			other.Close()
		}
	})
	if err := f.SetMode(EditMode); err != nil {
		t.Fatal(err)
	}
	f.SetCursor(1)
	if err := f.Delete(2); err != nil {
		t.Fatalf("delete once the holder let go: %v", err)
	}
	if len(heard) < 3 || heard[0] != (MoveProgress{Waiting: true}) || heard[1] != (MoveProgress{}) || heard[len(heard)-1].Done != heard[len(heard)-1].Total {
		t.Errorf("progress heard %v, want the wait, its end, then the move's steps", heard)
	}
	f.wantOnDisk(t, spliced(overwritten, 1, 2))
}

// cancelAtStart is splice.Editable with the move canceled as it starts, as when Esc lands just
// as the lock is taken: the move returns before it touches the file.
type cancelAtStart struct{ splice.Editable }

func (c cancelAtStart) Splice(ctx context.Context, off, deleteN int64, insert []byte, progress func(done, total int64, rollingBack bool), waiting func(bool)) error {
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	return c.Editable.Splice(ctx, off, deleteN, insert, progress, waiting)
}

// TestMoveCanceledBeforeItBeganKeepsUnflushed checks that a move canceled before it touched the
// file leaves the editor's unflushed ranges alone: nothing was flushed, so they must still be
// flushed at the next flush or quit.
func TestMoveCanceledBeforeItBeganKeepsUnflushed(t *testing.T) {
	f := newSpliceFile(t, seq(64), 16)
	f.Editor = New(cancelAtStart{splice.Editable{Mapping: f.m, Chunk: 16}})
	f.ViewState(4, 16)
	if err := f.ReplaceByte(0xEE); err != nil {
		t.Fatal(err)
	}
	f.SetCursor(8)
	if err := f.StartInsert(false); err != nil {
		t.Fatal(err)
	}
	typeRunes(t, f.Editor, "41")
	if err := f.EndRun(); !errors.Is(err, context.Canceled) {
		t.Fatalf("EndRun with the move canceled at its start: %v, want context.Canceled", err)
	}
	if got := f.UnflushedRanges(); len(got) != 1 || got[0] != (Range{0, 1}) {
		t.Errorf("after a move canceled before it began, the unflushed ranges are %v, want [{0 1}]", got)
	}
	if got := f.onDisk(t); !bytes.Equal(got, slices.Concat([]byte{0xEE}, seq(64)[1:])) {
		t.Errorf("the file holds % x, want the overwrite and nothing inserted", got[:16])
	}
}
