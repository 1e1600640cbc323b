package hexview

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/mmhex/mmhex/editor"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fakeSource serves data, or, when data is nil, size bytes computed from their offsets, and a
// fixed view state.
type fakeSource struct {
	data  []byte
	size  int64
	state editor.ViewState
	// readErr cuts reads short at readLimit bytes, as a mapping truncated underneath does.
	readErr   error
	readLimit int

	reads           []int // the length of every ReadAt
	rows, cols      int   // the page of the last ViewState call
	viewStateCalled int
}

func (f *fakeSource) Size() int64 {
	if f.data != nil {
		return int64(len(f.data))
	}
	return f.size
}

func (f *fakeSource) ReadAt(p []byte, off int64) (int, error) {
	f.reads = append(f.reads, len(p))
	n := len(p)
	if f.readErr != nil {
		n = min(n, f.readLimit)
	}
	for i := range n {
		at := off + int64(i)
		if f.data != nil {
			p[i] = f.data[at]
		} else {
			p[i] = byte(at*7 + at>>8)
		}
	}
	if f.readErr != nil {
		return n, f.readErr
	}
	return n, nil
}

func (f *fakeSource) ViewState(rows, cols int) editor.ViewState {
	f.rows, f.cols = rows, cols
	f.viewStateCalled++
	st := f.state
	st.Size = f.Size()
	return st
}

// sample holds every byte class: text, whitespace, NUL, control, high bytes and 0xff.
var sample = []byte("Hello, world!\n\x00\xff" +
	"\x01\x1b\x7f\t\r\x0b\x0c \x80\x81\xfe\xa0ABC" +
	"0123456789abcdef" +
	"tail")

// drawView draws h on a fresh simulation screen of w x ht cells covering the whole screen.
func drawView(t testing.TB, h tview.Primitive, w, ht int) tcell.SimulationScreen {
	t.Helper()
	screen := tcell.NewSimulationScreen("UTF-8")
	if err := screen.Init(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(screen.Fini)
	screen.SetSize(w, ht)
	h.SetRect(0, 0, w, ht)
	h.Draw(screen)
	screen.Show()
	return screen
}

// screenLines flattens the screen's cells to one string per row, trailing spaces removed.
func screenLines(screen tcell.SimulationScreen) []string {
	cells, w, ht := screen.GetContents()
	lines := make([]string, ht)
	for y := range ht {
		var b strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				b.WriteByte(' ')
				continue
			}
			b.WriteString(string(c.Runes))
			// A wide character covers the next cell too.
			x += max(uniseg.StringWidth(string(c.Runes)), 1) - 1
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return lines
}

// cellAt returns the text and style of the cell at (x, y).
func cellAt(t *testing.T, screen tcell.SimulationScreen, x, y int) (string, tcell.Style) {
	t.Helper()
	cells, w, ht := screen.GetContents()
	if x < 0 || y < 0 || x >= w || y >= ht {
		t.Fatalf("cell (%d, %d) is off the %dx%d screen", x, y, w, ht)
	}
	c := cells[y*w+x]
	return string(c.Runes), c.Style
}

// checkGolden compares lines with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, lines []string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("screen differs from %s:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestSampleRows(t *testing.T) {
	src := &fakeSource{data: sample, state: editor.ViewState{Cursor: 3}}
	screen := drawView(t, New(src), 80, 6)
	lines := screenLines(screen)
	want := []string{
		"00000000 │ 48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 ff │ Hello, world!...",
		"00000010 │ 01 1b 7f 09 0d 0b 0c 20  80 81 fe a0 41 42 43 30 │ ....... ....ABC0",
		"00000020 │ 31 32 33 34 35 36 37 38  39 61 62 63 64 65 66 74 │ 123456789abcdeft",
		"00000030 │ 61 69 6c                                         │ ail",
		"",
		"",
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("row %d:\n got %q\nwant %q", i, lines[i], want[i])
		}
	}
	checkGolden(t, "sample-80x6.golden", lines)
	if src.rows != 6 || src.cols != 16 {
		t.Errorf("ViewState(%d, %d), want ViewState(6, 16)", src.rows, src.cols)
	}
}

func TestByteClassColours(t *testing.T) {
	src := &fakeSource{data: sample, state: editor.ViewState{Cursor: 60}}
	screen := drawView(t, New(src), 80, 6)
	l := layout{digits: 8, cols: 16, group: 8}
	tests := []struct {
		name string
		off  int
		want tcell.Color
	}{
		{"printable", 0, tcell.ColorTeal},
		{"space", 6, tcell.ColorGreen},
		{"newline", 13, tcell.ColorGreen},
		{"NUL", 14, tcell.ColorGray},
		{"0xff", 15, tcell.ColorRed},
		{"control", 16, tcell.ColorPurple},
		{"DEL", 18, tcell.ColorPurple},
		{"high", 24, tcell.ColorOlive},
		{"0xfe", 26, tcell.ColorOlive},
	}
	seen := map[tcell.Color]string{}
	for _, tt := range tests {
		row, j := tt.off/16, tt.off%16
		want := tcell.StyleDefault.Foreground(tt.want)
		for _, x := range []int{l.hexX(j), l.hexX(j) + 1, l.textStart() + j} {
			if _, got := cellAt(t, screen, x, row); got != want {
				t.Errorf("%s byte at %d, cell x=%d: style %v, want %v", tt.name, tt.off, x, got, want)
			}
		}
		if other, ok := seen[tt.want]; ok && !sameClass(other, tt.name) {
			t.Errorf("%s and %s share a colour", tt.name, other)
		}
		seen[tt.want] = tt.name
	}
}

func sameClass(a, b string) bool {
	classes := [][]string{{"space", "newline"}, {"control", "DEL"}, {"high", "0xfe"}}
	for _, c := range classes {
		if strings.Contains(strings.Join(c, ","), a) && strings.Contains(strings.Join(c, ","), b) {
			return true
		}
	}
	return false
}

func TestCursor(t *testing.T) {
	l := layout{digits: 8, cols: 16, group: 8}
	teal := tcell.StyleDefault.Foreground(tcell.ColorTeal)
	focus, other := teal.Reverse(true), teal.Underline(true)
	tests := []struct {
		name            string
		state           editor.ViewState
		high, low, char tcell.Style
	}{
		{"view mode, hex column", editor.ViewState{Cursor: 0x21}, focus, focus, other},
		{"view mode, text column", editor.ViewState{Cursor: 0x21, Column: editor.TextColumn}, other, other, focus},
		{"edit mode, high nibble", editor.ViewState{Cursor: 0x21, Mode: editor.EditMode}, focus, other, other},
		{"edit mode, low nibble", editor.ViewState{Cursor: 0x21, Mode: editor.EditMode, LowNibble: true}, other, focus, other},
		{"edit mode, text column", editor.ViewState{Cursor: 0x21, Mode: editor.EditMode, Column: editor.TextColumn}, other, other, focus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			screen := drawView(t, New(&fakeSource{data: sample, state: tt.state}), 80, 6)
			x := l.hexX(1)
			for _, c := range []struct {
				name string
				x    int
				want tcell.Style
			}{{"high nibble", x, tt.high}, {"low nibble", x + 1, tt.low}, {"character", l.textStart() + 1, tt.char}} {
				if _, got := cellAt(t, screen, c.x, 2); got != c.want {
					t.Errorf("%s: style %v, want %v", c.name, got, c.want)
				}
			}
			if _, got := cellAt(t, screen, x+3, 2); got != teal {
				t.Errorf("byte after the cursor: style %v, want plain %v", got, teal)
			}
			if _, got := cellAt(t, screen, 0, 2); got != tcell.StyleDefault.Bold(true) {
				t.Errorf("offset of the cursor row: style %v, want bold", got)
			}
			if _, got := cellAt(t, screen, 0, 1); got != tcell.StyleDefault.Foreground(tcell.ColorGray) {
				t.Errorf("offset of another row: style %v, want grey", got)
			}
		})
	}
}

// highlighted is a view state with one of each highlight on distinct bytes of sample.
func highlighted(seen time.Time) editor.ViewState {
	return editor.ViewState{
		Cursor:    0x2f,
		Selection: editor.Range{Start: 0x00, End: 0x03},
		Highlights: []editor.Highlight{
			{Range: editor.Range{Start: 0x04, End: 0x06}, Kind: editor.HighlightMatch},
			{Range: editor.Range{Start: 0x08, End: 0x0a}, Kind: editor.HighlightUnflushed},
			{Range: editor.Range{Start: 0x0c, End: 0x0d}, Kind: editor.HighlightBookmark},
			{Range: editor.Range{Start: 0x20, End: 0x22}, Kind: editor.HighlightForeign, Seen: seen},
		},
	}
}

func TestHighlights(t *testing.T) {
	seen := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	now := seen
	src := &fakeSource{data: sample, state: highlighted(seen)}
	h := New(src).SetClock(func() time.Time { return now })
	l := layout{digits: 8, cols: 16, group: 8}
	style := func(screen tcell.SimulationScreen, off int) tcell.Style {
		_, s := cellAt(t, screen, l.hexX(off%16), off/16)
		return s
	}
	// A gap is a blank: its foreground does not show (and the view reuses its neighbour's).
	gap := func(screen tcell.SimulationScreen, off int) tcell.Style {
		_, s := cellAt(t, screen, l.hexX(off%16)+2, off/16)
		return s.Foreground(tcell.ColorDefault)
	}
	screen := drawView(t, h, 80, 6)
	tests := []struct {
		name string
		got  tcell.Style
		want tcell.Style
	}{
		{"selection", style(screen, 0x01), tcell.StyleDefault.Foreground(tcell.ColorTeal).Background(tcell.ColorNavy)},
		{"gap inside the selection", gap(screen, 0x01), tcell.StyleDefault.Background(tcell.ColorNavy)},
		{"gap after the selection", gap(screen, 0x02), tcell.StyleDefault},
		{"match", style(screen, 0x04), tcell.StyleDefault.Foreground(tcell.ColorBlack).Background(tcell.ColorOlive)},
		{"unflushed", style(screen, 0x08), tcell.StyleDefault.Foreground(tcell.ColorWhite).Background(tcell.ColorMaroon).Bold(true)},
		{"bookmark", style(screen, 0x0c), tcell.StyleDefault.Foreground(tcell.ColorWhite).Background(tcell.ColorPurple)},
		{"foreign, fresh", style(screen, 0x20), tcell.StyleDefault.Foreground(tcell.ColorBlack).Background(tcell.NewRGBColor(255, 135, 0))},
		{"plain", style(screen, 0x10), tcell.StyleDefault.Foreground(tcell.ColorPurple)},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: style %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if !h.Fading() {
		t.Errorf("Fading() = false with a fresh foreign change on screen")
	}

	now = seen.Add(editor.ForeignLifetime / 2)
	screen = drawView(t, h, 80, 6)
	half := tcell.StyleDefault.Foreground(tcell.ColorBlack).Background(tcell.NewRGBColor(163, 87, 0))
	if got := style(screen, 0x20); got != half {
		t.Errorf("foreign after 1 s: style %v, want %v", got, half)
	}

	now = seen.Add(editor.ForeignLifetime + time.Millisecond)
	screen = drawView(t, h, 80, 6)
	if got, want := style(screen, 0x20), tcell.StyleDefault.Foreground(tcell.ColorTeal); got != want {
		t.Errorf("foreign after the fade: style %v, want plain %v", got, want)
	}
	if h.Fading() {
		t.Errorf("Fading() = true after the fade")
	}
}

func TestNoColor(t *testing.T) {
	seen := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	src := &fakeSource{data: sample, state: highlighted(seen)}
	src.state.Cursor = 0x01 // inside the selection
	h := New(src).SetNoColor(true).SetClock(func() time.Time { return seen.Add(time.Second) })
	screen := drawView(t, h, 80, 6)

	cells, w, _ := screen.GetContents()
	for i, c := range cells {
		s := c.Style
		if s.Foreground(tcell.ColorDefault).Background(tcell.ColorDefault) != s || s.GetUnderlineColor() != tcell.ColorDefault {
			t.Fatalf("cell (%d, %d) %q has colours with SetNoColor(true): %v", i%w, i/w, string(c.Runes), s)
		}
	}
	l := layout{digits: 8, cols: 16, group: 8}
	style := func(x, y int) tcell.Style {
		_, s := cellAt(t, screen, x, y)
		return s
	}
	tests := []struct {
		name      string
		got, want tcell.Style
	}{
		{"selection", style(l.hexX(0), 0), tcell.StyleDefault.Reverse(true)},
		{"gap inside the selection", style(l.hexX(0)+2, 0), tcell.StyleDefault.Reverse(true)},
		{"cursor inside the selection", style(l.hexX(1), 0), tcell.StyleDefault.Underline(true)},
		{"cursor, other column", style(l.textStart()+1, 0), tcell.StyleDefault.Reverse(true).Underline(true)},
		{"match", style(l.hexX(4), 0), tcell.StyleDefault.Underline(true)},
		{"gap inside the match", style(l.hexX(4)+2, 0), tcell.StyleDefault.Underline(true)},
		{"unflushed", style(l.hexX(8), 0), tcell.StyleDefault.Bold(true)},
		{"bookmark", style(l.hexX(12), 0), tcell.StyleDefault.Italic(true)},
		{"foreign", style(l.hexX(0), 2), tcell.StyleDefault.Blink(true)},
		{"plain byte", style(l.hexX(3), 0), tcell.StyleDefault},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: style %v, want %v", tt.name, tt.got, tt.want)
		}
	}

	src.state.Cursor = 0x03 // outside the selection
	screen = drawView(t, h, 80, 6)
	if _, got := cellAt(t, screen, l.hexX(3), 0); got != tcell.StyleDefault.Reverse(true) {
		t.Errorf("cursor outside the selection: style %v, want reverse", got)
	}
}

func TestSmallTerminal(t *testing.T) {
	src := &fakeSource{data: sample, state: editor.ViewState{Cursor: 5}}
	screen := drawView(t, New(src), 40, 10)
	lines := screenLines(screen)
	if src.cols != 4 {
		t.Errorf("40 cells wide: %d bytes per row, want 4", src.cols)
	}
	if got, want := lines[0], "00000000 │ 48 65 6c 6c │ Hell"; got != want {
		t.Errorf("row 0: got %q, want %q", got, want)
	}
	if got, want := lines[9], "00000024 │ 35 36 37 38 │ 5678"; got != want {
		t.Errorf("row 9: got %q, want %q", got, want)
	}
	checkGolden(t, "small-40x10.golden", lines)
}

func TestNothingDrawnOutsideTheRect(t *testing.T) {
	for _, size := range []struct{ w, h int }{{40, 10}, {24, 5}, {13, 3}, {1, 1}} {
		screen := tcell.NewSimulationScreen("UTF-8")
		if err := screen.Init(); err != nil {
			t.Fatal(err)
		}
		screen.SetSize(size.w+4, size.h+2)
		screen.Fill('X', tcell.StyleDefault)
		h := New(&fakeSource{data: sample})
		h.SetRect(2, 1, size.w, size.h)
		h.Draw(screen)
		screen.Show()
		cells, w, ht := screen.GetContents()
		for y := range ht {
			for x := range w {
				inside := x >= 2 && x < 2+size.w && y >= 1 && y < 1+size.h
				if got := string(cells[y*w+x].Runes); !inside && got != "X" {
					t.Errorf("%dx%d view: cell (%d, %d) outside the rect is %q, want X", size.w, size.h, x, y, got)
				}
			}
		}
		screen.Fini()
	}
}

func TestResizeLeavesNoStaleCells(t *testing.T) {
	src := &fakeSource{data: sample}
	h := New(src)
	screen := drawView(t, h, 100, 12)
	screen.SetSize(45, 7)
	h.SetRect(0, 0, 45, 7)
	h.Draw(screen)
	screen.Show()
	fresh := drawView(t, New(&fakeSource{data: sample}), 45, 7)
	got, want := screenLines(screen), screenLines(fresh)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after resize:\n%s\nwant as drawn fresh:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if src.cols != 8 {
		t.Errorf("45 cells wide: %d bytes per row, want 8", src.cols)
	}
}

func TestLargeOffsets(t *testing.T) {
	const gib = int64(1) << 30
	top := 16*gib - 32
	src := &fakeSource{size: 16 * gib, state: editor.ViewState{Top: top, Cursor: top + 17}}
	screen := drawView(t, New(src), 80, 4)
	lines := screenLines(screen)
	checkGolden(t, "large-16GiB-80x4.golden", lines)
	for i, want := range []string{"3ffffffe0 │ ", "3fffffff0 │ "} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("row %d: %q, want it to start with %q", i, lines[i], want)
		}
	}
	if lines[2] != "" {
		t.Errorf("row past the end: %q, want empty", lines[2])
	}
	if src.cols != 16 {
		t.Errorf("a 9-digit offset at 80 cells: %d bytes per row, want 16", src.cols)
	}
}

func TestOffsetDigits(t *testing.T) {
	const gib = int64(1) << 30
	tests := []struct {
		size int64
		want int
	}{
		{0, 8}, {1, 8}, {4 * gib, 8}, {4*gib + 1, 9}, {64 * gib, 9}, {64*gib + 1, 10}, {1 << 62, 16},
	}
	for _, tt := range tests {
		if got := offsetDigits(tt.size); got != tt.want {
			t.Errorf("offsetDigits(%#x) = %d, want %d", tt.size, got, tt.want)
		}
	}
}

func TestGeometry(t *testing.T) {
	tests := []struct {
		name          string
		columns       int
		group         int
		width, height int
		cols, rows    int
	}{
		{"fits 16", 0, 8, 80, 24, 16, 24},
		{"exactly 16", 0, 8, 78, 24, 16, 24},
		{"one short of 16", 0, 8, 77, 24, 8, 24},
		{"wide stays 16", 0, 8, 200, 60, 16, 60},
		{"40 cells", 0, 8, 40, 10, 4, 10},
		{"too narrow for anything", 0, 8, 5, 2, 1, 2},
		{"asked for 32, fits", 32, 8, 200, 60, 32, 60},
		{"asked for 32, falls back", 32, 8, 80, 24, 16, 24},
		{"asked for 24, falls back to a power of two", 24, 8, 80, 24, 16, 24},
		{"asked for 5", 5, 8, 80, 24, 5, 24},
		{"no groups", 0, 0, 77, 24, 16, 24},
		{"groups of 4", 0, 4, 80, 24, 16, 24},
		{"groups of 4, one short of 16", 0, 4, 79, 24, 8, 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New(&fakeSource{}).SetColumns(tt.columns).SetGroup(tt.group)
			cols, rows := h.Geometry(tt.width, tt.height)
			if cols != tt.cols || rows != tt.rows {
				t.Errorf("Geometry(%d, %d) = %d, %d; want %d, %d", tt.width, tt.height, cols, rows, tt.cols, tt.rows)
			}
			if l := h.layoutFor(tt.width, 0); l.width() > tt.width && cols > 1 {
				t.Errorf("a row takes %d cells, more than the %d there are", l.width(), tt.width)
			}
		})
	}
}

func TestGroups(t *testing.T) {
	src := &fakeSource{data: sample}
	lines := screenLines(drawView(t, New(src).SetGroup(4), 79, 1))
	if got, want := lines[0], "00000000 │ 48 65 6c 6c  6f 2c 20 77 │ Hello, w"; got != want {
		t.Errorf("groups of 4:\n got %q\nwant %q", got, want)
	}
}

func TestReadsOnlyTheVisibleRows(t *testing.T) {
	const gib = int64(1) << 30
	src := &fakeSource{size: 100 * gib, state: editor.ViewState{Top: 50 * gib}}
	h := New(src)
	drawView(t, h, 80, 24)
	if len(src.reads) != 1 || src.reads[0] != 24*16 {
		t.Errorf("reads %v, want one read of %d bytes", src.reads, 24*16)
	}
}

func TestShortReadShowsUnreadableBytes(t *testing.T) {
	src := &fakeSource{data: sample, readErr: errors.New("mmap: fault"), readLimit: 20}
	lines := screenLines(drawView(t, New(src), 80, 4))
	if got, want := lines[1], "00000010 │ 01 1b 7f 09 ?? ?? ?? ??  ?? ?? ?? ?? ?? ?? ?? ?? │ ....????????????"; got != want {
		t.Errorf("row 1:\n got %q\nwant %q", got, want)
	}
}

func TestEmptySource(t *testing.T) {
	src := &fakeSource{data: []byte{}}
	lines := screenLines(drawView(t, New(src), 80, 3))
	empty := "00000000 │" + strings.Repeat(" ", layout{digits: 8, cols: 16, group: 8}.hexEnd()+1-10) + "│"
	if got, want := strings.Join(lines, "\n"), empty+"\n\n"; got != want {
		t.Errorf("empty source:\n got %q\nwant %q", got, want)
	}
	if len(src.reads) != 0 {
		t.Errorf("reads %v from an empty source, want none", src.reads)
	}
}

func TestNoRoomDrawsNothing(t *testing.T) {
	src := &fakeSource{data: sample}
	h := New(src)
	h.SetBorder(true)
	drawView(t, h, 2, 2)
	if src.viewStateCalled != 0 || len(src.reads) != 0 {
		t.Errorf("with no inner room: %d ViewState calls and reads %v, want none", src.viewStateCalled, src.reads)
	}
}

func TestMouse(t *testing.T) {
	src := &fakeSource{data: sample, state: editor.ViewState{Top: 0}}
	h := New(src)
	type click struct {
		off int64
		col editor.Column
	}
	var clicks []click
	var scrolls []int
	h.SetOnClick(func(off int64, col editor.Column) { clicks = append(clicks, click{off, col}) })
	h.SetOnScroll(func(rows int) { scrolls = append(scrolls, rows) })
	drawView(t, h, 80, 6)
	l := layout{digits: 8, cols: 16, group: 8}
	focused := tview.Primitive(nil)
	handler := h.MouseHandler()
	send := func(action tview.MouseAction, x, y int) bool {
		consumed, _ := handler(action, tcell.NewEventMouse(x, y, tcell.Button1, 0), func(p tview.Primitive) { focused = p })
		return consumed
	}
	tests := []struct {
		name string
		x, y int
		want []click
	}{
		{"high nibble", l.hexX(5), 2, []click{{0x25, editor.HexColumn}}},
		{"low nibble", l.hexX(5) + 1, 2, []click{{0x25, editor.HexColumn}}},
		{"gap after a byte", l.hexX(7) + 2, 1, []click{{0x17, editor.HexColumn}}},
		{"wide gap", l.hexX(7) + 3, 1, []click{{0x17, editor.HexColumn}}},
		{"text column", l.textStart() + 9, 0, []click{{0x09, editor.TextColumn}}},
		{"past the end of the file", l.hexX(15), 3, []click{{int64(len(sample) - 1), editor.HexColumn}}},
		{"offset column", 2, 1, nil},
		{"row past the screen's rows", l.hexX(0), 6, nil},
	}
	for _, tt := range tests {
		clicks = nil
		send(tview.MouseLeftDown, tt.x, tt.y)
		if len(clicks) != len(tt.want) || len(clicks) > 0 && clicks[0] != tt.want[0] {
			t.Errorf("%s: clicks %v, want %v", tt.name, clicks, tt.want)
		}
	}
	if focused != h {
		t.Errorf("a click did not focus the view")
	}
	if !send(tview.MouseScrollDown, 10, 1) || !send(tview.MouseScrollUp, 10, 1) {
		t.Errorf("wheel events were not consumed")
	}
	if len(scrolls) != 2 || scrolls[0] != wheelRows || scrolls[1] != -wheelRows {
		t.Errorf("scrolls %v, want [%d %d]", scrolls, wheelRows, -wheelRows)
	}
	if send(tview.MouseMove, 10, 1) {
		t.Errorf("a mouse move was consumed")
	}
}

func TestBorder(t *testing.T) {
	h := New(&fakeSource{data: sample})
	h.SetBorder(true).SetTitle("data.bin")
	lines := screenLines(drawView(t, h, 80, 4))
	want := []string{
		"┌───────────────────────────────────data.bin───────────────────────────────────┐",
		"│00000000 │ 48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 ff │ Hello, world!...│",
		"│00000010 │ 01 1b 7f 09 0d 0b 0c 20  80 81 fe a0 41 42 43 30 │ ....... ....ABC0│",
		"└──────────────────────────────────────────────────────────────────────────────┘",
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("row %d:\n got %q\nwant %q", i, lines[i], want[i])
		}
	}
}

// The editor's model is the Source the app draws.
var _ Source = (*editor.Editor)(nil)

// TestGapsContinueTheRun checks that the blanks between bytes of one colour take that colour, so
// the terminal is sent one style for the run rather than a change around every gap; a gap before
// a byte of another class, which shows nothing of its own colour, keeps the run it ends.
func TestGapsContinueTheRun(t *testing.T) {
	src := &fakeSource{data: make([]byte, 64), state: editor.ViewState{Cursor: 40}}
	screen := drawView(t, New(src), 80, 4)
	l := layout{digits: 8, cols: 16, group: 8}
	gray := tcell.StyleDefault.Foreground(tcell.ColorGray)
	for x := l.hexX(0); x < l.hexX(15)+2; x++ {
		if _, got := cellAt(t, screen, x, 1); got != gray {
			t.Errorf("row of NUL bytes, cell x=%d: style %v, want %v", x, got, gray)
		}
	}
}
