package main

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
	"testing"
	"time"

	"github.com/mmhex/mmhex/mmap"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"4096", 4096}, {"0", 0}, {"0x1000", 4096}, {"0X10", 16}, {"64K", 64 << 10}, {"64k", 64 << 10},
		{"1M", 1 << 20}, {"2MiB", 2 << 20}, {"1G", 1 << 30}, {"0x10K", 16 << 10}, {"010", 10}, {" 12 ", 12},
	}
	for _, tt := range tests {
		if got, err := parseByteSize(tt.in); got != tt.want || err != nil {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "K", "-1", "1.5M", "12 K", "1MK", "0x", "ten", "9223372036854775807K", "1T"} {
		if got, err := parseByteSize(bad); err == nil {
			t.Errorf("parseByteSize(%q) = %d, want an error", bad, got)
		}
	}
}

func TestCreateUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no name", []string{"create"}, "mmhex: give one mapping name (usage: mmhex create [--size N] [--demo] NAME; see 'mmhex create --help')"},
		{"two names", []string{"create", "a", "b"}, "give one mapping name"},
		{"bad size", []string{"create", "--size", "lots", "x"}, `mmhex: --size "lots": want a positive number of bytes such as 4096, 64K, 1M or 0x1000`},
		{"zero size", []string{"create", "--size", "0", "x"}, `--size "0"`},
		{"demo too small", []string{"create", "--demo", "--size", "16", "x"}, "mmhex: --demo needs at least 64 bytes, --size is 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), tt.wantErr) || stdout.Len() != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, and %q", code, stdout.String(), stderr.String(), tt.wantErr)
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
	code := run([]string{"create", "--size", "8K", name}, strings.NewReader(""), &stdout, &stderr)
	if want := "mmhex: " + name + " already exists: another process holds it\n"; code != 1 || stderr.String() != want || stdout.Len() != 0 {
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

// TestCreateReleasesTheNameOnInterrupt sends Ctrl-C's signal to a running create: the name must
// be gone from /dev/shm afterwards.
func TestCreateReleasesTheNameOnInterrupt(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/shm and a way to send SIGINT to another process (Linux)")
	}
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
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("create after SIGINT: %v, want exit 0", err)
	}
	if _, err := os.Stat(filepath.Join("/dev/shm", name)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after SIGINT: stat /dev/shm/%s = %v, want it removed", name, err)
	}
	if want := `released named mapping "` + name + `"`; !strings.Contains(stdout.String(), want) {
		t.Errorf("create printed:\n%s\nwant it to say %q", stdout.String(), want)
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
	if code := run([]string{"create", "--help"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
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
