// Package mmap is mmhex's only door to the operating system's memory mapping.
//
// A Mapping is a file, or a named shared-memory object, mapped into this process so that reads and
// writes go straight to the OS page cache: another process that maps the same object sees a write
// at once, and Flush makes it durable on disk.
//
// There are three ways in: Open maps a file; OpenNamed attaches to a named mapping that another
// process created; CreateNamed creates one (failing with an error matching fs.ErrExist when the
// name is taken, which is the single-instance check).
//
// Platform differences:
//
//   - Files: Windows uses CreateFileW (sharing read, write and delete with other processes),
//     CreateFileMappingW and MapViewOfFile; POSIX uses open and mmap(MAP_SHARED).
//   - Named mappings: Windows sections live in the object namespace; a bare name means
//     Local\name, and Local\ or Global\ prefixes pass through. A section lives while any handle or
//     view of it remains, so it disappears when the last process closes it. On Linux a named
//     mapping is a POSIX shared memory object, the file /dev/shm/name (what shm_open uses); it
//     lives until it is unlinked, so Close unlinks the objects this process created (unless the
//     name was reused meanwhile). As with shm_open, a symbolic link in /dev/shm is not followed:
//     anyone may plant one there. macOS and the BSDs have no /dev/shm: named mappings return
//     ErrNotSupported there.
//   - Non-regular files: a FIFO, device or socket is refused with ErrNotRegular. On POSIX the
//     path is opened without blocking and the opened descriptor checked, so a FIFO does not wait
//     for a writer and nothing can swap the path between a check and the open.
//   - Size: a Windows section opened by name does not report its size; the size of the mapped
//     view (from VirtualQuery) is used, which is rounded up to whole pages.
//   - Flush: msync(MS_SYNC) then fsync on POSIX; FlushViewOfFile then FlushFileBuffers on Windows.
//     A named mapping has no file behind it (paging file, tmpfs), so Flush does nothing there and
//     FileBacked reports false.
//   - Views: on 64-bit systems the whole object is mapped once. On 32-bit systems the address
//     space is too small for large files, so the package maps windows aligned to the allocation
//     granularity (64 KiB on Windows, the page size on POSIX) and moves them as the caller moves;
//     every byte of a file larger than 4 GiB can be read and written.
//   - Faults: when another process truncates a mapped file, touching a page past the new end
//     raises SIGBUS on POSIX; on Windows truncation is refused while a view exists, but failing
//     storage raises an in-page error. Every access through this package catches the fault and
//     returns ErrFault instead of crashing; Remap then re-reads the size and maps it anew.
//   - Empty objects: mapping zero bytes fails on every OS, so a zero-length file opens as a valid,
//     empty Mapping with no view.
package mmap

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime/debug"
	"sync"
	"unsafe"
)

// Mode says whether a mapping may be written.
type Mode int

const (
	// ReadOnly maps the object for reading; writes return ErrReadOnly.
	ReadOnly Mode = iota
	// ReadWrite maps the object for reading and writing; writes reach the page cache at once.
	ReadWrite
)

// Errors callers tell apart with errors.Is. Not-found, permission and exists errors match the
// standard fs.ErrNotExist, fs.ErrPermission and fs.ErrExist.
var (
	ErrIsDir        = errors.New("is a directory")
	ErrNotSupported = errors.New("not supported on this platform")
	ErrClosed       = errors.New("mmap: closed")
	ErrReadOnly     = errors.New("mapping is read-only")
	ErrOutOfRange   = errors.New("range is past the end of the mapping")
	ErrFault        = errors.New("mapped memory is no longer readable (the object shrank or its storage failed)")
	ErrBadName      = errors.New("invalid mapping name")
	ErrNotRegular   = errors.New("not a regular file (a device, FIFO or socket has no fixed size to map)")
	ErrSymlink      = errors.New("is a symbolic link, which a named mapping must not be")
	ErrNameReused   = errors.New("the name now belongs to an object another process created: left in place")
	// ErrBusy refuses writing a program that is running (ETXTBSY): the system forbids it.
	ErrBusy = errors.New("a running program, which the system does not let anyone write")
)

// Mapping is a file or named shared-memory object mapped into memory. Its methods are safe for
// concurrent use. Close waits for accesses under way, including a Scan's callback.
type Mapping struct {
	// mu is held for reading by every access and for writing by Close and Remap, which replace
	// the views.
	mu         sync.RWMutex
	closed     bool
	origin     string // the path or name, for messages
	writable   bool
	fileBacked bool
	created    bool // this process created the named object, so Close removes it on POSIX
	size       int64

	// whole is a view of the entire object, on systems whose address space holds it.
	// Otherwise it is nil and accesses go through cache or through per-Scan windows.
	whole   []byte
	cache   windowCache
	touched touchedSpan

	sys osMapping
}

// windowCache is the one window ReadAt and WriteAt reuse when the object is not mapped whole.
type windowCache struct {
	mu   sync.Mutex
	off  int64
	view []byte
}

// Open maps the file at path, following symbolic links. A zero-length file gives an empty
// Mapping. Errors wrap fs.ErrNotExist, fs.ErrPermission (also for ReadWrite on a file only
// readable), ErrIsDir and ErrNotRegular; a FIFO or device is refused without waiting on it.
func Open(path string, mode Mode) (*Mapping, error) {
	m := &Mapping{origin: path, writable: mode == ReadWrite, fileBacked: true}
	if err := m.sys.openFile(path, m.writable); err != nil {
		return nil, err
	}
	if err := m.establish(); err != nil {
		m.sys.close(false)
		return nil, err
	}
	return m, nil
}

// OpenNamed attaches to the named mapping another process created. On POSIX the name must be a
// regular file in /dev/shm: as shm_open does, it does not follow a symbolic link, which anyone
// may plant there to redirect writes to a file of their choosing. Errors wrap fs.ErrNotExist
// when no mapping has that name, fs.ErrPermission, ErrSymlink, ErrNotRegular, ErrBadName and
// ErrNotSupported.
func OpenNamed(name string, mode Mode) (*Mapping, error) {
	m := &Mapping{origin: name, writable: mode == ReadWrite}
	if err := m.sys.openNamed(name, m.writable); err != nil {
		return nil, err
	}
	if err := m.establish(); err != nil {
		m.sys.close(false)
		return nil, err
	}
	return m, nil
}

// CreateNamed creates a named mapping of size bytes, zero-filled, readable and writable. When the
// name exists already the error wraps fs.ErrExist: another process holds it.
func CreateNamed(name string, size int64) (*Mapping, error) {
	if size <= 0 {
		return nil, fmt.Errorf("mmap: create %s: size must be positive, got %d", name, size)
	}
	m := &Mapping{origin: name, writable: true, created: true}
	if err := m.sys.createNamed(name, size); err != nil {
		return nil, err
	}
	if err := m.establish(); err != nil {
		m.sys.close(true)
		return nil, err
	}
	return m, nil
}

// establish reads the object's size and maps it whole when the address space allows.
func (m *Mapping) establish() error {
	size, err := m.sys.size()
	if err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("mmap: %s: the system reports a negative size %d", m.origin, size)
	}
	m.size = size
	if size == 0 || size > wholeViewLimit {
		return nil
	}
	view, err := m.sys.mapView(0, int(size), m.writable)
	if err != nil {
		return err
	}
	m.whole = view
	return nil
}

// Name returns the path or mapping name the Mapping was opened with.
func (m *Mapping) Name() string { return m.origin }

// Size returns the size in bytes, as of opening or the last Remap.
func (m *Mapping) Size() int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.size
}

// CurrentSize returns the size the object has now, which differs from Size when another process
// truncated or extended it since it was mapped (Remap then maps it anew). It costs one system
// call (fstat, GetFileInformationByHandle); a Windows section cannot change size.
func (m *Mapping) CurrentSize() (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return 0, ErrClosed
	}
	return m.sys.currentSize()
}

// Writable reports whether the mapping was opened read-write.
func (m *Mapping) Writable() bool { return m.writable }

// FileBacked reports whether Flush writes to storage: true for files, false for named mappings,
// which live in memory (paging file or tmpfs) and have nothing to flush to.
func (m *Mapping) FileBacked() bool { return m.fileBacked }

// ReadAt copies len(p) bytes from offset off into p. It implements io.ReaderAt: at the end of
// the mapping it returns the bytes there are and io.EOF.
func (m *Mapping) ReadAt(p []byte, off int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return 0, ErrClosed
	}
	if off < 0 {
		return 0, fmt.Errorf("mmap: read %s at %d: negative offset", m.origin, off)
	}
	if off >= m.size {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > m.size-off {
		n = m.size - off
	}
	err := m.each(off, n, func(view []byte, at int64) { copy(p[at-off:], view) })
	if err != nil {
		return 0, err
	}
	if n < int64(len(p)) {
		return int(n), io.EOF
	}
	return int(n), nil
}

// WriteAt stores p at offset off through the view, so the page cache holds it at once. It never
// grows the mapping: a write past the end returns ErrOutOfRange and writes nothing.
func (m *Mapping) WriteAt(p []byte, off int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return 0, ErrClosed
	}
	if !m.writable {
		return 0, fmt.Errorf("mmap: write %s: %w", m.origin, ErrReadOnly)
	}
	if off < 0 || off > m.size || int64(len(p)) > m.size-off {
		return 0, fmt.Errorf("mmap: write %d bytes to %s at %d (size %d): %w", len(p), m.origin, off, m.size, ErrOutOfRange)
	}
	err := m.each(off, int64(len(p)), func(view []byte, at int64) { copy(view, p[at-off:]) })
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Scan calls fn with the mapped bytes of [off, off+length), without copying, in one or more
// consecutive chunks; chunk starts at offset at. Chunks after the first begin overlap bytes
// before the previous one ended, so a pattern of overlap+1 bytes is found whole in exactly one
// chunk. The bytes are valid only during the call; fn must not keep them, nor call m's methods
// (Close and Remap wait for the scan to end). A fault while fn reads them ends the scan with
// ErrFault; an error from fn ends it and is returned.
func (m *Mapping) Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return ErrClosed
	}
	if off < 0 || length < 0 || off > m.size || length > m.size-off {
		return fmt.Errorf("mmap: scan %s [%d, +%d) (size %d): %w", m.origin, off, length, m.size, ErrOutOfRange)
	}
	if length == 0 {
		return nil
	}
	end := off + length
	released := off // where the bytes not yet released from the whole view begin
	for start := off; start < end; {
		chunkEnd := min(start+scanWindow, end)
		from := start
		if start > off {
			from = max(off, start-int64(overlap))
		}
		if m.whole != nil {
			// Chunks of the whole view, each released once read, so a search of the whole
			// file leaves no more of it in this process than one chunk. The release starts
			// at the previous chunk: reading the overlap faulted in the last pages of that
			// chunk again, and the kernel maps a large folio around a fault whole.
			err := m.guard(m.whole, 0, func() error { return fn(m.whole[from:chunkEnd], from) })
			m.release(released, chunkEnd)
			released = from
			if err != nil {
				return err
			}
			start = chunkEnd
			continue
		}
		base := alignDown(from, m.sys.granularity())
		view, err := m.sys.mapView(base, int(chunkEnd-base), m.writable)
		if err != nil {
			return err
		}
		err = m.guard(view, base, func() error { return fn(view[from-base:], from) })
		if uerr := m.sys.unmapView(view); err == nil {
			err = uerr
		}
		if err != nil {
			return err
		}
		start = chunkEnd
	}
	return nil
}

// Flush makes the bytes of [off, off+length) durable: msync(MS_SYNC) and fsync on POSIX,
// FlushViewOfFile and FlushFileBuffers on Windows. For a mapping that is not FileBacked, or a
// read-only one, there is nothing to flush and it returns nil; an empty file is synced.
func (m *Mapping) Flush(off, length int64) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return ErrClosed
	}
	if !m.fileBacked || !m.writable {
		return nil
	}
	if m.size == 0 {
		// No view to flush, but the size itself may be news to the disk (a Resize to 0).
		return m.sys.syncFile()
	}
	if off < 0 || length < 0 || off > m.size || length > m.size-off {
		return fmt.Errorf("mmap: flush %s [%d, +%d) (size %d): %w", m.origin, off, length, m.size, ErrOutOfRange)
	}
	if length == 0 {
		return nil
	}
	if m.whole != nil {
		base := alignDown(off, m.sys.granularity())
		if err := m.sys.flushView(m.whole[base : off+length]); err != nil {
			return err
		}
	} else {
		// Windows and POSIX write back a file's dirty pages whichever view dirtied them, so
		// flushing the file covers the windows that are no longer mapped; the cached window
		// is flushed explicitly because FlushViewOfFile is what writes a live view's pages.
		m.cache.mu.Lock()
		view := m.cache.view
		var err error
		if view != nil {
			err = m.sys.flushView(view)
		}
		m.cache.mu.Unlock()
		if err != nil {
			return err
		}
	}
	return m.sys.syncFile()
}

// FlushAll flushes the whole mapping; see Flush.
func (m *Mapping) FlushAll() error { return m.Flush(0, m.Size()) }

// Remap re-reads the size of the object behind the mapping and maps it anew. Call it after
// ErrFault, when another process truncated or extended the file. It reports whether the size
// changed.
func (m *Mapping) Remap() (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false, ErrClosed
	}
	old := m.size
	if err := m.unmapAll(); err != nil {
		return false, err
	}
	if err := m.establish(); err != nil {
		return false, err
	}
	return m.size != old, nil
}

// Close unmaps the views and closes the handles; for a named mapping this process created on
// POSIX it also unlinks the name, unless the name now belongs to another object (another process
// removed ours and created its own under that name): then it leaves that object alone and the
// error wraps ErrNameReused. Closing twice returns nil.
func (m *Mapping) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	err := m.unmapAll()
	if cerr := m.sys.close(m.created); err == nil {
		err = cerr
	}
	return err
}

func (m *Mapping) unmapAll() error {
	var err error
	if m.whole != nil {
		err = m.sys.unmapView(m.whole)
		m.whole = nil
	}
	m.cache.mu.Lock()
	defer m.cache.mu.Unlock()
	if m.cache.view != nil {
		if uerr := m.sys.unmapView(m.cache.view); err == nil {
			err = uerr
		}
		m.cache.view = nil
	}
	return err
}

// each calls fn for the views covering [off, off+n), which lie inside the mapping, with the
// offset each view starts at, guarded against faults. The caller holds m.mu for reading.
func (m *Mapping) each(off, n int64, fn func(view []byte, at int64)) error {
	if m.whole != nil {
		defer m.noteTouched(off, n)
		return m.guard(m.whole, 0, func() error { fn(m.whole[off:off+n], off); return nil })
	}
	m.cache.mu.Lock()
	defer m.cache.mu.Unlock()
	for at, end := off, off+n; at < end; {
		view, err := m.cachedWindow(at)
		if err != nil {
			return err
		}
		stop := min(end, m.cache.off+int64(len(view)))
		err = m.guard(view, m.cache.off, func() error { fn(view[at-m.cache.off:stop-m.cache.off], at); return nil })
		if err != nil {
			return err
		}
		at = stop
	}
	return nil
}

// cachedWindow returns the cached window, moved to cover offset at if it does not. The caller
// holds m.cache.mu.
func (m *Mapping) cachedWindow(at int64) ([]byte, error) {
	c := &m.cache
	if c.view != nil && at >= c.off && at < c.off+int64(len(c.view)) {
		return c.view, nil
	}
	if c.view != nil {
		if err := m.sys.unmapView(c.view); err != nil {
			return nil, err
		}
		c.view = nil
	}
	base := alignDown(at, cacheWindow)
	view, err := m.sys.mapView(base, int(min(cacheWindow, m.size-base)), m.writable)
	if err != nil {
		return nil, err
	}
	c.off, c.view = base, view
	return view, nil
}

// guard runs fn, which touches view (mapped at offset viewOff), with a fault on mapped memory
// turned into an error wrapping ErrFault that says where. SetPanicOnFault applies to the calling
// goroutine only, so it is set around each access, in whichever goroutine makes it.
func (m *Mapping) guard(view []byte, viewOff int64, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			fault, isFault := r.(interface{ Addr() uintptr })
			if !isFault {
				panic(r)
			}
			base, addr := uintptr(unsafe.Pointer(unsafe.SliceData(view))), fault.Addr()
			if addr < base || addr-base >= uintptr(len(view)) {
				panic(r) // a fault outside the mapping is a bug elsewhere, not a shrunk file
			}
			err = fmt.Errorf("mmap: %s at offset %#x: %w", m.origin, viewOff+int64(addr-base), ErrFault)
		}
	}()
	return fn()
}

func alignDown(off, granularity int64) int64 { return off - off%granularity }

// pathError wraps an OS error as a *fs.PathError so errors.Is sees fs.ErrNotExist and its kin.
func pathError(op, path string, err error) error {
	return &fs.PathError{Op: "mmap: " + op, Path: path, Err: err}
}

// unwrapPathError takes the OS error out of an *fs.PathError from package os, so that ours can
// wrap it with our own operation name without repeating the path.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// NamedPath returns the file behind the named mapping name on systems where a named mapping is
// a file that outlives its creator until it is removed (Linux: /dev/shm/name). It returns false
// where a named mapping is no file (Windows, whose sections go when their last handle does),
// where named mappings are not supported, and for a name that is not valid.
func NamedPath(name string) (string, bool) {
	path, err := shmPath(name)
	return path, err == nil
}

// ListNamed returns the names of the named mappings that exist now, sorted, where the system
// can list them (Linux: /dev/shm); elsewhere it returns an error wrapping ErrNotSupported.
func ListNamed() ([]string, error) { return listNamed() }
