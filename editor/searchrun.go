package editor

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SearchReport tells the app how a background search is going. Reports come from the search's
// goroutine: the app must hand them to its UI goroutine (tview's QueueUpdateDraw).
type SearchReport struct {
	Pattern  Pattern
	Backward bool
	// Done of Total bytes have been searched.
	Done, Total int64
	// Finished is true for the last report of a search. Then Err is nil and the cursor is at
	// Offset, the match; or Err is ErrNotFound or a storage failure.
	Finished bool
	Offset   int64
	// Wrapped is true when the match lies on the other side of the start: the search went past
	// the end of the file and on from the other end.
	Wrapped bool
	Err     error
	// Gen is the search's generation (see SearchGen), so that the app can tell a report that
	// reaches it after a newer search started.
	Gen int
}

// ErrNoSearch refuses search.next and search.prev before any search.
var ErrNoSearch = errors.New("no previous search (search for something first)")

// progressInterval spaces out progress reports, so a fast search does not flood the UI.
const progressInterval = 100 * time.Millisecond

// maxHighlightScan bounds the bytes read per frame to highlight the visible matches.
const maxHighlightScan = 1 << 20

type searchState struct {
	pattern  Pattern // the last pattern searched for; Len() == 0 before any search
	backward bool
	show     bool  // highlight the matches of pattern
	match    Range // the match found last
	gen      int   // incremented by each start and cancel, so stale goroutines stay silent
	cancel   context.CancelFunc
	notify   func(SearchReport)
	buf      []byte // reused to find the visible matches
}

// SetSearchNotify sets the function that receives search progress and results. It is called from
// the search goroutine.
func (e *Editor) SetSearchNotify(fn func(SearchReport)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.search.notify = fn
}

// StartSearch searches in the background for p from just past the cursor, forward (matches
// after the cursor) or backward (matches before it), wrapping around the file once, so that a
// search started on a match moves on to the next, as vim's / does. It cancels a search under
// way. The result arrives through the SetSearchNotify function; a match moves the cursor and is
// highlighted.
func (e *Editor) StartSearch(p Pattern, backward bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settle(); err != nil {
		return err
	}
	if p.Len() == 0 {
		return errors.New("no search pattern")
	}
	e.search.pattern, e.search.backward = p, backward
	return e.searchAgain(backward)
}

// SearchNext searches for the last pattern again, in the last search's direction, from just
// past the cursor (vim's n).
func (e *Editor) SearchNext() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.searchAgain(e.search.backward)
}

// SearchPrev searches for the last pattern again, against the last search's direction (vim's
// N).
func (e *Editor) SearchPrev() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.searchAgain(!e.search.backward)
}

// SearchAgain searches for the last pattern again from just past the cursor, backward or
// forward whatever the last search's direction was.
func (e *Editor) SearchAgain(backward bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.searchAgain(backward)
}

func (e *Editor) searchAgain(backward bool) error {
	if e.search.pattern.Len() == 0 {
		return ErrNoSearch
	}
	from := e.cursor + 1
	if backward {
		from = e.cursor
	}
	e.startSearch(from, backward)
	return nil
}

// CancelSearch stops the search under way. It reports whether there was one.
func (e *Editor) CancelSearch() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.search.cancel == nil {
		return false
	}
	e.search.cancel()
	e.search.cancel = nil
	e.search.gen++
	return true
}

// SearchGen returns the generation of the search started or cancelled last: each start and each
// cancel makes a new one. A report whose Gen differs belongs to a search replaced since.
func (e *Editor) SearchGen() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.search.gen
}

// HideMatches stops highlighting matches; search.next shows them again. It reports whether they
// were shown.
func (e *Editor) HideMatches() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	shown := e.search.show
	e.search.show = false
	return shown
}

// startSearch starts a goroutine searching for the current pattern: forward, for matches
// starting at or after from; backward, for matches starting before it.
func (e *Editor) startSearch(from int64, backward bool) {
	if e.search.cancel != nil {
		e.search.cancel()
	}
	e.history.endRun()
	ctx, cancel := context.WithCancel(context.Background())
	e.search.gen++
	e.search.cancel = cancel
	e.search.show = true
	gen, p, size := e.search.gen, e.search.pattern, e.size
	report := SearchReport{Pattern: p, Backward: backward, Total: size, Gen: gen}
	go func() {
		defer cancel()
		var last time.Time
		progress := func(done int64) {
			if now := time.Now(); now.Sub(last) >= progressInterval {
				last = now
				r := report
				r.Done = done
				e.sendReport(gen, r)
			}
		}
		report.Offset, report.Wrapped, report.Err = e.searchAround(ctx, p, from, size, backward, progress)
		report.Done, report.Finished = size, true
		if notify := e.finishSearch(report); notify != nil {
			notify(report)
		}
	}()
}

// finishSearch moves to the match of a search that is still the current one and returns the
// callback to tell; nil when the search was cancelled or replaced meanwhile.
func (e *Editor) finishSearch(r SearchReport) func(SearchReport) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.search.gen != r.Gen {
		return nil
	}
	e.search.cancel = nil
	if r.Err == nil {
		e.moveTo(r.Offset)
		e.search.match = Range{r.Offset, r.Offset + int64(r.Pattern.Len())}
	}
	return e.search.notify
}

// sendReport passes a progress report on unless the search has been cancelled or replaced.
func (e *Editor) sendReport(gen int, r SearchReport) {
	e.mu.Lock()
	notify := e.search.notify
	current := e.search.gen == gen
	e.mu.Unlock()
	if current && notify != nil {
		notify(r)
	}
}

// searchAround searches the side of from the direction points to, then, finding nothing, the
// other side: each offset where a match may start is looked at once. progress gets the bytes
// searched so far over both passes.
func (e *Editor) searchAround(ctx context.Context, p Pattern, from, size int64, backward bool, progress func(done int64)) (_ int64, _ bool, err error) {
	// A panic here would end the process from a goroutine the UI cannot guard, leaving the
	// terminal raw and edits unflushed: report it as the search's error instead.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("search failed: internal error: %v", r)
		}
	}()
	from = max(0, min(from, size))
	first, rest := from, size-from // the bytes searched by the first pass and by the second
	if !backward {
		first, rest = size-from, from
	}
	off, err := Search(ctx, e.st, p, from, backward, func(done, _ int64) { progress(done) })
	if !errors.Is(err, ErrNotFound) || rest == 0 {
		return off, false, err
	}
	var w window
	var start int64
	if backward {
		w = window{st: e.st, base: from, size: size - from}
		start = w.size
	} else {
		w = window{st: e.st, base: 0, size: min(size, from+int64(p.Len())-1)}
	}
	off, err = Search(ctx, w, p, start, backward, func(done, _ int64) { progress(first + done) })
	if err != nil {
		return -1, false, err
	}
	return w.base + off, true, nil
}

// window is the part [base, base+size) of a Storage seen as a Scanner of its own.
type window struct {
	st   Storage
	base int64
	size int64
}

func (w window) Size() int64 { return w.size }

func (w window) Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error {
	return w.st.Scan(w.base+off, length, overlap, func(chunk []byte, at int64) error { return fn(chunk, at-w.base) })
}

// appendMatches adds the matches of the last search that overlap visible, found by reading those
// bytes, and the match found last.
func (e *Editor) appendMatches(hs []Highlight, visible Range) []Highlight {
	s := &e.search
	if !s.show {
		return hs
	}
	n := int64(s.pattern.Len())
	from, to := max(visible.Start-n+1, 0), min(visible.End+n-1, e.size)
	current := s.match.Start < visible.End && s.match.End > visible.Start
	if to-from >= n && to-from <= maxHighlightScan {
		if int64(cap(s.buf)) < to-from {
			s.buf = make([]byte, to-from)
		}
		buf := s.buf[:to-from]
		if _, err := e.st.ReadAt(buf, from); err == nil {
			for i := 0; ; {
				j := s.pattern.index(buf[i:])
				if j < 0 {
					break
				}
				start := from + int64(i+j)
				hs = append(hs, Highlight{Range: Range{start, start + n}, Kind: HighlightMatch})
				current = current && start != s.match.Start
				i += j + 1
			}
		}
	}
	if current {
		hs = append(hs, Highlight{Range: s.match, Kind: HighlightMatch})
	}
	return hs
}
