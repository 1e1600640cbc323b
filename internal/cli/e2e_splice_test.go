//go:build unix

package cli

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmhex/mmhex/splice"
)

// patternBlock is block i of the 1 GiB test file: computable, so the test keeps no copy.
func patternBlock(i int, b []byte) []byte {
	for j := range b {
		b[j] = byte(j*7+i) ^ byte(j>>9)
	}
	return b
}

// TestSpliceSurvivesKill9 inserts a byte at the start of a 1 GiB file with the real binary, kills
// it with SIGKILL while its journal exists, then runs splice again to delete that byte: it must
// first complete the interrupted insert and say so, and the file must then be the original
// byte for byte.
func TestSpliceSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 1 GiB")
	}
	const blocks, blockSize = 1024, 1 << 20
	bin := buildBinary(t)
	path := filepath.Join(t.TempDir(), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, blockSize)
	for i := range blocks {
		if _, err := f.Write(patternBlock(i, b)); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()

	cmd := exec.Command(bin, "splice", path, "0", "--insert", "41")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journal := splice.JournalPath(path)
	for {
		if info, err := os.Stat(path); err == nil && info.Size() == blocks*blockSize+1 {
			if _, err := os.Stat(journal); err == nil {
				break // grown, journal written: the move is under way
			}
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // into the move
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(journal); err != nil {
		t.Fatalf("the splice ended before the kill (no journal: %v); the test needs a slower move", err)
	}

	out, err := exec.Command(bin, "splice", path, "0", "--delete", "1", "--expect", "41").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "completed an interrupted insert 1 byte at 0x0") {
		t.Fatalf("splice after the kill: %v\n%s", err, out)
	}
	f, err = os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, want := make([]byte, blockSize), make([]byte, blockSize)
	for i := range blocks {
		if _, err := io.ReadFull(f, got); err != nil {
			t.Fatalf("block %d: %v", i, err)
		}
		if !bytes.Equal(got, patternBlock(i, want)) {
			t.Fatalf("block %d differs from the original", i)
		}
	}
	if n, _ := f.Read(got); n != 0 {
		t.Fatalf("%d bytes past the original end", n)
	}
}
