package editor

import "time"

// Range is the half-open byte range [Start, End).
type Range struct{ Start, End int64 }

// Len returns the number of bytes in r.
func (r Range) Len() int64 { return r.End - r.Start }

// Empty reports whether r holds no bytes.
func (r Range) Empty() bool { return r.End <= r.Start }

// Contains reports whether off lies in r.
func (r Range) Contains(off int64) bool { return off >= r.Start && off < r.End }

// Column is the pane that typed input goes to.
type Column int

const (
	// HexColumn takes hex digits, one nibble at a time.
	HexColumn Column = iota
	// TextColumn takes characters, one byte each.
	TextColumn
)

// Mode says whether typed input writes bytes.
type Mode int

const (
	// ViewMode moves and never writes.
	ViewMode Mode = iota
	// EditMode overwrites bytes in place as the user types.
	EditMode
	// InsertMode inserts the bytes typed before the cursor: the file grows.
	InsertMode
)

// HighlightKind says why a range is highlighted.
type HighlightKind int

const (
	// HighlightMatch marks search matches.
	HighlightMatch HighlightKind = iota
	// HighlightUnflushed marks bytes written since the last flush.
	HighlightUnflushed
	// HighlightForeign marks bytes another process changed, seen in live mode.
	HighlightForeign
	// HighlightBookmark marks bookmarked offsets.
	HighlightBookmark
	// HighlightPending marks bytes typed in insert mode that the file has not taken yet.
	HighlightPending
)

// Highlight is a highlighted range.
type Highlight struct {
	Range
	Kind HighlightKind
	// Seen is when a HighlightForeign change was seen; the view fades it out as it ages.
	Seen time.Time
}

// ViewState is everything the view needs to draw one frame besides the bytes themselves: a plain
// snapshot taken under the editor's lock, so drawing never holds it.
type ViewState struct {
	Size      int64
	Top       int64 // offset of the first visible row, a multiple of the row width
	Cursor    int64
	LowNibble bool // the next hex digit typed goes into the cursor byte's low nibble
	Column    Column
	Mode      Mode
	Selection Range // empty when nothing is selected
	// Highlights are those overlapping the visible rows, sorted by Start.
	Highlights []Highlight
}
