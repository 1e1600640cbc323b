package editor

import (
	"fmt"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Replace is a replace waiting for the byte it writes at the cursor (vim's r), as the status bar
// shows it.
type Replace struct {
	Waiting bool
	// High is the first of the two hex digits the hex column takes, once HasHigh is set.
	High    byte
	HasHigh bool
}

// StartReplace makes the next character typed (see Type) overwrite the byte at the cursor, in
// any mode, as one undo step, the cursor staying: two hex digits in the hex column, one ASCII
// character in the text column. It returns the column, which says what to type. A read-only or
// empty mapping refuses.
func (e *Editor) StartReplace() (Column, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return e.column, err
	}
	if err := e.checkWritable(); err != nil {
		return e.column, err
	}
	e.replace = Replace{Waiting: true}
	return e.column, nil
}

// CancelReplace ends a replace waiting for its byte, and reports whether one was.
func (e *Editor) CancelReplace() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	waiting := e.replace.Waiting
	e.replace = Replace{}
	return waiting
}

// typeReplace takes a character for the waiting replace. Anything that cannot be the byte ends
// the replace with an error.
func (e *Editor) typeReplace(r rune) error {
	if e.column == TextColumn {
		e.replace = Replace{}
		if r > 0x7F {
			return fmt.Errorf("replace writes one byte: type an ASCII character, or use edit mode for %q", r)
		}
		return e.replaceByte(byte(r))
	}
	d, ok := byteconv.HexDigit(r)
	switch {
	case !ok:
		e.replace = Replace{}
		return fmt.Errorf("%q is not a hex digit: replace cancelled", r)
	case !e.replace.HasHigh:
		e.replace.High, e.replace.HasHigh = d, true
		return nil
	}
	b := e.replace.High<<4 | d
	e.replace = Replace{}
	return e.replaceByte(b)
}
