package xxd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// dump encodes data, which starts at offset start, in one Write.
func dump(t testing.TB, data []byte, start int64, opts Options) string {
	t.Helper()
	var b bytes.Buffer
	e, err := NewEncoder(&b, start, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// xxdPath returns the xxd binary, skipping the test when there is none: CI installs it.
func xxdPath(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("comparing with xxd runs on Unix only")
	}
	path, err := exec.LookPath("xxd")
	if err != nil {
		t.Skip("xxd is not installed (apt-get install xxd); CI installs it")
	}
	return path
}

func runXxd(t *testing.T, xxd string, args ...string) string {
	t.Helper()
	out, err := exec.Command(xxd, args...).Output()
	if err != nil {
		t.Fatalf("xxd %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// samples returns the sample file and random data of awkward sizes, as files in a temporary
// directory.
func samples(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "sample.bin")}
	if err := os.WriteFile(paths[0], testdir.Sample(t), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 15, 16, 17, 255, 1000, 4103} {
		p := filepath.Join(dir, fmt.Sprintf("random%d.bin", n))
		if err := os.WriteFile(p, randomBytes(uint64(n), n), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	p := filepath.Join(dir, "every-byte.bin")
	if err := os.WriteFile(p, all, 0o644); err != nil {
		t.Fatal(err)
	}
	return append(paths, p)
}

// TestEncoderMatchesXxd compares the dump with xxd's for many column counts, groupings and
// -s/-l ranges.
func TestEncoderMatchesXxd(t *testing.T) {
	xxd := xxdPath(t)
	layouts := []struct{ cols, group int }{
		{16, 2}, {16, 1}, {16, 0}, {16, 4}, {16, 8}, {16, 3}, {16, 16}, {16, 32},
		{1, 2}, {5, 2}, {7, 3}, {8, 1}, {12, 4}, {32, 4}, {33, 2}, {256, 2}, {256, 0},
	}
	for _, path := range samples(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ranges := [][2]int{{0, len(data)}}
		if len(data) > 20 {
			ranges = append(ranges, [2]int{3, 17}, [2]int{len(data) / 2, len(data) - len(data)/2}, [2]int{len(data) - 5, 5})
		}
		for _, l := range layouts {
			for _, r := range ranges {
				name := fmt.Sprintf("%s/c%d/g%d/s%d/l%d", filepath.Base(path), l.cols, l.group, r[0], r[1])
				want := runXxd(t, xxd, "-c", fmt.Sprint(l.cols), "-g", fmt.Sprint(l.group),
					"-s", fmt.Sprint(r[0]), "-l", fmt.Sprint(r[1]), path)
				got := dump(t, data[r[0]:r[0]+r[1]], int64(r[0]), Options{Cols: l.cols, Group: l.group})
				if got != want {
					t.Errorf("%s: dump differs from xxd\n got:\n%s\nwant:\n%s", name, head(got), head(want))
				}
			}
		}
	}
}

func head(s string) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > 6 {
		lines = append(lines[:6], "…\n")
	}
	return strings.Join(lines, "")
}

// TestOffsetsPast4GiBMatchXxd checks that the offset column widens past 0xffffffff as xxd's
// does, on a sparse file.
func TestOffsetsPast4GiBMatchXxd(t *testing.T) {
	xxd := xxdPath(t)
	path := filepath.Join(t.TempDir(), "sparse.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	const start int64 = 1<<32 - 40
	data := randomBytes(5, 100)
	if _, err := f.WriteAt(data, start); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(start + 0x1000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	want := runXxd(t, xxd, "-s", fmt.Sprint(start), "-l", "100", path)
	got := dump(t, data, start, Options{Cols: 16, Group: 2})
	if got != want {
		t.Errorf("dump across 4 GiB differs from xxd\n got:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(got, "\n100000008: ") {
		t.Errorf("no 9-digit offset in\n%s", got)
	}
}

// TestSqueezeMatchesXxdA compares --squeeze with xxd -a on data whose only repeated rows are
// rows of zeros, the rows xxd -a squeezes, in runs of every length from 1 to 5 and at the end.
func TestSqueezeMatchesXxdA(t *testing.T) {
	xxd := xxdPath(t)
	dir := t.TempDir()
	for i, runs := range [][]int{{1}, {2}, {3}, {4}, {5}, {1, 2}, {3, 1, 4}, {0, 2, 3}, {2, 0, 1, 5}} {
		for _, tail := range []int{0, 7, 16} {
			var data []byte
			for k, run := range runs {
				data = append(data, randomBytes(uint64(10*i+k), 16)...)
				data = append(data, make([]byte, 16*run)...)
			}
			data = append(data, make([]byte, tail)...)
			path := filepath.Join(dir, fmt.Sprintf("z%d-%d.bin", i, tail))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			want := runXxd(t, xxd, "-a", path)
			got := dump(t, data, 0, Options{Cols: 16, Group: 2, Squeeze: true})
			if got != want {
				t.Errorf("runs %v, tail %d: squeezed dump differs from xxd -a\n got:\n%s\nwant:\n%s", runs, tail, got, want)
			}
		}
	}
	allZero := make([]byte, 64)
	path := filepath.Join(dir, "zero.bin")
	if err := os.WriteFile(path, allZero, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := dump(t, allZero, 0, Options{Cols: 16, Group: 2, Squeeze: true}), runXxd(t, xxd, "-a", path); got != want {
		t.Errorf("all zeros: squeezed dump differs from xxd -a\n got:\n%s\nwant:\n%s", got, want)
	}
}

// TestSqueezeCollapsesAnyRepeatedRow checks that, as in hexdump -C, repeated rows of any
// content collapse, not only zeros.
func TestSqueezeCollapsesAnyRepeatedRow(t *testing.T) {
	row := []byte("ABCDEFGHIJKLMNOP")
	data := bytes.Repeat(row, 5)
	data = append(data, "xyz"...)
	got := dump(t, data, 0, Options{Cols: 16, Group: 2, Squeeze: true})
	want := "00000000: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP\n" +
		"*\n" +
		"00000050: 7879 7a                                  xyz\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestEncoderChunksDoNotMatter writes data in random pieces and checks that the dump is the
// same as from one Write, squeezed or not.
func TestEncoderChunksDoNotMatter(t *testing.T) {
	data := randomBytes(6, 5000)
	copy(data[100:], make([]byte, 900)) // repeated rows for squeezing
	r := rand.New(rand.NewPCG(6, 6))
	for _, opts := range []Options{{Cols: 16, Group: 2}, {Cols: 7, Group: 3, Squeeze: true}, {Cols: 16, Group: 2, Squeeze: true, Color: true}} {
		want := dump(t, data, 77, opts)
		for trial := range 20 {
			var b bytes.Buffer
			e, err := NewEncoder(&b, 77, opts)
			if err != nil {
				t.Fatal(err)
			}
			for rest := data; len(rest) > 0; {
				n := min(len(rest), r.IntN(40))
				if _, err := e.Write(rest[:n]); err != nil {
					t.Fatal(err)
				}
				rest = rest[n:]
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if b.String() != want {
				t.Fatalf("%+v, trial %d: dump written in pieces differs from one Write", opts, trial)
			}
		}
	}
}

var escapes = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestColorKeepsTheLayout checks that a coloured dump is the plain dump once the escape
// sequences are removed, and that bytes get their class's colour.
func TestColorKeepsTheLayout(t *testing.T) {
	data := randomBytes(7, 1000)
	for _, opts := range []Options{{Cols: 16, Group: 2}, {Cols: 5, Group: 0}, {Cols: 9, Group: 4}} {
		plain := dump(t, data[:997], 3, opts)
		opts.Color = true
		colored := dump(t, data[:997], 3, opts)
		if got := escapes.ReplaceAllString(colored, ""); got != plain {
			t.Errorf("%+v: coloured dump without escapes differs from the plain one", opts)
		}
	}
	got := dump(t, []byte{0, 'A', 'B', '\n', 1, 0xff}, 0, Options{Cols: 16, Group: 2, Color: true})
	want := "00000000: " +
		"\x1b[90m00\x1b[36m41 42\x1b[32m0a \x1b[35m01\x1b[33mff\x1b[0m" + strings.Repeat(" ", 41-14) +
		"\x1b[90m.\x1b[36mAB\x1b[32m.\x1b[35m.\x1b[33m.\x1b[0m\n"
	if got != want {
		t.Errorf("coloured row\n%q\nwant\n%q", got, want)
	}
}

func TestClassOf(t *testing.T) {
	want := map[byte]Class{0: Null, 'a': Printable, '~': Printable, '!': Printable, ' ': Whitespace, '\t': Whitespace,
		'\r': Whitespace, '\v': Whitespace, 1: Control, 0x1b: Control, 0x7f: Control, 0x80: NonASCII, 0xff: NonASCII}
	for b, c := range want {
		if got := ClassOf(b); got != c {
			t.Errorf("ClassOf(%#x) = %d, want %d", b, got, c)
		}
	}
	for c, seq := range classColors {
		if len(seq) != colorLen {
			t.Errorf("colour of class %d is %q, %d bytes; the tables assume %d", c, seq, len(seq), colorLen)
		}
	}
}

func TestNewEncoderRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{{Cols: 0}, {Cols: 257}, {Cols: 16, Group: -1}} {
		if _, err := NewEncoder(io.Discard, 0, opts); !errors.Is(err, ErrBadOptions) {
			t.Errorf("NewEncoder(%+v) error %v, want ErrBadOptions", opts, err)
		}
	}
}

// TestEncoderReportsWriteErrors checks that a failing writer's error comes back.
func TestEncoderReportsWriteErrors(t *testing.T) {
	e, err := NewEncoder(failingWriter{}, 0, Options{Cols: 16, Group: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Write(make([]byte, 10))
	if err == nil {
		err = e.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v, want the writer's", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// BenchmarkDump measures formatting speed in MB/s of input; the output goes nowhere.
func BenchmarkDump(b *testing.B) {
	data := randomBytes(8, 16<<20)
	for _, bc := range []struct {
		name string
		opts Options
	}{
		{"default", Options{Cols: 16, Group: 2}},
		{"group1", Options{Cols: 16, Group: 1}},
		{"cols32", Options{Cols: 32, Group: 4}},
		{"squeeze", Options{Cols: 16, Group: 2, Squeeze: true}},
		{"color", Options{Cols: 16, Group: 2, Color: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				e, err := NewEncoder(io.Discard, 0, bc.opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := e.Write(data); err != nil {
					b.Fatal(err)
				}
				if err := e.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
