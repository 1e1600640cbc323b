package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/proctarget"
)

// TestProcWineSharedSection is the seed's lesson under Wine, driven from Linux: a DLL with a
// shared section, two Windows processes that load it, and mmhex.exe (the Windows build) attached
// to the first one: regions lists the DLL's section, dump and watch see what the second process
// writes, and a patch through the first is what the second then reads. The Windows test binaries
// cannot build the DLL themselves (Wine runs the Linux compiler badly from a Windows process),
// so this Linux test builds everything and runs it under Wine.
func TestProcWineSharedSection(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Wine: several seconds")
	}
	const wine = "/usr/lib/wine/wine64"
	if _, err := os.Stat(wine); err != nil {
		t.Skip("Wine is not installed (bash .ci/wine.sh setup installs it)")
	}
	dir := t.TempDir()
	proctarget.Build(t, "x86_64-w64-mingw32-gcc", dir, "myshr.dll", proctarget.SharedDLLSource, "-shared", "-Wl,--out-implib,"+filepath.Join(dir, "libmyshr.a"))
	user := proctarget.Build(t, "x86_64-w64-mingw32-gcc", dir, "user.exe", proctarget.SharedUserSource, "-L"+dir, "-lmyshr")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", filepath.Join(root, ".ci/wine.sh"), "setup").CombinedOutput(); err != nil {
		t.Fatalf("wine.sh setup: %v\n%s", err, out)
	}
	out, err := exec.Command("bash", filepath.Join(root, ".ci/wine.sh"), "env").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range strings.Fields(strings.TrimPrefix(strings.TrimSpace(string(out)), "export ")) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, strings.ReplaceAll(v, `\,`, ","))
	}
	mmhexExe := filepath.Join(dir, "mmhex.exe")
	build := exec.Command("go", "build", "-o", mmhexExe, "github.com/mmhex/mmhex")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build for Windows: %v\n%s", err, out)
	}
	mmhex := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(wine, append([]string{mmhexExe}, args...)...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(stdout.String(), "\r\n", "\n"), stderr.String(), code
	}

	a := proctarget.Start(t, wine, nil, user)
	b := proctarget.Start(t, wine, nil, user)
	if a.Addr != b.Addr {
		t.Fatalf("the DLL's int is at 0x%x in one process and 0x%x in the other", a.Addr, b.Addr)
	}
	pid, addr := strconv.Itoa(a.Pid), hexAddr(a.Addr)

	regions, stderr, code := mmhex("regions", "-p", pid)
	var section string
	for _, line := range strings.Split(regions, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasSuffix(strings.ToLower(line), `\myshr.dll`) {
			continue
		}
		lo, hi, _ := strings.Cut(f[0], "-")
		start, _ := strconv.ParseInt(lo, 16, 64)
		end, _ := strconv.ParseInt(hi, 16, 64)
		if a.Addr >= start && a.Addr < end {
			section = line
		}
	}
	if code != 0 || !strings.HasPrefix(strings.Fields(section + " x x")[1], "rw") {
		t.Fatalf("regions (exit %d, %s): no writable region of myshr.dll holds 0x%x:\n%s", code, stderr, a.Addr, regions)
	}

	if out, stderr, _ := mmhex("dump", "-p", pid, "--offset", addr, "--length", "4"); !strings.Contains(out, ": e703 0000") {
		t.Errorf("dump -p: %q (%s), want e703 0000", out, stderr)
	}
	watch := exec.Command(wine, mmhexExe, "watch", "-p", pid, "--offset", addr, "--length", "4", "--interval", "1ms", "--count", "1")
	watchErr := &syncBuffer{}
	watch.Stderr = watchErr
	watchOut, err := watch.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	defer watch.Process.Kill()
	watchErr.waitFor(t, "mmhex: watching process "+pid)
	b.Send("+") // the second process counts 999 -> 1000 in the shared section
	line, err := bufio.NewReader(watchOut).ReadString('\n')
	if want := addr + " e7 -> e8"; err != nil || !strings.Contains(line, want) {
		t.Errorf("watch -p on the first process printed %q (%v, %s), want %q", line, err, watchErr.String(), want)
	}
	watch.Wait()
	if out, _, _ := mmhex("search", "-p", pid, "i32le:1000"); !strings.Contains(out, addr+"\n") {
		t.Errorf("search -p: %q, want %s among the matches", out, addr)
	}
	if out, stderr, code := mmhex("patch", "-p", pid, addr, "i32le:7000", "--expect", "i32le:1000"); code != 0 {
		t.Fatalf("patch -p: exit %d, %q, %s", code, out, stderr)
	}
	if got := b.Send("p"); got != 7000 {
		t.Errorf("after patch -p through the first process, the second reads %d, want 7000", got)
	}
}
