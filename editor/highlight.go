package editor

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

// MarkForeign records ranges another process changed, seen at seen, so the view highlights them
// (HighlightForeign) until they are about two seconds old.
func (e *Editor) MarkForeign(ranges []Range, seen time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.expireForeign()
	for _, r := range ranges {
		if !r.Empty() {
			e.foreign = append(e.foreign, Highlight{Range: r, Kind: HighlightForeign, Seen: seen})
		}
	}
}

// ForeignLifetime is how long bytes another process changed stay highlighted: the view fades
// them out over it, and the editor forgets them after it.
const ForeignLifetime = 2 * time.Second

// expireForeign drops foreign changes older than ForeignLifetime.
func (e *Editor) expireForeign() {
	now := e.now()
	e.foreign = slices.DeleteFunc(e.foreign, func(h Highlight) bool { return now.Sub(h.Seen) > ForeignLifetime })
}

// highlights returns the highlights overlapping visible, sorted by Start: unflushed writes, search
// matches, bookmarks and fresh foreign changes.
func (e *Editor) highlights(visible Range) []Highlight {
	var hs []Highlight
	overlaps := func(r Range) bool { return r.Start < visible.End && r.End > visible.Start }
	i := sort.Search(len(e.unflushed), func(i int) bool { return e.unflushed[i].End > visible.Start })
	for ; i < len(e.unflushed) && e.unflushed[i].Start < visible.End; i++ {
		hs = append(hs, Highlight{Range: e.unflushed[i], Kind: HighlightUnflushed})
	}
	if p := &e.ins; p.active() {
		// The pending bytes, and past them the file's bytes drawn shifted: the highlights kept
		// in the file's offsets shift with them, and the matches wait for the insert.
		n := int64(len(p.data))
		hs = append(hs, Highlight{Range: Range{p.off, p.off + n}, Kind: HighlightPending})
		for i := range hs[:len(hs)-1] {
			if hs[i].Start >= p.off {
				hs[i].Start, hs[i].End = hs[i].Start+n, hs[i].End+n
			}
		}
	} else {
		hs = e.appendMatches(hs, visible)
	}
	for _, b := range e.bookmarks {
		if r := (Range{b.Offset, b.Offset + 1}); overlaps(r) {
			hs = append(hs, Highlight{Range: r, Kind: HighlightBookmark})
		}
	}
	e.expireForeign()
	for _, h := range e.foreign {
		if overlaps(h.Range) {
			hs = append(hs, h)
		}
	}
	slices.SortStableFunc(hs, func(a, b Highlight) int { return cmp.Compare(a.Start, b.Start) })
	return hs
}
