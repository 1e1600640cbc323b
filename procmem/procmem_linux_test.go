package procmem_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"golang.org/x/sys/unix"
	"os"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/proctarget"
	"github.com/mmhex/mmhex/procmem"
)

// startCounter builds and starts the C counter target; with heapMiB > 0 it fills that much heap.
func startCounter(t testing.TB, args ...string) (*proctarget.Target, *procmem.Process) {
	t.Helper()
	exe := buildCounter(t)
	want := []string{"heap"}
	if len(args) > 0 {
		want = append(want, "big")
	}
	tg := proctarget.Start(t, exe, want, args...)
	p, err := procmem.Open(tg.Pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return tg, p
}

func buildCounter(t testing.TB) string {
	t.Helper()
	return proctarget.Build(t, "gcc", t.TempDir(), "counter", proctarget.CounterSource)
}

func regionsOf(t *testing.T, p *procmem.Process) []procmem.Region {
	t.Helper()
	regions, err := p.Regions()
	if err != nil {
		t.Fatal(err)
	}
	return regions
}

func TestProcRegionsListHeapStackAndBinary(t *testing.T) {
	tg, p := startCounter(t)
	regions := regionsOf(t, p)
	exe, err := os.Readlink("/proc/" + itoa(tg.Pid) + "/exe")
	if err != nil {
		t.Fatal(err)
	}
	holding := func(addr int64) procmem.Region {
		i := procmem.Containing(regions, addr)
		if i < 0 {
			t.Fatalf("no region holds 0x%x: %v", addr, regions)
		}
		return regions[i]
	}
	if r := holding(tg.Addr); r.Name != exe || !r.Writable() || !r.Readable() {
		t.Errorf("the int's region is %v, want a readable, writable region of %s", r, exe)
	}
	if r := holding(tg.Info["heap"]); r.Name != "[heap]" || r.Perms != "rw-p" {
		t.Errorf("the heap block's region is %v, want rw-p [heap]", r)
	}
	if got := procmem.Select(regions, "[stack]"); len(got) != 1 || !got[0].Writable() {
		t.Errorf("Select [stack] = %v, want one writable region", got)
	}
	if got := procmem.Select(regions, "counter"); len(got) < 2 {
		t.Errorf("Select by module name = %v, want the binary's regions", got)
	}
	for i, r := range regions {
		if r.Start >= r.End || (i > 0 && r.Start < regions[i-1].End) || len(r.Perms) != 4 || r.Name == "" {
			t.Errorf("region %d = %v: want sorted, non-empty, four permission letters and a name", i, r)
		}
	}
}

func TestProcReadAndWriteAnInt(t *testing.T) {
	tg, p := startCounter(t)
	var b [4]byte
	if n, err := p.ReadAt(b[:], tg.Addr); n != 4 || err != nil {
		t.Fatalf("ReadAt = %d, %v", n, err)
	}
	if got := binary.LittleEndian.Uint32(b[:]); got != 999 {
		t.Fatalf("read %d, want 999", got)
	}
	binary.LittleEndian.PutUint32(b[:], 123456)
	if n, err := p.WriteAt(b[:], tg.Addr); n != 4 || err != nil {
		t.Fatalf("WriteAt = %d, %v", n, err)
	}
	if got := tg.Send("+"); got != 123457 {
		t.Errorf("the target counts %d after the write and +1, want 123457", got)
	}
}

// A read that runs off the end of a region into unmapped memory returns what it read and names
// the first address it could not read.
func TestProcReadStopsAtTheFirstUnmappedPage(t *testing.T) {
	_, p := startCounter(t)
	regions := regionsOf(t, p)
	var end int64 = -1
	for i, r := range regions[:len(regions)-1] {
		if r.Readable() && regions[i+1].Start > r.End {
			end = r.End
			break
		}
	}
	if end < 0 {
		t.Skip("no readable region is followed by a gap")
	}
	b := make([]byte, 3*4096)
	n, err := p.ReadAt(b, end-4096-100)
	var aerr *procmem.AddrError
	if n != 4096+100 || !errors.As(err, &aerr) || aerr.Addr != end || !errors.Is(err, procmem.ErrGone) {
		t.Fatalf("ReadAt across the end = %d, %v; want %d bytes and an error at 0x%x matching ErrGone", n, err, 4096+100, end)
	}
	if !strings.Contains(err.Error(), "0x"+strings.TrimLeft(strings.ToLower(hex64(end)), "0")) {
		t.Errorf("error %q does not name the address", err)
	}
}

func TestProcWriteToCodeNeedsForce(t *testing.T) {
	tg, p := startCounter(t)
	regions := regionsOf(t, p)
	exe, _ := os.Readlink("/proc/" + itoa(tg.Pid) + "/exe")
	var ro procmem.Region
	for _, r := range regions {
		if r.Name == exe && r.Readable() && !r.Writable() {
			ro = r
			break
		}
	}
	if ro.Size() == 0 {
		t.Fatalf("no read-only region of %s in %v", exe, regions)
	}
	at := ro.Start + 16 // inside the ELF header's padding, which the program never reads
	old := make([]byte, 4)
	if _, err := p.ReadAt(old, at); err != nil {
		t.Fatal(err)
	}
	_, err := p.WriteAt([]byte{1, 2, 3, 4}, at)
	if !errors.Is(err, procmem.ErrNotWritable) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("WriteAt into %v = %v, want ErrNotWritable saying --force", ro, err)
	}
	if n, err := p.WriteForced([]byte{1, 2, 3, 4}, at); n != 4 || err != nil {
		t.Fatalf("WriteForced = %d, %v", n, err)
	}
	got := make([]byte, 4)
	if _, err := p.ReadAt(got, at); err != nil || !bytes.Equal(got, []byte{1, 2, 3, 4}) {
		t.Fatalf("after WriteForced read % x, %v; want 01 02 03 04", got, err)
	}
	p.WriteForced(old, at)
	if got := tg.Send("+"); got != 1000 {
		t.Errorf("the target counts %d, want 1000", got)
	}
}

// pinModes are the two ways Open pins the process it opened: a pidfd, and where the kernel has
// none, the process's start time.
var pinModes = []struct {
	name  string
	setup func(testing.TB)
}{
	{"pidfd", func(testing.TB) {}},
	{"start time", procmem.WithoutPidfd},
}

func TestProcExitedIsGone(t *testing.T) {
	for _, m := range pinModes {
		t.Run(m.name, func(t *testing.T) {
			m.setup(t)
			tg, p := startCounter(t)
			tg.Stop()
			_, err := p.ReadAt(make([]byte, 4), tg.Addr)
			if !errors.Is(err, procmem.ErrGone) || !strings.Contains(err.Error(), "exited") {
				t.Errorf("ReadAt after exit = %v, want ErrGone saying the process exited", err)
			}
			if _, err := p.WriteAt(make([]byte, 4), tg.Addr); !errors.Is(err, procmem.ErrGone) || !strings.Contains(err.Error(), "exited") {
				t.Errorf("WriteAt after exit = %v, want ErrGone saying the process exited", err)
			}
			if _, err := p.Regions(); !errors.Is(err, procmem.ErrGone) {
				t.Errorf("Regions after exit = %v, want ErrGone", err)
			}
		})
	}
}

// Once the process Open pinned has exited and been reaped, the kernel may give its pid to another
// process: no read or write reaches that one. Retarget stands in for the reuse, as no one picks
// the pid a new process gets.
func TestProcReusedPidReachesNoOtherProcess(t *testing.T) {
	for _, m := range pinModes {
		t.Run(m.name, func(t *testing.T) {
			m.setup(t)
			exe := buildCounter(t)
			other := proctarget.Start(t, exe, []string{"heap"})
			tg := proctarget.Start(t, exe, []string{"heap"})
			// Two processes started in the same clock tick have the same start time.
			for startTime(t, tg.Pid) == startTime(t, other.Pid) {
				tg.Stop()
				tg = proctarget.Start(t, exe, []string{"heap"})
			}
			p, err := procmem.Open(tg.Pid)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			tg.Stop()
			procmem.Retarget(p, other.Pid)
			exited := func(op string, err error) {
				t.Helper()
				if !errors.Is(err, procmem.ErrGone) || !strings.Contains(err.Error(), "exited") {
					t.Errorf("%s after the pid went to another process = %v, want ErrGone saying the process exited", op, err)
				}
			}
			_, err = p.ReadAt(make([]byte, 4), other.Addr)
			exited("ReadAt", err)
			_, err = p.WriteAt([]byte{1, 0, 0, 0}, other.Addr)
			exited("WriteAt", err)
			_, err = p.WriteForced([]byte{2, 0, 0, 0}, other.Addr)
			exited("WriteForced", err)
			_, err = p.Regions()
			exited("Regions", err)
			if got := other.Send("p"); got != 999 {
				t.Errorf("the other process holds %d, want 999 untouched", got)
			}
		})
	}
}

func startTime(t *testing.T, pid int) uint64 {
	t.Helper()
	start, err := procmem.StartTime(pid)
	if err != nil {
		t.Fatal(err)
	}
	return start
}

// A process that stays alive stays open: the check before each access lets every one through.
func TestProcPinnedProcessKeepsWorking(t *testing.T) {
	for _, m := range pinModes {
		t.Run(m.name, func(t *testing.T) {
			m.setup(t)
			tg, p := startCounter(t)
			var b [4]byte
			for i := range 3 {
				want := uint32(5000 + i)
				binary.LittleEndian.PutUint32(b[:], want)
				if n, err := p.WriteAt(b[:], tg.Addr); n != 4 || err != nil {
					t.Fatalf("WriteAt %d = %d, %v", i, n, err)
				}
				if got := tg.Send("p"); got != int(want) {
					t.Fatalf("the target holds %d after write %d, want %d", got, i, want)
				}
				if n, err := p.ReadAt(b[:], tg.Addr); n != 4 || err != nil || binary.LittleEndian.Uint32(b[:]) != want {
					t.Fatalf("ReadAt %d = %d, %d, %v; want %d", i, n, binary.LittleEndian.Uint32(b[:]), err, want)
				}
			}
			if got := procmem.Select(regionsOf(t, p), "[heap]"); len(got) != 1 {
				t.Errorf("Select [heap] = %v, want one region", got)
			}
		})
	}
}

func TestProcCloseReleasesThePidfd(t *testing.T) {
	if fd, err := unix.PidfdOpen(os.Getpid(), 0); err != nil {
		t.Skipf("no pidfd here (%v): Open pins processes by their start time", err)
	} else {
		unix.Close(fd)
	}
	before := openFiles(t)
	p, err := procmem.Open(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if got := openFiles(t); got != before+1 {
		t.Errorf("an open Process holds %d descriptors, want 1 (the pidfd)", got-before)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got := openFiles(t); got != before {
		t.Errorf("after Close %d descriptors more are open than before Open, want 0", got-before)
	}
}

// openFiles counts this process's open descriptors.
func openFiles(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// A View scans a region in chunks that overlap, as an mmap.Mapping does: a pattern that
// straddles a chunk boundary is seen whole.
func TestProcViewScanOverlapsChunks(t *testing.T) {
	tg, p := startCounter(t, "8")
	regions := regionsOf(t, p)
	big := tg.Info["big"]
	r := regions[procmem.Containing(regions, big)]
	v := p.View(r)
	if v.Base() != r.Start || v.Size() != r.Size() {
		t.Fatalf("view base/size = 0x%x/%d, want 0x%x/%d", v.Base(), v.Size(), r.Start, r.Size())
	}
	// Put the int across the first chunk boundary after big's offset.
	off := (big-r.Start)/procmem.ScanChunk*procmem.ScanChunk + procmem.ScanChunk - 2
	if _, err := v.WriteAt([]byte{0x32, 0x79, 0x06, 0x00}, off); err != nil {
		t.Fatal(err)
	}
	var found []int64
	var next int64
	err := v.Scan(0, v.Size(), 3, func(chunk []byte, at int64) error {
		if at != next-min(next, 3) && at != 0 {
			t.Errorf("chunk at %d, want 3 bytes before %d", at, next)
		}
		next = at + int64(len(chunk))
		for i := 0; ; {
			j := bytes.Index(chunk[i:], []byte{0x32, 0x79, 0x06, 0x00})
			if j < 0 {
				break
			}
			if a := at + int64(i+j); len(found) == 0 || found[len(found)-1] != a {
				found = append(found, a)
			}
			i += j + 1
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{big - r.Start, off}
	if off < big-r.Start {
		want = []int64{off, big - r.Start}
	}
	if len(found) != 2 || found[0] != want[0] || found[1] != want[1] {
		t.Errorf("found 424242 at %v, want %v", found, want)
	}
}

// BenchmarkProcRead4K reads a page of a live process: what one access costs.
func BenchmarkProcRead4K(b *testing.B) {
	tg, p := startCounter(b)
	regions, err := p.Regions()
	if err != nil {
		b.Fatal(err)
	}
	r := regions[procmem.Containing(regions, tg.Info["heap"])]
	buf := make([]byte, 4096)
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if _, err := p.ReadAt(buf, r.Start); err != nil {
			b.Fatal(err)
		}
	}
}
