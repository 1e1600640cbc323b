package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// xxdForTest returns the xxd binary, skipping the test without it: CI installs it.
func xxdForTest(t *testing.T) string {
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

// dumpSamples returns the sample file and random files of awkward sizes, in a temporary
// directory.
func dumpSamples(t *testing.T) []string {
	t.Helper()
	paths := []string{patchTestFile(t, "sample.bin", testdir.Sample(t))}
	for _, n := range []int{1, 16, 31, 4099} {
		paths = append(paths, patchTestFile(t, fmt.Sprintf("random%d.bin", n), seededBytes(uint64(n), n)))
	}
	return paths
}

// TestDumpMatchesXxd runs mmhex dump and xxd with the same columns, grouping, offset and
// length and compares their output byte for byte.
func TestDumpMatchesXxd(t *testing.T) {
	xxd := xxdForTest(t)
	// minSize keeps offsets inside the file: past the end xxd prints nothing, mmhex says so.
	cases := []struct {
		ours, theirs []string
		minSize      int
	}{
		{nil, nil, 0},
		{[]string{"--cols", "8"}, []string{"-c", "8"}, 0},
		{[]string{"-c", "32", "-g", "4"}, []string{"-c", "32", "-g", "4"}, 0},
		{[]string{"--cols", "13", "--group", "3"}, []string{"-c", "13", "-g", "3"}, 0},
		{[]string{"--group", "0"}, []string{"-g", "0"}, 0},
		{[]string{"--group", "1", "--cols", "256"}, []string{"-g", "1", "-c", "256"}, 0},
		{[]string{"--offset", "0x10", "--length", "100"}, []string{"-s", "0x10", "-l", "100"}, 16},
		{[]string{"--offset", "7", "--length", "0x21", "--cols", "5"}, []string{"-s", "7", "-l", "33", "-c", "5"}, 7},
		{[]string{"-s", "1", "-l", "100000"}, []string{"-s", "1", "-l", "100000"}, 1},
		{[]string{"--offset", "end-20"}, []string{"-s", "-20"}, 20},
		{[]string{"--offset", "1K", "--length", "0x1K"}, []string{"-s", "1024", "-l", "1024"}, 1024},
	}
	for _, path := range dumpSamples(t) {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if info.Size() < int64(c.minSize) {
				continue
			}
			name := filepath.Base(path) + " " + strings.Join(c.ours, " ")
			args := append(append([]string{"dump"}, c.ours...), path)
			r := runCLI(t, "", args...)
			if r.code != 0 {
				t.Fatalf("%s: exit %d: %s", name, r.code, r.errOut)
			}
			want, err := exec.Command(xxd, append(c.theirs, path)...).Output()
			if err != nil {
				t.Fatalf("xxd %v: %v", c.theirs, err)
			}
			if r.out != string(want) {
				t.Errorf("%s: differs from xxd %s\n got:\n%s\nwant:\n%s", name, strings.Join(c.theirs, " "), firstLines(r.out), firstLines(string(want)))
			}
		}
	}
}

func firstLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[:min(len(lines), 5)], "")
}

// TestDumpReadsBackWithXxdR checks that xxd -r rebuilds the file from the dump.
func TestDumpReadsBackWithXxdR(t *testing.T) {
	xxd := xxdForTest(t)
	data := testdir.Sample(t)
	path := patchTestFile(t, "sample.bin", data)
	r := runCLI(t, "", "dump", path, "--cols", "24", "--group", "8")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	cmd := exec.Command(xxd, "-r", "-c", "24")
	cmd.Stdin = strings.NewReader(r.out)
	got, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("xxd -r of the dump differs from the file")
	}
}

// TestDumpPast4GiBMatchesXxd dumps across the 4 GiB line of a sparse file.
func TestDumpPast4GiBMatchesXxd(t *testing.T) {
	xxd := xxdForTest(t)
	path := filepath.Join(testdir.New(t), "sparse.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("past four gibibytes"), 1<<32+3); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r := runCLI(t, "", "dump", path, "--offset", "0xffffffe0", "--squeeze")
	want, err := exec.Command(xxd, "-a", "-s", "0xffffffe0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	if r.code != 0 || r.out != string(want) {
		t.Errorf("exit %d, stderr %q, got:\n%s\nwant:\n%s", r.code, r.errOut, r.out, want)
	}
}

// TestDumpSqueeze checks --squeeze against xxd -a on a file whose repeated rows are zeros,
// and that repeated rows of other bytes collapse too.
func TestDumpSqueeze(t *testing.T) {
	xxd := xxdForTest(t)
	data := append(seededBytes(5, 20), make([]byte, 100)...)
	data = append(data, seededBytes(6, 40)...)
	path := patchTestFile(t, "z.bin", data)
	r := runCLI(t, "", "dump", path, "--squeeze")
	want, err := exec.Command(xxd, "-a", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	if r.code != 0 || r.out != string(want) {
		t.Errorf("got:\n%s\nwant (xxd -a):\n%s", r.out, want)
	}
	path = patchTestFile(t, "ff.bin", bytes.Repeat([]byte{0xff}, 64))
	r = runCLI(t, "", "dump", path, "--squeeze", "--cols", "8", "--group", "4")
	wantOut := "00000000: ffffffff ffffffff  ........\n*\n00000038: ffffffff ffffffff  ........\n"
	if r.code != 0 || r.out != wantOut {
		t.Errorf("got:\n%s\nwant:\n%s", r.out, wantOut)
	}
}

func TestDumpColor(t *testing.T) {
	path := patchTestFile(t, "c.bin", []byte{0, 'A', ' ', 1, 0x80})
	plain := "00000000: 0041 2001 80                             .A ..\n"
	colored := "00000000: \x1b[90m00\x1b[36m41 \x1b[32m20\x1b[35m01 \x1b[33m80\x1b[0m" + strings.Repeat(" ", 29) +
		"\x1b[90m.\x1b[36mA\x1b[32m \x1b[35m.\x1b[33m.\x1b[0m\n"
	tests := []struct {
		args    []string
		noColor string
		want    string
	}{
		{[]string{"--color", "always"}, "", colored},
		{[]string{"--color=always"}, "1", colored},
		{[]string{"--color", "never"}, "", plain},
		{[]string{"--color", "auto"}, "", plain}, // stdout is not a terminal here
		{nil, "", plain},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")+" NO_COLOR="+tt.noColor, func(t *testing.T) {
			t.Setenv("NO_COLOR", tt.noColor)
			r := runCLI(t, "", append(append([]string{"dump"}, tt.args...), path)...)
			if r.code != 0 || r.out != tt.want {
				t.Errorf("exit %d, stderr %q, stdout\n%q\nwant\n%q", r.code, r.errOut, r.out, tt.want)
			}
		})
	}
}

func TestDumpErrors(t *testing.T) {
	path := patchTestFile(t, "f.bin", make([]byte, 32))
	one := patchTestFile(t, "one.bin", []byte{1})
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--cols", "0", path}, 2, "mmhex: --cols 0: give 1 to 256 bytes per row\n"},
		{[]string{"--cols", "257", path}, 2, "mmhex: --cols 257: give 1 to 256 bytes per row\n"},
		{[]string{"--group", "-1", path}, 2, "mmhex: --group -1: give 0 (no groups) or more bytes per group\n"},
		{[]string{"--color", "sometimes", path}, 2, "mmhex: --color \"sometimes\": give auto, always or never\n"},
		{[]string{"--offset", "x", path}, 2, "mmhex: --offset \"x\": give a decimal number (4096), 0x hex (0x1000) or end-N (N bytes before the end), optionally with a K, M or G suffix (64K)\n"},
		{[]string{"--offset", "-16", path}, 2, "mmhex: --offset \"-16\": an offset counts from the start and is never negative: for 16 bytes before the end, write end-16\n"},
		{[]string{"--length", "end-1", path}, 2, "mmhex: --length \"end-1\": end-N is an offset, not a number of bytes: give a decimal number (4096) or 0x hex (0x1000), optionally with a K, M or G suffix (64K)\n"},
		{[]string{"--length", "99999999999G", path}, 2, "mmhex: --length \"99999999999G\": more than the largest possible size, 0x7fffffffffffffff bytes\n"},
		{[]string{path, "extra"}, 2, "mmhex: unexpected \"extra\": mmhex dump takes one FILE (see 'mmhex dump --help')\n"},
		{nil, 2, "mmhex: no file given (usage: mmhex dump FILE, or mmhex dump -n NAME; see 'mmhex dump --help')\n"},
		{[]string{"--offset", "33", path}, 2, "mmhex: --offset 33 is past the end of " + path + " (32 bytes)\n"},
		{[]string{"--offset", "end-33", path}, 2, "mmhex: --offset end-33 lies before the start of " + path + " (32 bytes)\n"},
		{[]string{"--offset", "2", one}, 2, "mmhex: --offset 2 is past the end of " + one + " (1 byte)\n"},
		{[]string{filepath.Join(testdir.New(t), "missing.bin")}, 1, "no such file: check the path\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, "", append([]string{"dump"}, tt.args...)...)
			if r.code != tt.code || !strings.HasSuffix(r.errOut, tt.want) || strings.Count(r.errOut, "\n") != 1 || r.out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", r.code, r.out, r.errOut, tt.code, tt.want)
			}
		})
	}
}

func TestDumpEmptyRanges(t *testing.T) {
	empty := patchTestFile(t, "empty.bin", nil)
	full := patchTestFile(t, "f.bin", make([]byte, 32))
	for _, args := range [][]string{{empty}, {full, "--offset", "32"}, {full, "--length", "0"}, {full, "--offset", "end-0"}} {
		r := runCLI(t, "", append([]string{"dump"}, args...)...)
		if r.code != 0 || r.out != "" || r.errOut != "" {
			t.Errorf("dump %v: exit %d, stdout %q, stderr %q; want nothing", args, r.code, r.out, r.errOut)
		}
	}
}

func TestDumpNamedMapping(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "windows" {
		t.Skip("named mappings need Linux or Windows")
	}
	name := fmt.Sprintf("mmhex-dump-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	m, err := mmap.CreateNamed(name, 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.WriteAt([]byte("shared!"), 0x10); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "dump", "-n", name, "--length", "0x20")
	want := "00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n" +
		"00000010: 7368 6172 6564 2100 0000 0000 0000 0000  shared!.........\n"
	if r.code != 0 || r.out != want {
		t.Errorf("exit %d, stderr %q, stdout\n%s\nwant\n%s", r.code, r.errOut, r.out, want)
	}
}

// truncatingWriter collects a dump and, at its first write, truncates the file being dumped to
// size, as another process may: the dump goes on over a file that shrank underneath.
type truncatingWriter struct {
	bytes.Buffer
	t    *testing.T
	path string
	size int64
	done bool
}

func (w *truncatingWriter) Write(p []byte) (int, error) {
	if !w.done {
		w.done = true
		if err := os.Truncate(w.path, w.size); err != nil {
			w.t.Error(err)
		}
	}
	return w.Buffer.Write(p)
}

// TestDumpTruncatedMidwayPrintsEveryRowRead: the rows up to the file's new end are printed (none
// held back in a buffer, none of the zeros the last page reads as past the end), then one line
// says where the file ends now.
func TestDumpTruncatedMidwayPrintsEveryRowRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows refuses to truncate a file that has a mapped view")
	}
	const size, newSize = 4 << 20, 1<<20 + 100
	data := seededBytes(7, size)
	path := patchTestFile(t, "shrinking.bin", data)
	want := runCLI(t, "", "dump", patchTestFile(t, "kept.bin", data[:newSize])).out

	out := &truncatingWriter{t: t, path: path, size: newSize}
	var errOut bytes.Buffer
	code := Run([]string{"dump", path}, strings.NewReader(""), out, &errOut)
	if got := out.String(); got != want {
		t.Errorf("stdout holds %d bytes ending\n%s\nwant %d bytes ending\n%s", len(got), lastLines(got, 2), len(want), lastLines(want, 2))
	}
	wantErr := fmt.Sprintf("mmhex: dump %s: it was truncated to 1048676 bytes while it was dumped: the rows above go up to its new end, 0x100064\n", path)
	if code != 1 || errOut.String() != wantErr {
		t.Errorf("exit %d, stderr %q; want exit 1, stderr %q", code, errOut.String(), wantErr)
	}
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n-1):], "")
}
