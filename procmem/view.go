package procmem

import (
	"errors"
	"fmt"
	"sync"
)

// ScanChunk is how many bytes Scan reads from the process per call: large enough that a system
// call costs nothing next to the copy, small enough to stay in the processor's cache while the
// callback looks at it.
const ScanChunk = 1 << 20

// View is one region of a process as the editor sees a file: offsets run from 0 to Size, from the
// region's start, which Base returns. It satisfies editor.Storage, watch.Source and live.Source,
// so the editor, watch and live mode work on it unchanged. Its methods are safe for concurrent use.
type View struct {
	p     *Process
	r     Region
	force bool
	whole bool // the view is AddressSpace's: offsets are addresses
}

// View returns the view of region r of p.
func (p *Process) View(r Region) *View { return &View{p: p, r: r} }

// AddressSpace returns a view of the whole address space, whose offsets are addresses: from 0 to
// the end of the highest region. The gaps between regions fail to read as ReadAt says. The
// commands that take an address (dump, watch, patch -p) work on it.
func (p *Process) AddressSpace() (*View, error) {
	regions, err := p.Regions()
	if err != nil {
		return nil, err
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("procmem: process %d: %w", p.pid, errExited)
	}
	r := Region{Start: 0, End: regions[len(regions)-1].End, Perms: "rw-p", Name: "[address space]"}
	return &View{p: p, r: r, whole: true}, nil
}

// WithForce returns a view of the same memory whose writes reach pages the process cannot
// write (WriteForced): the editor's answer to a confirm.
func (v *View) WithForce() *View { return &View{p: v.p, r: v.r, force: true, whole: v.whole} }

// Forced reports whether the view writes with WriteForced.
func (v *View) Forced() bool { return v.force }

// Process returns the process the view belongs to.
func (v *View) Process() *Process { return v.p }

// Region returns the region the view shows.
func (v *View) Region() Region { return v.r }

// Base returns the address of offset 0: the region's start.
func (v *View) Base() int64 { return v.r.Start }

// Name names the view for titles and messages: "pid 1234 [heap]".
func (v *View) Name() string { return fmt.Sprintf("pid %d %s", v.p.pid, v.r.Name) }

// Size returns the region's length.
func (v *View) Size() int64 { return v.r.Size() }

// Writable reports whether writes may go through: the region is writable by the process, or
// the view writes with force.
func (v *View) Writable() bool { return v.force || v.r.Writable() }

// FileBacked is false: a write reaches the process at once and there is nothing to flush.
func (v *View) FileBacked() bool { return false }

// Flush does nothing: the bytes are in the process already.
func (v *View) Flush(off, length int64) error { return v.check(off, length) }

// Replaced is always false: a region has no name that can come to mean something else.
func (v *View) Replaced() (bool, error) { return false, nil }

// CurrentSize returns the region's size now, from a fresh region list: a region that grew keeps
// the view's size; one that shrank gives its new size; one that went away, or a process that
// exited, gives an error matching ErrGone.
func (v *View) CurrentSize() (int64, error) {
	regions, err := v.p.Regions()
	if err != nil || v.whole {
		return v.r.Size(), err
	}
	if i := Containing(regions, v.r.Start); i >= 0 && regions[i].Start == v.r.Start {
		return min(regions[i].Size(), v.r.Size()), nil
	}
	return 0, &AddrError{Pid: v.p.pid, Op: "look up region", Addr: v.r.Start, Err: errUnmapped}
}

func (v *View) check(off, length int64) error {
	if off < 0 || length < 0 || off > v.r.Size() || length > v.r.Size()-off {
		return fmt.Errorf("%w: [%d, +%d) in %d bytes", ErrOutOfRange, off, length, v.r.Size())
	}
	return nil
}

// ReadAt reads len(b) bytes at offset off of the region.
func (v *View) ReadAt(b []byte, off int64) (int, error) {
	if err := v.check(off, int64(len(b))); err != nil {
		return 0, err
	}
	return v.p.ReadAt(b, v.r.Start+off)
}

// WriteAt writes b at offset off of the region, with force when the view has it.
func (v *View) WriteAt(b []byte, off int64) (int, error) {
	if err := v.check(off, int64(len(b))); err != nil {
		return 0, err
	}
	if v.force {
		return v.p.WriteForced(b, v.r.Start+off)
	}
	return v.p.WriteAt(b, v.r.Start+off)
}

// scanBuffers holds Scan's buffers between calls: a search over many regions, or a watch
// polling every millisecond, allocates none.
var scanBuffers sync.Pool

// Scan calls fn with consecutive chunks of [off, off+length), read into a buffer of ScanChunk
// bytes (plus overlap): each chunk after the first starts overlap bytes before the previous one
// ended, and at is its offset. A chunk is valid only during the call. A read that fails part
// way hands fn the bytes before the failure, then returns the error.
func (v *View) Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error {
	if err := v.check(off, length); err != nil {
		return err
	}
	if overlap < 0 {
		return errors.New("procmem: negative overlap")
	}
	want := ScanChunk + overlap
	bp, _ := scanBuffers.Get().(*[]byte)
	if bp == nil || len(*bp) < want {
		b := make([]byte, want)
		bp = &b
	}
	defer scanBuffers.Put(bp)
	buf := (*bp)[:want]

	end := off + length
	kept := 0 // bytes at the front of buf carried over from the previous chunk
	for pos := off; pos < end; {
		n := int(min(int64(len(buf)-kept), end-pos))
		got, err := v.p.ReadAt(buf[kept:kept+n], v.r.Start+pos)
		chunk := buf[:kept+got]
		at := pos - int64(kept)
		if got > 0 || err == nil {
			if ferr := fn(chunk, at); ferr != nil {
				return ferr
			}
		}
		if err != nil {
			return err
		}
		pos += int64(n)
		kept = min(overlap, len(chunk))
		copy(buf, chunk[len(chunk)-kept:])
	}
	return nil
}
