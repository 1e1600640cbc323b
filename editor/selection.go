package editor

import (
	"errors"
	"fmt"
	"github.com/mmhex/mmhex/internal/byteconv"
	"slices"
	"strings"
	"unicode/utf8"
)

// ToggleSelection starts a selection at the cursor that follows the cursor as it moves, or, when
// one is following, fixes it where it is (fill and copy then act on it). It reports whether the
// selection now follows the cursor.
func (e *Editor) ToggleSelection() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleQuietly()
	if e.selecting || e.size == 0 {
		e.selecting = false
		return false
	}
	e.selecting = true
	e.anchor = e.cursor
	e.selection = Range{e.cursor, e.cursor + 1}
	return true
}

// Select selects r, clamped to the mapping, and stops the selection from following the cursor.
func (e *Editor) Select(r Range) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settleQuietly()
	e.selecting = false
	r.Start, r.End = max(r.Start, 0), min(r.End, e.size)
	if r.Empty() {
		r = Range{}
	}
	e.selection = r
}

// ClearSelection drops the selection. It reports whether there was one.
func (e *Editor) ClearSelection() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	had := !e.selection.Empty()
	e.selecting = false
	e.selection = Range{}
	return had
}

// Selection returns the selected range, empty when nothing is selected.
func (e *Editor) Selection() Range {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.selection
}

// Fill overwrites the selection with pattern, repeated from the selection's start, as one undo
// step.
func (e *Editor) Fill(pattern []byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return err
	}
	if err := e.checkWritable(); err != nil {
		return err
	}
	if len(pattern) == 0 {
		return fmt.Errorf("fill needs at least one byte")
	}
	if err := e.checkFill(); err != nil {
		return err
	}
	sel := e.selection
	e.history.endRun()
	e.selecting = false
	old := make([]byte, sel.Len())
	if err := e.read(old, sel.Start); err != nil {
		return err
	}
	return e.write(sel.Start, old, slices.Clone(pattern), false)
}

// CheckFill reports why a fill of the selection would be refused whatever its pattern: a
// read-only mapping, no selection, or one too large; nil when it may go ahead. The app asks
// before it asks for the pattern.
func (e *Editor) CheckFill() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkWritable(); err != nil {
		return err
	}
	return e.checkFill()
}

func (e *Editor) checkFill() error {
	sel := e.selection
	if sel.Empty() {
		return ErrNoSelection
	}
	if sel.Len() > maxActionBytes {
		return fmt.Errorf("%w: a fill of %d bytes would keep as many in memory for undo; select at most %d MiB at a time",
			ErrTooLarge, sel.Len(), maxActionBytes>>20)
	}
	return nil
}

// Copy copies the selection into the register that Paste writes, and returns it for the system
// clipboard: as hex ("DE AD BE EF") or as text (printable ASCII, valid UTF-8, tabs and newlines
// as they are, any other byte as '.').
func (e *Editor) Copy(asText bool) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return "", err
	}
	sel := e.selection
	if sel.Empty() {
		return "", ErrNoSelection
	}
	if sel.Len() > maxCopyBytes {
		return "", fmt.Errorf("%w: a copy of %d bytes; select at most %d MiB at a time", ErrTooLarge, sel.Len(), maxCopyBytes>>20)
	}
	buf := make([]byte, sel.Len())
	if err := e.read(buf, sel.Start); err != nil {
		return "", err
	}
	e.register = buf
	e.selecting = false
	if asText {
		return printableText(buf), nil
	}
	return hexBytes(buf), nil
}

// Register returns a copy of the bytes Paste would write.
func (e *Editor) Register() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.register)
}

// Paste overwrites the bytes at the cursor with the register, as one undo step; in insert mode
// it inserts them there. Overwriting does not grow the file, so what would pass its end is left
// out, and the returned note says so.
func (e *Editor) Paste() (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.register) == 0 {
		return "", ErrRegisterEmpty
	}
	return e.paste(e.register)
}

// PasteBytes overwrites the bytes at the cursor with b (text pasted into the terminal), as one
// undo step, leaving out what would pass the end; see Paste.
func (e *Editor) PasteBytes(b []byte) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(b) == 0 {
		return "", errors.New("nothing to paste")
	}
	return e.paste(b)
}

func (e *Editor) paste(b []byte) (string, error) {
	if err := e.settle(); err != nil {
		return "", err
	}
	if err := e.checkWritable(); err != nil {
		return "", err
	}
	if e.mode == InsertMode {
		off := e.cursor
		if err := e.insertAt(b); err != nil {
			return "", err
		}
		return fmt.Sprintf("inserted %s at 0x%X", byteconv.FormatSize(int64(len(b))), off), nil
	}
	n := min(int64(len(b)), e.size-e.cursor)
	if n > maxActionBytes {
		return "", fmt.Errorf("%w: a paste of %d bytes would keep as many in memory for undo; paste at most %d MiB at a time",
			ErrTooLarge, n, maxActionBytes>>20)
	}
	e.history.endRun()
	old := make([]byte, n)
	if err := e.read(old, e.cursor); err != nil {
		return "", err
	}
	if err := e.write(e.cursor, old, b[:n], false); err != nil {
		return "", err
	}
	if n < int64(len(b)) {
		return fmt.Sprintf("pasted %d of %d bytes at 0x%X: the rest would pass the end (insert mode inserts them, growing the file)",
			n, len(b), e.cursor), nil
	}
	return fmt.Sprintf("pasted %s at 0x%X", byteconv.FormatSize(n), e.cursor), nil
}

func hexBytes(b []byte) string {
	const digits = "0123456789ABCDEF"
	var sb strings.Builder
	sb.Grow(len(b) * 3)
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&0x0F])
	}
	return sb.String()
}

func printableText(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r < 0x7F):
			sb.WriteRune(r)
		case r >= 0xA0 && n > 1:
			sb.Write(b[:n])
		default:
			sb.WriteByte('.')
			n = 1
		}
		b = b[n:]
	}
	return sb.String()
}
