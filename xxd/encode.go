// Package xxd writes and reads hex dumps in the layout of xxd(1):
//
//	00000000: 7f45 4c46 0201 0100 0000 0000 0000 0000  .ELF............
//
// The Encoder's output is byte-for-byte what xxd prints for the same columns, grouping and
// start offset (xxd -c -g -s -l), optionally with rows that repeat the row before them collapsed
// into a "*" line and with bytes coloured by class. Read parses such a dump back, from mmhex or
// from xxd, for patching.
package xxd

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
)

// MaxCols is the most bytes a row holds, as in xxd.
const MaxCols = 256

// Options says how a dump looks.
type Options struct {
	// Cols is the number of bytes per row, 1 to MaxCols (xxd -c).
	Cols int
	// Group is the number of bytes per space-separated group; 0 makes each row one group
	// (xxd -g).
	Group int
	// Squeeze replaces rows equal to the row before them with one "*" line, as hexdump -C
	// does. The first and last rows always show, and a single repeated row shows rather than
	// a "*" (as xxd -a does for rows of zeros).
	Squeeze bool
	// Color colours each byte, in the hex and the text column, by its class (see ClassOf)
	// with ANSI escape sequences.
	Color bool
}

// flushAt is the amount of formatted output gathered before it is written: large writes make
// the dump's speed independent of the writer.
const flushAt = 1 << 20

// Encoder writes the bytes written to it as a hex dump. Rows are numbered from the start offset
// given to NewEncoder; Close writes the last, partial row.
type Encoder struct {
	w    io.Writer
	opts Options
	at   int64 // offset of the next row
	err  error

	partial []byte // the bytes of an unfinished row, when a Write ended inside one
	out     []byte // formatted output not yet written

	group    int   // bytes per group, Cols when the row is one group
	hexPos   []int // where each byte's two digits go in the hex column
	hexWidth int   // width of a full row's hex column
	blank    []byte

	// Squeezing: prev is the last row shown; hidden rows after it equal it and are not shown
	// yet; firstHidden and lastHidden are the offsets of the first and last of them.
	prev                    []byte
	havePrev                bool
	hidden                  int64
	firstHidden, lastHidden int64
}

// ErrBadOptions is returned by NewEncoder for options outside the ranges xxd accepts.
var ErrBadOptions = errors.New("xxd: bad options")

// NewEncoder returns an Encoder that writes a dump to w whose first byte is at offset start.
func NewEncoder(w io.Writer, start int64, opts Options) (*Encoder, error) {
	if opts.Cols < 1 || opts.Cols > MaxCols {
		return nil, fmt.Errorf("%w: %d columns; give 1 to %d", ErrBadOptions, opts.Cols, MaxCols)
	}
	if opts.Group < 0 {
		return nil, fmt.Errorf("%w: group of %d bytes; give 0 or more", ErrBadOptions, opts.Group)
	}
	if start < 0 {
		return nil, fmt.Errorf("%w: negative start offset %d", ErrBadOptions, start)
	}
	group := opts.Group
	if group == 0 || group > opts.Cols {
		group = opts.Cols
	}
	e := &Encoder{
		w:       w,
		opts:    opts,
		at:      start,
		partial: make([]byte, 0, opts.Cols),
		out:     make([]byte, 0, 4096),
		hexPos:  make([]int, opts.Cols),
		prev:    make([]byte, opts.Cols),
	}
	for i := range e.hexPos {
		e.hexPos[i] = 2*i + i/group
	}
	e.group = group
	e.hexWidth = 2*opts.Cols + (opts.Cols+group-1)/group - 1
	// The hex column is padded to full width and followed by two spaces, so a short last row
	// keeps its text column in line.
	e.blank = bytes.Repeat([]byte{' '}, e.hexWidth+2)
	return e, nil
}

// Write dumps p, which follows the bytes written before it.
func (e *Encoder) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n := len(p)
	cols := e.opts.Cols
	if len(e.partial) > 0 {
		k := min(cols-len(e.partial), len(p))
		e.partial = append(e.partial, p[:k]...)
		p = p[k:]
		if len(e.partial) < cols {
			return n, nil
		}
		e.row(e.partial)
		e.partial = e.partial[:0]
	}
	for len(p) >= cols {
		if e.opts.Squeeze || e.opts.Color || e.at+int64(len(p)) > 1<<32 {
			e.row(p[:cols])
			p = p[cols:]
		} else {
			rows := min(len(p)/cols, 1+flushAt/(len(e.blank)+cols+11))
			e.formatRows(p[:rows*cols])
			p = p[rows*cols:]
		}
		if len(e.out) >= flushAt {
			e.flush()
		}
	}
	e.partial = append(e.partial, p...)
	e.flush()
	if e.err != nil {
		return 0, e.err
	}
	return n, nil
}

// Close writes the rows still held back (the last row, and squeezed rows before it) and the
// buffered output. It does not close the underlying writer.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	if len(e.partial) > 0 {
		e.endRun()
		e.format(e.partial, e.at)
		e.at += int64(len(e.partial))
		e.partial = e.partial[:0]
	} else if e.hidden > 0 {
		// The last row is a repeat; it shows anyway, so that the dump says where it ends.
		last := e.lastHidden
		e.hidden--
		e.endRun()
		e.format(e.prev, last)
	}
	e.flush()
	return e.err
}

// row dumps one full row.
func (e *Encoder) row(b []byte) {
	if e.opts.Squeeze {
		if e.havePrev && bytes.Equal(b, e.prev) {
			if e.hidden == 0 {
				e.firstHidden = e.at
			}
			e.hidden++
			e.lastHidden = e.at
			e.at += int64(len(b))
			return
		}
		e.endRun()
		copy(e.prev, b)
		e.havePrev = true
	}
	e.format(b, e.at)
	e.at += int64(len(b))
}

// endRun ends a run of hidden rows: one row shows as itself, more as a "*" line.
func (e *Encoder) endRun() {
	switch {
	case e.hidden == 1:
		e.format(e.prev, e.firstHidden)
	case e.hidden > 1:
		e.out = append(e.out, "*\n"...)
	}
	e.hidden = 0
}

func (e *Encoder) flush() {
	if len(e.out) == 0 || e.err != nil {
		return
	}
	_, e.err = e.w.Write(e.out)
	e.out = e.out[:0]
}

// hexDigits maps a byte to its two lower-case hex digits.
var hexDigits = func() (t [256][2]byte) {
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = [2]byte{digits[i>>4], digits[i&15]}
	}
	return t
}()

// hexPairs holds hexDigits as little-endian 16-bit words, so that one store writes both.
var hexPairs = func() (t [256]uint16) {
	for i, d := range hexDigits {
		t[i] = uint16(d[0]) | uint16(d[1])<<8
	}
	return t
}()

// hexQuads maps two bytes, first byte high, to their four hex digits as a little-endian 32-bit
// word. It is built on first use: 256 KiB that the TUI never needs.
var hexQuads = sync.OnceValue(func() *[1 << 16]uint32 {
	t := new([1 << 16]uint32)
	for i := range t {
		t[i] = uint32(hexPairs[i>>8]) | uint32(hexPairs[i&0xff])<<16
	}
	return t
})

// textChars maps a byte to how the text column shows it: printable ASCII as itself, the rest
// as a dot.
var textChars = func() (t [256]byte) {
	for i := range t {
		t[i] = '.'
		if i >= 0x20 && i < 0x7f {
			t[i] = byte(i)
		}
	}
	return t
}()

// appendOffset appends at in hex, at least 8 digits wide (wider past 4 GiB, as xxd does), and
// ": ".
func appendOffset(out []byte, at int64) []byte {
	if at < 1<<32 {
		d0, d1, d2, d3 := hexDigits[byte(at>>24)], hexDigits[byte(at>>16)], hexDigits[byte(at>>8)], hexDigits[byte(at)]
		return append(out, d0[0], d0[1], d1[0], d1[1], d2[0], d2[1], d3[0], d3[1], ':', ' ')
	}
	var buf [16]byte
	i := len(buf)
	for u := uint64(at); u != 0; u >>= 4 {
		i--
		buf[i] = "0123456789abcdef"[u&15]
	}
	out = append(out, buf[i:]...)
	return append(out, ':', ' ')
}

// formatRows appends the full rows of b, which starts at e.at below 4 GiB, so that every offset
// is 8 digits: the common case, done in one loop with the output grown once.
func (e *Encoder) formatRows(b []byte) {
	cols := e.opts.Cols
	textAt := 10 + len(e.blank)
	lineLen := textAt + cols + 1
	rows := len(b) / cols
	n := len(e.out)
	out := slices.Grow(e.out, rows*lineLen)[:n+rows*lineLen]
	at := uint32(e.at)
	pos := e.hexPos[:cols]
	var quads *[1 << 16]uint32
	if cols%2 == 0 && e.group%2 == 0 {
		// Byte pairs never straddle a group: write four digits at a time.
		quads = hexQuads()
	}
	for r := range rows {
		line := out[n+r*lineLen : n+(r+1)*lineLen]
		row := b[r*cols : (r+1)*cols]
		binary.LittleEndian.PutUint16(line[0:], hexPairs[byte(at>>24)])
		binary.LittleEndian.PutUint16(line[2:], hexPairs[byte(at>>16)])
		binary.LittleEndian.PutUint16(line[4:], hexPairs[byte(at>>8)])
		binary.LittleEndian.PutUint16(line[6:], hexPairs[byte(at)])
		line[8], line[9] = ':', ' '
		hex := line[10:textAt]
		copy(hex, e.blank)
		if quads != nil {
			for i := 0; i < len(row); i += 2 {
				binary.LittleEndian.PutUint32(hex[pos[i]:], quads[uint16(row[i])<<8|uint16(row[i+1])])
			}
		} else {
			for i, c := range row {
				binary.LittleEndian.PutUint16(hex[pos[i]:], hexPairs[c])
			}
		}
		text := line[textAt : textAt+cols]
		for i, c := range row {
			text[i] = textChars[c]
		}
		line[lineLen-1] = '\n'
		at += uint32(cols)
	}
	e.out = out
	e.at += int64(len(b))
}

// format appends one row of b, at offset at, to the output.
func (e *Encoder) format(b []byte, at int64) {
	if e.opts.Color {
		e.formatColor(b, at)
		return
	}
	out := appendOffset(e.out, at)
	n := len(out)
	textAt := e.hexWidth + 2
	size := textAt + len(b) + 1
	out = slices.Grow(out, size)[:n+size]
	line := out[n:]
	copy(line, e.blank)
	hex := line[:e.hexWidth]
	pos := e.hexPos[:len(b)]
	for i, c := range b {
		binary.LittleEndian.PutUint16(hex[pos[i]:], hexPairs[c])
	}
	text := line[textAt : textAt+len(b)]
	for i, c := range b {
		text[i] = textChars[c]
	}
	line[size-1] = '\n'
	e.out = out
}
