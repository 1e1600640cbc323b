package editor

import (
	"errors"
	"testing"
	"time"
)

// reports collects what a search sends to the app.
func reports(t *testing.T, e *Editor) <-chan SearchReport {
	t.Helper()
	ch := make(chan SearchReport, 1000)
	e.SetSearchNotify(func(r SearchReport) { ch <- r })
	return ch
}

// finished waits for the report that ends a search.
func finished(t *testing.T, ch <-chan SearchReport) SearchReport {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case r := <-ch:
			if r.Finished {
				return r
			}
		case <-timeout:
			t.Fatal("no search result within 10 s")
		}
	}
}

func mustText(t *testing.T, s string) Pattern {
	t.Helper()
	p, err := TextPattern(s, false)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSearchOrchestration(t *testing.T) {
	data := make([]byte, 4096)
	for _, off := range []int{100, 110, 2000, 3000} {
		copy(data[off:], "NEEDLE")
	}
	f := newFile(t, data)
	ch := reports(t, f.Editor)
	if err := f.SearchNext(); !errors.Is(err, ErrNoSearch) {
		t.Errorf("SearchNext before any search: got %v, want ErrNoSearch", err)
	}

	steps := []struct {
		name        string
		start       func() error
		wantOffset  int64
		wantWrapped bool
	}{
		{"forward from the start", func() error { return f.StartSearch(mustText(t, "NEEDLE"), false) }, 100, false},
		{"a new search on a match moves on", func() error { return f.StartSearch(mustText(t, "NEED"), false) }, 110, false},
		{"next", f.SearchNext, 2000, false},
		{"next", f.SearchNext, 3000, false},
		{"next wraps to the start", f.SearchNext, 100, true},
		{"prev wraps to the end", f.SearchPrev, 3000, true},
		{"prev", f.SearchPrev, 2000, false},
		{"backward search from the cursor", func() error { return f.StartSearch(mustText(t, "NEEDLE"), true) }, 110, false},
		{"next keeps the backward direction", f.SearchNext, 100, false},
		{"prev goes forward", f.SearchPrev, 110, false},
		{"again forward after a backward search", func() error { return f.SearchAgain(false) }, 2000, false},
		{"again backward", func() error { return f.SearchAgain(true) }, 110, false},
	}
	for _, s := range steps {
		if err := s.start(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		r := finished(t, ch)
		if r.Err != nil || r.Offset != s.wantOffset || r.Wrapped != s.wantWrapped {
			t.Fatalf("%s: got offset %d wrapped %v err %v; want offset %d wrapped %v",
				s.name, r.Offset, r.Wrapped, r.Err, s.wantOffset, s.wantWrapped)
		}
		if got := f.Cursor(); got != s.wantOffset {
			t.Errorf("%s: cursor %d, want it on the match at %d", s.name, got, s.wantOffset)
		}
		if f.Status().Searching {
			t.Errorf("%s: status still says searching", s.name)
		}
	}

	// Both matches on screen are highlighted.
	hs := f.ViewState(4, 16).Highlights
	for _, off := range []int64{100, 110} {
		if !hasHighlight(hs, Highlight{Range: Range{off, off + 6}, Kind: HighlightMatch}) {
			t.Errorf("highlights %v lack the match at %d", hs, off)
		}
	}
	if !f.HideMatches() {
		t.Error("HideMatches reported no matches shown")
	}
	if hs := f.ViewState(4, 16).Highlights; len(hs) != 0 {
		t.Errorf("highlights after HideMatches: got %v, want none", hs)
	}

	if err := f.StartSearch(mustText(t, "HAYSTACK"), false); err != nil {
		t.Fatal(err)
	}
	if r := finished(t, ch); !errors.Is(r.Err, ErrNotFound) {
		t.Errorf("missing pattern: got %v, want ErrNotFound", r.Err)
	}
	if got := f.Cursor(); got != 110 {
		t.Errorf("cursor after a failed search: got %d, want it unmoved at 110", got)
	}
}

func TestSearchReportsProgress(t *testing.T) {
	defer func(old int64) { searchBlock = old }(searchBlock)
	searchBlock = 4096
	f := newFile(t, make([]byte, 1<<20))
	f.SetCursor(1 << 19)
	ch := reports(t, f.Editor)
	if err := f.StartSearch(mustText(t, "absent"), false); err != nil {
		t.Fatal(err)
	}
	var progress []SearchReport
	var last SearchReport
	for last = range ch {
		if last.Finished {
			break
		}
		progress = append(progress, last)
	}
	if len(progress) == 0 {
		t.Fatal("no progress report before the result")
	}
	if p := progress[0]; p.Done <= 0 || p.Done >= p.Total || p.Total != 1<<20 {
		t.Errorf("first progress: done %d of %d, want a part of %d", p.Done, p.Total, 1<<20)
	}
	if !errors.Is(last.Err, ErrNotFound) || last.Done != last.Total {
		t.Errorf("result: err %v, done %d of %d; want ErrNotFound with everything searched", last.Err, last.Done, last.Total)
	}
}

// blockingStorage holds its first Scan until released, so a test can cancel a search under way.
type blockingStorage struct {
	Storage
	entered chan struct{}
	release chan struct{}
}

func (b blockingStorage) Scan(off, length int64, overlap int, fn func([]byte, int64) error) error {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	<-b.release
	return b.Storage.Scan(off, length, overlap, fn)
}

func TestSearchCancel(t *testing.T) {
	data := make([]byte, 4096)
	copy(data[1000:], "first")
	copy(data[2000:], "second")
	f := newFile(t, data)
	bs := blockingStorage{Storage: f.m, entered: make(chan struct{}, 1), release: make(chan struct{})}
	e := New(bs)
	ch := reports(t, e)
	if err := e.StartSearch(mustText(t, "first"), false); err != nil {
		t.Fatal(err)
	}
	<-bs.entered
	if !e.Status().Searching {
		t.Error("status does not say searching while a search runs")
	}
	if !e.CancelSearch() {
		t.Error("CancelSearch reported no search under way")
	}
	if e.CancelSearch() {
		t.Error("a second CancelSearch reported a search under way")
	}
	close(bs.release)
	if err := e.StartSearch(mustText(t, "second"), false); err != nil {
		t.Fatal(err)
	}
	r := finished(t, ch)
	if r.Pattern.String() != mustText(t, "second").String() || r.Offset != 2000 {
		t.Errorf("first result after cancelling: got %s at %d, want the second search's match at 2000", r.Pattern, r.Offset)
	}
	if got := e.Cursor(); got != 2000 {
		t.Errorf("cursor: got %d, want 2000 (the cancelled search must not move it)", got)
	}
}
