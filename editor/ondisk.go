package editor

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Errors for what another process did to the file, which callers tell apart with errors.Is.
var (
	// ErrGone refuses reading and writing bytes past the end of a file another process truncated:
	// they are no longer in the file, and what is written there reaches nothing.
	ErrGone = errors.New("past the end of a file that shrank")
	// ErrReplaced refuses writes once the file's path names another file, or none: they would
	// reach only the old file, which the user can no longer find by that name.
	ErrReplaced = errors.New("replaced or removed on disk")
	// ErrChangedElsewhere refuses an undo or redo that would write over bytes another process
	// wrote since.
	ErrChangedElsewhere = errors.New("changed by another process")
)

// identityCheckEvery bounds how often CheckStorage asks whether the file's path still names it
// (a stat of the path), so that a frame costs one fstat, for the size. Flush always asks.
const identityCheckEvery = time.Second

// onDisk is what the editor knows of the object behind the mapping besides its bytes. Another
// process may truncate, extend or replace it at any time; the editor looks at each frame
// (CheckStorage), before each write and at each flush.
type onDisk struct {
	// current is the object's size at the last look. Below the mapped size, the bytes from
	// current on are gone: reading them faults or gives zeros that are not in the file, and
	// writing them reaches nothing.
	current int64
	// announced is the size CheckStorage last reported, so that each change is reported once.
	announced int64
	// lost is the number of changed bytes that a truncation took before they were flushed, and
	// lostTo the size it left; Flush reports them once.
	lost, lostTo int64
	// replaced is true when, at the last look, the path named another file or none.
	replaced, announcedReplaced bool
	identityChecked             time.Time
}

// FlushReport says what Flush did.
type FlushReport struct {
	// Flushed is the number of changed bytes made durable.
	Flushed int64
	// Lost is the number of changed bytes that were past the end when another process truncated
	// the file, before they could be flushed; ShrankTo is the size it truncated the file to.
	Lost, ShrankTo int64
	// Replaced is true when the path names another file now, or none: the changed bytes went to
	// the old file, which that name no longer reaches.
	Replaced bool
}

// CheckStorage looks at the object on disk, once per frame: at its size now (one fstat) and, at
// most once a second, at whether its path still names it. It returns a note for the status bar
// when either changed since the last note, and "" otherwise. Its error may also be why a run
// typed in insert mode, which a move of the cursor ended, was not inserted.
func (e *Editor) CheckStorage() (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.settleErr; err != nil {
		e.settleErr = nil
		return "", err
	}
	if err := e.refreshSize(); err != nil {
		return "", err
	}
	e.checkIdentity(false)
	return e.diskNote(), nil
}

// refreshSize reads the object's size now. Changed bytes past a new end are lost rather than
// unflushed: the truncation took them, and no flush can bring them back.
func (e *Editor) refreshSize() error {
	if e.moving {
		// The move changes the size as it goes; the editor takes the new one when it ends.
		return nil
	}
	size, err := e.st.CurrentSize()
	if err != nil {
		return err
	}
	d := &e.disk
	d.current = size
	if size >= e.size {
		return nil
	}
	kept := e.unflushed[:0]
	for _, r := range e.unflushed {
		if r.End > size {
			cut := max(r.Start, size)
			d.lost += r.End - cut
			d.lostTo = size
			r.End = cut
		}
		if !r.Empty() {
			kept = append(kept, r)
		}
	}
	e.unflushed = kept
	return nil
}

// checkIdentity asks whether the path still names the mapped file, when force is set or a
// second has passed since it last asked.
func (e *Editor) checkIdentity(force bool) {
	now := e.now()
	if !force && now.Sub(e.disk.identityChecked) < identityCheckEvery {
		return
	}
	e.disk.identityChecked = now
	// A failed look (a folder made unreadable) says nothing about the identity: the last answer
	// stands.
	if replaced, err := e.st.Replaced(); err == nil {
		e.disk.replaced = replaced
	}
}

// diskNote describes what changed on disk since the last note; "" when nothing did.
func (e *Editor) diskNote() string {
	d := &e.disk
	name := e.baseName()
	var notes []string
	if d.replaced != d.announcedReplaced {
		d.announcedReplaced = d.replaced
		if d.replaced {
			notes = append(notes, fmt.Sprintf("%s was replaced or removed on disk: edits are refused, as they would reach only the old file; reopen %s", name, name))
		} else {
			notes = append(notes, name+" names the mapped file again: edits are allowed")
		}
	}
	if d.current != d.announced {
		old := d.announced
		d.announced = d.current
		size := byteconv.FormatSize(d.current)
		switch {
		case d.current < old && d.current < e.size:
			note := fmt.Sprintf("%s shrank to %s: the bytes past it are gone", name, size)
			if d.lost > 0 {
				note += fmt.Sprintf("; %s changed there were lost", byteconv.FormatSize(d.lost))
			}
			notes = append(notes, note)
		case d.current < e.size:
			notes = append(notes, fmt.Sprintf("%s grew to %s", name, size))
		case old < e.size:
			notes = append(notes, fmt.Sprintf("%s grew back to %s", name, size))
		case d.current > e.size:
			notes = append(notes, fmt.Sprintf("%s is now %s: reopen it to see past %s", name, size, byteconv.FormatSize(e.size)))
		}
	}
	return strings.Join(notes, "; ")
}

func (e *Editor) baseName() string { return filepath.Base(e.st.Name()) }

// canWrite refuses writing rs when the object cannot take them now: its path names another
// file, or the ranges pass the end of a file that shrank. It looks at the size first (one fstat),
// so a write never counts on an old one. Every write to the storage passes here.
func (e *Editor) canWrite(rs ...Range) error {
	if err := e.refreshSize(); err != nil {
		return err
	}
	e.checkIdentity(false)
	if e.disk.replaced {
		name := e.baseName()
		return fmt.Errorf("cannot write: %s was %w; edits would reach only the old file, which that name no longer reaches: reopen %s", name, ErrReplaced, name)
	}
	for _, r := range rs {
		if err := e.reach(r); err != nil {
			return err
		}
	}
	return nil
}

// reach refuses r when it passes the end of a file that shrank, as of the last look.
func (e *Editor) reach(r Range) error {
	d := &e.disk
	if d.current >= e.size || r.End <= d.current {
		return nil
	}
	return &goneError{off: max(r.Start, d.current), name: e.baseName(), size: d.current}
}

// goneError names the first offset that is gone, and the size the file shrank to.
type goneError struct {
	off, size int64
	name      string
}

func (g *goneError) Error() string {
	return fmt.Sprintf("0x%X is past the end: %s shrank to %s", g.off, g.name, byteconv.FormatSize(g.size))
}

func (g *goneError) Is(target error) bool { return target == ErrGone }

// unchanged refuses an undo or redo of s when another process changed the bytes it would write
// over since this session wrote them: each change's range must still hold want(c), repeated
// from the change's offset.
func (e *Editor) unchanged(s step, verb, since, writer string, want func(change) []byte) error {
	errFound := errors.New("found")
	for _, c := range s.changes {
		pattern := want(c)
		at, got := int64(-1), byte(0)
		err := e.st.Scan(c.off, int64(len(c.old)), 0, func(chunk []byte, from int64) error {
			for i, b := range chunk {
				if off := from + int64(i); b != pattern[(off-c.off)%int64(len(pattern))] {
					at, got = off, b
					return errFound
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, errFound) {
			return fmt.Errorf("%s: reading the bytes it would write over: %w", verb, err)
		}
		if at >= 0 {
			wrote := pattern[(at-c.off)%int64(len(pattern))]
			return fmt.Errorf("%s refused: 0x%X was %w since your %s (now %02x, %s wrote %02x)", verb, at, ErrChangedElsewhere, since, got, writer, wrote)
		}
	}
	return nil
}

// checkStep refuses an undo or redo of s that cannot be made whole: the file cannot take its
// writes, or another process changed the bytes they would overwrite.
func (e *Editor) checkStep(s step, verb, since, writer string, want func(change) []byte) error {
	rs := make([]Range, len(s.changes))
	for i, c := range s.changes {
		rs[i] = Range{c.off, c.off + int64(len(c.old))}
	}
	if err := e.canWrite(rs...); err != nil {
		return err
	}
	return e.unchanged(s, verb, since, writer, want)
}
