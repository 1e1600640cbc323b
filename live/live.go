// Package live is live mode: it polls a mapping for the changes other processes make. Every
// interval a ticker goroutine diffs the visible rows (watch.Watcher.PollRange) and the next slice
// of the rest (PollNext, watch.Budget bytes), marks what changed in the editor so the view
// highlights it, and records it for the changes panel. It never touches widgets: Tick tells the
// caller when the screen needs a frame.
//
// Locks, always taken in this order: live.tickMu, the editor's, live.mu, a Watcher's, the
// mapping's. A tick holds tickMu while it marks changes in the editor, so tickMu is never taken
// with the editor's lock held; the user's writes come from the editor, holding its lock, through
// Storage into live.absorb, which takes live.mu and then the watcher's.
package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/procmem"
	"github.com/mmhex/mmhex/watch"
)

const (
	// DefaultInterval is how often live mode polls unless --interval says otherwise.
	DefaultInterval = 50 * time.Millisecond
	// NameCheckEvery is how often a named mapping's name is looked up, to notice its creator
	// released it.
	NameCheckEvery = time.Second
	// ChangesKept bounds the changes panel's history to the most recent runs.
	ChangesKept = 1000
	// shownBytes is how many bytes of a run's old and new values the changes panel shows.
	shownBytes = 8
	// minFrameGap keeps live redraws to about 60 a second when the interval is shorter; changes
	// seen meanwhile wait for the next frame, none is lost.
	minFrameGap = 16 * time.Millisecond
)

// Window is the most live mode keeps a copy of: a mapping up to this size is watched whole;
// in a larger one, the Window bytes around the view. A quarter of what a Watcher may hold,
// so the copy takes at most 256 MiB (64 MiB on 32-bit systems) and moving it costs a fraction of
// a second.
const Window = watch.MaxLength / 4

// Source is the memory live mode watches and writes: *mmap.Mapping, or a region of another
// process (*procmem.View).
type Source interface {
	watch.Source
	io.WriterAt
	// CurrentSize is the size the object has now, to tell a truncation from another fault.
	CurrentSize() (int64, error)
}

// Live is live mode's state, shared by the ticker goroutine and the UI goroutine.
type Live struct {
	src      Source
	label    string // the file's base name or the mapping's name, for messages
	name     string // the named mapping's name, to notice its creator releasing it; "" for a file
	interval time.Duration
	budget   int64 // bytes PollNext diffs per tick
	window   int64 // the most bytes watched at once
	// nameEvery is how often the named mapping's name is looked up.
	nameEvery time.Duration
	fixed     string // why bytes cannot be inserted or deleted at all; "" for a file

	// mu guards the fields below.
	mu       sync.Mutex
	w        *watch.Watcher // nil until the first snapshot is taken
	building bool           // a new watcher is taking its snapshot
	pending  []absorbedWrite
	stopped  string // why polling stopped (a fault); "" while it runs
	note     string // a message for the status bar, taken by the UI goroutine
	noteErr  bool

	Paused atomic.Bool // no polling while it is set
	Log    ChangeLog   // the runs seen, for the changes panel

	// tickMu serializes ticks (the ticker's and a test's) and guards the fields below.
	tickMu      sync.Mutex
	dirty       bool // the screen has something new to show
	lastDraw    time.Time
	nameChecked time.Time
	nameGone    bool
}

// absorbedWrite is a write of the user's made while a new watcher took its snapshot; it is
// recorded in the new snapshot too, so it is never reported as a foreign change.
type absorbedWrite struct {
	off  int64
	data []byte
}

// Config says what live mode watches and how; the zero values of the last three mean the
// defaults.
type Config struct {
	Label string // the file's base name or the mapping's name, for messages
	Name  string // the named mapping's name, to notice its creator releasing it; "" for a file
	// FixedLayout, if set, says why the source can never change size (a process's memory),
	// for the refusal of an insert or delete.
	FixedLayout string
	Interval    time.Duration
	// Window is the most bytes watched at once (Window).
	Window int64
	// Budget is how many bytes beyond the visible ones a tick diffs (watch.Budget(Interval)).
	Budget int64
	// NameCheckEvery is how often the name is looked up (NameCheckEvery).
	NameCheckEvery time.Duration
}

// New returns live mode over src, not yet polling: the first Tick takes the snapshot.
func New(src Source, c Config) *Live {
	l := &Live{src: src, label: c.Label, name: c.Name, interval: c.Interval,
		budget: c.Budget, window: c.Window, nameEvery: c.NameCheckEvery, fixed: c.FixedLayout}
	if l.budget == 0 {
		l.budget = watch.Budget(c.Interval)
	}
	if l.window == 0 {
		l.window = Window
	}
	if l.nameEvery == 0 {
		l.nameEvery = NameCheckEvery
	}
	return l
}

// Storage is the editor's storage in live mode: the mapping (or process region) live mode
// watches, with writes going through live mode so that the watcher records them and never
// reports the user's own edits (nor their undo) as changes by another process. The embedded
// storage must be the Source live mode was made with.
type Storage struct {
	editor.Storage
	Live *Live
}

// CanSplice refuses inserting and deleting bytes: live mode diffs the mapping against a copy of
// its bytes, which a move would shift under it, and a named mapping cannot change size anyway.
func (s Storage) CanSplice() error {
	switch {
	case s.Live.fixed != "":
		return fixedLayout(s.Live.fixed)
	case s.Live.name != "":
		return fmt.Errorf("%w: a named mapping has the size it was created with", editor.ErrFixedSize)
	}
	return errLiveSplice
}

// Splice refuses, as CanSplice does.
func (s Storage) Splice(context.Context, int64, int64, []byte, func(done, total int64, rollingBack bool), func(bool)) error {
	return s.CanSplice()
}

// fixedLayout is the reason a source never changes size, in its own words; it matches
// editor.ErrFixedSize.
type fixedLayout string

func (e fixedLayout) Error() string { return string(e) }
func (e fixedLayout) Unwrap() error { return editor.ErrFixedSize }

var errLiveSplice = errors.New("live mode (--watch) compares the file with a copy of its bytes, which an insert or delete would move: reopen it without --watch to insert or delete")

var _ editor.Splicer = Storage{}

// WriteAt writes p at off through the watcher.
func (s Storage) WriteAt(p []byte, off int64) (int, error) { return s.Live.absorb(p, off) }

// absorb writes p at off and records it in the watcher's snapshot.
func (l *Live) absorb(p []byte, off int64) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var n int
	var err error
	if l.w == nil {
		n, err = l.src.WriteAt(p, off)
	} else {
		n, err = l.w.Absorb(l.src, p, off)
	}
	if l.building && n > 0 {
		l.pending = append(l.pending, absorbedWrite{off, bytes.Clone(p[:n])})
	}
	return n, err
}

// discardWriter stands for memory written already: Absorb through it only updates a snapshot.
type discardWriter struct{}

func (discardWriter) WriteAt(p []byte, _ int64) (int, error) { return len(p), nil }

// build replaces the watcher with one over [off, off+length), which takes a snapshot of those
// bytes. The user's writes go on meanwhile (through the old watcher) and are recorded in the new
// snapshot as well; changes by other processes during the snapshot are taken as they are.
func (l *Live) build(off, length int64) error {
	l.mu.Lock()
	l.building, l.pending = true, nil
	l.mu.Unlock()
	w, err := watch.New(l.src, off, length)
	l.mu.Lock()
	defer l.mu.Unlock()
	pending := l.pending
	l.building, l.pending = false, nil
	if err != nil {
		return err
	}
	for _, p := range pending {
		w.Absorb(discardWriter{}, p.data, p.off)
	}
	l.w = w
	return nil
}

// Interval is how often live mode polls.
func (l *Live) Interval() time.Duration { return l.interval }

// Watcher returns the watcher in use; nil before the first snapshot.
func (l *Live) Watcher() *watch.Watcher {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w
}

// windowFor returns the range to watch for a view of [top, top+page): the whole mapping when it
// fits the window, else the window centred on the view.
func (l *Live) windowFor(top, page int64) (off, length int64) {
	size := l.src.Size()
	if size <= l.window {
		return 0, size
	}
	off = top + page/2 - l.window/2
	return max(0, min(off, size-l.window)), l.window
}

// covers reports whether w watches all the visible bytes.
func (l *Live) covers(w *watch.Watcher, top, page int64) bool {
	end := min(top+page, l.src.Size())
	return top >= w.Offset() && end <= w.Offset()+w.Len()
}

// poll diffs the visible bytes and the next budget bytes of the watched range, after moving the
// watched window to the view if it left it.
func (l *Live) poll(visible editor.Range) ([]watch.Run, error) {
	top, page := visible.Start, visible.Len()
	w := l.Watcher()
	if w == nil || !l.covers(w, top, page) {
		if err := l.build(l.windowFor(top, page)); err != nil {
			return nil, err
		}
		l.dirty = true // the status bar changes from "starting", the panel's title may too
		w = l.Watcher()
	}
	runs, err := w.PollRange(top, page)
	if err != nil {
		return runs, err
	}
	rest, err := w.PollNext(l.budget)
	return append(runs, rest...), err
}

// Tick is one tick of live mode, run by the ticker goroutine (tests call it too): unless paused
// or stopped it polls, marks the runs found in ed, and records them for the changes panel. It
// reports whether the screen needs a frame: when it has something new to show, or when fading
// says a highlight is still fading out.
func (l *Live) Tick(ed *editor.Editor, fading func() bool) (draw bool) {
	l.tickMu.Lock()
	defer l.tickMu.Unlock()
	if !l.Paused.Load() && l.StoppedReason() == "" {
		runs, err := l.poll(ed.Visible())
		now := time.Now()
		if len(runs) > 0 {
			ranges := make([]editor.Range, len(runs))
			for i, r := range runs {
				ranges[i] = editor.Range{Start: r.Offset, End: r.End()}
			}
			ed.MarkForeign(ranges, now)
			l.Log.Add(runs, now)
			l.dirty = true
		}
		switch {
		case err != nil:
			l.stop(err)
		case l.name != "":
			l.checkName(now)
		}
	}
	// Ticks closer than minFrameGap are too frequent to draw each; the next tick draws.
	now := time.Now()
	if (l.dirty || fading()) && (l.interval >= minFrameGap || now.Sub(l.lastDraw) >= minFrameGap) {
		l.dirty, l.lastDraw = false, now
		return true
	}
	return false
}

// stop ends polling after err, with the reason for the status bar.
func (l *Live) stop(err error) {
	reason := "live mode stopped: " + err.Error()
	if errors.Is(err, mmap.ErrFault) {
		what := l.label + " was truncated or its storage failed"
		if size, serr := l.src.CurrentSize(); serr == nil && size < l.src.Size() {
			what = fmt.Sprintf("%s was truncated to %s", l.label, byteconv.Count(size, "byte"))
		}
		reason = "live mode stopped: " + what
	}
	// A process that exited or unmapped the region: the process, the address and the reason.
	if aerr := (*procmem.AddrError)(nil); errors.Is(err, procmem.ErrGone) && errors.As(err, &aerr) {
		reason = fmt.Sprintf("live mode stopped: process %d: %s at 0x%x: %v", aerr.Pid, aerr.Op, aerr.Addr, aerr.Err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = reason
	l.note, l.noteErr = reason, true
	l.dirty = true
}

// checkName notes, once, that the named mapping's name is gone: its creator released it. On
// POSIX the memory lives on while it is mapped, so live mode goes on.
func (l *Live) checkName(now time.Time) {
	if l.nameGone || now.Sub(l.nameChecked) < l.nameEvery {
		return
	}
	l.nameChecked = now
	other, err := mmap.OpenNamed(l.name, mmap.ReadOnly)
	if errors.Is(err, fs.ErrNotExist) {
		l.nameGone = true
		l.mu.Lock()
		l.note, l.noteErr = fmt.Sprintf("%q was released by its creator; still mapped here", l.name), false
		l.mu.Unlock()
		l.dirty = true
		return
	}
	if err == nil {
		other.Close()
	}
}

// StoppedReason says why polling stopped (a fault); "" while it runs.
func (l *Live) StoppedReason() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stopped
}

// TakeNote returns the message the ticker left for the status bar, once.
func (l *Live) TakeNote() (text string, isError, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	text, isError, ok = l.note, l.noteErr, l.note != ""
	l.note = ""
	return text, isError, ok
}

// StatusText is live mode's part of the status bar.
func (l *Live) StatusText() string {
	l.mu.Lock()
	stopped, started := l.stopped != "", l.w != nil
	l.mu.Unlock()
	seen := l.Log.Total()
	count := byteconv.Count(seen, "change") + " seen"
	switch {
	case stopped:
		return "LIVE STOPPED"
	case l.Paused.Load():
		return "PAUSED  " + count
	case !started:
		return fmt.Sprintf("LIVE %v  starting", l.interval)
	}
	return fmt.Sprintf("LIVE %v  %s", l.interval, count)
}

// Coverage says what the changes panel covers and how often: the budget per tick makes the sweep
// period.
func (l *Live) Coverage() string {
	w := l.Watcher()
	if w == nil {
		return "taking a first copy"
	}
	ticks := (w.Len() + l.budget - 1) / l.budget
	sweep := fmt.Sprintf("swept every %v (%d MiB/s)", time.Duration(max(ticks, 1))*l.interval, watch.ScanRate>>20)
	if w.Len() == l.src.Size() {
		return "whole mapping " + sweep
	}
	return fmt.Sprintf("%s around the view %s", byteconv.FormatSizeUnit(w.Len()), sweep)
}

// Change is one run in the changes panel, its bytes cut to what the panel shows.
type Change struct {
	Seq      int64 // 1 for the first run ever seen
	Seen     time.Time
	Off      int64
	length   int
	old, new []byte // at most shownBytes each
}

// String is how the panel lists the entry: time, offset, old -> new.
func (e Change) String() string {
	s := fmt.Sprintf("%s  0x%08X  %x", e.Seen.Format("15:04:05.000"), e.Off, e.old)
	cut := e.length > len(e.new)
	if cut {
		s += "…"
	}
	s += fmt.Sprintf(" → %x", e.new)
	if cut {
		s += fmt.Sprintf("… (%d bytes)", e.length)
	}
	return s
}

// ChangeLog is a ring of the most recent runs, for the changes panel.
type ChangeLog struct {
	mu   sync.Mutex
	ring []Change
	next int   // where the next entry goes once the ring is full
	seq  int64 // runs ever added
}

// Add records the runs of one poll, seen at seen. They go in backwards, so that listed newest
// first the runs of one poll read in offset order.
func (c *ChangeLog) Add(runs []watch.Run, seen time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		n := min(len(r.New), shownBytes)
		c.seq++
		e := Change{Seq: c.seq, Seen: seen, Off: r.Offset, length: len(r.New),
			old: bytes.Clone(r.Old[:n]), new: bytes.Clone(r.New[:n])}
		if len(c.ring) < ChangesKept {
			c.ring = append(c.ring, e)
			continue
		}
		c.ring[c.next] = e
		c.next = (c.next + 1) % ChangesKept
	}
}

// Total returns how many runs were ever added.
func (c *ChangeLog) Total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}

// Newest returns the kept entries, newest first.
func (c *ChangeLog) Newest() []Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.ring)
	out := make([]Change, n)
	for k := range n {
		out[k] = c.ring[(c.next+n-1-k)%n]
	}
	return out
}
