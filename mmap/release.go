package mmap

import "sync"

// releaseBudget is how many bytes ReadAt and WriteAt may touch through the whole view before
// the pages behind them are released from the process; Scan releases each chunk as it finishes
// with it. Tests lower it.
var releaseBudget int64 = 4 << 20

// accountPage is the page size noteTouched counts in: the smallest of the systems mmhex runs on,
// so that it never undercounts.
const accountPage = 4096

// touchedSpan is what ReadAt and WriteAt touched through the whole view since the last release:
// the bytes, and the span [lo, hi) they lie in.
type touchedSpan struct {
	mu     sync.Mutex
	bytes  int64
	lo, hi int64
}

// noteTouched records that [off, off+n) of the whole view was read or written and, once the
// bytes touched since the last release pass releaseBudget, releases the span they lie in. A
// mapping of a large file then stays small in memory however much of it a fill or a long patch
// touches, while a small read (a screenful) costs no system call. The caller holds m.mu for
// reading.
func (m *Mapping) noteTouched(off, n int64) {
	t := &m.touched
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bytes == 0 {
		t.lo, t.hi = off, off+n
	} else {
		t.lo, t.hi = min(t.lo, off), max(t.hi, off+n)
	}
	// A small access still brings in whole pages, so it counts as the pages it touches.
	t.bytes += alignDown(off+n+accountPage-1, accountPage) - alignDown(off, accountPage)
	if t.bytes < releaseBudget {
		return
	}
	// The span may be stale after a Remap to a smaller size; releasing less is harmless.
	m.release(min(t.lo, m.size), min(t.hi, m.size))
	t.bytes = 0
}

// folioSpan is the most the kernel may map around one fault: Linux maps a large folio of the
// page cache whole (up to a PMD, 2 MiB on x86-64 and arm64), so touching one byte can map the
// megabyte before or after it.
const folioSpan = 2 << 20

// release drops the pages of [off, end) of the whole view from the process, rounded out to
// whole folios: a backward sweep (the move of an insert) otherwise leaves, at each span's low
// edge, the rest of the folio that its last access mapped. Every view is shared with the file
// or section, so the bytes stay in the system's cache, written ones included, and the next
// access faults them back in. The caller holds m.mu for reading.
func (m *Mapping) release(off, end int64) {
	if off >= end {
		return
	}
	off, end = alignDown(off, folioSpan), min(alignDown(end+folioSpan-1, folioSpan), int64(len(m.whole)))
	m.sys.release(m.whole[off:end])
}
