package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/patch"
)

// childArgsEnv carries the arguments of an mmhex run in a child process, separated by
// childArgsSep (an environment variable cannot hold NUL).
const (
	childArgsEnv = "MMHEX_TEST_CHILD_ARGS"
	childArgsSep = "\x1f"
)

// TestPatchChild is not a test: in a child process started by patchChild it runs mmhex with the
// arguments it was given and exits with mmhex's exit code.
func TestPatchChild(t *testing.T) {
	args, ok := os.LookupEnv(childArgsEnv)
	if !ok {
		return
	}
	os.Exit(Run(strings.Split(args, childArgsSep), os.Stdin, os.Stdout, os.Stderr))
}

// patchChild returns a command that runs mmhex with args in another process: this test binary,
// running TestPatchChild.
func patchChild(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestPatchChild$")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join(args, childArgsSep))
	return cmd
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// everyOtherByte writes a script that sets every other byte of size bytes to value, each
// expecting 00 there first: one run per line, so writing it takes one write per line.
func everyOtherByte(t *testing.T, path string, size int, value string) {
	t.Helper()
	var b strings.Builder
	for at := 0; at < size; at += 2 {
		fmt.Fprintf(&b, "0x%x %s expect=00\n", at, value)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantEveryOtherByte reports whether every even byte of got is value and every odd one zero.
func wantEveryOtherByte(got []byte, value byte) bool {
	for i, c := range got {
		if i%2 == 0 && c != value || i%2 == 1 && c != 0 {
			return false
		}
	}
	return true
}

// TestPatchExpectRaceOneWins starts two patches of the same zero bytes at once, each with
// expect=00 on every byte it writes, many times: exactly one must succeed each time, the other
// must find the first one's bytes, and the file must hold one patch whole, never a mix.
func TestPatchExpectRaceOneWins(t *testing.T) {
	const size = 16 << 10
	tries := 40
	if runtime.GOOS == "windows" {
		tries = 5 // a process takes a good part of a second to start under Wine
	}
	dir := testdir.New(t)
	path := filepath.Join(dir, "data.bin")
	scriptA, scriptB := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	everyOtherByte(t, scriptA, size, "aa")
	everyOtherByte(t, scriptB, size, "bb")
	for try := range tries {
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		a, b := patchChild(t, "patch", path, "--script", scriptA), patchChild(t, "patch", path, "--script", scriptB)
		var errA, errB bytes.Buffer
		a.Stderr, b.Stderr = &errA, &errB
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		if err := b.Start(); err != nil {
			t.Fatal(err)
		}
		codeA, codeB := exitCode(a.Wait()), exitCode(b.Wait())
		got := fileBytes(t, path)
		winner, loserErr := byte(0xaa), errB.String()
		if codeA != 0 {
			winner, loserErr = 0xbb, errA.String()
		}
		if codeA+codeB != 1 || !strings.Contains(loserErr, fmt.Sprintf("expected 00 at 0x0, found %x", winner)) {
			t.Fatalf("try %d: exit codes %d and %d, stderr\n%s%s\nwant one success and one expect= failure", try, codeA, codeB, errA.String(), errB.String())
		}
		if !wantEveryOtherByte(got, winner) {
			t.Fatalf("try %d: the file is not the winner's patch (%x) whole", try, winner)
		}
	}
}

// TestPatchWaitsForTheLock holds the lock on a file and checks that a patch says it waits, writes
// nothing meanwhile, and goes on once the lock is free.
func TestPatchWaitsForTheLock(t *testing.T) {
	path := patchTestFile(t, "data.bin", make([]byte, 64))
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	unlock, err := m.Lock(nil)
	if err != nil {
		t.Fatal(err)
	}
	cmd := patchChild(t, "patch", path, "0x10", "ff", "expect=00")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	if !lines.Scan() || lines.Text() != "waiting for another mmhex patch on "+path+"…" {
		t.Errorf("first line on stderr %q, want the waiting message", lines.Text())
	}
	if got := fileBytes(t, path); !bytes.Equal(got, make([]byte, 64)) {
		t.Errorf("the file changed while another held the lock")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the patch after unlock: %v", err)
	}
	if got := fileBytes(t, path); got[0x10] != 0xff {
		t.Errorf("byte 0x10 is %02x after the lock was freed, want ff", got[0x10])
	}
}

// TestPatchEmptyNameRefused gives -n an empty name next to an operand that names a file, which
// every command took for the file.
func TestPatchEmptyNameRefused(t *testing.T) {
	dir := testdir.New(t)
	if err := os.WriteFile(filepath.Join(dir, "0"), make([]byte, 4), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"patch", "-n", "", "0", "0", "ff"},
		{"dump", "-n", "", "0"},
		{"watch", "--duration", "10ms", "-n", "", "0"},
		{"-n", "", "0"},
	} {
		r := runInDir(t, dir, args...)
		if want := "mmhex: -n needs a mapping name, got an empty one"; r.code != 2 || !strings.HasPrefix(r.errOut, want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", args, r.code, r.errOut, want)
		}
		if got := fileBytes(t, filepath.Join(dir, "0")); !bytes.Equal(got, make([]byte, 4)) {
			t.Errorf("%q wrote the file named 0", args)
		}
	}
	if r := runCLI(t, "", "create", ""); r.code != 2 || !strings.Contains(r.errOut, "use a name") {
		t.Errorf("create \"\": exit %d, stderr %q; want a usage error", r.code, r.errOut)
	}
}

// TestPatchUndoFileExistsIsRefused checks that --undo-file never replaces a file: the patch is
// refused, and the file keeps its bytes and mode.
func TestPatchUndoFileExistsIsRefused(t *testing.T) {
	path := patchTestFile(t, "data.bin", make([]byte, 16))
	undo := patchTestFile(t, "old.undo", []byte("0 00 expect=ff\n"))
	if err := os.Chmod(undo, 0o644); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(undo)
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "patch", path, "0", "ff", "--undo-file", undo)
	want := "mmhex: undo file " + undo + ": file already exists: give a new name (an undo file is never replaced)"
	if r.code != 1 || !strings.HasPrefix(r.errOut, want) || !strings.HasSuffix(r.errOut, ": nothing written\n") {
		t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.errOut, want)
	}
	after, err := os.Stat(undo)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(fileBytes(t, undo)); got != "0 00 expect=ff\n" || after.Mode() != before.Mode() {
		t.Errorf("the undo file changed: %q, mode %v (was %v)", got, after.Mode(), before.Mode())
	}
	if got := fileBytes(t, path); !bytes.Equal(got, make([]byte, 16)) {
		t.Errorf("the file was patched")
	}
}

// TestPatchUndoFileIsNotTheNamedMapping checks that --undo-file naming the file behind the
// named mapping being patched (/dev/shm/NAME) is refused like the file being patched.
func TestPatchUndoFileIsNotTheNamedMapping(t *testing.T) {
	name := fmt.Sprintf("mmhex-patch-undo-%d-%d", os.Getpid(), time.Now().UnixNano())
	shm, ok := mmap.NamedPath(name)
	if !ok {
		t.Skipf("a named mapping is no file on %s", runtime.GOOS)
	}
	m, err := mmap.CreateNamed(name, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	r := runCLI(t, "", "patch", "-n", name, "0", "ff", "--undo-file", shm)
	want := fmt.Sprintf("mmhex: --undo-file %s is the named mapping %q being patched: give another name\n", shm, name)
	if r.code != 2 || r.errOut != want {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.errOut, want)
	}
	got := make([]byte, 64)
	if _, err := m.ReadAt(got, 0); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, make([]byte, 64)) {
		t.Errorf("the named mapping changed: % x", got[:16])
	}
	if info, err := os.Stat(shm); err != nil || info.Size() != 64 {
		t.Errorf("the object behind the mapping was replaced (stat: %v)", err)
	}
}

func TestPatchHelpStatesScriptBounds(t *testing.T) {
	r := runCLI(t, "", "patch", "--help")
	size := fmt.Sprintf("%d GiB (512 MiB on a 32-bit system)", patch.MaxScriptSize>>30)
	if strconv.IntSize == 32 {
		size = fmt.Sprintf("1 GiB (%d MiB on a 32-bit system)", patch.MaxScriptSize>>20)
	}
	want := fmt.Sprintf("at most %d patches in %s, and a line at most %d MiB", patch.MaxScriptPatches, size, patch.MaxScriptLine>>20)
	if !strings.Contains(strings.Join(strings.Fields(r.out), " "), want) {
		t.Errorf("patch --help does not say %q", want)
	}
}
