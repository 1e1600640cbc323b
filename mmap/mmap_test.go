package mmap

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/mmhex/mmhex/internal/testdir"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// childRoleEnv names the role a re-executed test binary plays in a cross-process test.
const childRoleEnv = "MMHEX_MMAP_TEST_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(childRoleEnv); role != "" {
		os.Exit(runChildRole(role, os.Getenv("MMHEX_MMAP_TEST_ARG")))
	}
	code := m.Run()
	removeBenchFile()
	os.Exit(code)
}

// runChildRole is the second process of a cross-process test. Its exit code is the verdict:
// 0 when it saw what the parent expected it to see.
func runChildRole(role, arg string) int {
	switch role {
	case "named-reader-writer":
		m, err := OpenNamed(arg, ReadWrite)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		defer m.Close()
		got := make([]byte, len("from parent"))
		if _, err := m.ReadAt(got, 0); err != nil || string(got) != "from parent" {
			fmt.Fprintf(os.Stderr, "child read %q, %v; want %q\n", got, err, "from parent")
			return 4
		}
		if _, err := m.WriteAt([]byte("from child"), 100); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 5
		}
		return 0
	case "open-read-write":
		_, err := Open(arg, ReadWrite)
		if !errors.Is(err, fs.ErrPermission) {
			fmt.Fprintf(os.Stderr, "Open(%s, ReadWrite) = %v, want a permission error\n", arg, err)
			return 6
		}
		// Reading must still work: the refusal is about writing, not about reaching the file.
		m, err := Open(arg, ReadOnly)
		if err != nil {
			fmt.Fprintf(os.Stderr, "Open(%s, ReadOnly) = %v, want success\n", arg, err)
			return 7
		}
		m.Close()
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown role %q\n", role)
	return 2
}

// startChild re-executes the test binary in role with arg and returns its combined output.
func runChild(t *testing.T, cmd *exec.Cmd, role, arg string) {
	t.Helper()
	cmd.Env = append(os.Environ(), childRoleEnv+"="+role, "MMHEX_MMAP_TEST_ARG="+arg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child %s: %v\n%s", role, err, out)
	}
}

// inBothViewModes runs f with the object mapped whole, again with the whole view scanned and
// released in small chunks, and once through small moving windows, the way a 32-bit process
// reaches a large file.
func inBothViewModes(t *testing.T, f func(t *testing.T)) {
	t.Run("whole", f)
	t.Run("whole in small chunks", func(t *testing.T) {
		oldScan, oldBudget := scanWindow, releaseBudget
		scanWindow, releaseBudget = 3*64<<10, 64<<10
		t.Cleanup(func() { scanWindow, releaseBudget = oldScan, oldBudget })
		f(t)
	})
	t.Run("windowed", func(t *testing.T) {
		oldLimit, oldCache, oldScan := wholeViewLimit, cacheWindow, scanWindow
		wholeViewLimit, cacheWindow, scanWindow = 0, 64<<10, 3*64<<10
		t.Cleanup(func() { wholeViewLimit, cacheWindow, scanWindow = oldLimit, oldCache, oldScan })
		f(t)
	})
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(testdir.New(t), "sample.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func mustOpen(t *testing.T, path string, mode Mode) *Mapping {
	t.Helper()
	m, err := Open(path, mode)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestReadWriteFlushRoundTrip(t *testing.T) {
	inBothViewModes(t, func(t *testing.T) {
		want := randomBytes(300<<10+123, 1)
		path := writeTemp(t, want)
		m := mustOpen(t, path, ReadWrite)
		if got := m.Size(); got != int64(len(want)) {
			t.Fatalf("Size() = %d, want %d", got, len(want))
		}

		edits := []struct {
			name string
			off  int64
			data []byte
		}{
			{"first byte", 0, []byte{0xAA}},
			{"across a 64 KiB window edge", 64<<10 - 3, []byte("window-edge")},
			{"last bytes", int64(len(want)) - 4, []byte{1, 2, 3, 4}},
			{"long run over several windows", 100 << 10, bytes.Repeat([]byte{0x5A}, 150<<10)},
		}
		for _, e := range edits {
			if n, err := m.WriteAt(e.data, e.off); err != nil || n != len(e.data) {
				t.Fatalf("%s: WriteAt = %d, %v", e.name, n, err)
			}
			copy(want[e.off:], e.data)
		}
		got := make([]byte, len(want))
		if n, err := m.ReadAt(got, 0); err != nil || n != len(want) {
			t.Fatalf("ReadAt whole = %d, %v", n, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatal("ReadAt after WriteAt does not return the written bytes")
		}
		if err := m.FlushAll(); err != nil {
			t.Fatalf("FlushAll: %v", err)
		}
		for _, off := range []int64{0, 8192, int64(len(want))} {
			if err := m.Flush(off, 0); err != nil {
				t.Errorf("Flush(%d, 0) = %v, want nil: an empty range has nothing to flush", off, err)
			}
		}
		onDisk, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(onDisk, want) {
			t.Fatal("file read back with os.ReadFile differs from the bytes written through the mapping")
		}
	})
}

func TestReadAtEnd(t *testing.T) {
	m := mustOpen(t, writeTemp(t, []byte("0123456789")), ReadOnly)
	tests := []struct {
		name    string
		off     int64
		size    int
		want    string
		wantErr error
	}{
		{"inside", 2, 3, "234", nil},
		{"short at the end", 8, 4, "89", io.EOF},
		{"at the end", 10, 1, "", io.EOF},
		{"past the end", 50, 1, "", io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := make([]byte, tt.size)
			n, err := m.ReadAt(p, tt.off)
			if string(p[:n]) != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("ReadAt(%d bytes at %d) = %q, %v; want %q, %v", tt.size, tt.off, p[:n], err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestWriteNeverGrows(t *testing.T) {
	original := []byte("0123456789")
	path := writeTemp(t, original)
	m := mustOpen(t, path, ReadWrite)
	for _, off := range []int64{8, 10, 11, -1} {
		if _, err := m.WriteAt([]byte("abc"), off); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("WriteAt(3 bytes at %d) error = %v, want ErrOutOfRange", off, err)
		}
	}
	m.Close()
	if got, _ := os.ReadFile(path); !bytes.Equal(got, original) {
		t.Errorf("file after refused writes = %q, want %q unchanged", got, original)
	}
}

func TestReadOnlyIsReadOnly(t *testing.T) {
	original := []byte("read only")
	path := writeTemp(t, original)
	m := mustOpen(t, path, ReadOnly)
	if m.Writable() {
		t.Error("Writable() = true for a ReadOnly mapping")
	}
	if _, err := m.WriteAt([]byte("X"), 0); !errors.Is(err, ErrReadOnly) {
		t.Errorf("WriteAt on ReadOnly mapping error = %v, want ErrReadOnly", err)
	}
	if err := m.FlushAll(); err != nil {
		t.Errorf("FlushAll on ReadOnly mapping = %v, want nil", err)
	}
	m.Close()
	if got, _ := os.ReadFile(path); !bytes.Equal(got, original) {
		t.Errorf("file = %q, want %q unchanged", got, original)
	}
}

func TestZeroLengthFile(t *testing.T) {
	m := mustOpen(t, writeTemp(t, nil), ReadWrite)
	if m.Size() != 0 {
		t.Errorf("Size() = %d, want 0", m.Size())
	}
	if n, err := m.ReadAt(make([]byte, 1), 0); n != 0 || err != io.EOF {
		t.Errorf("ReadAt = %d, %v; want 0, EOF", n, err)
	}
	if _, err := m.WriteAt([]byte{1}, 0); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("WriteAt error = %v, want ErrOutOfRange", err)
	}
	if err := m.Scan(0, 0, 0, func([]byte, int64) error { t.Error("Scan called fn on an empty range"); return nil }); err != nil {
		t.Errorf("Scan = %v", err)
	}
	if err := m.FlushAll(); err != nil {
		t.Errorf("FlushAll = %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := testdir.New(t)
	tests := []struct {
		name string
		path string
		want error
	}{
		{"missing file", filepath.Join(dir, "missing.bin"), fs.ErrNotExist},
		{"directory", dir, ErrIsDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Open(tt.path, ReadOnly)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open(%s) error = %v, want %v", tt.path, err, tt.want)
			}
			if m != nil {
				t.Error("Open returned a Mapping together with an error")
			}
		})
	}
}

func TestReadWriteOpenOfReadOnlyFileIsPermissionError(t *testing.T) {
	path := writeTemp(t, []byte("locked"))
	makeReadOnly(t, path)
	if canBypassPermissions() {
		// The superuser may write any file, so the check runs in a process without that right.
		runChild(t, unprivilegedCommand(t), "open-read-write", path)
		return
	}
	_, err := Open(path, ReadWrite)
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Open(read-only file, ReadWrite) error = %v, want fs.ErrPermission", err)
	}
	m := mustOpen(t, path, ReadOnly)
	if m.Size() != 6 {
		t.Errorf("read-only open: Size() = %d, want 6", m.Size())
	}
}

func TestScanChunksOverlap(t *testing.T) {
	inBothViewModes(t, func(t *testing.T) {
		data := randomBytes(1<<20+77, 2)
		m := mustOpen(t, writeTemp(t, data), ReadOnly)
		const overlap = 7
		for _, r := range []struct{ off, length int64 }{{0, int64(len(data))}, {5000, 700 << 10}, {int64(len(data)) - 10, 10}} {
			next := r.off
			err := m.Scan(r.off, r.length, overlap, func(chunk []byte, at int64) error {
				if at > next || (at < next && next-at != overlap && at != r.off) {
					t.Fatalf("chunk at %d, previous ended at %d: want an overlap of %d", at, next, overlap)
				}
				if !bytes.Equal(chunk, data[at:at+int64(len(chunk))]) {
					t.Fatalf("chunk at %d differs from the file", at)
				}
				next = at + int64(len(chunk))
				return nil
			})
			if err != nil {
				t.Fatalf("Scan(%d, %d) = %v", r.off, r.length, err)
			}
			if next != r.off+r.length {
				t.Fatalf("Scan(%d, %d) ended at %d", r.off, r.length, next)
			}
		}
		stop := errors.New("found it")
		if err := m.Scan(0, 100, 0, func([]byte, int64) error { return stop }); err != stop {
			t.Errorf("Scan returned %v, want the callback's error", err)
		}
		if err := m.Scan(10, int64(len(data)), 0, func([]byte, int64) error { return nil }); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("Scan past the end = %v, want ErrOutOfRange", err)
		}
	})
}

func TestScanRepanicsOnOtherPanics(t *testing.T) {
	m := mustOpen(t, writeTemp(t, []byte("abc")), ReadOnly)
	defer func() {
		if r := recover(); r != "not a fault" {
			t.Errorf("recovered %v, want the callback's own panic", r)
		}
	}()
	m.Scan(0, 3, 0, func([]byte, int64) error { panic("not a fault") })
	t.Error("Scan swallowed a panic that was not a memory fault")
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	m, err := Open(writeTemp(t, []byte("abc")), ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("first Close = %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if _, err := m.ReadAt(make([]byte, 1), 0); !errors.Is(err, ErrClosed) {
		t.Errorf("ReadAt after Close = %v, want ErrClosed", err)
	}
	if _, err := m.WriteAt([]byte{1}, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteAt after Close = %v, want ErrClosed", err)
	}
	if err := m.Scan(0, 1, 0, func([]byte, int64) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Scan after Close = %v, want ErrClosed", err)
	}
	if err := m.FlushAll(); !errors.Is(err, ErrClosed) {
		t.Errorf("FlushAll after Close = %v, want ErrClosed", err)
	}
}

// uniqueName returns a mapping name no other test run uses.
func uniqueName(t *testing.T) string {
	return fmt.Sprintf("mmhex-test-%d-%d", os.Getpid(), time.Now().UnixNano())
}

func TestNamedMappingAcrossProcesses(t *testing.T) {
	name := uniqueName(t)
	created, err := CreateNamed(name, 4096)
	if !namedSupported() {
		if !errors.Is(err, ErrNotSupported) {
			t.Fatalf("CreateNamed on %s = %v, want ErrNotSupported", runtime.GOOS, err)
		}
		t.Skipf("named mappings are not supported on %s (checked that CreateNamed says so)", runtime.GOOS)
	}
	if err != nil {
		t.Fatalf("CreateNamed: %v", err)
	}
	defer created.Close()
	if created.Size() < 4096 || created.FileBacked() {
		t.Errorf("created: Size() = %d, FileBacked() = %v; want >= 4096, false", created.Size(), created.FileBacked())
	}

	if _, err := CreateNamed(name, 4096); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second CreateNamed of the same name = %v, want fs.ErrExist (the single-instance check)", err)
	}
	if _, err := created.WriteAt([]byte("from parent"), 0); err != nil {
		t.Fatal(err)
	}

	runChild(t, exec.Command(os.Args[0]), "named-reader-writer", name)

	got := make([]byte, len("from child"))
	if _, err := created.ReadAt(got, 100); err != nil || string(got) != "from child" {
		t.Errorf("parent read %q, %v at 100; want %q written by the child", got, err, "from child")
	}

	opened, err := OpenNamed(name, ReadOnly)
	if err != nil {
		t.Fatalf("OpenNamed in the same process: %v", err)
	}
	if opened.Size() < 4096 {
		t.Errorf("opened: Size() = %d, want >= 4096", opened.Size())
	}
	opened.Close()

	if err := created.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := OpenNamed(name, ReadOnly); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenNamed after the creator closed = %v, want fs.ErrNotExist (name released)", err)
	}
}

func TestNamedMappingErrors(t *testing.T) {
	if !namedSupported() {
		t.Skipf("named mappings are not supported on %s", runtime.GOOS)
	}
	if _, err := OpenNamed(uniqueName(t), ReadOnly); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenNamed(unknown) = %v, want fs.ErrNotExist", err)
	}
	for _, bad := range []string{"", "a/b", "a\\b"} {
		if _, err := OpenNamed(bad, ReadOnly); !errors.Is(err, ErrBadName) && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("OpenNamed(%q) = %v, want ErrBadName", bad, err)
		}
	}
	if _, err := CreateNamed(uniqueName(t), 0); err == nil {
		t.Error("CreateNamed with size 0 succeeded, want an error")
	}
}

func TestNamedPath(t *testing.T) {
	path, ok := NamedPath("/demo")
	switch {
	case runtime.GOOS == "linux" && (path != "/dev/shm/demo" || !ok):
		t.Errorf("NamedPath(/demo) = %q, %v; want /dev/shm/demo, true", path, ok)
	case runtime.GOOS != "linux" && ok:
		t.Errorf("NamedPath(/demo) = %q, true on %s, where a named mapping is no file", path, runtime.GOOS)
	}
}

// TestLargeFileBeyond4GiB reaches bytes past 4 GiB, which 32-bit builds do through moving
// windows. The file is sparse, so it costs no disk.
func TestLargeFileBeyond4GiB(t *testing.T) {
	const size = 6<<30 + 12345
	path := testdir.Sparse(t, size)
	m := mustOpen(t, path, ReadWrite)
	if m.Size() != size {
		t.Fatalf("Size() = %d, want %d", m.Size(), int64(size))
	}
	marks := []struct {
		off  int64
		data string
	}{{0, "start"}, {4<<30 - 3, "across-4GiB"}, {size - 3, "end"}}
	for _, mk := range marks {
		if _, err := m.WriteAt([]byte(mk.data), mk.off); err != nil {
			t.Fatalf("WriteAt(%d): %v", mk.off, err)
		}
	}
	for _, mk := range marks {
		got := make([]byte, len(mk.data))
		if _, err := m.ReadAt(got, mk.off); err != nil || string(got) != mk.data {
			t.Errorf("ReadAt(%d) = %q, %v; want %q", mk.off, got, err, mk.data)
		}
	}
	var seen []byte
	err := m.Scan(4<<30-3, int64(len("across-4GiB")), 0, func(chunk []byte, at int64) error {
		seen = append(seen, chunk...)
		return nil
	})
	if err != nil || string(seen) != "across-4GiB" {
		t.Errorf("Scan across 4 GiB = %q, %v", seen, err)
	}
	if err := m.FlushAll(); err != nil {
		t.Fatalf("FlushAll: %v", err)
	}
	m.Close()

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, mk := range marks {
		got := make([]byte, len(mk.data))
		if _, err := f.ReadAt(got, mk.off); err != nil || string(got) != mk.data {
			t.Errorf("file at %d = %q, %v; want %q", mk.off, got, err, mk.data)
		}
	}
}

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "mmhex-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "firmware.bin")
	os.WriteFile(path, []byte{0x7f, 'E', 'L', 'F', 0, 0}, 0o644)

	m, err := Open(path, ReadWrite)
	if err != nil {
		fmt.Println(err)
		return
	}
	m.WriteAt([]byte{0xCA, 0xFE}, 4)
	m.FlushAll()
	m.Close()

	data, _ := os.ReadFile(path)
	fmt.Printf("% x\n", data)
	// Output: 7f 45 4c 46 ca fe
}
