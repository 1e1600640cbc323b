package cli

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
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

// cliResult is what one in-process run of mmhex returned.
type cliResult struct {
	code        int
	out, errOut string
}

// runCLI runs mmhex in-process with args and stdin.
func runCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, strings.NewReader(stdin), &out, &errOut)
	return cliResult{code: code, out: out.String(), errOut: errOut.String()}
}

// patchTestFile writes content to a new file in a temporary directory.
func patchTestFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(testdir.New(t), name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	return sha256.Sum256(fileBytes(t, path))
}

func seededBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, ^seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestPatchClassicExample(t *testing.T) {
	path := patchTestFile(t, "data.bin", make([]byte, 32))
	r := runCLI(t, "", "patch", path, "0", "i32le:999", "4", "i32le:666", "16", "i32le:999")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	want := make([]byte, 32)
	copy(want[0:], []byte{0xe7, 0x03, 0, 0})
	copy(want[4:], []byte{0x9a, 0x02, 0, 0})
	copy(want[16:], []byte{0xe7, 0x03, 0, 0})
	if got := fileBytes(t, path); !bytes.Equal(got, want) {
		t.Errorf("file\n% x\nwant\n% x", got, want)
	}
	wantOut := "0x00000000: 00 00 -> e7 03\n0x00000004: 00 00 -> 9a 02\n0x00000010: 00 00 -> e7 03\n"
	if r.out != wantOut {
		t.Errorf("stdout\n%s\nwant\n%s", r.out, wantOut)
	}
	wantErr := "patched " + path + ": 6 bytes in 3 runs changed by 3 patches; flushed to disk\n"
	if r.errOut != wantErr {
		t.Errorf("stderr %q, want %q", r.errOut, wantErr)
	}
}

// TestPatchValueFormsRoundTrip passes one value of each kind through the command line (one
// argument with spaces, a typed number, an offset from the end, text) and reads the file back
// with os.ReadFile; patch's own tests cover every form.
func TestPatchValueFormsRoundTrip(t *testing.T) {
	tests := []struct {
		offset, value string
		at            int
		want          []byte
	}{
		{"0x10", "de ad be ef", 16, []byte{0xde, 0xad, 0xbe, 0xef}},
		{"4", "i32le:-999", 4, []byte{0x19, 0xfc, 0xff, 0xff}},
		{"end-8", "f64be:1e100", 56, []byte{0x54, 0xb2, 0x49, 0xad, 0x25, 0x94, 0xc3, 0x7d}},
		{"20", "utf16le:ok✓", 20, []byte{'o', 0, 'k', 0, 0x13, 0x27}},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			original := seededBytes(1, 64)
			path := patchTestFile(t, "f.bin", original)
			if r := runCLI(t, "", "patch", path, tt.offset, tt.value); r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.errOut)
			}
			want := bytes.Clone(original)
			copy(want[tt.at:], tt.want)
			if got := fileBytes(t, path); !bytes.Equal(got, want) {
				t.Errorf("file\n% x\nwant\n% x", got, want)
			}
		})
	}
}

// TestPatchFailuresChangeNothing runs patches that must be refused and checks the exit code,
// the one-line message naming the entry, and that the file's hash did not change.
func TestPatchFailuresChangeNothing(t *testing.T) {
	tests := []struct {
		name string
		args []string // after FILE
		code int
		want string
	}{
		{"overflow", []string{"0", "00", "0x10", "u8:300"}, 2, `mmhex: patch 2 (offset 0x10): value "u8:300" overflows u8 (0..255)`},
		{"bad hex", []string{"0", "zz"}, 2, `mmhex: patch 1 (offset 0): bad hex "zz"`},
		{"hex number", []string{"0", "0xdead"}, 2, `mmhex: patch 1 (offset 0): bad hex "0xdead": "0xdead" reads as a number, whose byte order is unknown: write bytes without 0x (de ad) or with one 0x per byte (0xde 0xad); or give a type, like u32le:1234 or str:text`},
		{"K offset past the end", []string{"1K", "00"}, 1, `mmhex: patch 1 (offset 1K): the value (1 byte at 0x400) runs past the end of the file (64 bytes)`},
		{"missing value", []string{"0", "00", "8"}, 2, `mmhex: patch 2 (offset 8): no VALUE after the OFFSET`},
		{"past the end", []string{"0", "00", "62", "u32le:1"}, 1, `mmhex: patch 2 (offset 62): the value (4 bytes at 0x3e) runs past the end of the file (64 bytes): patches never grow a file`},
		{"offset past the end", []string{"100", "00"}, 1, `mmhex: patch 1 (offset 100): the value (1 byte at 0x64) runs past the end of the file (64 bytes)`},
		{"end-N past the start", []string{"end-100", "00"}, 1, `mmhex: patch 1 (offset end-100): offset end-100 lies before the start`},
		{"overlap", []string{"0", "u32le:1", "2", "00"}, 1, `mmhex: patch 2 (offset 2): bytes 0x2..0x2 overlap bytes 0x0..0x3 of patch 1 (offset 0): write each byte once`},
		{"expect mismatch", []string{"0x10", "dead", "--expect", "beef"}, 1, `mmhex: patch 1 (offset 0x10): expected be ef at 0x10, found `},
		{"expect= mismatch", []string{"0", "00", "0x10", "dead", "expect=beef"}, 1, `mmhex: patch 2 (offset 0x10): expected be ef at 0x10, found `},
		{"--expect with several", []string{"0", "00", "1", "00", "--expect", "00"}, 2, `mmhex: --expect checks a single OFFSET VALUE patch`},
		{"--expect and expect=", []string{"0", "00", "expect=00", "--expect", "00"}, 2, `mmhex: patch 1 has both --expect and expect=`},
		{"nothing to patch", nil, 2, `mmhex: nothing to patch: give OFFSET VALUE pairs, --script SCRIPT or --xxd DUMP`},
		{"unknown flag", []string{"0", "00", "--overwrite"}, 2, `mmhex: unknown flag: --overwrite (see 'mmhex patch --help')`},
		{"--force without -p", []string{"0", "00", "--force"}, 2, `mmhex: --force writes a process's read-only pages: use it with -p PID`},
		{"missing script", []string{"--script", "/nonexistent/p.txt"}, 1, `mmhex: script /nonexistent/p.txt: no such file: check the path`},
		{"undo to stdout", []string{"0", "00", "--undo-file", "-"}, 2, `mmhex: --undo-file needs a file name`},
		{"undo file unwritable", []string{"0", "00", "--undo-file", "/nonexistent/u.txt"}, 1, `mmhex: undo file /nonexistent/u.txt: `},
		{"script and dump on stdin", []string{"--script", "-", "--xxd", "-"}, 2, `mmhex: --script and --xxd cannot both read stdin`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := patchTestFile(t, "f.bin", seededBytes(2, 64))
			before := fileHash(t, path)
			r := runCLI(t, "", append([]string{"patch", path}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.errOut)
			}
			if !strings.HasPrefix(r.errOut, tt.want) || strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("stderr\n%q\nwant one line starting with\n%q", r.errOut, tt.want)
			}
			if r.out != "" {
				t.Errorf("stdout %q, want nothing", r.out)
			}
			if fileHash(t, path) != before {
				t.Errorf("the file changed")
			}
		})
	}
}

func TestPatchExpectMatch(t *testing.T) {
	path := patchTestFile(t, "fw.bin", []byte{0x74, 0x05, 0x31, 0xc0})
	r := runCLI(t, "", "patch", "--expect", "7405", path, "0", "9090")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	if got, want := fileBytes(t, path), []byte{0x90, 0x90, 0x31, 0xc0}; !bytes.Equal(got, want) {
		t.Errorf("file % x, want % x", got, want)
	}
}

// TestPatchDryRunWritesNothing checks that --dry-run prints the changes, writes nothing (not
// even the undo file), and works on a file it could not write.
func TestPatchDryRunWritesNothing(t *testing.T) {
	path := patchTestFile(t, "data.bin", make([]byte, 32))
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	undo := filepath.Join(testdir.New(t), "undo.txt")
	r := runCLI(t, "", "patch", path, "--dry-run", "0", "i32le:999", "16", "str:hi", "--undo-file", undo)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	if want := "0x00000000: 00 00 -> e7 03\n0x00000010: 00 00 -> 68 69\n"; r.out != want {
		t.Errorf("stdout\n%s\nwant\n%s", r.out, want)
	}
	if want := "dry run: 2 patches would change 4 bytes in 2 runs of " + path + "; nothing written (no undo file either)\n"; r.errOut != want {
		t.Errorf("stderr %q, want %q", r.errOut, want)
	}
	if got := fileBytes(t, path); !bytes.Equal(got, make([]byte, 32)) {
		t.Errorf("dry run changed the file: % x", got)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("dry run touched the file's modification time")
	}
	if _, err := os.Stat(undo); !os.IsNotExist(err) {
		t.Errorf("dry run wrote the undo file (stat: %v)", err)
	}
}

// TestPatchUndoFileRestoresExactly patches a copy of sample.bin from a script with an undo
// file, reverts with the undo file, and compares with the original; a second revert is refused.
func TestPatchUndoFileRestoresExactly(t *testing.T) {
	original := testdir.Sample(t)
	path := patchTestFile(t, "sample.bin", original)
	dir := testdir.New(t)
	script := filepath.Join(dir, "p.txt")
	if err := os.WriteFile(script, []byte("# patch\n0 7f454c47\n0x40 str:\"MMHEX SAMPLE\"\nend-16 \"00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff\"\n0x100 u64be:0x0102030405060708\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	undo := filepath.Join(dir, "undo.txt")
	r := runCLI(t, "", "patch", path, "--script", script, "--undo-file", undo)
	if r.code != 0 {
		t.Fatalf("patch: exit %d: %s", r.code, r.errOut)
	}
	if bytes.Equal(fileBytes(t, path), original) {
		t.Fatal("the patch changed nothing")
	}
	if !strings.Contains(string(fileBytes(t, undo)), "# Revert with: mmhex patch "+path+" --script "+undo+"\n") {
		t.Errorf("undo file lacks its revert command:\n%s", fileBytes(t, undo))
	}
	r = runCLI(t, "", "patch", "--script", undo, path)
	if r.code != 0 {
		t.Fatalf("undo: exit %d: %s", r.code, r.errOut)
	}
	if got := fileBytes(t, path); !bytes.Equal(got, original) {
		t.Errorf("after undo the file differs from the original")
	}
	r = runCLI(t, "", "patch", path, "--script", undo)
	if r.code != 1 || !strings.Contains(r.errOut, "nothing written") {
		t.Errorf("second undo: exit %d, stderr %q; want exit 1 and an expect= mismatch", r.code, r.errOut)
	}
}

// TestPatchScriptErrorsNameTheLine puts a bad line at line 4 of a script and checks that the
// error names p.txt:4 and that the good patches before it were not written.
func TestPatchScriptErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		line string
		code int
		want string
	}{
		{"0x20 zz", 2, `p.txt:4: bad hex "zz"`},
		{"0x20 u16le:70000", 2, `p.txt:4: value "u16le:70000" overflows u16 (0..65535)`},
		{"0x20 \"de ad", 2, `p.txt:4: unclosed " quote`},
		{"0x20 de ad", 2, `p.txt:4: unexpected "ad" after the VALUE`},
		{"end-1 dead", 1, `p.txt:4: the value (2 bytes at 0x3f) runs past the end of the file (64 bytes)`},
		{"0x11 00", 1, `p.txt:4: bytes 0x11..0x11 overlap bytes 0x10..0x13 of p.txt:2`},
		{"0x20 00 expect=ffff", 1, `p.txt:4: expected ff ff at 0x20, found 00 00: nothing written`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			path := patchTestFile(t, "f.bin", make([]byte, 64))
			script := filepath.Join(testdir.New(t), "p.txt")
			text := "# three good lines, then a bad one\n0x10 u32le:1\n\n" + tt.line + "\n0x30 ff\n"
			if err := os.WriteFile(script, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			// Run from the script's directory so that the message names it as given.
			r := runInDir(t, filepath.Dir(script), "patch", path, "--script", "p.txt")
			if r.code != tt.code || r.errOut != "mmhex: "+tt.want+firstLineRest(r.errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.errOut, tt.code, tt.want)
			}
			if got := fileBytes(t, path); !bytes.Equal(got, make([]byte, 64)) {
				t.Errorf("the file changed: % x", got)
			}
		})
	}
}

// firstLineRest returns what follows want on the first line of s, so that a test can require
// the message to start with want and to be one line.
func firstLineRest(s, want string) string {
	i := strings.Index(s, want)
	if i < 0 || !strings.HasSuffix(s, "\n") || strings.Count(s, "\n") != 1 {
		return "\x00"
	}
	return s[i+len(want):]
}

func runInDir(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	return runCLI(t, "", args...)
}

func TestPatchScriptFromStdinAndFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{
		{"patch", "FILE", "--script", "-"},
		{"patch", "--script", "-", "FILE"},
		{"patch", "--script=-", "FILE", "--no-flush"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			path := patchTestFile(t, "f.bin", make([]byte, 8))
			for i := range args {
				if args[i] == "FILE" {
					args[i] = path
				}
			}
			r := runCLI(t, "2 str:ok\r\nend-1 ff # last byte\n", args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.errOut)
			}
			if got, want := fileBytes(t, path), []byte{0, 0, 'o', 'k', 0, 0, 0, 0xff}; !bytes.Equal(got, want) {
				t.Errorf("file % x, want % x", got, want)
			}
		})
	}
}

func TestPatchZeroLengthFile(t *testing.T) {
	path := patchTestFile(t, "empty.bin", nil)
	r := runCLI(t, "", "patch", path, "0", "00")
	if r.code != 1 || !strings.Contains(r.errOut, "runs past the end of the file (0 bytes): patches never grow a file") {
		t.Errorf("exit %d, stderr %q; want exit 1 and a past-the-end message", r.code, r.errOut)
	}
	r = runCLI(t, "", "patch", path, "--script", "-")
	if r.code != 0 || r.errOut != "no patches given: nothing written to "+path+"\n" {
		t.Errorf("empty script on an empty file: exit %d, stderr %q", r.code, r.errOut)
	}
	if got := fileBytes(t, path); len(got) != 0 {
		t.Errorf("the empty file grew to %d bytes", len(got))
	}
}

// TestPatchReadOnlyFile checks that a file the user may not write is refused with a one-line
// message naming it and what to do, exit 1, unchanged. Root writes any file, so as root on
// Unix the test runs itself again as the unprivileged user nobody.
func TestPatchReadOnlyFile(t *testing.T) {
	path := os.Getenv("MMHEX_TEST_READONLY_FILE")
	if path == "" {
		dir := testdir.New(t)
		path = filepath.Join(dir, "ro.bin")
		if err := os.WriteFile(path, seededBytes(3, 64), 0o444); err != nil {
			t.Fatal(err)
		}
		if runtime.GOOS != "windows" && os.Geteuid() == 0 {
			runAsNobody(t, "TestPatchReadOnlyFile", path)
			return
		}
		if readOnlyIgnored() {
			t.Skip("under Wine the read-only attribute becomes Unix permissions, which a root test run bypasses; Windows enforces it")
		}
		t.Cleanup(func() { os.Chmod(path, 0o644) }) // Windows cannot remove a read-only file
	}
	before := fileHash(t, path)
	r := runCLI(t, "", "patch", path, "0", "00")
	want := "mmhex: " + path + " is not writable: nothing written; make it writable, patch a copy, or check with --dry-run\n"
	if r.code != 1 || r.errOut != want {
		t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.errOut, want)
	}
	if fileHash(t, path) != before {
		t.Errorf("the read-only file changed")
	}
	if r := runCLI(t, "", "patch", path, "0", "00", "--dry-run"); r.code != 0 {
		t.Errorf("--dry-run on a read-only file: exit %d, stderr %q", r.code, r.errOut)
	}
}

// TestPatchPrintsLongRunsShort checks that a long changed run is shown with its length rather
// than in full.
func TestPatchPrintsLongRunsShort(t *testing.T) {
	path := patchTestFile(t, "f.bin", make([]byte, 100))
	r := runCLI(t, "", "patch", path, "0x20", strings.Repeat("ab", 40))
	want := "0x00000020: " + strings.Repeat("00 ", 15) + "00 ... (40 bytes) -> " + strings.Repeat("ab ", 15) + "ab ... (40 bytes)\n"
	if r.code != 0 || r.out != want {
		t.Errorf("exit %d, stdout\n%q\nwant\n%q", r.code, r.out, want)
	}
}

// TestPatchXxdUnchangedDumpWritesNothing dumps sample.bin, patches it with the dump as is, and
// checks that nothing was written: no output, and the modification time is unchanged.
func TestPatchXxdUnchangedDumpWritesNothing(t *testing.T) {
	path := patchTestFile(t, "sample.bin", testdir.Sample(t))
	d := runCLI(t, "", "dump", path)
	if d.code != 0 {
		t.Fatalf("dump: exit %d: %s", d.code, d.errOut)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, d.out, "patch", path, "--xxd", "-")
	if r.code != 0 || r.out != "" || r.errOut != path+" already holds these bytes: nothing written\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want nothing written", r.code, r.out, r.errOut)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("patching with an unchanged dump touched the file")
	}
}

// TestPatchXxdEditedDump edits bytes in the hex column of a dump and checks that exactly those
// bytes change, and that each changed run is reported.
func TestPatchXxdEditedDump(t *testing.T) {
	original := testdir.Sample(t)
	path := patchTestFile(t, "sample.bin", original)
	d := runCLI(t, "", "dump", path, "--offset", "0x30", "--length", "100", "--cols", "8", "--group", "1")
	if d.code != 0 {
		t.Fatalf("dump: exit %d: %s", d.code, d.errOut)
	}
	lines := strings.Split(d.out, "\n")
	// Byte 2 of row 0 (0x32), bytes 7 of row 3 and 0 of row 4 (0x4f, 0x50: one run), and the
	// text column of row 5, which is ignored.
	lines[0] = editHexByte(lines[0], 2, "ee")
	lines[3] = editHexByte(lines[3], 7, "e1")
	lines[4] = editHexByte(lines[4], 0, "e2")
	lines[5] = lines[5][:len(lines[5])-8] + "XXXXXXXX"
	want := bytes.Clone(original)
	want[0x32], want[0x4f], want[0x50] = 0xee, 0xe1, 0xe2
	dumpPath := filepath.Join(testdir.New(t), "d.txt")
	if err := os.WriteFile(dumpPath, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	dry := runCLI(t, "", "patch", path, "--xxd", dumpPath, "--dry-run")
	// The lines that change (rows 0, 3 and 4), not the 13 lines read.
	if want := "dry run: 3 dump lines of 13 would change 3 bytes in 2 runs of "; dry.code != 0 || !strings.Contains(dry.errOut, want) {
		t.Errorf("dry run: exit %d, stderr %q; want it to say %q", dry.code, dry.errOut, want)
	}
	r := runCLI(t, "", "patch", path, "--xxd", dumpPath)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	if got := fileBytes(t, path); !bytes.Equal(got, want) {
		t.Errorf("file differs from the edited dump")
	}
	wantOut := fmt.Sprintf("0x00000032: %02x -> ee\n0x0000004f: %02x %02x -> e1 e2\n", original[0x32], original[0x4f], original[0x50])
	if r.out != wantOut {
		t.Errorf("stdout\n%s\nwant\n%s", r.out, wantOut)
	}
	// 100 bytes in rows of 8: the summary counts the dump's lines that change, of 13.
	if want := "3 bytes in 2 runs changed by 3 dump lines of 13"; !strings.Contains(r.errOut, want) {
		t.Errorf("stderr %q, want it to say %q", r.errOut, want)
	}
}

// editHexByte replaces byte i of a dump line made with --group 1.
func editHexByte(line string, i int, hex string) string {
	at := strings.Index(line, ": ") + 2 + 3*i
	return line[:at] + hex + line[at+2:]
}

// TestPatchXxdAcceptsXxdOutput edits xxd's own dump and applies it.
func TestPatchXxdAcceptsXxdOutput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("xxd runs on Unix only")
	}
	xxd, err := exec.LookPath("xxd")
	if err != nil {
		t.Skip("xxd is not installed; CI installs it")
	}
	original := testdir.Sample(t)
	path := patchTestFile(t, "sample.bin", original)
	out, err := exec.Command(xxd, "-s", "0x200", "-l", "64", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(out, []byte("\n00000210: ")) + len("\n00000210: ")
	copy(out[at:], "cafe")
	r := runCLI(t, string(out), "patch", path, "--xxd", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	want := bytes.Clone(original)
	want[0x210], want[0x211] = 0xca, 0xfe
	if got := fileBytes(t, path); !bytes.Equal(got, want) {
		t.Errorf("file differs from the edited xxd dump")
	}
}

func TestPatchXxdErrorsNameTheLine(t *testing.T) {
	path := patchTestFile(t, "f.bin", make([]byte, 64))
	dumpText := "00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n" +
		"00000010: 0000 0000 0000 0000 0000 0000 0000 00zz  ................\n"
	r := runCLI(t, dumpText, "patch", path, "--xxd", "-")
	if want := "mmhex: stdin:2: hex column: 'z' in \"00zz\" is not a hex digit"; r.code != 2 || !strings.HasPrefix(r.errOut, want) {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.errOut, want)
	}
	dumpText = "00000038: 0102 0304 0506 0708 0900 0000 0000 0000  ................\n"
	r = runCLI(t, dumpText, "patch", path, "--xxd", "-")
	if want := "mmhex: stdin:1: the value (16 bytes at 0x38) runs past the end of the file (64 bytes)"; r.code != 1 || !strings.HasPrefix(r.errOut, want) {
		t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.errOut, want)
	}
	if got := fileBytes(t, path); !bytes.Equal(got, make([]byte, 64)) {
		t.Errorf("the file changed")
	}
}

func TestPatchUndoFileIsNotTheTarget(t *testing.T) {
	path := patchTestFile(t, "f.bin", make([]byte, 8))
	r := runCLI(t, "", "patch", path, "0", "ff", "--undo-file", path)
	if r.code != 2 || !strings.Contains(r.errOut, "is the file being patched") {
		t.Errorf("exit %d, stderr %q; want a usage error", r.code, r.errOut)
	}
	if got := fileBytes(t, path); !bytes.Equal(got, make([]byte, 8)) {
		t.Errorf("the file changed")
	}
}

func TestPatchNamedMapping(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "windows" {
		t.Skip("named mappings need Linux or Windows")
	}
	name := fmt.Sprintf("mmhex-patch-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	m, err := mmap.CreateNamed(name, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	r := runCLI(t, "", "patch", "-n", name, "8", "u32be:0xcafef00d")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	got := make([]byte, 4)
	if _, err := m.ReadAt(got, 8); err != nil {
		t.Fatal(err)
	}
	if want := []byte{0xca, 0xfe, 0xf0, 0x0d}; !bytes.Equal(got, want) {
		t.Errorf("mapping holds % x, want % x", got, want)
	}
	if want := fmt.Sprintf("patched named mapping %q: 4 bytes in 1 run changed by 1 patch\n", name); r.errOut != want {
		t.Errorf("stderr %q, want %q", r.errOut, want)
	}
}

func TestPatchHelp(t *testing.T) {
	r := runCLI(t, "", "patch", "--help")
	if r.code != 0 || !strings.Contains(r.out, "Usage: mmhex patch") || !strings.Contains(r.out, "--undo-file") {
		t.Errorf("exit %d, stdout %q", r.code, r.out)
	}
}

// runAsNobody runs test again in a child process as the user nobody, with the file at path
// (made readable to nobody) in MMHEX_TEST_READONLY_FILE, and fails if the child fails.
func runAsNobody(t *testing.T, test, path string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "mmhex-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(dir, filepath.Base(path))
	if err := copyFile(path, shared, 0o444); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "test.bin")
	if err := copyFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run", "^"+test+"$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MMHEX_TEST_READONLY_FILE="+shared, "HOME="+dir)
	setNobody(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+test) {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

func copyFile(from, to string, perm os.FileMode) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
