package cli

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mmhex/mmhex/mmap"
)

func TestCreateUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		goos    string // the only system the case runs on; "" for all
		args    []string
		wantErr string
	}{
		{"no name", "", []string{"create"}, "mmhex: give one mapping name (usage: mmhex create [--size N] [--demo] NAME; see 'mmhex create --help')"},
		{"two names", "", []string{"create", "a", "b"}, "mmhex: give one mapping name"},
		{"bad size", "", []string{"create", "--size", "lots", "x"}, `mmhex: --size "lots": give a decimal number (4096) or 0x hex (0x1000), optionally with a K, M or G suffix (64K)`},
		{"huge size", "", []string{"create", "--size", "9223372036854775807K", "x"}, `mmhex: --size "9223372036854775807K": more than the largest possible size, 0x7fffffffffffffff bytes`},
		{"zero size", "", []string{"create", "--size", "0", "x"}, `mmhex: --size "0": a mapping needs at least 1 byte`},
		{"demo too small", "", []string{"create", "--demo", "--size", "16", "x"}, "mmhex: --demo needs at least 64 bytes, --size is 16"},
		{"empty name", "linux", []string{"create", ""}, `mmhex: "": invalid mapping name: a name cannot be empty, . or ..: use a name like myapp-shared`},
		{"dot", "linux", []string{"create", "."}, `mmhex: ".": invalid mapping name: a name cannot be empty, . or ..: use a name like myapp-shared`},
		{"name with a slash", "linux", []string{"create", "a/b"}, `mmhex: "a/b": invalid mapping name: use a name without slashes, like myapp-shared`},
		{"empty name", "windows", []string{"create", ""}, `mmhex: "": invalid mapping name: use a name like MyAppShared`},
		{"name with a backslash", "windows", []string{"create", `a\b`}, `mmhex: "a\\b": invalid mapping name: use a name like MyAppShared`},
	}
	for _, tt := range tests {
		if tt.goos != "" && tt.goos != runtime.GOOS {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != 2 || !strings.HasPrefix(stderr.String(), tt.wantErr) || strings.Count(stderr.String(), "\n") != 1 || stdout.Len() != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, and one line starting %q", code, stdout.String(), stderr.String(), tt.wantErr)
			}
		})
	}
}

// TestCreateRefusesAnExistingName is the single-instance check.
func TestCreateRefusesAnExistingName(t *testing.T) {
	if !namedMappingsSupported() {
		t.Skipf("named mappings are not supported on %s", runtime.GOOS)
	}
	name := uniqueMappingName()
	holder, err := mmap.CreateNamed(name, 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.WriteAt([]byte("kept"), 0); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Run([]string{"create", "--size", "8K", name}, strings.NewReader(""), &stdout, &stderr)
	want := "mmhex: " + name + " already exists: another process holds it\n"
	if runtime.GOOS == "linux" {
		want = "mmhex: " + name + " already exists: another process holds it (if none does, remove /dev/shm/" + name + ")\n"
	}
	if code != 1 || stderr.String() != want || stdout.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, %q", code, stdout.String(), stderr.String(), want)
	}
	got := make([]byte, 4)
	if _, err := holder.ReadAt(got, 0); err != nil || string(got) != "kept" {
		t.Errorf("the holder's memory reads %q, %v after the refused create; want it untouched", got, err)
	}
}

// startCreate runs `mmhex create args...` as another process and waits until it holds the mapping.
func startCreate(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := liveHelper("mmhex", append([]string{"create"}, args...)...)
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	stdout.waitFor(t, "holding it until Ctrl-C\n")
	if stderr.String() != "" {
		t.Errorf("create wrote to stderr: %q", stderr.String())
	}
	return cmd, stdout
}

// TestCreateReleasesTheNameOnSignals stops a running create the ways a user does: Ctrl-C
// (SIGINT), kill (SIGTERM) and closing its terminal (SIGHUP). The name must be gone from /dev/shm
// afterwards, or a later create would take it for another holder's.
func TestCreateReleasesTheNameOnSignals(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/shm and a way to send signals to another process (Linux)")
	}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			name := uniqueMappingName()
			cmd, stdout := startCreate(t, "--size", "64K", name)
			info, err := os.Stat(filepath.Join("/dev/shm", name))
			if err != nil || info.Size() != 64<<10 {
				t.Fatalf("while create holds it: stat /dev/shm/%s = %v, %v; want 65536 bytes", name, info, err)
			}
			wantStart := `created named mapping "` + name + `": 65536 bytes` + "\nattach from another terminal:\n  mmhex -n " + name
			if !strings.HasPrefix(stdout.String(), wantStart) {
				t.Errorf("create printed:\n%s\nwant it to start with:\n%s", stdout.String(), wantStart)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("create after %v: %v, want exit 0", sig, err)
			}
			if _, err := os.Stat(filepath.Join("/dev/shm", name)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("after %v: stat /dev/shm/%s = %v, want it removed", sig, name, err)
			}
			if want := `released named mapping "` + name + `": the name is removed; processes still attached keep their memory` + "\n"; !strings.HasSuffix(stdout.String(), want) {
				t.Errorf("create printed:\n%s\nwant it to say %q", stdout.String(), want)
			}
		})
	}
}

// TestCreateLeavesAReplacedNameAlone: while create holds its name, someone removes it and
// creates their own mapping under it. Releasing must not remove theirs, however create ends.
func TestCreateLeavesAReplacedNameAlone(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/shm and a way to send signals to another process (Linux)")
	}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			name := uniqueMappingName()
			path := filepath.Join("/dev/shm", name)
			cmd, stdout := startCreate(t, name)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte("theirs"), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Remove(path) })
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("create after %v: %v, want exit 0", sig, err)
			}
			if got, err := os.ReadFile(path); err != nil || string(got) != "theirs" {
				t.Errorf("after %v, %s holds %q, %v; want the other mapping, untouched", sig, path, got, err)
			}
			want := `released named mapping "` + name + `"; ` + path + " is now another process's mapping, made after this one: left it in place\n"
			if !strings.HasSuffix(stdout.String(), want) {
				t.Errorf("create printed:\n%s\nwant it to end with %q", stdout.String(), want)
			}
		})
	}
}

func TestCreateDemo(t *testing.T) {
	if !namedMappingsSupported() {
		t.Skipf("named mappings are not supported on %s", runtime.GOOS)
	}
	name := uniqueMappingName()
	cmd, _ := startCreate(t, "--demo", name)
	m, err := mmap.OpenNamed(name, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	read := func() []byte {
		b := make([]byte, demoEnd)
		if _, err := m.ReadAt(b, 0); err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := read()
	for _, v := range []struct {
		off  int
		want uint32
	}{{0, 999}, {4, 666}, {16, 999}} {
		if got := binary.LittleEndian.Uint32(first[v.off:]); got != v.want {
			t.Errorf("int32 at %d = %d, want %d", v.off, got, v.want)
		}
	}
	// The counter moves every 100 ms; wait for one step, however slow the machine.
	var later []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if later = read(); !bytes.Equal(later[demoCounterAt:demoCounterAt+4], first[demoCounterAt:demoCounterAt+4]) {
			break
		}
	}
	before, after := binary.LittleEndian.Uint32(first[demoCounterAt:]), binary.LittleEndian.Uint32(later[demoCounterAt:])
	if after <= before {
		t.Fatalf("counter went from %d to %d, want it to increase", before, after)
	}
	stamp := time.Unix(0, int64(binary.LittleEndian.Uint64(later[demoTimeAt:])))
	if age := time.Since(stamp); age < -time.Minute || age > time.Minute {
		t.Errorf("timestamp %v is not about now", stamp)
	}
	text := string(bytes.TrimRight(later[demoTextAt:demoEnd], "\x00"))
	if !slices.Contains(demoWords, text) {
		t.Errorf("text %q is not one of the demo words %q", text, demoWords)
	}
	if runtime.GOOS != "windows" {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("create --demo after SIGINT: %v, want exit 0", err)
		}
	}
}

// TestCreateHelpDescribesTheDemoLayout keeps the help text and the demo's offsets together.
func TestCreateHelpDescribesTheDemoLayout(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"create", "--help"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("create --help: exit %d, %s", code, stderr.String())
	}
	lines := bufio.NewScanner(&stdout)
	var layout []string
	for lines.Scan() {
		if f := strings.Fields(lines.Text()); len(f) >= 2 && strings.HasPrefix(f[0], "0x") {
			layout = append(layout, f[0]+" "+f[1])
		}
	}
	want := []string{"0x00 int32", "0x04 int32", "0x10 int32", "0x20 uint32", "0x28 uint64", "0x30 16"}
	if !slices.Equal(layout[:min(len(layout), len(want))], want) {
		t.Errorf("help lists the layout %q, want %q", layout, want)
	}
	if demoCounterAt != 0x20 || demoTimeAt != 0x28 || demoTextAt != 0x30 || demoTextLen != 16 {
		t.Errorf("demo layout constants moved away from the help text")
	}
}
