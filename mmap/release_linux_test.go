package mmap

import (
	"bufio"
	"bytes"
	"fmt"
	"github.com/mmhex/mmhex/internal/testdir"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// mappingRSS returns how many bytes of view are resident in this process: the Rss of its entry
// in /proc/self/smaps, which counts the mapping alone, not the heap around it.
func mappingRSS(t *testing.T, view []byte) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := fmt.Sprintf("%x-", uintptr(unsafe.Pointer(unsafe.SliceData(view))))
	inView := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if fields := strings.Fields(line); len(fields) > 0 && strings.Contains(fields[0], "-") {
			inView = strings.HasPrefix(line, start)
			continue
		}
		if kb, ok := strings.CutPrefix(line, "Rss:"); ok && inView {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(kb, "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n << 10
		}
	}
	t.Fatalf("no mapping at %s in /proc/self/smaps", start)
	return 0
}

// processRSS returns VmRSS from /proc/self/status, for the log.
func processRSS(t *testing.T) string {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// residentBound is the most of a mapping that may stay resident after a whole-file sweep: what
// ReadAt and WriteAt may touch before a release, and a chunk's worth of margin. The files swept
// are 16 times larger or more.
const residentBound = 16 << 20

// bigFile writes a page-cached file of size bytes whose last bytes are marker.
func bigFile(t *testing.T, size int, marker string) string {
	t.Helper()
	path := testdir.Sparse(t, int64(size))
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	block := bytes.Repeat([]byte("mmhex resident test "), 1<<20/20+1)[:1<<20]
	for off := 0; off < size; off += len(block) {
		if _, err := f.WriteAt(block[:min(len(block), size-off)], int64(off)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.WriteAt([]byte(marker), int64(size-len(marker))); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestWholeFileSweepsLeaveLittleResident checks the README's promise that memory does not grow
// with the file: after Scan, ReadAt or WriteAt have swept the whole of a large file, only a few
// MiB of the mapping stay in this process.
func TestWholeFileSweepsLeaveLittleResident(t *testing.T) {
	const size = 256 << 20
	const marker = "the end of the file"
	path := bigFile(t, size, marker)
	requireWhole(t, mustOpen(t, path, ReadOnly))

	sweeps := []struct {
		name  string
		sweep func(m *Mapping) error
	}{
		{"Scan (search, dump, live sweep)", func(m *Mapping) error {
			return findAtEnd(m, marker)
		}},
		{"ReadAt in 1 MiB reads (patch, fill's undo record)", func(m *Mapping) error {
			buf := make([]byte, 1<<20)
			for off := int64(0); off < m.Size(); off += int64(len(buf)) {
				if _, err := m.ReadAt(buf, off); err != nil {
					return err
				}
			}
			return nil
		}},
		{"WriteAt in 1 MiB writes (fill)", func(m *Mapping) error {
			buf := bytes.Repeat([]byte{0xAB}, 1<<20)
			for off := int64(0); off < m.Size()-(1<<20); off += int64(len(buf)) {
				if _, err := m.WriteAt(buf, off); err != nil {
					return err
				}
			}
			return nil
		}},
		{"ReadAt of 16 bytes every 4 KiB (a long patch script)", func(m *Mapping) error {
			var b [16]byte
			for off := int64(0); off < m.Size(); off += 4096 {
				if _, err := m.ReadAt(b[:], off); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, s := range sweeps {
		t.Run(s.name, func(t *testing.T) {
			m := mustOpen(t, path, ReadWrite)
			before, processBefore := mappingRSS(t, m.whole), processRSS(t)
			if err := s.sweep(m); err != nil {
				t.Fatal(err)
			}
			after := mappingRSS(t, m.whole)
			t.Logf("mapping resident %d KiB -> %d KiB; process VmRSS %s -> %s", before>>10, after>>10, processBefore, processRSS(t))
			if after > residentBound {
				t.Errorf("after sweeping %d MiB, %d MiB of the mapping stay resident, want at most %d MiB",
					size>>20, after>>20, residentBound>>20)
			}
		})
	}
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.Repeat([]byte{0xAB}, 1<<20); !bytes.Equal(onDisk[size/2:size/2+1<<20], want) {
		t.Error("the bytes the fill wrote through the mapping are not in the file: releasing the pages lost them")
	}
}

// TestSparseSweepLeavesLittleResident scans all of a 16 GiB sparse file, as a search of it does.
func TestSparseSweepLeavesLittleResident(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 16 GiB of holes")
	}
	const size = 16 << 30
	const marker = "the end of the file"
	path := testdir.Sparse(t, size)
	testdir.WriteAt(t, path, size-int64(len(marker)), marker)
	m := mustOpen(t, path, ReadOnly)
	requireWhole(t, m)
	processBefore := processRSS(t)
	if err := findAtEnd(m, marker); err != nil {
		t.Fatal(err)
	}
	after := mappingRSS(t, m.whole)
	t.Logf("mapping resident after the scan: %d KiB; process VmRSS %s -> %s", after>>10, processBefore, processRSS(t))
	if after > residentBound {
		t.Errorf("after scanning 16 GiB, %d MiB of the mapping stay resident, want at most %d MiB", after>>20, residentBound>>20)
	}
}

// requireWhole skips a test of the whole view where there is none: a 32-bit process reaches a
// large file through windows it unmaps after each access, so nothing stays resident there.
func requireWhole(t *testing.T, m *Mapping) {
	t.Helper()
	if m.whole == nil {
		t.Skip("the file is reached through moving windows here, which are unmapped after use")
	}
}

// findAtEnd scans all of m for marker and checks it is found at the very end.
func findAtEnd(m *Mapping, marker string) error {
	found := int64(-1)
	err := m.Scan(0, m.Size(), len(marker)-1, func(chunk []byte, at int64) error {
		if i := bytes.Index(chunk, []byte(marker)); i >= 0 {
			found = at + int64(i)
		}
		return nil
	})
	if want := m.Size() - int64(len(marker)); err == nil && found != want {
		err = fmt.Errorf("marker found at %d, want %d", found, want)
	}
	return err
}
