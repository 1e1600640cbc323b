package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mmhex/mmhex/mmap"
)

// The live end-to-end tests run the real binary in live mode in tmux while the test process
// plays the other process: it changes the memory and reads the screen until the change shows.

func TestEndToEndLiveNamedMapping(t *testing.T) {
	tm := newTmux(t)
	name := fmt.Sprintf("mmhex-e2e-live-%d", os.Getpid())
	m, err := mmap.CreateNamed(name, 4096)
	if errors.Is(err, mmap.ErrNotSupported) {
		t.Skipf("named mappings: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	bin := buildBinary(t)
	tm.start(bin, "-n", name, "--interval", "10ms")
	tm.waitFor("VIEW  " + name + "  LIVE 10ms  0 changes seen")

	poke(t, m, 0x20, 0xDE, 0xAD, 0xBE, 0xEF)
	tm.waitFor("00000020 │ de ad be ef")
	tm.waitFor("LIVE 10ms  1 change seen")

	// An edit typed in live mode reaches the other process at once and is not counted: the next
	// change by the other process, made after it, makes the count 2, not 3.
	tm.send("IC")
	tm.waitFor("EDIT")
	tm.sendText("41")
	tm.waitFor("00000000 │ 41 00")
	got := make([]byte, 1)
	if _, err := m.ReadAt(got, 0); err != nil || got[0] != 0x41 {
		t.Errorf("the creator reads %02X (%v) at 0 after the edit, want 41", got[0], err)
	}
	poke(t, m, 0x30, 0x99)
	tm.waitFor("00000030 │ 99")
	tm.waitFor("2 changes seen")
	time.Sleep(50 * time.Millisecond) // five intervals, for a wrong count to show
	if screen := tm.screen(); !strings.Contains(screen, "2 changes seen") {
		t.Errorf("the user's own edit was counted as a change:\n%s", screen)
	}

	tm.send("Escape")
	tm.waitFor("VIEW")
	tm.send("C-o")
	screen := tm.waitFor("0x00000020  00000000 → deadbeef")
	if !strings.Contains(screen, "0x00000030  00 → 99") || strings.Contains(screen, "0x00000000  00 → 41") {
		t.Errorf("the changes panel should list the two changes of the other process only:\n%s", screen)
	}
	tm.send("C-q")
	if code, stderr := tm.exited(); code != 0 {
		t.Errorf("exit status %d, want 0 (stderr %q)", code, stderr)
	}
}

func TestEndToEndLiveWatchFile(t *testing.T) {
	tm := newTmux(t)
	bin := buildBinary(t)
	path, _ := copySample(t)
	tm.start(bin, "--watch", "--interval", "10ms", path)
	tm.waitFor("VIEW  sample.bin  LIVE 10ms  0 changes seen")

	// Another process writing the file with write(2) is seen through the page cache.
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("LIVE"), 0x40); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tm.waitFor("00000040 │ 4c 49 56 45 78 20 73 61")
	tm.waitFor("LIVE 10ms  1 change seen")

	tm.send("C-w")
	tm.waitFor("PAUSED  1 change seen")
	tm.send("C-w")
	tm.waitFor("LIVE 10ms  1 change seen")
	tm.send("C-q")
	if code, stderr := tm.exited(); code != 0 || stderr != "" {
		t.Errorf("exit status %d, stderr %q; want 0 and nothing to flush", code, stderr)
	}
}

// poke writes b at off in m, as the other process.
func poke(t *testing.T, m *mmap.Mapping, off int64, b ...byte) {
	t.Helper()
	if _, err := m.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}
