package editor

import (
	"errors"
	"fmt"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// ErrNotHexDigit refuses, in edit mode, a character typed in the hex column that is no hex digit.
var ErrNotHexDigit = errors.New("not a hex digit")

// Type takes a character the user typed, under one lock for the whole keystroke. A replace
// waiting for its byte takes it, in any mode (see StartReplace). In edit mode it is written at
// the cursor, in the column typing goes to: a hex digit into the hex column (see TypeHex; any
// other character is refused with ErrNotHexDigit), the character's bytes into the text column
// (see TypeText). In insert mode it joins the run of bytes to insert (see EndRun). Otherwise it does nothing and reports false: there the key names an action
// rather than text.
func (e *Editor) Type(r rune) (bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.replace.Waiting:
		return true, e.typeReplace(r)
	case e.mode == InsertMode && e.column == TextColumn:
		return true, e.typeInsert(r, false)
	case e.mode == InsertMode:
		if _, ok := byteconv.HexDigit(r); !ok {
			return true, fmt.Errorf("%q is %w", r, ErrNotHexDigit)
		}
		return true, e.typeInsert(r, true)
	case e.mode != EditMode:
		return false, nil
	case e.column == TextColumn:
		return true, e.typeText(r)
	}
	ok, err := e.typeHex(r)
	if !ok {
		return true, fmt.Errorf("%q is %w", r, ErrNotHexDigit)
	}
	return true, err
}
