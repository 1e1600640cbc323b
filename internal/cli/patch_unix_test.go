//go:build unix

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/patch"
)

// setNobody makes cmd run as the user and group nobody (65534).
func setNobody(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}

// readOnlyIgnored reports whether file permissions may not stop this process; as root the test
// runs itself again as nobody instead.
func readOnlyIgnored() bool { return false }

// TestPatchSignalIsAllOrNothing runs a patch of 262144 runs with an undo file in another
// process, sends it SIGTERM, SIGINT or SIGHUP as soon as its first byte is written, and checks
// that the file is then byte for byte either as before (undo file removed) or wholly patched
// (undo file kept), that the one line on stderr says which, and that the exit status is
// 128+signal.
func TestPatchSignalIsAllOrNothing(t *testing.T) {
	const size = 512 << 10
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
		t.Run(patch.SignalName(sig), func(t *testing.T) {
			dir := testdir.New(t)
			path, script, undo := filepath.Join(dir, "data.bin"), filepath.Join(dir, "p.txt"), filepath.Join(dir, "p.undo")
			everyOtherByte(t, script, size, "ff")
			// A run that ends before the signal arrives proves nothing: try again.
			for try := 0; ; try++ {
				if try == 5 {
					t.Skip("the patch ended before the signal arrived, 5 times")
				}
				if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
					t.Fatal(err)
				}
				os.Remove(undo)
				cmd := patchChild(t, "patch", path, "--script", script, "--undo-file", undo)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				waited := make(chan error, 1)
				go func() { waited <- cmd.Wait() }()
				if !waitFirstByte(t, path, waited) {
					continue
				}
				if err := cmd.Process.Signal(sig); errors.Is(err, os.ErrProcessDone) {
					<-waited
					continue
				}
				code := exitCode(<-waited)
				got := fileBytes(t, path)
				_, undoErr := os.Stat(undo)
				name := patch.SignalName(sig)
				if code != 128+int(sig) {
					t.Errorf("exit %d, want %d; stderr %q", code, 128+int(sig), stderr.String())
				}
				switch {
				case bytes.Equal(got, make([]byte, size)):
					if want := "mmhex: " + path + ": interrupted by " + name + ": rolled back "; !strings.HasPrefix(stderr.String(), want) ||
						!strings.HasSuffix(stderr.String(), " of 262144 changes; the file is as before\n") {
						t.Errorf("the file is as before, but stderr says %q", stderr.String())
					}
					if undoErr == nil {
						t.Errorf("the undo file of the rolled-back patch is still there")
					}
				case wantEveryOtherByte(got, 0xff):
					if want := "interrupted by " + name + " after the patch was complete"; !strings.Contains(stderr.String(), want) {
						t.Errorf("the file is wholly patched, but stderr says %q", stderr.String())
					}
					if undoErr != nil {
						t.Errorf("the undo file of the complete patch is missing: %v", undoErr)
					}
				default:
					t.Errorf("the file is half patched; stderr %q", stderr.String())
				}
				return
			}
		})
	}
}

// waitFirstByte waits until the byte at offset 0 of path changes or the process ends (reported
// on waited, which then holds its result again); it reports whether the byte changed first.
func waitFirstByte(t *testing.T, path string, waited chan error) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	for {
		select {
		case err := <-waited:
			waited <- err
			return false
		default:
		}
		if _, err := f.ReadAt(b, 0); err != nil {
			t.Fatal(err)
		}
		if b[0] != 0 {
			return true
		}
	}
}

// TestPatchScriptFromDevZero gives a script that never ends a line: the patch stops at the line
// bound at once instead of filling memory.
func TestPatchScriptFromDevZero(t *testing.T) {
	path := patchTestFile(t, "data.bin", make([]byte, 16))
	r := runCLI(t, "", "patch", path, "--script", "/dev/zero")
	if want := "mmhex: /dev/zero:1: line longer than 1 MiB"; r.code != 2 || !strings.HasPrefix(r.errOut, want) {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.errOut, want)
	}
}

// TestPatchUndoOfANameWithALineBreak patches a file whose name holds a line break followed by a
// patch line, with an undo file, and checks that the undo restores the file and writes nothing
// the name looks like.
func TestPatchUndoOfANameWithALineBreak(t *testing.T) {
	original := seededBytes(5, 64)
	path := patchTestFile(t, "d\n0x10 41414141", original)
	undo := filepath.Join(filepath.Dir(path), "u.undo")
	if r := runCLI(t, "", "patch", path, "0x20", "ffff", "--undo-file", undo); r.code != 0 {
		t.Fatalf("patch: exit %d: %s", r.code, r.errOut)
	}
	if r := runCLI(t, "", "patch", path, "--script", undo); r.code != 0 {
		t.Fatalf("undo: exit %d: %s", r.code, r.errOut)
	}
	if got := fileBytes(t, path); !bytes.Equal(got, original) {
		t.Errorf("after the undo the file is\n% x\nwant\n% x", got, original)
	}
}

// TestPatchRunningProgram patches a copy of sleep while it runs: the system refuses to write a
// running program (ETXTBSY), and the message says so in words, as the permission one does.
func TestPatchRunningProgram(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ETXTBSY for a running program is Linux's")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program to run")
	}
	b, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(testdir.New(t), "mysleep")
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	r := runCLI(t, "", "patch", path, "0", "7f")
	want := "mmhex: " + path + " is a running program, which the system does not let anyone write: stop it first, or patch a copy\n"
	if r.code != 1 || r.errOut != want {
		t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.errOut, want)
	}
}
