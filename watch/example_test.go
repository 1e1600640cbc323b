package watch_test

import (
	"encoding/binary"
	"fmt"

	"github.com/mmhex/mmhex/watch"
)

// sharedBytes stands in for a *mmap.Mapping that another process writes.
type sharedBytes []byte

func (b sharedBytes) Size() int64 { return int64(len(b)) }

func (b sharedBytes) Scan(off, length int64, _ int, fn func([]byte, int64) error) error {
	return fn(b[off:off+length], off)
}

func ExampleWatcher() {
	mem := make(sharedBytes, 64)
	w, err := watch.New(mem, 0, mem.Size())
	if err != nil {
		panic(err)
	}
	binary.LittleEndian.PutUint32(mem[16:], 999) // the other process stores 999 at 16
	runs, _ := w.Poll()
	for _, r := range runs {
		fmt.Printf("%d: %x -> %x\n", r.Offset, r.Old, r.New)
	}
	binary.LittleEndian.PutUint32(mem[16:], 1000) // then 1000: only the low byte differs
	runs, _ = w.Poll()
	for _, r := range runs {
		fmt.Printf("%d: %x -> %x\n", r.Offset, r.Old, r.New)
	}
	// Output:
	// 16: 0000 -> e703
	// 16: e7 -> e8
}
