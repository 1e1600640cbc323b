package mmap

import "strconv"

// wholeViewLimit is the largest object mapped in one view. On 64-bit systems that is any file a
// disk holds; on 32-bit systems the 2–4 GiB address space is shared with the heap, so larger
// objects are reached through moving windows. Tests lower it to exercise the windowed path.
var wholeViewLimit int64 = func() int64 {
	if strconv.IntSize == 64 {
		return 1 << 46
	}
	return 64 << 20
}()

// The windows of windowed mode; tests shrink them to cross window edges on small files.
var (
	// cacheWindow is the size of the window ReadAt and WriteAt keep mapped in windowed mode: a
	// screenful of moves stays inside it, and it is a multiple of every allocation granularity.
	cacheWindow int64 = 1 << 20
	// scanWindow is the size of each window a Scan maps in windowed mode: large enough that the
	// map and unmap calls cost nothing next to reading it, small enough for a 32-bit process.
	scanWindow int64 = 16 << 20
)
