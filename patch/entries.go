package patch

import (
	"fmt"
	"math"
)

// Entries is a list of patches held compactly: a script of millions of one-byte patches costs
// about 33 bytes each, where a slice of Entry costs over a hundred and an allocation or three per
// patch. The bytes of every value, expectation and kept offset text lie end to end in one
// arena; each entry is a small record of lengths into it. The zero value is an empty list.
type Entries struct {
	records chunked[record]
	// arena holds, entry after entry, the value, the expectation, and the offset as written when
	// a message may need it (see keepsText).
	arena   []byte
	sources []sourceRun
}

// record is one entry of Entries. Its bytes in the arena run from the previous record's end to
// its own end: value, expectation, offset text.
type record struct {
	offset    int64 // Offset.N
	end       int
	valueLen  uint32
	expectLen uint32 // 0 when there is no expectation: an expectation is never empty
	line      uint32 // Origin.Line
	fromEnd   bool
}

// sourceRun says that the entries from first on, up to the next run, came from source: the
// entries of one script or dump are appended together, so a list has one run per input.
type sourceRun struct {
	first  int
	source string
}

// Len returns the number of entries; a nil list has none.
func (l *Entries) Len() int {
	if l == nil {
		return 0
	}
	return l.records.len()
}

// Append adds e to the list, copying its bytes. The offset's text is kept only where a message
// may show it (see keepsText); At returns an empty Offset.Text elsewhere.
func (l *Entries) Append(e Entry) {
	i := l.Len()
	if n := len(l.sources); n == 0 || l.sources[n-1].source != e.Origin.Source {
		l.sources = append(l.sources, sourceRun{first: i, source: e.Origin.Source})
	}
	l.arena = append(l.arena, e.Value...)
	l.arena = append(l.arena, e.Expect...)
	if keepsText(e) {
		l.arena = append(l.arena, e.Offset.Text...)
	}
	l.records.append(record{
		offset:    e.Offset.N,
		end:       len(l.arena),
		valueLen:  fits32(len(e.Value), "a value's length"),
		expectLen: fits32(len(e.Expect), "an expectation's length"),
		line:      fits32(e.Origin.Line, "a line number"),
		fromEnd:   e.Offset.FromEnd,
	})
}

// keepsText reports whether e's offset text may appear in a message: Where names an entry of
// the command line by it, and an end-N offset that lies before the start is named by it. Other
// entries are named by their file and line.
func keepsText(e Entry) bool { return e.Origin.Source == "" || e.Offset.FromEnd }

// fits32 returns n as a uint32. No input mmhex reads comes near the limit (a script line holds
// at most MaxScriptLine bytes, and a script at most MaxScriptSize), so a larger n is a bug.
func fits32(n int, what string) uint32 {
	if n < 0 || uint64(n) > math.MaxUint32 {
		panic(fmt.Sprintf("patch: %s of %d does not fit in a list of entries", what, n))
	}
	return uint32(n)
}

// At returns entry i. Its Value and Expect share the list's memory: they must not be changed.
func (l *Entries) At(i int) Entry {
	r := l.records.at(i)
	b := l.bytes(i)
	value, rest := b[:r.valueLen:r.valueLen], b[r.valueLen:]
	var expect []byte
	if r.expectLen > 0 {
		expect = rest[:r.expectLen:r.expectLen]
	}
	return Entry{
		Offset: Offset{N: r.offset, FromEnd: r.fromEnd, Text: string(rest[r.expectLen:])},
		Value:  value,
		Expect: expect,
		Origin: Origin{Source: l.source(i), Line: int(r.line)},
	}
}

// bytes returns the arena's bytes of entry i.
func (l *Entries) bytes(i int) []byte {
	start := 0
	if i > 0 {
		start = l.records.at(i - 1).end
	}
	return l.arena[start:l.records.at(i).end]
}

// value and expect return entry i's value and expectation (nil when it has none) without
// building an Entry.
func (l *Entries) value(i int) []byte {
	return l.bytes(i)[:l.records.at(i).valueLen]
}

func (l *Entries) expect(i int) []byte {
	r := l.records.at(i)
	if r.expectLen == 0 {
		return nil
	}
	return l.bytes(i)[r.valueLen : r.valueLen+r.expectLen]
}

// source returns the Origin.Source of entry i.
func (l *Entries) source(i int) string {
	for k := len(l.sources) - 1; k > 0; k-- {
		if l.sources[k].first <= i {
			return l.sources[k].source
		}
	}
	return l.sources[0].source
}

// chunked is an append-only list held in blocks of chunkLen items. It grows without copying
// what it holds and its spare room is less than one block, where a slice grown by append holds
// up to a quarter more than it needs and, while it grows, two copies of itself.
type chunked[T any] struct {
	blocks [][]T
	n      int
}

// chunkLen is the number of items in a block: 128 KiB of 32-byte records, small beside the
// millions of items that make blocks worth having.
const chunkLen = 4096

func (c *chunked[T]) len() int { return c.n }

func (c *chunked[T]) at(i int) *T { return &c.blocks[i/chunkLen][i%chunkLen] }

func (c *chunked[T]) append(v T) {
	last := len(c.blocks) - 1
	if last < 0 || len(c.blocks[last]) == chunkLen {
		var block []T
		if last >= 0 {
			block = make([]T, 0, chunkLen)
		}
		// The first block grows as a slice does: most lists hold a handful of items.
		c.blocks = append(c.blocks, block)
		last++
	}
	c.blocks[last] = append(c.blocks[last], v)
	c.n++
}
