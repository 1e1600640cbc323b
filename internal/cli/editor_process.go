package cli

import (
	"fmt"
	"sync"
	"time"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/live"
	"github.com/mmhex/mmhex/procmem"
	"github.com/mmhex/mmhex/tui"
)

// processFixedLayout is why the editor never inserts or deletes bytes in a process.
const processFixedLayout = "a process's memory has a fixed layout: bytes can be overwritten but not inserted or deleted"

// processStorage is a region of a process as the editor's storage and live mode's source. It
// is writable (unless opened read-only) even where the process cannot write: such a write fails
// with procmem.ErrNotWritable, and the editor offers Force, after which writes go through as a
// debugger's do. Its methods are safe for concurrent use (the editor, live mode's ticker).
type processStorage struct {
	readOnly bool

	mu sync.Mutex
	v  *procmem.View // guarded by mu: Force replaces it
}

func (s *processStorage) view() *procmem.View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v
}

// Force makes every later write reach pages the process cannot write.
func (s *processStorage) Force() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.v = s.v.WithForce()
}

// Name is the process and the region's module or name: "pid 1234 libc.so.6", "pid 1234 [heap]".
func (s *processStorage) Name() string {
	v := s.view()
	return fmt.Sprintf("pid %d %s", v.Process().Pid(), v.Region().Module())
}

func (s *processStorage) Size() int64                   { return s.view().Size() }
func (s *processStorage) Writable() bool                { return !s.readOnly }
func (s *processStorage) FileBacked() bool              { return false }
func (s *processStorage) Flush(off, length int64) error { return s.view().Flush(off, length) }
func (s *processStorage) CurrentSize() (int64, error)   { return s.view().CurrentSize() }
func (s *processStorage) Replaced() (bool, error)       { return false, nil }
func (s *processStorage) ReadAt(p []byte, off int64) (int, error) {
	return s.view().ReadAt(p, off)
}
func (s *processStorage) WriteAt(p []byte, off int64) (int, error) {
	return s.view().WriteAt(p, off)
}
func (s *processStorage) Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error {
	return s.view().Scan(off, length, overlap, fn)
}

// pickRegion chooses the region the editor starts on and the cursor's offset in it: the region
// holding --address (the cursor on it), else the first region --region names, else [heap] when
// the process has one, else its first writable region.
func pickRegion(t target, regions []procmem.Region, spec, addrText string) (procmem.Region, int64, error) {
	if addrText != "" {
		o, err := byteconv.ParseOffset(addrText)
		if err != nil {
			return procmem.Region{}, 0, usageErrorf("--address %s: %w", addrText, err)
		}
		if o.FromEnd {
			return procmem.Region{}, 0, usageErrorf("--address %s: a process has no end to count from: give an address (see 'mmhex regions -p %d')", o.Text, t.pid)
		}
		i := procmem.Containing(regions, o.N)
		if i < 0 {
			return procmem.Region{}, 0, usageErrorf("--address %s: no region of %s holds 0x%x (see 'mmhex regions -p %d')", o.Text, t, o.N, t.pid)
		}
		return regions[i], o.N - regions[i].Start, nil
	}
	if spec != "" {
		chosen := procmem.Select(regions, spec)
		if len(chosen) == 0 {
			return procmem.Region{}, 0, usageErrorf("--region %q: %s has no such region: give an index, a name or a module from 'mmhex regions -p %d'", spec, t, t.pid)
		}
		return chosen[0], 0, nil
	}
	for _, r := range regions {
		if r.Name == "[heap]" {
			return r, 0, nil
		}
	}
	for _, r := range regions {
		if r.Writable() && r.Readable() {
			return r, 0, nil
		}
	}
	return procmem.Region{}, 0, fmt.Errorf("%s has no writable region to start on: choose one with --region (see 'mmhex regions -p %d')", t, t.pid)
}

// openProcessRegion opens the process of t and picks the region the editor starts on and the
// cursor's offset in it.
func openProcessRegion(t target, spec, addrText string) (*procmem.Process, procmem.Region, int64, error) {
	p, regions, err := t.openProcessRegions()
	if err != nil {
		return nil, procmem.Region{}, 0, err
	}
	r, cursor, err := pickRegion(t, regions, spec, addrText)
	if err != nil {
		p.Close()
		return nil, procmem.Region{}, 0, err
	}
	return p, r, cursor, nil
}

// processSession makes the editor on region r of p, in live mode: the session the editor starts
// with, and the one the regions panel and :region switch to.
func processSession(p *procmem.Process, r procmem.Region, readOnly bool, interval time.Duration) tui.Session {
	ps := &processStorage{readOnly: readOnly, v: p.View(r)}
	l := live.New(ps, live.Config{Label: ps.Name(), Interval: interval, FixedLayout: processFixedLayout})
	ed := editor.New(live.Storage{Storage: ps, Live: l})
	ed.SetBase(r.Start)
	return tui.Session{Editor: ed, Live: l, Base: r.Start, Force: ps.Force}
}
