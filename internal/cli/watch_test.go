package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/watch"
)

// liveRoleEnv names the role a re-executed test binary plays in the create and watch tests.
const liveRoleEnv = "MMHEX_LIVE_TEST_ROLE"

// TestLiveHelperProcess is the second process of the create and watch tests, started by
// liveHelper: role "mmhex" runs mmhex with the arguments after "--"; role "writer" writes
// liveSteps into a file or named mapping, one step per line read from stdin.
func TestLiveHelperProcess(t *testing.T) {
	role := os.Getenv(liveRoleEnv)
	if role == "" {
		t.Skip("the second process of the create and watch tests; they start it")
	}
	switch role {
	case "mmhex":
		os.Exit(Run(flag.Args(), os.Stdin, os.Stdout, os.Stderr))
	case "writer":
		if err := runLiveWriter(flag.Arg(0), flag.Arg(1)); err != nil {
			fmt.Fprintln(os.Stderr, "writer:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	fmt.Fprintf(os.Stderr, "unknown role %q\n", role)
	os.Exit(2)
}

// liveHelper returns the command that re-executes the test binary in role with args.
func liveHelper(role string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestLiveHelperProcess$", "--"}, args...)...)
	// A race-enabled child would otherwise sleep a second before exiting.
	cmd.Env = append(os.Environ(), liveRoleEnv+"="+role, "GORACE=atexit_sleep_ms=0")
	return cmd
}

// watchLine is one line of mmhex watch --json.
type watchLine struct {
	Time   string `json:"time"`
	Offset int64  `json:"offset"`
	Length int    `json:"length"`
	Old    string `json:"old"`
	New    string `json:"new"`
}

// liveSteps is what the writer process writes into 4096 zero bytes, one step at a time, and the
// runs watch must report for each: only the bytes that really change, split where they do not.
var liveSteps = []struct {
	off  int64
	data []byte
	want []watchLine
}{
	{0, []byte{0xE7, 0x03, 0, 0}, []watchLine{{Offset: 0, Length: 2, Old: "0000", New: "e703"}}},        // int32 999
	{0, []byte{0xE8, 0x03, 0, 0}, []watchLine{{Offset: 0, Length: 1, Old: "e7", New: "e8"}}},            // 1000
	{100, []byte("hello"), []watchLine{{Offset: 100, Length: 5, Old: "0000000000", New: "68656c6c6f"}}}, // text
	{100, []byte("help!"), []watchLine{{Offset: 103, Length: 2, Old: "6c6f", New: "7021"}}},
	{200, []byte{0x11, 0, 0x22, 0, 0x33, 0, 0, 0x44}, []watchLine{
		{Offset: 200, Length: 1, Old: "00", New: "11"},
		{Offset: 202, Length: 1, Old: "00", New: "22"},
		{Offset: 204, Length: 1, Old: "00", New: "33"},
		{Offset: 207, Length: 1, Old: "00", New: "44"},
	}},
	{4094, []byte{1, 2}, []watchLine{{Offset: 4094, Length: 2, Old: "0000", New: "0102"}}}, // the last bytes
}

// runLiveWriter writes liveSteps into target, of kind "name" (a named mapping, through its own
// mapping) or "file" (with write(2)), one step for each line on stdin.
func runLiveWriter(kind, target string) error {
	var dst io.WriterAt
	switch kind {
	case "name":
		m, err := mmap.OpenNamed(target, mmap.ReadWrite)
		if err != nil {
			return err
		}
		defer m.Close()
		dst = m
	case "file":
		f, err := os.OpenFile(target, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		dst = f
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	in := bufio.NewScanner(os.Stdin)
	for _, step := range liveSteps {
		if !in.Scan() {
			return fmt.Errorf("stdin ended before all steps: %v", in.Err())
		}
		if _, err := dst.WriteAt(step.data, step.off); err != nil {
			return err
		}
	}
	return nil
}

// syncBuffer collects a command's stderr while it runs and lets a test wait for a line.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the buffer holds want, failing the test after a generous while.
func (b *syncBuffer) waitFor(t testing.TB, want string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if strings.Contains(b.String(), want) {
			return
		}
	}
	t.Fatalf("waited 20 s for %q; got:\n%s", want, b.String())
}

// running is an mmhex command running in-process, its stdout read line by line.
type running struct {
	stdout *bufio.Reader
	stderr *syncBuffer
	done   chan int
}

// startRun runs mmhex with args in a goroutine. The test ends it by the command's own limits
// (--count, --duration); at cleanup, closing its stdout makes a command still writing stop.
func startRun(t *testing.T, args ...string) *running {
	t.Helper()
	pr, pw := io.Pipe()
	r := &running{stdout: bufio.NewReader(pr), stderr: &syncBuffer{}, done: make(chan int, 1)}
	go func() {
		code := Run(args, strings.NewReader(""), pw, r.stderr)
		pw.Close()
		r.done <- code
	}()
	t.Cleanup(func() {
		pr.Close()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Errorf("mmhex %s still running at the end of the test", strings.Join(args, " "))
		}
	})
	return r
}

// readJSON reads one line of watch --json.
func (r *running) readJSON(t *testing.T) watchLine {
	t.Helper()
	text, err := r.stdout.ReadString('\n')
	if err != nil {
		t.Fatalf("reading watch's output: %v (stderr: %s)", err, r.stderr.String())
	}
	var line watchLine
	if err := json.Unmarshal([]byte(text), &line); err != nil {
		t.Fatalf("watch printed %q: %v", text, err)
	}
	return line
}

// wait returns the command's exit code once it ends.
func (r *running) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-r.done:
		r.done <- code
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("command still running after 30 s; stderr:\n%s", r.stderr.String())
		return -1
	}
}

func namedMappingsSupported() bool { return runtime.GOOS == "linux" || runtime.GOOS == "windows" }

func uniqueMappingName() string {
	return fmt.Sprintf("mmhex-test-%d-%d", os.Getpid(), time.Now().UnixNano())
}

func liveStepsRuns() int {
	n := 0
	for _, step := range liveSteps {
		n += len(step.want)
	}
	return n
}

// checkWatchSeesWriter starts the writer process on target, runs watch with watchArgs in-process
// and checks that each step of liveSteps comes out as exactly its runs, in order.
func checkWatchSeesWriter(t *testing.T, kind, target string, watchArgs ...string) {
	args := append([]string{"watch", "--json", "--interval", "2ms", "--duration", "60s",
		"--count", fmt.Sprint(liveStepsRuns())}, watchArgs...)
	watching := startRun(t, args...)
	watching.stderr.waitFor(t, "mmhex: watching ")

	writer := liveHelper("writer", kind, target)
	var writerErr bytes.Buffer
	writer.Stderr = &writerErr
	steps, err := writer.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		steps.Close()
		if err := writer.Wait(); err != nil {
			t.Errorf("writer process: %v\n%s", err, writerErr.String())
		}
	}()

	for i, step := range liveSteps {
		before := time.Now().Round(0)
		if _, err := io.WriteString(steps, "next\n"); err != nil {
			t.Fatalf("step %d: telling the writer: %v", i, err)
		}
		for _, want := range step.want {
			got := watching.readJSON(t)
			seen, err := time.Parse(time.RFC3339Nano, got.Time)
			if err != nil || seen.Before(before) || seen.After(time.Now()) {
				t.Errorf("step %d: time %q (%v): want an RFC 3339 time between the write and now", i, got.Time, err)
			}
			got.Time = ""
			if got != want {
				t.Fatalf("step %d (%d bytes at %d): got run %+v, want %+v", i, len(step.data), step.off, got, want)
			}
		}
	}
	if code := watching.wait(t); code != 0 {
		t.Errorf("watch exited %d after --count runs, want 0; stderr:\n%s", code, watching.stderr.String())
	}
	if rest, _ := io.ReadAll(watching.stdout); len(rest) > 0 {
		t.Errorf("watch printed more than the expected runs: %q", rest)
	}
}

// TestWatchSeesAnotherProcessThroughANamedMapping: this process creates a named mapping and
// watches it, another process attaches by name and writes.
func TestWatchSeesAnotherProcessThroughANamedMapping(t *testing.T) {
	if !namedMappingsSupported() {
		t.Skipf("named mappings are not supported on %s", runtime.GOOS)
	}
	name := uniqueMappingName()
	m, err := mmap.CreateNamed(name, 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	checkWatchSeesWriter(t, "name", name, "-n", name)
}

// TestWatchSeesWritesToAFile: another process writes the watched file with write(2), not through a
// mapping; the page cache shows it through ours.
func TestWatchSeesWritesToAFile(t *testing.T) {
	path := filepath.Join(testdir.New(t), "shared.bin")
	if err := os.WriteFile(path, make([]byte, 4096), 0o644); err != nil {
		t.Fatal(err)
	}
	checkWatchSeesWriter(t, "file", path, path)
}

// TestWatchTextFormat watches a range of a file and checks the text line of the change in it;
// writes outside the range must not be reported. end-16 names the byte that dump --offset end-16
// and patch end-16 start at: size−16.
func TestWatchTextFormat(t *testing.T) {
	type write struct {
		off  int64
		data []byte
	}
	tests := []struct {
		name          string
		offset, count string
		writes        []write
		wantStart     string // after "mmhex: watching PATH: "
		wantLine      string // after the time
	}{
		{"range", "0x100", "16", []write{{0x80, []byte{1}}, {0x102, []byte{0xAB, 0xCD}}},
			"16 bytes from 0x100, every 1ms", "0x00000102 0000 -> abcd"},
		{"from the end", "end-16", "1", []write{{0xfef, []byte{7, 7}}},
			"1 byte from 0xff0, every 1ms", "0x00000ff0 00 -> 07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(testdir.New(t), "data.bin")
			if err := os.WriteFile(path, make([]byte, 0x1000), 0o644); err != nil {
				t.Fatal(err)
			}
			watching := startRun(t, "watch", "--interval", "1ms", "--count", "1", "--duration", "60s", "--offset", tt.offset, "--length", tt.count, path)
			watching.stderr.waitFor(t, "mmhex: watching "+path+": "+tt.wantStart)
			f, err := os.OpenFile(path, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, w := range tt.writes {
				if _, err := f.WriteAt(w.data, w.off); err != nil {
					t.Fatal(err)
				}
			}
			line, err := watching.stdout.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if want := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} ` + tt.wantLine + `\n$`); !want.MatchString(line) {
				t.Errorf("watch printed %q, want a line matching %s", line, want)
			}
			if code := watching.wait(t); code != 0 {
				t.Errorf("exit code %d, want 0", code)
			}
		})
	}
}

func TestWatchFollowsAGrowingFile(t *testing.T) {
	path := filepath.Join(testdir.New(t), "log.bin")
	if err := os.WriteFile(path, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	watching := startRun(t, "watch", "--json", "--interval", "1ms", "--count", "1", "--duration", "60s", path)
	watching.stderr.waitFor(t, "mmhex: watching ")
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(make([]byte, 5000), 10); err != nil {
		t.Fatal(err)
	}
	// A write extends the file a page at a time, so watch may see it grow in more than one step.
	watching.stderr.waitFor(t, " to 5010 bytes: now watching 5010 bytes from 0x0\n")
	if !strings.HasPrefix(watching.stderr.String(), "mmhex: watching "+path+": 10 bytes from 0x0") ||
		!strings.Contains(watching.stderr.String(), "mmhex: "+path+" grew from 10 to ") {
		t.Errorf("stderr:\n%s\nwant the growth from 10 bytes noted", watching.stderr.String())
	}
	if _, err := f.WriteAt([]byte{0x7F}, 4999); err != nil {
		t.Fatal(err)
	}
	got := watching.readJSON(t)
	if want := (watchLine{Time: got.Time, Offset: 4999, Length: 1, Old: "00", New: "7f"}); got != want {
		t.Errorf("after growing: got %+v, want %+v", got, want)
	}
	watching.wait(t)
}

func TestWatchStopsWhenTheFileIsTruncated(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows refuses to truncate a file that has a mapped view")
	}
	path := filepath.Join(testdir.New(t), "shrinking.bin")
	if err := os.WriteFile(path, make([]byte, 64<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	watching := startRun(t, "watch", "--interval", "1ms", "--duration", "60s", path)
	watching.stderr.waitFor(t, "mmhex: watching ")
	if err := os.Truncate(path, 100); err != nil {
		t.Fatal(err)
	}
	if code := watching.wait(t); code != 0 {
		t.Errorf("exit code %d, want 0: the watched bytes went away, which ends watching", code)
	}
	if want := "mmhex: " + path + " was truncated to 100 bytes (watching up to 65536): stopped watching\n"; !strings.HasSuffix(watching.stderr.String(), want) {
		t.Errorf("stderr:\n%s\nwant it to end with %q", watching.stderr.String(), want)
	}
}

// TestWatchSessionStopsOnAFault takes the other way truncation is seen: the poll faults (the file
// shrank between the size check and the diff).
func TestWatchSessionStopsOnAFault(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows refuses to truncate a file that has a mapped view")
	}
	path := filepath.Join(testdir.New(t), "shrinking.bin")
	if err := os.WriteFile(path, make([]byte, 64<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	tgt := target{path: path}
	m, err := tgt.open(mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	w, err := watch.New(m, 0, m.Size())
	if err != nil {
		t.Fatal(err)
	}
	s := &watchSession{t: tgt, m: m, w: w, out: bufio.NewWriter(&stdout), errOut: &stderr, size: m.Size()}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	done, err := s.tick()
	if !done || err != nil {
		t.Fatalf("tick after truncation = %v, %v; want done, no error", done, err)
	}
	if want := "mmhex: " + path + " was truncated to 0 bytes (watching up to 65536): stopped watching\n"; stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
}

// TestWatchStopsWhenTruncatedDuringTheFirstCopy: the file shrinks after it is mapped but before
// watch has its first copy of it (a 1 GiB copy takes a while), so the copy faults. That is the
// same end of watching as a truncation seen later, and says the same.
func TestWatchStopsWhenTruncatedDuringTheFirstCopy(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows refuses to truncate a file that has a mapped view")
	}
	path := filepath.Join(testdir.New(t), "shrinking.bin")
	if err := os.WriteFile(path, make([]byte, 64<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	beforeFirstCopy = func() {
		if err := os.Truncate(path, 100); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() { beforeFirstCopy = nil })
	r := runCLI(t, "", "watch", "--duration", "60s", path)
	want := "mmhex: " + path + " was truncated to 100 bytes (watching up to 65536): stopped watching\n"
	if r.code != 0 || r.errOut != want || r.out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 0 and stderr %q", r.code, r.out, r.errOut, want)
	}
}

// TestWatchNotesAReleasedName: the creator releases the name; on Linux the memory lives on in
// this process, watch says so and keeps reporting.
func TestWatchNotesAReleasedName(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only POSIX removes a name while the memory is mapped; Windows keeps it while any view exists")
	}
	name := uniqueMappingName()
	creator, err := mmap.CreateNamed(name, 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer creator.Close()
	other, err := mmap.OpenNamed(name, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	watching := startRun(t, "watch", "--json", "--interval", "1ms", "--count", "1", "--duration", "60s", "-n", name)
	watching.stderr.waitFor(t, "mmhex: watching ")
	creator.Close()
	watching.stderr.waitFor(t, fmt.Sprintf("mmhex: named mapping %q was released by its creator: the memory stays mapped here, still watching", name))
	if _, err := other.WriteAt([]byte{9}, 7); err != nil {
		t.Fatal(err)
	}
	if got := watching.readJSON(t); got.Offset != 7 || got.New != "09" {
		t.Errorf("after the name was released: got %+v, want the write at 7", got)
	}
	watching.wait(t)
}

func TestWatchErrors(t *testing.T) {
	dir := testdir.New(t)
	path := filepath.Join(dir, "small.bin")
	if err := os.WriteFile(path, make([]byte, 100), 0o644); err != nil {
		t.Fatal(err)
	}
	missingName := uniqueMappingName()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no target", []string{"watch"}, 2, "mmhex: no file given (usage: mmhex watch FILE, or mmhex watch -n NAME; see 'mmhex watch --help')"},
		{"two files", []string{"watch", path, path}, 2, "unexpected argument"},
		{"interval too short", []string{"watch", "--interval", "500us", path}, 2, "mmhex: --interval 500µs is too short: the shortest is 1ms"},
		{"negative count", []string{"watch", "--count", "-1", path}, 2, "--count -1"},
		{"bad offset", []string{"watch", "--offset", "ten", path}, 2, "--offset"},
		{"offset past the end", []string{"watch", "--offset", "0x65", path}, 2, "mmhex: --offset 0x65 is past the end of " + path + " (100 bytes)"},
		{"length past the end", []string{"watch", "--offset", "50", "--length", "51", path}, 2, "mmhex: --offset 50 --length 51 goes past the end of " + path + " (100 bytes)"},
		{"end-N before the start", []string{"watch", "--offset", "end-101", path}, 2, "mmhex: --offset end-101 lies before the start of " + path + " (100 bytes)"},
		{"negative offset", []string{"watch", "--offset", "-4", path}, 2, `mmhex: --offset "-4": an offset counts from the start and is never negative: for 4 bytes before the end, write end-4`},
		{"zero length", []string{"watch", "--length", "0", path}, 2, "mmhex: --length 0 watches nothing: give a number of bytes, or leave --length out to watch to the end"},
		{"bad length", []string{"watch", "--length", "1.5K", path}, 2, `mmhex: --length "1.5K": give a decimal number (4096) or 0x hex (0x1000), optionally with a K, M or G suffix (64K)`},
		{"missing file", []string{"watch", filepath.Join(dir, "nope")}, 1, "no such file"},
		{"unknown flag", []string{"watch", "--bogus", path}, 2, "unknown flag: --bogus"},
		{"unknown name", []string{"watch", "-n", missingName}, 1, fmt.Sprintf("mmhex: no named mapping %q", missingName)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if slices.Contains(tt.args, "-n") && !namedMappingsSupported() {
				t.Skipf("named mappings are not supported on %s", runtime.GOOS)
			}
			var stdout, stderr bytes.Buffer
			code := Run(tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tt.wantCode, tt.wantErr)
			}
			if strings.Count(stderr.String(), "\n") != 1 || stdout.Len() != 0 {
				t.Errorf("want one line on stderr and nothing on stdout; got %q and %q", stderr.String(), stdout.String())
			}
		})
	}
}

func TestWatchDurationEndsQuietly(t *testing.T) {
	path := filepath.Join(testdir.New(t), "still.bin")
	if err := os.WriteFile(path, make([]byte, 10), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"watch", "--duration", "20ms", "--interval", "1ms", path}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Errorf("exit %d, want 0; stderr %q", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("nothing changed but watch printed %q", stdout.String())
	}
}

// BenchmarkWatchLatency measures, end to end, how long after this process stores a byte into a
// named mapping `mmhex watch --json --interval 1ms`, running as another process, prints it: one
// sample per iteration (run it with -benchtime=200x). It reports the median and the 99th
// percentile; the writes are spread at random over the polling interval.
func BenchmarkWatchLatency(b *testing.B) {
	name := uniqueMappingName()
	m, err := mmap.CreateNamed(name, 4096)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	value := []byte{0}
	measureWatchLatency(b, []string{"-n", name}, func() string {
		value[0]++
		if _, err := m.WriteAt(value, 0); err != nil {
			b.Fatal(err)
		}
		return fmt.Sprintf(`"offset":0,"length":1,"old":"%02x","new":"%02x"}`, value[0]-1, value[0])
	})
}

// measureWatchLatency runs `mmhex watch --json --interval 1ms` with target (the flags naming
// what it watches) as another process, and per iteration calls store, which changes a byte and
// returns the text watch's line must hold, and times the store to the line. It reports the
// median and the 99th percentile.
func measureWatchLatency(b *testing.B, target []string, store func() (want string)) {
	watcher := liveHelper("mmhex", append([]string{"watch", "--json", "--interval", "1ms"}, target...)...)
	stderr := &syncBuffer{}
	watcher.Stderr = stderr
	pipe, err := watcher.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := watcher.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		watcher.Process.Kill()
		watcher.Wait()
	}()
	stderr.waitFor(b, "mmhex: watching ")
	lines := bufio.NewReader(pipe)
	samples := make([]time.Duration, 0, b.N)
	for b.Loop() {
		// Spin rather than sleep: sleeps end on the same millisecond grid as watch's ticker,
		// which would put every write just after a poll.
		for until := time.Now().Add(time.Duration(rand.IntN(2000)) * time.Microsecond); time.Now().Before(until); {
		}
		want := store()
		stored := time.Now()
		line, err := lines.ReadString('\n')
		if err != nil {
			b.Fatalf("reading watch: %v (stderr: %s)", err, stderr.String())
		}
		samples = append(samples, time.Since(stored))
		if !strings.Contains(line, want) {
			b.Fatalf("watch printed %q, want %s", line, want)
		}
	}
	slices.Sort(samples)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(samples[len(samples)/2])/1e6, "ms-median")
	b.ReportMetric(float64(samples[(len(samples)*99)/100])/1e6, "ms-p99")
	b.Logf("min %v p10 %v p50 %v p90 %v max %v", samples[0], samples[len(samples)/10], samples[len(samples)/2], samples[len(samples)*9/10], samples[len(samples)-1])
}

// TestWatchHelpExampleIsWhatWatchPrints checks that the example in watch --help, an int32 at
// 0x10 going from 999 to 1000, is the line watch prints for that change: only the byte that
// changed.
func TestWatchHelpExampleIsWhatWatchPrints(t *testing.T) {
	help := runCLI(t, "", "watch", "--help")
	_, example, _ := strings.Cut(help.out, "TIME OFFSET OLD -> NEW\n")
	example, _, _ = strings.Cut(strings.TrimSpace(example), "\n")
	_, wantLine, _ := strings.Cut(example, " ") // after the time

	path := filepath.Join(testdir.New(t), "data.bin")
	data := make([]byte, 0x100)
	copy(data[0x10:], []byte{0xE7, 0x03, 0, 0})
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	watching := startRun(t, "watch", "--interval", "1ms", "--count", "1", "--duration", "60s", path)
	watching.stderr.waitFor(t, "mmhex: watching "+path)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte{0xE8, 0x03, 0, 0}, 0x10); err != nil {
		t.Fatal(err)
	}
	line, err := watching.stdout.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if _, got, _ := strings.Cut(strings.TrimSpace(line), " "); wantLine == "" || got != wantLine {
		t.Errorf("watch printed %q; its help's example says %q", line, example)
	}
	if want := `"offset":16,"length":1,"old":"e7","new":"e8"`; !strings.Contains(help.out, want) {
		t.Errorf("the help's JSON example lacks %s:\n%s", want, help.out)
	}
	if code := watching.wait(t); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}
