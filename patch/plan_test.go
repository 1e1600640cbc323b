package patch_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/patch"
)

// Compile-time check: the mapping is what patches are written to.
var _ patch.Target = (*mmap.Mapping)(nil)

// writeFile creates a file of the given content in a temporary directory.
func writeFile(t *testing.T, content []byte) string {
	t.Helper()
	path := filepath.Join(testdir.New(t), "f.bin")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func openMapping(t *testing.T, path string, mode mmap.Mode) *mmap.Mapping {
	t.Helper()
	m, err := mmap.Open(path, mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// patchFile applies entries to the file at path through a mapping, as mmhex patch does.
func patchFile(t *testing.T, path string, entries *patch.Entries) (*patch.Plan, error) {
	t.Helper()
	m := openMapping(t, path, mmap.ReadWrite)
	plan, err := patch.Prepare(m, entries)
	if err != nil {
		return nil, err
	}
	if err := plan.Apply(m, nil); err != nil {
		return nil, err
	}
	if err := plan.Flush(m); err != nil {
		return nil, err
	}
	return plan, m.Close()
}

func mustArgs(t *testing.T, args ...string) *patch.Entries {
	t.Helper()
	entries, err := patch.ParseArgs(args)
	if err != nil {
		t.Fatal(err)
	}
	return list(entries...)
}

// list returns the entries as an Entries list.
func list(entries ...patch.Entry) *patch.Entries {
	var l patch.Entries
	for _, e := range entries {
		l.Append(e)
	}
	return &l
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEveryValueFormRoundTrips writes each VALUE form through a mapping and reads the file back
// with os.ReadFile: exactly the value's bytes changed, at the offset given.
func TestEveryValueFormRoundTrips(t *testing.T) {
	tests := []struct {
		offset, value string
		at            int
		want          []byte
	}{
		{"0", "DEADBEEF", 0, []byte{0xde, 0xad, 0xbe, 0xef}},
		{"0x10", "de:ad:be:ef", 16, []byte{0xde, 0xad, 0xbe, 0xef}},
		{"17", "de ad be ef", 17, []byte{0xde, 0xad, 0xbe, 0xef}},
		{"end-1", "u8:255", 63, []byte{0xff}},
		{"end-0x2", "i8:-2", 62, []byte{0xfe}},
		{"3", "u16le:0xbeef", 3, []byte{0xef, 0xbe}},
		{"3", "u16be:0xbeef", 3, []byte{0xbe, 0xef}},
		{"5", "i16le:-2", 5, []byte{0xfe, 0xff}},
		{"5", "i16be:-2", 5, []byte{0xff, 0xfe}},
		{"8", "u32le:0x01020304", 8, []byte{4, 3, 2, 1}},
		{"8", "u32be:0x01020304", 8, []byte{1, 2, 3, 4}},
		{"8", "i32le:999", 8, []byte{0xe7, 3, 0, 0}},
		{"8", "i32be:-999", 8, []byte{0xff, 0xff, 0xfc, 0x19}},
		{"9", "u64le:0x0102030405060708", 9, []byte{8, 7, 6, 5, 4, 3, 2, 1}},
		{"9", "u64be:0x0102030405060708", 9, []byte{1, 2, 3, 4, 5, 6, 7, 8}},
		{"9", "i64le:-2", 9, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{"9", "i64be:-2", 9, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}},
		{"20", "f32le:1.5", 20, []byte{0, 0, 0xc0, 0x3f}},
		{"20", "f32be:1.5", 20, []byte{0x3f, 0xc0, 0, 0}},
		{"20", "f64le:-2", 20, []byte{0, 0, 0, 0, 0, 0, 0, 0xc0}},
		{"20", "f64be:-2", 20, []byte{0xc0, 0, 0, 0, 0, 0, 0, 0}},
		{"30", "str:héllo", 30, []byte("héllo")},
		{"30", "utf16le:Hé", 30, []byte{'H', 0, 0xe9, 0}},
		{"30", "utf16be:Hé", 30, []byte{0, 'H', 0, 0xe9}},
	}
	for _, tt := range tests {
		t.Run(tt.offset+" "+tt.value, func(t *testing.T) {
			original := randomBytes(1, 64)
			path := writeFile(t, original)
			if _, err := patchFile(t, path, mustArgs(t, tt.offset, tt.value)); err != nil {
				t.Fatal(err)
			}
			want := bytes.Clone(original)
			copy(want[tt.at:], tt.want)
			if got := readFile(t, path); !bytes.Equal(got, want) {
				t.Errorf("file after patching %s at %s:\n% x\nwant\n% x", tt.value, tt.offset, got, want)
			}
		})
	}
}

// TestClassicExample is the README's example: 999 at 0, 666 at 4, 999 at 16.
func TestClassicExample(t *testing.T) {
	path := writeFile(t, make([]byte, 32))
	plan, err := patchFile(t, path, mustArgs(t, "0", "i32le:999", "4", "i32le:666", "16", "i32le:999"))
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 32)
	copy(want[0:], []byte{0xe7, 3, 0, 0})
	copy(want[4:], []byte{0x9a, 2, 0, 0})
	copy(want[16:], []byte{0xe7, 3, 0, 0})
	if got := readFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("file = % x, want % x", got, want)
	}
	var lines []string
	for i := range plan.Runs() {
		lines = append(lines, plan.Change(i).String())
	}
	wantLines := []string{"0x00000000: 00 00 -> e7 03", "0x00000004: 00 00 -> 9a 02", "0x00000010: 00 00 -> e7 03"}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
}

// TestRejectedPatchesWriteNothing checks each validation failure: the error names the entry
// and the problem, and the file's hash is what it was.
func TestRejectedPatchesWriteNothing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"past the end", []string{"0", "00", "62", "u32le:1"},
			"patch 2 (offset 62): the value (4 bytes at 0x3e) runs past the end of the file (64 bytes): patches never grow a file"},
		{"offset past the end", []string{"0x41", "00"}, "patch 1 (offset 0x41): the value (1 byte at 0x41) runs past the end"},
		{"end-N before the start", []string{"end-65", "00"}, "patch 1 (offset end-65): offset end-65 lies before the start (the size is 64 bytes)"},
		{"expect past the end", []string{"60", "00", "expect=0000000000"}, "patch 1 (offset 60): expect= (5 bytes at 0x3c) runs past the end"},
		{"overlap", []string{"0", "00", "8", "u32le:0", "10", "u16le:1"},
			"patch 3 (offset 10): bytes 0xa..0xb overlap bytes 0x8..0xb of patch 2 (offset 8): write each byte once"},
		{"overlap named later first", []string{"10", "u16le:1", "0", "00", "8", "u32le:0"},
			"patch 3 (offset 8): bytes 0x8..0xb overlap bytes 0xa..0xb of patch 1 (offset 10)"},
		{"same offset", []string{"end-4", "00", "60", "00"}, "patch 2 (offset 60): bytes 0x3c..0x3c overlap bytes 0x3c..0x3c of patch 1 (offset end-4)"},
		{"expect mismatch", []string{"0", "00", "0x10", "dead", "expect=beef"}, "patch 2 (offset 0x10): expected be ef at 0x10, found "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			original := randomBytes(2, 64)
			path := writeFile(t, original)
			before := sha256.Sum256(original)
			_, err := patchFile(t, path, mustArgs(t, tt.args...))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n%v\nwant it to start with\n%s", err, tt.want)
			}
			if after := sha256.Sum256(readFile(t, path)); after != before {
				t.Errorf("file changed although the patch was rejected")
			}
		})
	}
}

func TestExpectMismatchShowsFirstDifference(t *testing.T) {
	original := make([]byte, 128)
	original[40] = 0x55
	path := writeFile(t, original)
	before := sha256.Sum256(original)
	expect := strings.Repeat("00", 50)
	_, err := patchFile(t, path, mustArgs(t, "0x10", "str:x", "expect="+expect))
	want := "patch 1 (offset 0x10): expected 50 bytes at 0x10; from 0x28 expected 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ... (26 bytes), found 55 00 00"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error\n%v\nwant it to start with\n%s", err, want)
	}
	if after := sha256.Sum256(readFile(t, path)); after != before {
		t.Errorf("file changed although the expectation failed")
	}
}

func TestExpectMatchWrites(t *testing.T) {
	path := writeFile(t, []byte{0x74, 0x05, 0xaa})
	if _, err := patchFile(t, path, mustArgs(t, "0", "9090", "expect=7405")); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, path), []byte{0x90, 0x90, 0xaa}; !bytes.Equal(got, want) {
		t.Errorf("file = % x, want % x", got, want)
	}
}

func TestZeroLengthFile(t *testing.T) {
	path := writeFile(t, nil)
	_, err := patchFile(t, path, mustArgs(t, "0", "00"))
	if err == nil || !strings.Contains(err.Error(), "runs past the end of the file (0 bytes)") {
		t.Errorf("patching an empty file: error %v, want one saying the value runs past the end", err)
	}
	plan, err := patchFile(t, path, nil)
	if err != nil || plan.Runs() != 0 {
		t.Errorf("no patches on an empty file: plan %+v, error %v; want an empty plan", plan, err)
	}
	if got := readFile(t, path); len(got) != 0 {
		t.Errorf("file grew to %d bytes", len(got))
	}
}

// TestOnlyDifferingBytesAreWritten checks that bytes already holding their new value are left
// alone and that runs from adjacent patches join.
func TestOnlyDifferingBytesAreWritten(t *testing.T) {
	f := &fakeTarget{data: []byte{0xde, 0x00, 0xbe, 0x00, 1, 2, 3, 4, 5, 6}}
	entries := mustArgs(t, "0", "deadbeef", "4", "aa", "5", "bb", "7", "04", "8", "05")
	plan, err := patch.Prepare(f, entries)
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Apply(f, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"1:1", "3:3"}
	if got := f.writes; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("writes (offset:length) %v, want %v", got, want)
	}
	if got, want := plan.Bytes(), int64(4); got != want {
		t.Errorf("Bytes() = %d, want %d", got, want)
	}
	if got, want := fmt.Sprint(plan.Change(1)), "0x00000003: 00 01 02 -> ef aa bb"; got != want {
		t.Errorf("second change %q, want %q", got, want)
	}
}

// TestApplyRestoresAfterAFailedWrite makes the third write fail and checks that the file holds
// its old bytes again, and that the error says so.
func TestApplyRestoresAfterAFailedWrite(t *testing.T) {
	original := randomBytes(3, 64)
	f := &fakeTarget{data: bytes.Clone(original), failAt: 3}
	entries := mustArgs(t, "0", "u32le:0xffffffff", "8", "u32le:0xffffffff", "16", "u32le:0xffffffff", "24", "u32le:0xffffffff")
	plan, err := patch.Prepare(f, entries)
	if err != nil {
		t.Fatal(err)
	}
	err = plan.Apply(f, nil)
	var aerr *patch.ApplyError
	if !errors.As(err, &aerr) {
		t.Fatalf("Apply error %v, want an *ApplyError", err)
	}
	if aerr.At != 16 || aerr.Written != 2 || aerr.RestoreErr != nil {
		t.Errorf("ApplyError %+v, want At 16, Written 2, no restore error", aerr)
	}
	if !strings.Contains(err.Error(), "the file holds its old bytes again") {
		t.Errorf("error %q does not say the old bytes are back", err)
	}
	if !bytes.Equal(f.data, original) {
		t.Errorf("after a failed write the data is\n% x\nwant the original\n% x", f.data, original)
	}
}

// TestApplyStopsOnASignal delivers a signal on Apply's stop channel after a given number of
// writes and checks that the file holds its old bytes again and that the error says how many
// changes were rolled back.
func TestApplyStopsOnASignal(t *testing.T) {
	const runs = 5
	var args []string
	for i := range runs {
		args = append(args, fmt.Sprint(i*8), "u32le:0xffffffff")
	}
	tests := []struct {
		name       string
		args       []string
		size       int
		stopAfter  int // writes before the signal
		want       string
		wantWrites int
	}{
		{"before the first write", args, 64, 0, "interrupted by SIGTERM before the first of 5 changes: nothing written; the file is as before", 0},
		{"midway", args, 64, 3, "interrupted by SIGTERM: rolled back 3 of 5 changes; the file is as before", 3},
		// A run longer than a write chunk is written in pieces, and a signal between them stops it.
		{"inside a long run", []string{"0", "01", "64", "str:" + strings.Repeat("x", 3<<20)}, 64 + 3<<20, 2,
			"interrupted by SIGTERM: rolled back 2 of 2 changes; the file is as before", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			original := make([]byte, tt.size) // every patched byte differs: one run per patch
			stop := make(chan os.Signal, 1)
			f := &fakeTarget{data: bytes.Clone(original), onWrite: func(calls int) {
				if calls == tt.stopAfter {
					stop <- syscall.SIGTERM
				}
			}}
			plan, err := patch.Prepare(f, mustArgs(t, tt.args...))
			if err != nil {
				t.Fatal(err)
			}
			if tt.stopAfter == 0 {
				stop <- syscall.SIGTERM
			}
			err = plan.Apply(f, stop)
			var ierr *patch.InterruptedError
			if !errors.As(err, &ierr) {
				t.Fatalf("Apply error %v, want an *InterruptedError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if len(f.writes) != tt.wantWrites+tt.wantWrites {
				t.Errorf("writes %v: want %d writes of new bytes, then as many of old ones", f.writes, tt.wantWrites)
			}
			if !bytes.Equal(f.data, original) {
				t.Errorf("after the signal the data differs from the original")
			}
		})
	}
}

// TestApplyRestoresAfterTruncation truncates the mapped file between planning and writing, so
// that a write faults (SIGBUS caught as mmap.ErrFault), and checks that the runs written
// before it are restored in the file that remains.
func TestApplyRestoresAfterTruncation(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows refuses to truncate a mapped file, so a write cannot fault this way")
	}
	page := os.Getpagesize()
	original := randomBytes(4, 3*page)
	path := writeFile(t, original)
	m := openMapping(t, path, mmap.ReadWrite)
	plan, err := patch.Prepare(m, mustArgs(t, "0", "u32le:0", fmt.Sprint(2*page+8), "u32le:0"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, int64(page)); err != nil {
		t.Fatal(err)
	}
	err = plan.Apply(m, nil)
	if !errors.Is(err, mmap.ErrFault) {
		t.Fatalf("Apply after truncation: error %v, want mmap.ErrFault", err)
	}
	m.Close()
	if got := readFile(t, path); !bytes.Equal(got, original[:page]) {
		t.Errorf("the first page was not restored after the fault")
	}
}

// TestUndoScriptRestoresExactly applies random patches to a random file with an undo file,
// runs the undo script, and compares the file with the original; running it a second time is
// refused by its expect= checks.
func TestUndoScriptRestoresExactly(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			original := randomBytes(seed, 300)
			path := writeFile(t, original)
			entries := randomPatches(seed, len(original))
			undoPath := filepath.Join(testdir.New(t), "undo.txt")
			m := openMapping(t, path, mmap.ReadWrite)
			plan, err := patch.Prepare(m, entries)
			if err != nil {
				t.Fatal(err)
			}
			if err := plan.SaveUndo(undoPath, []string{path}); err != nil {
				t.Fatal(err)
			}
			if err := plan.Apply(m, nil); err != nil {
				t.Fatal(err)
			}
			m.Close()
			if bytes.Equal(readFile(t, path), original) && plan.Runs() > 0 {
				t.Fatal("the patch changed nothing")
			}
			undo := parseScriptFile(t, undoPath)
			if _, err := patchFile(t, path, undo); err != nil {
				t.Fatalf("undo: %v", err)
			}
			if got := readFile(t, path); !bytes.Equal(got, original) {
				t.Errorf("after undo the file differs from the original")
			}
			if plan.Runs() > 0 {
				if _, err := patchFile(t, path, undo); err == nil || !strings.Contains(err.Error(), "nothing written") {
					t.Errorf("undo run twice: error %v, want an expect= mismatch", err)
				}
			}
		})
	}
}

// randomPatches returns non-overlapping patches of random hex values within size bytes.
func randomPatches(seed uint64, size int) *patch.Entries {
	r := rand.New(rand.NewPCG(seed, 7))
	var entries patch.Entries
	for at := r.IntN(8); at < size-1; at += 1 + r.IntN(40) {
		n := 1 + r.IntN(min(70, size-at))
		value := randomBytes(seed*1000+uint64(at), n)
		entries.Append(patch.Entry{
			Offset: patch.Offset{N: int64(at), Text: fmt.Sprint(at)},
			Value:  value,
			Origin: patch.Origin{Line: entries.Len() + 1},
		})
		at += n
	}
	return &entries
}

func parseScriptFile(t *testing.T, path string) *patch.Entries {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := patch.ParseScript(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestUndoScriptText(t *testing.T) {
	f := &fakeTarget{data: make([]byte, 0x40)}
	plan, err := patch.Prepare(f, mustArgs(t, "0x10", strings.Repeat("ab", 40)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := plan.WriteUndo(&b, []string{"-n", "ring buf"}, "my undo.txt"); err != nil {
		t.Fatal(err)
	}
	revert := "# Revert with: mmhex patch -n 'ring buf' --script 'my undo.txt'\n"
	if runtime.GOOS == "windows" {
		revert = "# Revert with: mmhex patch -n \"ring buf\" --script \"my undo.txt\"\n"
	}
	want := "# mmhex undo script: puts back 40 bytes in 1 run.\n" + revert +
		"0x00000010 " + strings.Repeat("00", 32) + " expect=" + strings.Repeat("ab", 32) + "\n" +
		"0x00000030 " + strings.Repeat("00", 8) + " expect=" + strings.Repeat("ab", 8) + "\n"
	if b.String() != want {
		t.Errorf("undo script:\n%s\nwant\n%s", b.String(), want)
	}
}

// TestSaveUndoRefusesAnExistingFile checks that SaveUndo never replaces a file, leaving its
// bytes and mode as they were, and that a new undo file is written whole with no temporary file
// left behind.
func TestSaveUndoRefusesAnExistingFile(t *testing.T) {
	dir := testdir.New(t)
	existing := filepath.Join(dir, "old.undo")
	old := []byte(strings.Repeat("old content\n", 1000))
	if err := os.WriteFile(existing, old, 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(existing)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeTarget{data: make([]byte, 4)}
	plan, err := patch.Prepare(f, mustArgs(t, "1", "ff"))
	if err != nil {
		t.Fatal(err)
	}
	err = plan.SaveUndo(existing, []string{"f.bin"})
	if want := "undo file " + existing + ": file already exists: give a new name"; err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, fs.ErrExist) {
		t.Errorf("SaveUndo over an existing file: error %v, want one starting %q and matching fs.ErrExist", err, want)
	}
	after, err := os.Stat(existing)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, existing); !bytes.Equal(got, old) || after.Mode() != before.Mode() {
		t.Errorf("the existing file changed: mode %v, was %v", after.Mode(), before.Mode())
	}

	undoPath := filepath.Join(dir, "undo.txt")
	if err := plan.SaveUndo(undoPath, []string{"f.bin"}); err != nil {
		t.Fatal(err)
	}
	if got := string(readFile(t, undoPath)); !strings.HasSuffix(got, "0x00000001 00 expect=ff\n") {
		t.Errorf("undo file:\n%s\nwant the script", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("directory holds %d files, want old.undo and undo.txt only", len(entries))
	}
	missing := filepath.Join(dir, "missing", "undo.txt")
	err = plan.SaveUndo(missing, []string{"f.bin"})
	if err == nil || !strings.HasPrefix(err.Error(), "undo file "+missing+": ") || strings.Contains(err.Error(), ".tmp") {
		t.Errorf("SaveUndo into a missing directory: error %v, want one naming %s and not the temporary file", err, missing)
	}
}

// TestUndoScriptQuotesNames writes an undo script for a target and an undo file whose names hold
// line breaks followed by what looks like a patch line, and checks that the script holds the
// plan's changes and nothing else.
func TestUndoScriptQuotesNames(t *testing.T) {
	f := &fakeTarget{data: make([]byte, 0x40)}
	plan, err := patch.Prepare(f, mustArgs(t, "0x20", "ff"))
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range [][]string{{"data\n0x10 41414141"}, {"-n", "ring\r\n0x10 41414141"}, {"x'\n0x10 41414141 '\x01"}} {
		var b bytes.Buffer
		if err := plan.WriteUndo(&b, target, "u\n0x11 42424242.undo"); err != nil {
			t.Fatal(err)
		}
		script := b.String()
		entries, err := patch.ParseScript(&b, "undo")
		if err != nil {
			t.Fatalf("target %q: %v\n%s", target, err, script)
		}
		if entries.Len() != 1 || entries.At(0).Offset.N != 0x20 {
			t.Errorf("target %q: the undo script holds %d entries, want only the one at 0x20:\n%s", target, entries.Len(), script)
		}
		if lines := strings.Count(script, "\n"); lines != 3 {
			t.Errorf("target %q: the undo script has %d lines, want 3:\n%s", target, lines, script)
		}
	}
	if runtime.GOOS == "windows" {
		return
	}
	var b bytes.Buffer
	if err := plan.WriteUndo(&b, []string{"a\n0x10 41414141"}, "it's.undo"); err != nil {
		t.Fatal(err)
	}
	if want := "# Revert with: mmhex patch 'a'$'\\n''0x10 41414141' --script 'it'\\''s.undo'\n"; !strings.Contains(b.String(), want) {
		t.Errorf("undo script:\n%s\nwant the line\n%s", b.String(), want)
	}
}

// FuzzUndoScriptNames checks that whatever the target and undo file are called, the undo script
// holds the plan's changes and nothing else.
func FuzzUndoScriptNames(f *testing.F) {
	f.Add("data.bin", "u.undo", false)
	f.Add("data\n0x10 41414141", "u\r\n0x11 42424242", true)
	f.Add("it's \x00\x7f\u2028", "", false)
	f.Fuzz(func(t *testing.T, name, undoPath string, named bool) {
		target := &fakeTarget{data: make([]byte, 0x40)}
		plan, err := patch.Prepare(target, mustArgs(t, "0x20", "ff"))
		if err != nil {
			t.Fatal(err)
		}
		args := []string{name}
		if named {
			args = []string{"-n", name}
		}
		var b bytes.Buffer
		if err := plan.WriteUndo(&b, args, undoPath); err != nil {
			t.Fatal(err)
		}
		script := b.String()
		entries, err := patch.ParseScript(&b, "undo")
		if err != nil {
			t.Fatalf("undo script: %v\n%s", err, script)
		}
		if entries.Len() != 1 || entries.At(0).Offset.N != 0x20 {
			t.Fatalf("undo script parses to %d entries; want the one at 0x20:\n%s", entries.Len(), script)
		}
	})
}

// fakeTarget is an in-memory Target that records writes and can fail the failAt-th one.
type fakeTarget struct {
	data    []byte
	writes  []string
	failAt  int
	calls   int
	onWrite func(calls int) // called after each write that succeeds
}

func (f *fakeTarget) Size() int64 { return int64(len(f.data)) }

func (f *fakeTarget) ReadAt(p []byte, off int64) (int, error) {
	return copy(p, f.data[off:]), nil
}

func (f *fakeTarget) WriteAt(p []byte, off int64) (int, error) {
	f.calls++
	if f.calls == f.failAt {
		return 0, errors.New("injected write failure")
	}
	f.writes = append(f.writes, fmt.Sprintf("%d:%d", off, len(p)))
	n := copy(f.data[off:], p)
	if f.onWrite != nil {
		f.onWrite(f.calls)
	}
	return n, nil
}

func (f *fakeTarget) Flush(off, length int64) error { return nil }
