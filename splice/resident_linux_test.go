package splice

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// rssFile returns the file-backed memory resident in this process (RssFile in
// /proc/self/status): the mapped pages of the file being moved, and the test binary's own.
func rssFile(t *testing.T) int64 {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}

// TestMoveKeepsLittleResident moves 256 MiB both ways: the pages behind the move must leave the
// process as it goes, in both directions (a backward move once left a megabyte per chunk).
func TestMoveKeepsLittleResident(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 256 MiB file")
	}
	const size = 256 << 20
	path := testdir.Sparse(t, size)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	block := randomBytes(1<<20, 5)
	for off := int64(0); off < size; off += int64(len(block)) {
		if _, err := f.WriteAt(block, off); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	base := rssFile(t)
	for _, tc := range []struct {
		name string
		del  int64
		ins  []byte
	}{{"insert", 0, []byte{1}}, {"delete", 1, nil}} {
		var most int64
		opts := Options{NoSync: true, Progress: func(Progress) { most = max(most, rssFile(t)-base) }}
		if err := Splice(context.Background(), m, 0, tc.del, tc.ins, opts); err != nil {
			t.Fatal(err)
		}
		if most > 16<<20 {
			t.Errorf("%s: %d MiB of the file resident during the move, want at most 16", tc.name, most>>20)
		}
	}
}
