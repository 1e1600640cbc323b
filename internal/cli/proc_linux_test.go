package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/mmhex/mmhex/internal/proctarget"
)

// startCounter builds the C counter (gcc) and starts it; args ask it for a big heap.
func startCounter(t *testing.T, args ...string) *proctarget.Target {
	t.Helper()
	exe := proctarget.Build(t, "gcc", t.TempDir(), "counter", proctarget.CounterSource)
	want := []string{"heap"}
	if len(args) > 0 {
		want = append(want, "big")
	}
	return proctarget.Start(t, exe, want, args...)
}

func hexAddr(a int64) string { return fmt.Sprintf("0x%x", a) }

func TestProcRegionsListsHeapStackAndBinary(t *testing.T) {
	tg := startCounter(t)
	pid := strconv.Itoa(tg.Pid)
	r := runCLI(t, "", "regions", "-p", pid)
	if r.code != 0 {
		t.Fatalf("regions exit %d: %s", r.code, r.errOut)
	}
	exe, _ := os.Readlink("/proc/" + pid + "/exe")
	var heap, stack, binary bool
	for _, line := range strings.Split(strings.TrimSpace(r.out), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || len(f[1]) != 4 || !strings.HasSuffix(f[2], "K") || !strings.Contains(f[0], "-") {
			t.Fatalf("line %q: want START-END PERMS SIZE NAME", line)
		}
		name := strings.Join(f[3:], " ")
		heap = heap || name == "[heap]" && f[1] == "rw-p"
		stack = stack || name == "[stack]"
		binary = binary || name == exe && f[1] == "rw-p"
	}
	if !heap || !stack || !binary {
		t.Errorf("regions lists heap %v, stack %v, the binary's data %v; want all:\n%s", heap, stack, binary, r.out)
	}
	js := runCLI(t, "", "regions", "-p", pid, "--json")
	first := strings.SplitN(js.out, "\n", 2)[0]
	var line regionLine
	if err := json.Unmarshal([]byte(first), &line); err != nil || line.End <= line.Start || line.Perms == "" || line.Name == "" {
		t.Errorf("regions --json first line %q: %v", first, err)
	}
}

func TestProcDumpWatchAndPatchAnInt(t *testing.T) {
	tg := startCounter(t)
	pid, addr := strconv.Itoa(tg.Pid), hexAddr(tg.Addr)

	r := runCLI(t, "", "dump", "-p", pid, "--offset", addr, "--length", "4")
	if want := fmt.Sprintf("%08x: e703 0000", tg.Addr); r.code != 0 || !strings.HasPrefix(r.out, want) {
		t.Errorf("dump printed %q (exit %d, %s), want it to start %q", r.out, r.code, r.errOut, want)
	}

	watching := startRun(t, "watch", "-p", pid, "--offset", addr, "--length", "4", "--json", "--interval", "1ms", "--count", "1")
	watching.stderr.waitFor(t, "mmhex: watching process "+pid)
	if got := tg.Send("+"); got != 1000 {
		t.Fatalf("the target counts %d, want 1000", got)
	}
	got := watching.readJSON(t)
	got.Time = ""
	if want := (watchLine{Offset: tg.Addr, Length: 1, Old: "e7", New: "e8"}); got != want {
		t.Errorf("watch -p reported %+v, want %+v", got, want)
	}
	if code := watching.wait(t); code != 0 {
		t.Errorf("watch exited %d: %s", code, watching.stderr.String())
	}

	r = runCLI(t, "", "patch", "-p", pid, addr, "i32le:5000", "--expect", "i32le:999")
	if r.code != 1 || !strings.Contains(r.errOut, "expect") {
		t.Errorf("patch with a wrong --expect: exit %d, stderr %q; want 1 and the expectation named", r.code, r.errOut)
	}
	r = runCLI(t, "", "patch", "-p", pid, addr, "i32le:5000", "--expect", "i32le:1000")
	if r.code != 0 || r.errOut != "patched process "+pid+": 2 bytes in 1 run changed by 1 patch\n" {
		t.Errorf("patch: exit %d, stderr %q", r.code, r.errOut)
	}
	if got := tg.Send("p"); got != 5000 {
		t.Errorf("after patch -p the target prints %d, want 5000", got)
	}
}

func TestProcPatchCodeNeedsForce(t *testing.T) {
	tg := startCounter(t)
	pid := strconv.Itoa(tg.Pid)
	exe, _ := os.Readlink("/proc/" + pid + "/exe")
	r := runCLI(t, "", "regions", "-p", pid)
	var start string
	for _, line := range strings.Split(r.out, "\n") {
		if f := strings.Fields(line); len(f) >= 4 && f[1] == "r--p" && f[3] == exe {
			start = "0x" + strings.Split(f[0], "-")[0]
			break
		}
	}
	if start == "" {
		t.Fatalf("no read-only region of %s:\n%s", exe, r.out)
	}
	// Bytes 9..15 of the ELF header are padding that nothing reads.
	addr, _ := strconv.ParseInt(strings.TrimPrefix(start, "0x"), 16, 64)
	at := hexAddr(addr + 9)
	r = runCLI(t, "", "patch", "-p", pid, at, "4d4d")
	if r.code != 1 || !strings.Contains(r.errOut, "--force") {
		t.Errorf("patch of a read-only page: exit %d, stderr %q; want 1 and --force named", r.code, r.errOut)
	}
	r = runCLI(t, "", "patch", "-p", pid, at, "4d4d", "--force")
	if r.code != 0 {
		t.Fatalf("patch --force: exit %d, stderr %q", r.code, r.errOut)
	}
	if d := runCLI(t, "", "dump", "-p", pid, "--offset", at, "--length", "2"); !strings.Contains(d.out, ": 4d4d") {
		t.Errorf("after patch --force the bytes are %q, want 4d4d", d.out)
	}
	if got := tg.Send("+"); got != 1000 {
		t.Errorf("the target counts %d after the forced patch, want 1000", got)
	}
}

// TestProcSearchNarrowsToTheVariable finds 999, lets the program count to 1000, searches 1000
// among the first matches, and is left with the int's address.
func TestProcSearchNarrowsToTheVariable(t *testing.T) {
	tg := startCounter(t)
	pid := strconv.Itoa(tg.Pid)
	first := runCLI(t, "", "search", "-p", pid, "i32le:999")
	if first.code != 0 || !strings.Contains(first.out, hexAddr(tg.Addr)+"\n") {
		t.Fatalf("search 999: exit %d, %q, stderr %q; want %s among the matches", first.code, first.out, first.errOut, hexAddr(tg.Addr))
	}
	among := filepath.Join(t.TempDir(), "first.txt")
	if err := os.WriteFile(among, []byte(first.out), 0o644); err != nil {
		t.Fatal(err)
	}
	tg.Send("+")
	second := runCLI(t, "", "search", "-p", pid, "i32le:1000", "--among", among)
	if second.code != 0 || second.out != hexAddr(tg.Addr)+"\n" {
		t.Errorf("search 1000 --among: exit %d, %q, stderr %q; want only %s", second.code, second.out, second.errOut, hexAddr(tg.Addr))
	}
	// The --json output of a search is a list for --among as well.
	js := runCLI(t, "", "search", "-p", pid, "e8 03 ?? 00", "--json", "--region", dataRegion(t, pid))
	if want := fmt.Sprintf(`{"offset":%d,"bytes":"e8030000"}`+"\n", tg.Addr); js.out != want {
		t.Errorf("search --json --region: %q, want %q (stderr %q)", js.out, want, js.errOut)
	}
	if err := os.WriteFile(among, []byte(js.out), 0o644); err != nil {
		t.Fatal(err)
	}
	tg.Send("+")
	if r := runCLI(t, "", "search", "-p", pid, "i32le:1001", "--among", among); r.out != hexAddr(tg.Addr)+"\n" {
		t.Errorf("search --among a --json list: %q, stderr %q", r.out, r.errOut)
	}
	if r := runCLI(t, "", "search", "-p", pid, "i32le:999", "--among", among); r.code != 1 || r.out != "" {
		t.Errorf("search with no match: exit %d, %q; want exit 1 and nothing", r.code, r.out)
	}
}

// dataRegion returns the index of the binary's writable region in the regions list.
func dataRegion(t *testing.T, pid string) string {
	t.Helper()
	exe, _ := os.Readlink("/proc/" + pid + "/exe")
	for i, line := range strings.Split(runCLI(t, "", "regions", "-p", pid).out, "\n") {
		if f := strings.Fields(line); len(f) >= 4 && f[1] == "rw-p" && f[3] == exe {
			return strconv.Itoa(i)
		}
	}
	t.Fatalf("no writable region of %s", exe)
	return ""
}

func TestProcWatchStopsWhenTheProcessExits(t *testing.T) {
	tg := startCounter(t)
	pid := strconv.Itoa(tg.Pid)
	watching := startRun(t, "watch", "-p", pid, "--offset", hexAddr(tg.Addr), "--length", "4", "--interval", "1ms")
	watching.stderr.waitFor(t, "mmhex: watching process "+pid)
	tg.Stop()
	if code := watching.wait(t); code != 0 || !strings.Contains(watching.stderr.String(), "the process exited: stopped watching") {
		t.Errorf("watch after the target exited: exit %d, stderr %q", code, watching.stderr.String())
	}
}

func TestProcErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"regions", "-p", "1073741824"}, 1, "no process 1073741824: check the id"},
		{[]string{"regions"}, 2, "no process given"},
		{[]string{"dump", "-p", "1", "--offset", "end-4"}, 2, "a process has no end"},
		{[]string{"search", "-p", "1", "-n", "x", "00"}, 2, "give one"},
		{[]string{"search", "f.bin", "00", "--all"}, 2, "use them with -p PID"},
		{[]string{"search", "-p", "1", "i33le:5"}, 2, "unknown type"},
		{[]string{"patch", "f.bin", "0", "00", "--force"}, 2, "use it with -p PID"},
	} {
		r := runCLI(t, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.errOut, tc.want) {
			t.Errorf("mmhex %s: exit %d, stderr %q; want %d and %q", strings.Join(tc.args, " "), r.code, r.errOut, tc.code, tc.want)
		}
	}
}

// TestProcRefusedAsNobody runs regions as nobody against a process of root's: the kernel's
// ptrace rule refuses, and the message says so.
func TestProcRefusedAsNobody(t *testing.T) {
	if pid := os.Getenv("MMHEX_TEST_ROOT_PID"); pid != "" {
		r := runCLI(t, "", "regions", "-p", pid)
		want := "permission denied: the kernel lets a process at another's memory only as the same user with a dumpable target, or as root (CAP_SYS_PTRACE)"
		if r.code != 1 || !strings.Contains(r.errOut, want) {
			t.Fatalf("as nobody: exit %d, stderr %q; want 1 and %q", r.code, r.errOut, want)
		}
		if scope, err := os.ReadFile("/proc/sys/kernel/yama/ptrace_scope"); err == nil && !strings.Contains(r.errOut, "kernel.yama.ptrace_scope is "+strings.TrimSpace(string(scope))) {
			t.Errorf("stderr %q does not name kernel.yama.ptrace_scope", r.errOut)
		}
		return
	}
	if os.Getuid() != 0 {
		t.Skip("needs root: runs itself as nobody against a process of root's")
	}
	tg := startCounter(t)
	dir, err := os.MkdirTemp("", "mmhex-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	exe, _ := os.Executable()
	bin := filepath.Join(dir, "test.bin")
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run", "^TestProcRefusedAsNobody$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MMHEX_TEST_ROOT_PID="+strconv.Itoa(tg.Pid), "HOME="+dir)
	setNobody(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestProcRefusedAsNobody") {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

// BenchmarkProcSearch searches the writable memory of a process with a 256 MiB heap, resident
// and filled with 0x01 bytes, for the one int 424242 in it, as 'mmhex search -p PID i32le:424242'
// does. It reports the speed over the bytes searched.
func BenchmarkProcSearch(b *testing.B) {
	exe := proctarget.Build(b, "gcc", b.TempDir(), "counter", proctarget.CounterSource)
	tg := proctarget.Start(b, exe, []string{"heap", "big"}, "256")
	pid := strconv.Itoa(tg.Pid)
	want := hexAddr(tg.Info["big"]) + "\n"
	var out, errOut strings.Builder
	for b.Loop() {
		out.Reset()
		if code := Run([]string{"search", "-p", pid, "i32le:424242"}, nil, &out, &errOut); code != 0 || !strings.Contains(out.String(), want) {
			b.Fatalf("search: exit %d, %q, %s; want %s among the matches", code, out.String(), errOut.String(), want)
		}
	}
	var searched int64
	out.Reset()
	Run([]string{"regions", "-p", pid, "--json"}, nil, &out, &errOut)
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var reg regionLine
		if json.Unmarshal([]byte(line), &reg) == nil && strings.HasPrefix(reg.Perms, "rw") {
			searched += reg.End - reg.Start
		}
	}
	b.ReportMetric(float64(searched)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
	b.ReportMetric(float64(searched>>20), "MiB-searched")
}

// BenchmarkProcWatchLatency measures, end to end, how long after this process stores a byte into
// its own memory `mmhex watch -p THIS --json --interval 1ms`, running as another process, prints
// it: BenchmarkWatchLatency's harness with process memory in place of a named mapping. Run it
// with -benchtime=200x; it reports the median and the 99th percentile.
func BenchmarkProcWatchLatency(b *testing.B) {
	page := make([]byte, 4096)
	addr := int64(uintptr(unsafe.Pointer(&page[0])))
	target := []string{"-p", strconv.Itoa(os.Getpid()), "--offset", hexAddr(addr), "--length", "4096"}
	measureWatchLatency(b, target, func() string {
		atomic.AddUint32((*uint32)(unsafe.Pointer(&page[0])), 1)
		return fmt.Sprintf(`"offset":%d,"length":1,`, addr)
	})
}
