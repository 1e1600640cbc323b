package editor

import (
	"fmt"
	"testing"
	"time"
)

func TestMovement(t *testing.T) {
	// 100 bytes, 16 per row: rows start at 0, 16, …, 96 (a partial row of 4 bytes).
	tests := []struct {
		name string
		from int64
		move func(e *Editor)
		want int64
	}{
		{"right", 5, func(e *Editor) { e.Move(1) }, 6},
		{"left stops at 0", 0, func(e *Editor) { e.Move(-1) }, 0},
		{"right stops at the last byte", 99, func(e *Editor) { e.Move(3) }, 99},
		{"down", 5, func(e *Editor) { e.MoveRows(1) }, 21},
		{"down by a count", 5, func(e *Editor) { e.MoveRows(3) }, 53},
		{"down into the partial last row", 90, func(e *Editor) { e.MoveRows(1) }, 99},
		{"down on the last row stays", 97, func(e *Editor) { e.MoveRows(1) }, 97},
		{"up", 21, func(e *Editor) { e.MoveRows(-1) }, 5},
		{"up on the first row keeps the column", 5, func(e *Editor) { e.MoveRows(-1) }, 5},
		{"up past the start keeps the column", 37, func(e *Editor) { e.MoveRows(-5) }, 5},
		{"row start", 37, func(e *Editor) { e.RowStart() }, 32},
		{"row end", 37, func(e *Editor) { e.RowEnd() }, 47},
		{"row end of the partial row", 97, func(e *Editor) { e.RowEnd() }, 99},
		{"file start", 57, func(e *Editor) { e.FileStart() }, 0},
		{"file end", 7, func(e *Editor) { e.FileEnd() }, 99},
		{"next group", 5, func(e *Editor) { e.NextGroup(1) }, 8},
		{"next group from a group start", 8, func(e *Editor) { e.NextGroup(2) }, 24},
		{"previous group from inside", 10, func(e *Editor) { e.PrevGroup(1) }, 8},
		{"previous group from a group start", 16, func(e *Editor) { e.PrevGroup(1) }, 8},
		{"previous group by a count", 20, func(e *Editor) { e.PrevGroup(2) }, 8},
		{"page down", 5, func(e *Editor) { e.MovePages(1) }, 53},
		{"page up", 60, func(e *Editor) { e.MovePages(-1) }, 12},
		{"page down at the end", 90, func(e *Editor) { e.MovePages(1) }, 99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFile(t, seq(100))
			f.ViewState(4, 16)
			f.SetCursor(tt.from)
			tt.move(f.Editor)
			if got := f.Cursor(); got != tt.want {
				t.Errorf("cursor: got %d, want %d", got, tt.want)
			}
		})
	}
}

// TestGoto goes to offsets and, with a base (a region of a process at 0x7000), to addresses: a
// plain number is then an address, and the relative forms keep their meaning.
func TestGoto(t *testing.T) {
	tests := []struct {
		base    int64
		expr    string
		want    int64
		wantErr bool
	}{
		{0, "0x10", 16, false},
		{0, "42", 42, false},
		{0, "+8", 58, false},
		{0, "-0x10", 34, false},
		{0, "50%", 500, false},
		{0, "end", 999, false},
		{0, "1000", 50, true},
		{0, "zz", 50, true},
		{0x7000, "0x7010", 0x10, false},
		{0x7000, "0x7000", 0, false},
		{0x7000, "+8", 58, false},
		{0x7000, "end-1", 999, false},
		{0x7000, "50%", 500, false},
		{0x7000, "0x10", 50, true},
		{0x7000, "0x73e8", 50, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%#x %s", tt.base, tt.expr), func(t *testing.T) {
			f := newFile(t, make([]byte, 1000))
			if tt.base != 0 {
				f.SetBase(tt.base)
			}
			f.SetCursor(50)
			err := f.Goto(tt.expr)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Goto(%q): got error %v, want error %v", tt.expr, err, tt.wantErr)
			}
			if got := f.Cursor(); got != tt.want {
				t.Errorf("cursor: got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestViewStateScrolling(t *testing.T) {
	f := newFile(t, make([]byte, 1000)) // 16 per row: the last row starts at 992
	steps := []struct {
		name    string
		act     func(e *Editor)
		rows    int
		cols    int
		wantTop int64
	}{
		{"start", func(e *Editor) {}, 4, 16, 0},
		{"cursor on the last visible row", func(e *Editor) { e.SetCursor(63) }, 4, 16, 0},
		{"one row further scrolls by one row", func(e *Editor) { e.SetCursor(64) }, 4, 16, 16},
		{"back up within the screen stays", func(e *Editor) { e.SetCursor(20) }, 4, 16, 16},
		{"above the screen scrolls up", func(e *Editor) { e.SetCursor(5) }, 4, 16, 0},
		{"jump to the end shows the last row at the bottom", func(e *Editor) { e.FileEnd() }, 4, 16, 944},
		{"wider rows realign top", func(e *Editor) {}, 4, 24, 912},
		{"a taller view never scrolls past the end", func(e *Editor) { e.SetCursor(990) }, 100, 16, 0},
		{"wheel down moves the view and drags the cursor", func(e *Editor) { e.FileStart(); e.ViewState(4, 16); e.Scroll(10) }, 4, 16, 160},
		{"wheel up", func(e *Editor) { e.Scroll(-3) }, 4, 16, 112},
		{"wheel past the end stops", func(e *Editor) { e.Scroll(1000) }, 4, 16, 944},
	}
	for _, s := range steps {
		s.act(f.Editor)
		vs := f.ViewState(s.rows, s.cols)
		if vs.Top != s.wantTop {
			t.Errorf("%s: top %d, want %d", s.name, vs.Top, s.wantTop)
		}
		cols := int64(s.cols)
		if row := vs.Cursor - vs.Cursor%cols; row < vs.Top || row >= vs.Top+int64(s.rows)*cols {
			t.Errorf("%s: cursor %d is off screen (top %d)", s.name, vs.Cursor, vs.Top)
		}
	}
	if got := f.Cursor(); got != 944 {
		t.Errorf("cursor after wheel: got %d, want 944 (dragged to the first visible row, same column)", got)
	}
}

func TestModeAndColumn(t *testing.T) {
	f := newFile(t, seq(8))
	if vs := f.ViewState(1, 8); vs.Mode != ViewMode || vs.Column != HexColumn {
		t.Fatalf("initial state: mode %v column %v, want view mode and hex column", vs.Mode, vs.Column)
	}
	if err := f.ToggleMode(); err != nil {
		t.Fatal(err)
	}
	f.ToggleColumn()
	if vs := f.ViewState(1, 8); vs.Mode != EditMode || vs.Column != TextColumn {
		t.Errorf("after toggles: mode %v column %v, want edit mode and text column", vs.Mode, vs.Column)
	}
	f.SetColumn(HexColumn)
	f.ToggleMode()
	if vs := f.ViewState(1, 8); vs.Mode != ViewMode || vs.Column != HexColumn {
		t.Errorf("after toggling back: mode %v column %v, want view mode and hex column", vs.Mode, vs.Column)
	}
}

func TestSelection(t *testing.T) {
	f := newFile(t, seq(64))
	f.SetCursor(10)
	f.ToggleSelection()
	f.Move(5)
	if got, want := f.ViewState(4, 16).Selection, (Range{10, 16}); got != want {
		t.Errorf("selection following the cursor: got %v, want %v", got, want)
	}
	f.Move(-8)
	if got, want := f.Selection(), (Range{7, 11}); got != want {
		t.Errorf("selection before the anchor: got %v, want %v", got, want)
	}
	f.ToggleSelection()
	f.Move(20)
	if got, want := f.Selection(), (Range{7, 11}); got != want {
		t.Errorf("fixed selection after moving: got %v, want %v", got, want)
	}
	if !f.ClearSelection() {
		t.Error("ClearSelection reported no selection")
	}
	if got := f.Selection(); !got.Empty() {
		t.Errorf("selection after clearing: got %v, want empty", got)
	}
	f.Select(Range{60, 100})
	if got, want := f.Selection(), (Range{60, 64}); got != want {
		t.Errorf("Select past the end: got %v, want %v", got, want)
	}
}

func TestBookmarks(t *testing.T) {
	f := newFile(t, make([]byte, 256))
	if _, err := f.NextBookmark(); err != ErrNoBookmarks {
		t.Errorf("NextBookmark without bookmarks: got %v, want ErrNoBookmarks", err)
	}
	for _, off := range []int64{200, 16, 100} {
		f.SetCursor(off)
		if !f.ToggleBookmark("") {
			t.Errorf("ToggleBookmark at %d reported no bookmark", off)
		}
	}
	f.SetCursor(100)
	f.ToggleBookmark("header")
	got := f.Bookmarks()
	want := []Bookmark{{16, ""}, {100, "header"}, {200, ""}}
	if len(got) != len(want) {
		t.Fatalf("bookmarks: got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("bookmark %d: got %v, want %v", i, got[i], want[i])
		}
	}
	f.SetCursor(50)
	for _, want := range []int64{100, 200, 16, 100} {
		b, err := f.NextBookmark()
		if err != nil || b.Offset != want || f.Cursor() != want {
			t.Errorf("NextBookmark: got %v, %v, cursor %d; want offset %d", b, err, f.Cursor(), want)
		}
	}
	f.SetCursor(50)
	for _, want := range []int64{16, 200, 100} {
		b, err := f.PrevBookmark()
		if err != nil || b.Offset != want || f.Cursor() != want {
			t.Errorf("PrevBookmark: got %v, %v, cursor %d; want offset %d", b, err, f.Cursor(), want)
		}
	}
	f.SetCursor(16)
	if f.ToggleBookmark("") {
		t.Error("toggling an existing bookmark with no name should remove it")
	}
	if got := len(f.Bookmarks()); got != 2 {
		t.Errorf("bookmarks after removing one: got %d, want 2", got)
	}
	hs := f.ViewState(16, 16).Highlights
	if !hasHighlight(hs, Highlight{Range: Range{100, 101}, Kind: HighlightBookmark}) {
		t.Errorf("highlights %v lack the bookmark at 100", hs)
	}
	if want := "0x64 (100)  header"; f.Bookmarks()[0].String() != want {
		t.Errorf("bookmark string: got %q, want %q", f.Bookmarks()[0].String(), want)
	}
}

func hasHighlight(hs []Highlight, want Highlight) bool {
	for _, h := range hs {
		if h.Range == want.Range && h.Kind == want.Kind {
			return true
		}
	}
	return false
}

func TestHighlights(t *testing.T) {
	f := newFile(t, make([]byte, 4096))
	now := time.Unix(1000, 0)
	f.now = func() time.Time { return now }
	mustEdit(t, f.Editor)
	typeHex(t, f.Editor, "11")
	f.SetCursor(3000)
	typeHex(t, f.Editor, "22")
	f.MarkForeign([]Range{{8, 12}, {2000, 2004}}, now)
	f.SetCursor(0)

	hs := f.ViewState(4, 16).Highlights
	want := []Highlight{
		{Range: Range{0, 1}, Kind: HighlightUnflushed},
		{Range: Range{8, 12}, Kind: HighlightForeign, Seen: now},
	}
	if len(hs) != len(want) {
		t.Fatalf("highlights: got %v, want %v (only those on screen)", hs, want)
	}
	for i := range want {
		if hs[i] != want[i] {
			t.Errorf("highlight %d: got %v, want %v", i, hs[i], want[i])
		}
	}
	now = now.Add(3 * time.Second)
	hs = f.ViewState(4, 16).Highlights
	if len(hs) != 1 || hs[0].Kind != HighlightUnflushed {
		t.Errorf("highlights 3 s later: got %v, want only the unflushed byte (foreign changes expire)", hs)
	}
}
