package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mmhex/mmhex/internal/testdir"
)

// TestDumpOfALargeFileKeepsLittleResident dumps all of a 256 MiB page-cached file with the real
// binary and checks its peak resident memory: the dump reads the mapping a chunk at a time and
// releases each chunk behind it, so the peak is the program and one chunk or two, not the file.
func TestDumpOfALargeFileKeepsLittleResident(t *testing.T) {
	if testing.Short() {
		t.Skip("dumps 256 MiB")
	}
	bin := buildBinary(t)
	path := filepath.Join(testdir.New(t), "big.bin")
	block := bytes.Repeat([]byte("mmhex resident test data\n"), 1<<15)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for written := 0; written < 256<<20; written += len(block) {
		if _, err := f.Write(block); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "dump", path)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr // stdout to /dev/null: the dump's text is not the point
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The peak is read from the process while it runs: VmHWM is its high-water mark since its
	// exec. (The rusage of a finished child will not do: its maxrss counts the memory of this
	// test binary, which the child shared until it exec'd.)
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	var peak int64 // KiB
	for waiting := true; waiting; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("mmhex dump: %v: %s", err, stderr.String())
			}
			waiting = false
		case <-time.After(5 * time.Millisecond):
			peak = max(peak, statusKiB(cmd.Process.Pid, "VmHWM:"))
		}
	}
	const bound = 16 << 10 // KiB
	switch {
	case peak == 0:
		t.Fatal("the dump ended before its memory could be read")
	case peak > bound:
		t.Errorf("dumping 256 MiB peaked at %d KiB resident, want at most %d KiB", peak, bound)
	default:
		t.Logf("peak resident memory: %d KiB", peak)
	}
}
