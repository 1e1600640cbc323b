// Package editor is mmhex's model of an editing session: the cursor and scroll position, the
// selection, in-place writes through the mapping with their undo and redo history, the set of
// unflushed ranges, goto, search, bookmarks and the data inspector's decoding. It knows nothing of
// terminals: the widget draws from the plain ViewState snapshot the editor hands out.
//
// Its errors are sentences for the person at the keys, and they carry no package prefix: the app
// shows them as they are, in the status bar, where the editor is the app's own voice. An error of
// the storage beneath keeps its own prefix inside the sentence that wraps it.
package editor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Storage is what the editor needs of the mapped object (a *mmap.Mapping satisfies it): writes
// reach the page cache at once, and Flush makes a range durable.
type Storage interface {
	Name() string
	Size() int64
	Writable() bool
	FileBacked() bool
	ReadAt(p []byte, off int64) (int, error)
	WriteAt(p []byte, off int64) (int, error)
	Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error
	Flush(off, length int64) error
	// CurrentSize is the size the object has now, one system call: another process may have
	// truncated or extended it since it was mapped.
	CurrentSize() (int64, error)
	// Replaced reports whether the object's path names another file now, or none.
	Replaced() (bool, error)
}

// Errors callers tell apart with errors.Is.
var (
	// ErrReadOnly refuses edit mode and every write on a read-only mapping.
	ErrReadOnly = errors.New("the mapping is open read-only, so its bytes cannot be changed")
	// ErrFixedSize refuses inserting and deleting bytes where the storage cannot change size.
	ErrFixedSize = errors.New("this mapping has a fixed size: bytes can be overwritten (edit mode, fill, paste) but not inserted or deleted")
	// ErrNotEditMode refuses typed input outside edit mode.
	ErrNotEditMode = errors.New("not in edit mode")
	// ErrEmpty refuses cursor-based edits on an empty mapping.
	ErrEmpty = errors.New("the mapping is empty")
	// ErrNoSelection refuses fill and copy when nothing is selected.
	ErrNoSelection = errors.New("nothing is selected (start a selection first)")
	// ErrRegisterEmpty refuses paste before anything was copied.
	ErrRegisterEmpty = errors.New("nothing to paste (copy a selection first)")
	// ErrTooLarge refuses an action whose copy or undo record would not fit in memory comfortably.
	ErrTooLarge = errors.New("too large")
	// ErrEndOfFile refuses typing that would pass the last byte: a mapping cannot grow, and
	// writing part of a character, or the last byte again, would be a silent surprise.
	ErrEndOfFile = errors.New("end of file: a mapping has a fixed size, so typing stops at the last byte")
)

// GroupSize is the number of bytes cursor.next-group and cursor.prev-group step over; the view
// draws a wider gap between groups of as many bytes, so a step lands on a visible boundary.
const GroupSize = 8

const (
	// defaultCols is the row width before the view has reported its own.
	defaultCols = 16
	// maxActionBytes bounds the bytes one fill or paste may change: their old bytes are kept for
	// undo, in memory.
	maxActionBytes = 256 << 20
	// maxCopyBytes bounds a copy: it lives in memory and travels to the terminal as OSC 52.
	maxCopyBytes = 64 << 20
)

// Editor is one editing session over a Storage. Its methods are safe for concurrent use: one
// mutex guards the state, exported methods take it and call unexported twins.
type Editor struct {
	mu  sync.Mutex
	st  Storage
	now func() time.Time

	size      int64
	base      int64 // the address of offset 0 (a region of a process); goto takes addresses
	cursor    int64
	top       int64
	rows      int // visible rows, as the view last reported them
	cols      int // bytes per row, as the view last reported them
	lowNibble bool
	// typedLast is true when typing has completed the last byte: the cursor cannot advance
	// past it, and the next character typed in the same typing run is refused rather than
	// overwriting it again. Whatever ends the run (a move, an undo, an insert) ends it too.
	typedLast bool
	column    Column
	mode      Mode

	selecting bool // the selection follows the cursor
	anchor    int64
	selection Range

	register []byte
	history  history
	// unflushed holds the ranges written since the last flush, sorted and merged.
	unflushed []Range

	bookmarks []Bookmark
	foreign   []Highlight
	search    searchState

	disk    onDisk
	replace Replace

	// ins is the run of bytes typed in insert mode that the file has not taken yet.
	ins pendingInsert
	// moving is true while an insert or delete moves bytes, with mu released (see splice).
	moving       bool
	moveCancel   context.CancelFunc
	moveProgress func(MoveProgress)
	// settleErr is why a pending run that a move of the cursor ended was not inserted; the next
	// CheckStorage reports it.
	settleErr error
}

// New returns an editor over st in view mode with the cursor at offset 0.
func New(st Storage) *Editor {
	size := st.Size()
	return &Editor{st: st, now: time.Now, size: size, rows: 1, cols: defaultCols,
		disk: onDisk{current: size, announced: size}}
}

// Name returns the path or mapping name of the storage.
func (e *Editor) Name() string { return e.st.Name() }

// Size returns the size of the storage in bytes, with the bytes typed in insert mode that it
// has not taken yet.
func (e *Editor) Size() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.logicalSize()
}

// Writable reports whether the storage accepts writes.
func (e *Editor) Writable() bool { return e.st.Writable() }

// FileBacked reports whether Flush has a file to write to.
func (e *Editor) FileBacked() bool { return e.st.FileBacked() }

// ReadAt reads from the storage; with ViewState it makes the Editor the widget's byte source.
// The bytes typed in insert mode and not yet inserted read as if they were, with the bytes after
// them shifted. Bytes past the end of a file that shrank, as of the last look (CheckStorage),
// are not read: the error wraps ErrGone and n counts the bytes before them, so the view draws
// them as unreadable.
func (e *Editor) ReadAt(p []byte, off int64) (int, error) {
	e.mu.Lock()
	if !e.ins.active() {
		e.mu.Unlock()
		return e.readStorage(p, off)
	}
	at, data := e.ins.off, e.ins.data
	n := int64(len(data))
	// The part of p the pending run covers, [a, b) in p.
	a, b := min(max(at-off, 0), int64(len(p))), min(max(at+n-off, 0), int64(len(p)))
	copy(p[a:b], data[max(off-at, 0):])
	e.mu.Unlock()
	if a > 0 {
		if k, err := e.readStorage(p[:a], off); err != nil {
			return k, err
		}
	}
	if b < int64(len(p)) {
		k, err := e.readStorage(p[b:], off+b-n)
		return int(b) + k, err
	}
	return len(p), nil
}

// readStorage reads the storage's own bytes at off.
func (e *Editor) readStorage(p []byte, off int64) (int, error) {
	e.mu.Lock()
	err := e.reach(Range{off, off + int64(len(p))})
	current := e.disk.current
	e.mu.Unlock()
	if err == nil {
		return e.st.ReadAt(p, off)
	}
	n := max(0, min(int64(len(p)), current-off))
	if n > 0 {
		if k, rerr := e.st.ReadAt(p[:n], off); rerr != nil {
			return k, rerr
		}
	}
	return int(n), err
}

// ViewState records the visible rows and the bytes per row, scrolls so that the cursor is visible,
// and returns a snapshot for drawing one frame.
func (e *Editor) ViewState(rows, cols int) ViewState {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.viewState(rows, cols)
}

func (e *Editor) viewState(rows, cols int) ViewState {
	e.rows, e.cols = max(rows, 1), max(cols, 1)
	e.scrollToCursor()
	vs := ViewState{
		Size:      e.logicalSize(),
		Top:       e.top,
		Cursor:    e.cursor,
		LowNibble: e.lowNibble,
		Column:    e.column,
		Mode:      e.mode,
		Selection: e.selection,
	}
	vs.Highlights = e.highlights(Range{e.top, min(e.logicalSize(), e.top+e.pageBytes())})
	return vs
}

// pageBytes is the number of bytes on one screen.
func (e *Editor) pageBytes() int64 { return int64(e.rows) * int64(e.cols) }

// Visible returns the bytes on screen: the page the view last reported to ViewState, from the
// top row. Live mode diffs them first.
func (e *Editor) Visible() Range {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Range{e.top, min(e.logicalSize(), e.top+e.pageBytes())}
}

// scrollToCursor moves top, a multiple of the row width, by as little as keeps the cursor visible.
func (e *Editor) scrollToCursor() {
	cols := int64(e.cols)
	e.top -= e.top % cols
	row := e.cursor - e.cursor%cols
	if row < e.top {
		e.top = row
	}
	if last := e.top + e.pageBytes() - cols; row > last {
		e.top = row - e.pageBytes() + cols
	}
	e.top = min(e.top, e.maxTop())
	e.top = max(e.top, 0)
}

// maxTop is the top offset that shows the last row at the bottom of the screen.
func (e *Editor) maxTop() int64 {
	size := e.logicalSize()
	if e.mode == InsertMode {
		size++ // room for the cursor past the last byte, where typing appends
	}
	if size == 0 {
		return 0
	}
	cols := int64(e.cols)
	lastRow := (size - 1) - (size-1)%cols
	return max(lastRow-e.pageBytes()+cols, 0)
}

// Status is what the status bar shows, taken in one snapshot.
type Status struct {
	Name       string
	Size       int64
	Cursor     int64
	Column     Column
	Mode       Mode
	Writable   bool
	FileBacked bool
	LowNibble  bool
	Selection  Range
	// Unflushed is the number of bytes written since the last flush.
	Unflushed int64
	// Searching is true while a search runs in the background.
	Searching bool
	// Current is the size the file had at the last look (CheckStorage): below Size after another
	// process truncated it, when the bytes from Current on are gone.
	Current int64
	// Replaced is true when, at the last look, the file's path named another file or none.
	Replaced bool
	// Replace is the replace waiting for its byte, if any.
	Replace Replace
	// Pending is the number of bytes typed in insert mode that the file has not taken yet; Size
	// counts them.
	Pending int
	// Moving is true while an insert or delete moves bytes.
	Moving bool
}

// Status returns a snapshot for the status bar.
func (e *Editor) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Status{
		Name:       e.st.Name(),
		Size:       e.logicalSize(),
		Cursor:     e.cursor,
		Column:     e.column,
		Mode:       e.mode,
		Writable:   e.st.Writable(),
		FileBacked: e.st.FileBacked(),
		LowNibble:  e.lowNibble,
		Selection:  e.selection,
		Unflushed:  e.unflushedBytes(),
		Searching:  e.search.cancel != nil,
		Current:    e.disk.current,
		Replaced:   e.disk.replaced,
		Replace:    e.replace,
		Pending:    len(e.ins.data),
		Moving:     e.moving,
	}
}

// Cursor returns the cursor's offset.
func (e *Editor) Cursor() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cursor
}

// SetCursor places the cursor at off, clamped to the mapping (a mouse click, a bookmark jump).
func (e *Editor) SetCursor(off int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.moveTo(off)
}

// moveTo places the cursor at off, clamped, ends a typing run and extends an active selection.
// A run typed in insert mode is inserted first (its bytes keep the offsets they were shown at);
// if that fails, CheckStorage reports why.
func (e *Editor) moveTo(off int64) {
	e.settleQuietly()
	e.history.endRun()
	e.lowNibble, e.typedLast = false, false
	e.cursor = max(0, min(off, e.size-1))
	if e.selecting {
		e.selection = Range{min(e.anchor, e.cursor), max(e.anchor, e.cursor) + 1}
	}
}

// Move moves the cursor by n bytes (negative: backwards), stopping at either end.
func (e *Editor) Move(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.moveTo(e.cursor + n)
}

// MoveRows moves the cursor by n rows, stopping at either end.
func (e *Editor) MoveRows(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.moveRows(n)
}

func (e *Editor) moveRows(n int64) {
	cols := int64(e.cols)
	to := e.cursor + n*cols
	if to >= e.size {
		// A partial last row: land in it if it is below the cursor's row, otherwise stay put.
		if lastRow := (e.size - 1) / cols; lastRow > e.cursor/cols {
			to = e.size - 1
		} else {
			to = e.cursor
		}
	}
	if to < 0 {
		to = e.cursor % cols
	}
	e.moveTo(to)
}

// MovePages moves the cursor and the view by n screens, so the cursor keeps its place on screen.
func (e *Editor) MovePages(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rows := int64(max(e.rows-1, 1)) // keep one row of context, as pagers do
	e.top = max(0, min(e.top+n*rows*int64(e.cols), e.maxTop()))
	e.moveRows(n * rows)
}

// Scroll moves the view by n rows (the mouse wheel); the cursor moves only as far as it must to
// stay visible, keeping its column.
func (e *Editor) Scroll(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cols := int64(e.cols)
	e.top = max(0, min(e.top+n*cols, e.maxTop()))
	first, last := e.top, e.top+e.pageBytes()-cols
	row := e.cursor - e.cursor%cols
	switch {
	case row < first:
		e.moveTo(first + e.cursor%cols)
	case row > last:
		e.moveTo(last + e.cursor%cols)
	}
}

// RowStart moves the cursor to the first byte of its row.
func (e *Editor) RowStart() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.moveTo(e.cursor - e.cursor%int64(e.cols))
}

// RowEnd moves the cursor to the last byte of its row.
func (e *Editor) RowEnd() {
	e.mu.Lock()
	defer e.mu.Unlock()
	cols := int64(e.cols)
	e.moveTo(e.cursor - e.cursor%cols + cols - 1)
}

// FileStart moves the cursor to offset 0.
func (e *Editor) FileStart() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.moveTo(0)
}

// FileEnd moves the cursor to the last byte.
func (e *Editor) FileEnd() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.moveTo(e.size - 1)
}

// NextGroup moves the cursor to the start of the n-th next group of GroupSize bytes.
func (e *Editor) NextGroup(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.moveTo(e.cursor - e.cursor%GroupSize + n*GroupSize)
}

// PrevGroup moves the cursor to the start of its group, or of the previous group when it is there
// already, n times.
func (e *Editor) PrevGroup(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	start := e.cursor - e.cursor%GroupSize
	if start == e.cursor {
		start -= GroupSize
	}
	e.moveTo(start - (n-1)*GroupSize)
}

// Goto moves the cursor to the offset expr names: hex 0x…, decimal, +N/-N relative to the cursor,
// or N% of the file (see ParseOffset).
func (e *Editor) Goto(expr string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	off, err := ParseOffset(expr, e.cursor, e.size)
	if e.base != 0 {
		off, err = e.gotoAddress(expr)
	}
	if err != nil {
		return err
	}
	e.moveTo(off)
	return nil
}

// SetBase sets the address of offset 0, for a region of a process: from then on goto reads a
// plain number (0x7f001000) as an address, while +N, -N, N% and end-N keep their meaning.
func (e *Editor) SetBase(base int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.base = base
}

// gotoAddress reads expr as goto does, with a plain number taken as an address in the region
// that starts at e.base.
func (e *Editor) gotoAddress(expr string) (int64, error) {
	o, err := byteconv.ParseOffset(expr)
	if err != nil || o.FromEnd {
		return ParseOffset(expr, e.cursor, e.size)
	}
	if o.N < e.base || o.N-e.base >= e.size {
		return 0, fmt.Errorf("address 0x%X is outside this region (0x%X-0x%X): go to another region first", o.N, e.base, e.base+e.size)
	}
	return o.N - e.base, nil
}

// Column returns the column typed input goes to.
func (e *Editor) Column() Column {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.column
}

// SetColumn sends typed input to column c.
func (e *Editor) SetColumn(c Column) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleQuietly()
	e.history.endRun()
	e.lowNibble, e.typedLast = false, false
	e.column = c
}

// ToggleColumn switches between the hex and the text column.
func (e *Editor) ToggleColumn() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleQuietly()
	e.history.endRun()
	e.lowNibble, e.typedLast = false, false
	e.column = 1 - e.column
}

// Mode returns the current mode.
func (e *Editor) Mode() Mode {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.mode
}

// SetMode switches between view and edit mode. A read-only storage refuses edit mode with
// ErrReadOnly. Leaving edit mode ends the typing run, so it is one undo step; leaving insert
// mode inserts the bytes typed (see EndRun).
func (e *Editor) SetMode(m Mode) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.setMode(m)
}

func (e *Editor) setMode(m Mode) error {
	if err := e.settle(); err != nil {
		return err
	}
	if m == InsertMode {
		if _, err := e.canSplice("insert"); err != nil {
			return err
		}
	}
	if m != ViewMode && !e.st.Writable() {
		return ErrReadOnly
	}
	if m != ViewMode && e.size == 0 {
		return ErrEmpty
	}
	e.history.endRun()
	e.lowNibble, e.typedLast = false, false
	e.mode = m
	e.clampCursor()
	return nil
}

// ToggleMode switches between view and edit mode (from insert mode: to view mode); see SetMode.
func (e *Editor) ToggleMode() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.mode != ViewMode {
		return e.setMode(ViewMode)
	}
	return e.setMode(EditMode)
}

// TypeHex enters one hex digit in edit mode: the first goes into the cursor byte's high nibble,
// the second into its low nibble and the cursor advances. It reports false for a rune that is not
// a hex digit, writing nothing.
func (e *Editor) TypeHex(r rune) (bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.typeHex(r)
}

func (e *Editor) typeHex(r rune) (bool, error) {
	d, ok := byteconv.HexDigit(r)
	if !ok {
		return false, nil
	}
	if err := e.checkTyping(); err != nil {
		return true, err
	}
	if e.typedLast && e.history.open {
		return true, ErrEndOfFile
	}
	old, err := e.byteAt(e.cursor)
	if err != nil {
		return true, err
	}
	b := old&0x0F | d<<4
	if e.lowNibble {
		b = old&0xF0 | d
	}
	if err := e.write(e.cursor, []byte{old}, []byte{b}, true); err != nil {
		return true, err
	}
	if e.lowNibble {
		e.advance(1)
	} else {
		e.lowNibble = true
	}
	return true, nil
}

// TypeText enters a character in edit mode: its UTF-8 bytes overwrite the bytes at the cursor,
// which advances past them. A character that does not fit whole before the end of the mapping is
// refused with ErrEndOfFile, writing nothing.
func (e *Editor) TypeText(r rune) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.typeText(r)
}

func (e *Editor) typeText(r rune) error {
	if err := e.checkTyping(); err != nil {
		return err
	}
	buf := utf8.AppendRune(nil, r)
	if e.typedLast && e.history.open || int64(len(buf)) > e.size-e.cursor {
		return ErrEndOfFile
	}
	old := make([]byte, len(buf))
	if err := e.read(old, e.cursor); err != nil {
		return err
	}
	if err := e.write(e.cursor, old, buf, true); err != nil {
		return err
	}
	e.advance(int64(len(buf)))
	return nil
}

func (e *Editor) checkTyping() error {
	if e.mode != EditMode {
		return ErrNotEditMode
	}
	return e.checkWritable()
}

func (e *Editor) checkWritable() error {
	if !e.st.Writable() {
		return ErrReadOnly
	}
	if e.size == 0 {
		return ErrEmpty
	}
	return nil
}

// advance moves the cursor on after typed input without ending the typing run; past the last
// byte it stays there, and further typing is refused (typedLast).
func (e *Editor) advance(n int64) {
	e.lowNibble = false
	e.typedLast = e.cursor+n > e.size-1
	e.cursor = min(e.cursor+n, e.size-1)
}

// ReplaceByte overwrites the byte at the cursor with b as one undo step, in any mode; the cursor
// stays (vim's r).
func (e *Editor) ReplaceByte(b byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.replaceByte(b)
}

func (e *Editor) replaceByte(b byte) error {
	if err := e.settle(); err != nil {
		return err
	}
	if err := e.checkWritable(); err != nil {
		return err
	}
	e.history.endRun()
	old, err := e.byteAt(e.cursor)
	if err != nil {
		return err
	}
	return e.write(e.cursor, []byte{old}, []byte{b}, false)
}

// read fills p from off, wrapping a storage failure. Bytes past the end of a file that shrank
// are refused with ErrGone; when a read fails, the size is looked at again, since a truncation
// since the last look is the likely cause.
func (e *Editor) read(p []byte, off int64) error {
	r := Range{off, off + int64(len(p))}
	if err := e.reach(r); err != nil {
		return err
	}
	if _, err := e.st.ReadAt(p, off); err != nil {
		if e.refreshSize() == nil {
			if gone := e.reach(r); gone != nil {
				return gone
			}
		}
		return fmt.Errorf("read %d bytes at 0x%X: %w", len(p), off, err)
	}
	return nil
}

func (e *Editor) byteAt(off int64) (byte, error) {
	var b [1]byte
	err := e.read(b[:], off)
	return b[0], err
}

// MoveHalfPages moves the cursor and the view by n half screens (vim's Ctrl-D and Ctrl-U), so
// the cursor keeps its place on screen.
func (e *Editor) MoveHalfPages(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rows := int64(max(e.rows/2, 1))
	e.top = max(0, min(e.top+n*rows*int64(e.cols), e.maxTop()))
	e.moveRows(n * rows)
}

// ScreenRow is a row of the screen the cursor can go to (vim's H, M and L).
type ScreenRow int

// The rows of the screen, of those that show bytes.
const (
	ScreenTop ScreenRow = iota
	ScreenMiddle
	ScreenBottom
)

// MoveToScreenRow moves the cursor to the top, middle or bottom row of those on screen that show
// bytes, keeping its column (or to the last byte, in a short last row).
func (e *Editor) MoveToScreenRow(r ScreenRow) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cols := int64(e.cols)
	first := e.top - e.top%cols
	last := min(first+e.pageBytes(), max(e.size, 1)) - 1
	last -= last % cols
	row := first
	switch r {
	case ScreenMiddle:
		row = first + (last-first)/cols/2*cols
	case ScreenBottom:
		row = last
	}
	e.moveTo(row + e.cursor%cols)
}
