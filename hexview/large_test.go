package hexview

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// TestDrawPastTwoAndFourGiB draws an editor over sparse files at offsets an int of a 32-bit build
// cannot hold (GOARCH=386 runs it there): the rows show their offsets and the planted bytes, and
// a selection far before the view marks nothing, while one inside it marks exactly its bytes.
func TestDrawPastTwoAndFourGiB(t *testing.T) {
	const planted = "mmhex planted it"
	tests := []struct {
		name     string
		size, at int64 // a row start; the view shows it last, its top three rows before
		digits   int
	}{
		{"past 2 GiB", 3 << 30, 0x90000000, 8},
		{"across 4 GiB", 6 << 30, 0x1_0000_0020, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := testdir.Sparse(t, tt.size)
			testdir.WriteAt(t, path, tt.at, planted)
			m, err := mmap.Open(path, mmap.ReadOnly)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			e := editor.New(m)
			e.SetCursor(tt.at + 5)
			e.Select(editor.Range{Start: 0x10, End: 0x20})
			h := New(e)
			screen := drawView(t, h, 80, 4)

			lines := screenLines(screen)
			want := fmt.Sprintf("%0*x │ % x  % x │ %s", tt.digits, tt.at, planted[:8], planted[8:], planted)
			row := -1
			for i, line := range lines {
				if line == want {
					row = i
				}
			}
			if row < 0 {
				t.Fatalf("no row shows %q; the screen shows:\n%s", want, strings.Join(lines, "\n"))
			}
			for i, line := range lines {
				off := tt.at + int64(i-row)*16
				if prefix := fmt.Sprintf("%0*x │ ", tt.digits, off); !strings.HasPrefix(line, prefix) {
					t.Errorf("row %d: %q, want it to start with %q", i, line, prefix)
				}
			}
			top := tt.at - int64(row)*16
			l := layout{digits: tt.digits, cols: 16, group: 8}
			checkSelection := func(sel editor.Range) {
				t.Helper()
				for i := range lines {
					for j := range 16 {
						off := top + int64(i)*16 + int64(j)
						_, style := cellAt(t, screen, l.hexX(j), i)
						_, bg, _ := style.Decompose()
						if got, want := bg == tcell.ColorNavy, sel.Contains(off); got != want {
							t.Errorf("byte %#x: drawn selected %v, want %v (the selection is [%#x, %#x))",
								off, got, want, sel.Start, sel.End)
						}
					}
				}
			}
			checkSelection(e.Selection())

			e.Select(editor.Range{Start: tt.at + 2, End: tt.at + 4})
			screen = drawView(t, h, 80, 4)
			checkSelection(e.Selection())
			_, style := cellAt(t, screen, l.hexX(5), row)
			if _, _, attrs := style.Decompose(); attrs&tcell.AttrReverse == 0 {
				t.Errorf("the cursor's byte %#x is not drawn in reverse video", tt.at+5)
			}
		})
	}
}
