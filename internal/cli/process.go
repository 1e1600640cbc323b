package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/patch"
	"github.com/mmhex/mmhex/procmem"
	"github.com/mmhex/mmhex/watch"
	"github.com/mmhex/mmhex/xxd"
)

// openProcess opens the process of a -p target. Its errors are procmem's sentences (no such
// process, the ptrace rule that refused), without the package prefix.
func (t target) openProcess() (*procmem.Process, error) {
	p, err := procmem.Open(t.pid)
	if err != nil {
		return nil, explainProcess(err)
	}
	return p, nil
}

// explainProcess turns a procmem error into the user's sentence, keeping it for errors.Is.
func explainProcess(err error) error {
	if err == nil {
		return nil
	}
	return &explainedError{msg: strings.TrimPrefix(err.Error(), "procmem: "), cause: err}
}

// openProcessRegions opens the process of a -p target and lists its regions; after an error it
// holds nothing.
func (t target) openProcessRegions() (*procmem.Process, []procmem.Region, error) {
	p, err := t.openProcess()
	if err != nil {
		return nil, nil, err
	}
	regions, err := p.Regions()
	if err != nil {
		p.Close()
		return nil, nil, explainProcess(err)
	}
	return p, regions, nil
}

// processSpace opens the process of a -p target and its address space, in which offsets are
// addresses; close releases both.
func (t target) processSpace() (space *procmem.View, regions []procmem.Region, close func(), err error) {
	p, regions, err := t.openProcessRegions()
	if err != nil {
		return nil, nil, nil, err
	}
	if space, err = p.AddressSpace(); err != nil {
		p.Close()
		return nil, nil, nil, explainProcess(err)
	}
	return space, regions, func() { p.Close() }, nil
}

// needAddress refuses an end-N --offset for a process, before it is opened.
func needAddress(o byteconv.Offset, t target) error {
	if o.FromEnd {
		return usageErrorf("--offset %s: a process has no end to count from: give an address (see 'mmhex regions -p %d')", o.Text, t.pid)
	}
	return nil
}

// addressIn resolves an --offset given with -p: an address inside one of the regions. It
// returns the region, so that a missing --length can stop at its end.
func addressIn(o byteconv.Offset, t target, regions []procmem.Region) (int64, procmem.Region, error) {
	i := procmem.Containing(regions, o.N)
	if i < 0 {
		return 0, procmem.Region{}, usageErrorf("--offset %s: no region of %s holds 0x%x (see 'mmhex regions -p %d')", o.Text, t, o.N, t.pid)
	}
	return o.N, regions[i], nil
}

// goneNote says why a command on a process stopped when its memory went away (the process
// exited, the region was unmapped), or returns "" for any other error.
func goneNote(t target, err error) string {
	if !errors.Is(err, procmem.ErrGone) {
		return ""
	}
	var aerr *procmem.AddrError
	if errors.As(err, &aerr) {
		return fmt.Sprintf("%s: %s at 0x%x: %v", t, aerr.Op, aerr.Addr, aerr.Err)
	}
	return strings.TrimPrefix(err.Error(), "procmem: ")
}

// patchProcess writes the patches into a process's memory, each OFFSET an address; with
// --force through pages the process cannot write. Nothing is flushed: the bytes are in the
// process at once. Two patches of one process do not take turns: a process has no lock file.
func (o *patchOptions) patchProcess(entries *patch.Entries, io stdio) error {
	for i := range entries.Len() {
		if e := entries.At(i); e.Offset.FromEnd {
			return usageErrorf("patch %d: %s: a process has no end to count from: give an address (see 'mmhex regions -p %d')", i+1, e.Offset.Text, o.target.pid)
		}
	}
	space, _, closeFn, err := o.target.processSpace()
	if err != nil {
		return err
	}
	defer closeFn()
	if o.force {
		space = space.WithForce()
	}
	if o.dryRun {
		return o.dryRunReport(space, entries, io)
	}
	return o.write(space, entries, io)
}

// dumpProcess dumps length bytes (nil: to the end of the region) from the address start of a
// process, the offsets in the dump being addresses.
func dumpProcess(t target, start byteconv.Offset, limit *int64, opts xxd.Options, out io.Writer) error {
	if err := needAddress(start, t); err != nil {
		return err
	}
	space, regions, closeFn, err := t.processSpace()
	if err != nil {
		return err
	}
	defer closeFn()
	addr, r, err := addressIn(start, t, regions)
	if err != nil {
		return err
	}
	length := r.End - addr
	if limit != nil {
		length = min(*limit, space.Size()-addr)
	}
	enc, err := xxd.NewEncoder(out, addr, opts)
	if err != nil {
		return err
	}
	err = space.Scan(addr, length, 0, func(chunk []byte, _ int64) error {
		_, err := enc.Write(chunk)
		return err
	})
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("dump %s: %w", t, explainProcess(err))
	}
	return nil
}

// watchProcessRange places --offset (an address) and --length (0: to the end of the region
// holding the address) in a process.
func watchProcessRange(t target, regions []procmem.Region, start byteconv.Offset, limit int64) (off, length int64, err error) {
	off, r, err := addressIn(start, t, regions)
	if err != nil {
		return 0, 0, err
	}
	length = r.End - off
	if limit != 0 {
		length = limit
	}
	if length > watch.MaxLength {
		return 0, 0, usageErrorf("%s: %d bytes to watch, but watch keeps a copy of them and takes at most %d MiB: choose a range with --offset and --length", t, length, watch.MaxLength>>20)
	}
	return off, length, nil
}
