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
	// scanWindow is how much a Scan reads at a time: in windowed mode the window it maps, with
	// the whole view the chunk it releases once read. Small, so that a search or a dump of a
	// large file keeps little of it resident; large enough that the map, unmap and release calls
	// cost little next to reading it (BenchmarkScanMapped: 0.85x BenchmarkScanBare at 4 MiB,
	// 0.75x at 2 MiB).
	scanWindow int64 = 4 << 20
)
