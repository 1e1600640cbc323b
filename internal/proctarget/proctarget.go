// Package proctarget builds and runs the small C programs whose memory the process-memory tests
// read and write: real targets that no test of ours fakes. It is test support, not product code.
package proctarget

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// CounterSource is a C program with an int, value, in its data section. It prints "pid PID",
// "addr 0xADDR" (the int's address) and "heap 0xADDR" (a small block of its heap), then for each
// line on stdin: "+" adds one to value, "p" does nothing; either way it prints "value N". With an
// argument M it first fills M MiB of heap (brk, not mmap) with 0x01 bytes, with the int 424242
// in its middle, and prints "big 0xADDR" (that int's address).
const CounterSource = `
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int value = 999;

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	char *small = malloc(1000);
	memset(small, 0x5a, 1000);
	printf("pid %d\naddr %p\nheap %p\n", (int)getpid(), (void *)&value, (void *)small);
	if (argc > 1) {
		size_t size = (size_t)atol(argv[1]) << 20;
		mallopt(M_MMAP_MAX, 0);
		mallopt(M_TOP_PAD, 0);
		char *big = malloc(size);
		if (big == NULL) { perror("malloc"); return 1; }
		memset(big, 1, size);
		int *mid = (int *)(big + size / 2);
		*mid = 424242;
		printf("big %p\n", (void *)mid);
	}
	char line[64];
	while (fgets(line, sizeof line, stdin) != NULL) {
		if (line[0] == '+') {
			value++;
		}
		printf("value %d\n", *(volatile int *)&value);
	}
	return 0;
}
`

// SharedDLLSource is a Windows DLL with a shared section holding one int, the seed's lesson's
// #pragma data_seg("MY_DATA") + /SECTION:MY_DATA,RWS written for MinGW.
const SharedDLLSource = `
__attribute__((section(".myshr"), shared)) int g_nNum = 999;
__declspec(dllexport) int *shared_num(void) { return &g_nNum; }
`

// SharedUserSource is a Windows program that loads the shared-section DLL and behaves as
// CounterSource does on its int: "pid PID", "addr 0xADDR", then "+" or "p" lines, "value N".
const SharedUserSource = `
#include <stdio.h>
#include <windows.h>
__declspec(dllimport) int *shared_num(void);
int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	volatile int *n = shared_num();
	printf("pid %lu\naddr %p\n", (unsigned long)GetCurrentProcessId(), (void *)n);
	char line[64];
	while (fgets(line, sizeof line, stdin) != NULL) {
		if (line[0] == '+') {
			(*n)++;
		}
		printf("value %d\n", *n);
	}
	return 0;
}
`

// Build compiles the C source with compiler (gcc, x86_64-w64-mingw32-gcc) and the extra
// arguments into dir/out, skipping the test when the compiler is missing.
func Build(t testing.TB, compiler, dir, out, source string, args ...string) string {
	t.Helper()
	if compiler == "gcc" && strconv.IntSize == 32 {
		t.Skip("a 32-bit mmhex cannot reach the addresses of the 64-bit C target gcc builds")
	}
	cc, err := exec.LookPath(compiler)
	if err != nil {
		t.Skipf("%s is not installed: the process-memory tests build a real C target with it (apt-get install gcc / gcc-mingw-w64-x86-64)", compiler)
	}
	src := filepath.Join(dir, strings.TrimSuffix(out, filepath.Ext(out))+".c")
	if err := os.WriteFile(src, []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, out)
	cmd := exec.Command(cc, append([]string{"-O1", "-o", exe, src}, args...)...)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", compiler, src, err, msg)
	}
	return exe
}

// Target is a running C target.
type Target struct {
	t    testing.TB
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	Pid  int
	Addr int64            // the address of its int
	Info map[string]int64 // every "KEY 0xADDR" line it printed at start
}

// Start runs exe with args and reads what it prints at start, up to and including the keys
// wanted (besides pid and addr). The target is killed when the test ends.
func Start(t testing.TB, exe string, want []string, args ...string) *Target {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tg := &Target{t: t, cmd: cmd, in: in, out: bufio.NewReader(out), Info: map[string]int64{}}
	t.Cleanup(func() { tg.Stop() })
	for _, key := range append([]string{"pid", "addr"}, want...) {
		line := tg.line()
		k, v, _ := strings.Cut(line, " ")
		if k != key {
			t.Fatalf("target printed %q, want a %q line", line, key)
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToLower(v), "0x"), map[bool]int{true: 10, false: 16}[key == "pid"], 64)
		if err != nil {
			t.Fatalf("target printed %q: %v", line, err)
		}
		tg.Info[key] = n
	}
	tg.Pid, tg.Addr = int(tg.Info["pid"]), tg.Info["addr"]
	return tg
}

// line returns the next line the target prints, without its line ending.
func (tg *Target) line() string {
	tg.t.Helper()
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := tg.out.ReadString('\n')
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			tg.t.Fatalf("reading the target: %v", r.err)
		}
		return strings.TrimRight(r.s, "\r\n")
	case <-time.After(time.Minute):
		tg.t.Fatal("the target printed nothing for a minute")
	}
	return ""
}

// Send writes a command line ("+", "p") and returns the value the target then prints.
func (tg *Target) Send(command string) int {
	tg.t.Helper()
	if _, err := fmt.Fprintln(tg.in, command); err != nil {
		tg.t.Fatal(err)
	}
	line := tg.line()
	var n int
	if _, err := fmt.Sscanf(line, "value %d", &n); err != nil {
		tg.t.Fatalf("target printed %q, want value N", line)
	}
	return n
}

// Stop ends the target and waits for it.
func (tg *Target) Stop() {
	tg.in.Close()
	tg.cmd.Process.Kill()
	tg.cmd.Wait()
}
