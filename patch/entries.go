package patch

import (
	"fmt"
	"math"
	"slices"
	"unsafe"
)

// Entries is a list of patches held compactly: a script of millions of one-byte patches costs
// about 33 bytes each, where a slice of Entry costs over a hundred and an allocation or three per
// patch. Entries are kept in blocks of blockLen: each block holds a small record per entry and
// the bytes of its entries' values, expectations and kept offset texts end to end. An entry of
// more than ownBytes bytes has an allocation of its own instead, so that a block's bytes stay
// small (at most 16 MiB) and growing them copies little: a script of long values needs little
// more than its bytes, and a 32-bit process never needs one large contiguous allocation for
// them. The zero value is an empty list.
type Entries struct {
	blocks  []entryBlock
	n       int
	sources []sourceRun
	own     [][]byte // the bytes of the entries with their own allocation
}

// ownBytes is the most bytes an entry keeps in its block.
const ownBytes = 4 << 10

// entryBlock holds up to blockLen entries.
type entryBlock struct {
	records []record
	bytes   []byte
}

// blockLen is the number of entries in a block: 128 KiB of records, small beside the millions
// of entries that make blocks worth having.
const blockLen = 4096

// record is one entry of Entries. Its bytes (value, expectation, offset text) are own[own-1]
// when own is set; otherwise they run in its block from the previous record's end to its own end.
type record struct {
	offset    int64 // Offset.N
	end       uint32
	valueLen  uint32
	expectLen uint32 // 0 when there is no expectation: an expectation is never empty
	line      uint32 // Origin.Line
	own       uint32
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
	return l.n
}

// Append adds e to the list, copying its bytes. The offset's text is kept only where a message
// may show it (see keepsText); At returns an empty Offset.Text elsewhere.
func (l *Entries) Append(e Entry) {
	i := l.n
	if n := len(l.sources); n == 0 || l.sources[n-1].source != e.Origin.Source {
		l.sources = append(l.sources, sourceRun{first: i, source: e.Origin.Source})
	}
	if i%blockLen == 0 {
		var records []record
		if i > 0 {
			records = make([]record, 0, blockLen)
		}
		// The first block grows as a slice does: most lists hold a handful of entries.
		l.blocks = append(l.blocks, entryBlock{records: records})
	}
	text := ""
	if keepsText(e) {
		text = e.Offset.Text
	}
	b := &l.blocks[len(l.blocks)-1]
	own := 0
	if n := len(e.Value) + len(e.Expect) + len(text); n > ownBytes {
		l.own = append(l.own, slices.Concat(e.Value, e.Expect, []byte(text)))
		own = len(l.own)
	} else {
		b.bytes = append(b.bytes, e.Value...)
		b.bytes = append(b.bytes, e.Expect...)
		b.bytes = append(b.bytes, text...)
	}
	b.records = append(b.records, record{
		offset:    e.Offset.N,
		end:       fits32(len(b.bytes), "a block of entries"),
		valueLen:  fits32(len(e.Value), "a value's length"),
		expectLen: fits32(len(e.Expect), "an expectation's length"),
		line:      fits32(e.Origin.Line, "a line number"),
		own:       fits32(own, "a count of long entries"),
		fromEnd:   e.Offset.FromEnd,
	})
	l.n++
}

// memory returns the bytes the list takes.
func (l *Entries) memory() int64 {
	n := int64(cap(l.blocks)) * int64(unsafe.Sizeof(entryBlock{}))
	for _, b := range l.blocks {
		n += int64(cap(b.records))*int64(unsafe.Sizeof(record{})) + int64(cap(b.bytes))
	}
	n += int64(cap(l.own)) * int64(unsafe.Sizeof([]byte(nil)))
	for _, b := range l.own {
		n += int64(cap(b))
	}
	return n
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
	r := l.record(i)
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

func (l *Entries) record(i int) *record { return &l.blocks[i/blockLen].records[i%blockLen] }

// bytes returns the bytes of entry i.
func (l *Entries) bytes(i int) []byte {
	if own := l.record(i).own; own > 0 {
		return l.own[own-1]
	}
	b := &l.blocks[i/blockLen]
	k := i % blockLen
	start := uint32(0)
	if k > 0 {
		start = b.records[k-1].end
	}
	return b.bytes[start:b.records[k].end]
}

// value and expect return entry i's value and expectation (nil when it has none) without
// building an Entry.
func (l *Entries) value(i int) []byte {
	return l.bytes(i)[:l.record(i).valueLen]
}

func (l *Entries) expect(i int) []byte {
	r := l.record(i)
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
