package mmap

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// TestScanFindsPatternsAcrossChunkEdges searches the way mmhex does (chunks overlapping by the
// pattern's length less one) for a pattern planted across every chunk edge, and checks every
// occurrence is found exactly once.
func TestScanFindsPatternsAcrossChunkEdges(t *testing.T) {
	inBothViewModes(t, func(t *testing.T) {
		pattern := []byte("across-the-edge")
		data := randomBytes(1<<20+333, 4)
		// The chunk edges of a scan from 0 and from 4097 in small chunks: one pattern across
		// each, cut at a different place each time, one just before and one just after.
		for k, first := 0, 3*64<<10; first+k*(3*64<<10) < len(data)-100; k++ {
			for _, edge := range []int{first + k*(3*64<<10), 4097 + first + k*(3*64<<10)} {
				cut := 1 + k%(len(pattern)-1)
				copy(data[edge-cut:], pattern)
				copy(data[edge-cut-40:], pattern[:len(pattern)-1]) // almost: never a match
				copy(data[edge-len(pattern)-20:], pattern)
				copy(data[edge+20:], pattern)
			}
		}
		var want []int64
		for i := 0; ; {
			j := bytes.Index(data[i:], pattern)
			if j < 0 {
				break
			}
			want = append(want, int64(i+j))
			i += j + 1
		}
		m := mustOpen(t, writeTemp(t, data), ReadOnly)
		for _, off := range []int64{0, 4097} {
			var got []int64
			err := m.Scan(off, m.Size()-off, len(pattern)-1, func(chunk []byte, at int64) error {
				for i := 0; ; {
					j := bytes.Index(chunk[i:], pattern)
					if j < 0 {
						return nil
					}
					got = append(got, at+int64(i+j))
					i += j + 1
				}
			})
			if err != nil {
				t.Fatalf("Scan from %d: %v", off, err)
			}
			if !equalOffsets(got, want) {
				t.Errorf("Scan from %d found the pattern at %v, want %v", off, got, want)
			}
		}
	})
}

func equalOffsets(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReleasedPagesKeepTheirBytes checks that releasing the pages a scan read loses nothing:
// bytes written through the mapping, not flushed, are still what another reader of the file
// (or of the named mapping) and the mapping itself see after a scan and a sweep of reads.
func TestReleasedPagesKeepTheirBytes(t *testing.T) {
	inBothViewModes(t, func(t *testing.T) {
		data := randomBytes(1<<20+99, 5)
		path := writeTemp(t, data)
		m := mustOpen(t, path, ReadWrite)
		written := writeAndSweep(t, m, data)
		if onDisk, err := os.ReadFile(path); err != nil || !bytes.Equal(onDisk, written) {
			t.Errorf("os.ReadFile after the sweep differs from the bytes written through the mapping (%v)", err)
		}
		second := mustOpen(t, path, ReadOnly)
		if got := readAll(t, second); !bytes.Equal(got, written) {
			t.Error("a second mapping of the file differs from the bytes written through the first")
		}
	})
}

func TestReleasedPagesKeepTheirBytesNamed(t *testing.T) {
	if !namedSupported() {
		t.Skip("named mappings are not supported here")
	}
	inBothViewModes(t, func(t *testing.T) {
		name := uniqueName(t)
		m, err := CreateNamed(name, 1<<20+99)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		written := writeAndSweep(t, m, make([]byte, m.Size()))
		second, err := OpenNamed(name, ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		if got := readAll(t, second); !bytes.Equal(got[:len(written)], written) {
			t.Error("a second mapping of the named mapping differs from the bytes written through the first")
		}
	})
}

// writeAndSweep writes marks through m, whose bytes are data, then scans and reads all of m so
// that the pages are released, checks m still holds the marks, and returns the bytes m holds.
func writeAndSweep(t *testing.T, m *Mapping, data []byte) []byte {
	t.Helper()
	want := bytes.Clone(data)
	for off := int64(0); off < int64(len(want))-8; off += 40000 {
		mark := []byte{0xC0, 0xFF, 0xEE, byte(off), byte(off >> 8), byte(off >> 16)}
		if _, err := m.WriteAt(mark, off); err != nil {
			t.Fatal(err)
		}
		copy(want[off:], mark)
	}
	stop := errors.New("stop")
	if err := m.Scan(0, m.Size(), 0, func([]byte, int64) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := m.Scan(0, m.Size(), 0, func([]byte, int64) error { return stop }); err != stop {
		t.Fatalf("Scan = %v, want the callback's error", err)
	}
	if got := readAll(t, m); !bytes.Equal(got[:len(want)], want) {
		t.Fatal("the mapping lost bytes written through it once its pages were released")
	}
	return want
}

// readAll reads all of m with ReadAt in 4 KiB reads.
func readAll(t *testing.T, m *Mapping) []byte {
	t.Helper()
	got := make([]byte, m.Size())
	for off := 0; off < len(got); off += 4096 {
		if _, err := m.ReadAt(got[off:min(off+4096, len(got))], int64(off)); err != nil {
			t.Fatal(err)
		}
	}
	return got
}
