package editor

import (
	"context"
	"errors"
	"fmt"
)

// BytesPattern matches exactly the bytes b (a typed value such as i32le:999, already encoded);
// desc describes it for messages.
func BytesPattern(desc string, b []byte) (Pattern, error) {
	if len(b) == 0 {
		return Pattern{}, errors.New("editor: empty pattern: give at least one byte")
	}
	want := make([]byte, len(b))
	copy(want, b)
	return newPattern(desc, want, make([]byte, len(b))), nil
}

// Match reports whether b begins with a match of p.
func (p Pattern) Match(b []byte) bool { return p.Len() > 0 && len(b) >= p.Len() && p.verify(b) }

// FindAll calls fn with every match of p that starts in [off, off+length) of s, overlapping
// matches included, in offset order, reading s once: at is the match's offset and match its
// bytes, valid only during the call. An error from fn stops the search and is returned as is; a
// Scan error (a fault, memory gone) is returned wrapped, after the matches before it.
func FindAll(ctx context.Context, s Scanner, p Pattern, off, length int64, fn func(at int64, match []byte) error) error {
	n := p.Len()
	if n == 0 {
		return errors.New("editor: no search pattern")
	}
	end := off + length
	// Chunks overlap by n-1 bytes, so each match lies whole in exactly one chunk.
	scanLen := min(length+int64(n-1), s.Size()-off)
	if scanLen < int64(n) {
		return nil
	}
	var stop error
	err := s.Scan(off, scanLen, n-1, func(chunk []byte, at int64) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for from := 0; ; {
			i := p.index(chunk[from:])
			if i < 0 {
				return nil
			}
			i += from
			if at+int64(i) >= end {
				return nil
			}
			if err := fn(at+int64(i), chunk[i:i+n]); err != nil {
				stop = err
				return err
			}
			from = i + 1
		}
	})
	switch {
	case err == nil:
		return nil
	case stop != nil && errors.Is(err, stop):
		return stop
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return ctx.Err()
	}
	return fmt.Errorf("editor: search: %w", err)
}
