package editor

import (
	"errors"
	"fmt"
	"slices"
)

// Bookmark is a remembered offset, optionally named.
type Bookmark struct {
	Offset int64
	Name   string
}

// String is how the bookmark list shows it: the offset in hex and decimal, and the name.
func (b Bookmark) String() string {
	s := fmt.Sprintf("0x%X (%d)", b.Offset, b.Offset)
	if b.Name != "" {
		s += "  " + b.Name
	}
	return s
}

// ErrNoBookmarks refuses to jump when there are no bookmarks.
var ErrNoBookmarks = errors.New("no bookmarks (set one at the cursor first)")

// ToggleBookmark sets a bookmark named name at the cursor, or, when the cursor holds one already
// and name is empty, removes it. A name given for a bookmarked offset renames it. It reports
// whether a bookmark is at the cursor afterwards.
func (e *Editor) ToggleBookmark(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleQuietly()
	if e.size == 0 {
		return false
	}
	i, found := e.findBookmark(e.cursor)
	switch {
	case found && name == "":
		e.bookmarks = slices.Delete(e.bookmarks, i, i+1)
		return false
	case found:
		e.bookmarks[i].Name = name
	default:
		e.bookmarks = slices.Insert(e.bookmarks, i, Bookmark{Offset: e.cursor, Name: name})
	}
	return true
}

func (e *Editor) findBookmark(off int64) (int, bool) {
	return slices.BinarySearchFunc(e.bookmarks, off, func(b Bookmark, off int64) int {
		switch {
		case b.Offset < off:
			return -1
		case b.Offset > off:
			return 1
		}
		return 0
	})
}

// Bookmarks returns the bookmarks sorted by offset.
func (e *Editor) Bookmarks() []Bookmark {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.bookmarks)
}

// NextBookmark moves the cursor to the first bookmark after it, wrapping to the first one.
func (e *Editor) NextBookmark() (Bookmark, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.bookmarks) == 0 {
		return Bookmark{}, ErrNoBookmarks
	}
	i, found := e.findBookmark(e.cursor)
	if found {
		i++
	}
	b := e.bookmarks[i%len(e.bookmarks)]
	e.moveTo(b.Offset)
	return b, nil
}

// PrevBookmark moves the cursor to the last bookmark before it, wrapping to the last one.
func (e *Editor) PrevBookmark() (Bookmark, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.bookmarks) == 0 {
		return Bookmark{}, ErrNoBookmarks
	}
	i, _ := e.findBookmark(e.cursor)
	b := e.bookmarks[(i-1+len(e.bookmarks))%len(e.bookmarks)]
	e.moveTo(b.Offset)
	return b, nil
}
