package cli

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/procmem"
)

func TestProcEditorCommandLine(t *testing.T) {
	tg := startCounter(t)
	pid := strconv.Itoa(tg.Pid)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"-p with -n", []string{"-p", pid, "-n", "x"}, 2, "-n NAME and -p PID name two targets"},
		{"-p with a file", []string{"-p", pid, "data.bin"}, 2, `-p ` + pid + ` and "data.bin": -p PID opens a process's memory instead of a FILE`},
		{"--region without -p", []string{"--region", "[heap]", "data.bin"}, 2, "--region and --address choose where in a process to start: use them with -p PID"},
		{"--address without -p", []string{"--address", "0x1000", "data.bin"}, 2, "use them with -p PID"},
		{"both", []string{"-p", pid, "--region", "[heap]", "--address", hexAddr(tg.Addr)}, 2, "--region and --address both choose the region"},
		{"no such region", []string{"-p", pid, "--region", "nothere.so"}, 2, `--region "nothere.so": process ` + pid + " has no such region"},
		{"address outside", []string{"-p", pid, "--address", "0x10"}, 2, "--address 0x10: no region of process " + pid + " holds 0x10"},
		{"address from the end", []string{"-p", pid, "--address", "end-1"}, 2, "a process has no end to count from"},
		{"accepted", []string{"-p", pid, "--address", hexAddr(tg.Addr)}, 1, "the editor needs a terminal"},
		{"no process", []string{"-p", "999999999"}, 1, "no process 999999999: check the id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", tt.args...)
			if r.code != tt.wantCode || !strings.Contains(r.errOut, tt.wantErr) {
				t.Errorf("exit code %d, stderr %q; want %d and %q", r.code, r.errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// The editor attached with -p shows the target's int at its real address, sees it change live,
// writes into the process, refuses an insert, and says so when the process exits.
func TestEndToEndProcEditor(t *testing.T) {
	tm := newTmux(t)
	tg := startCounter(t)
	bin := buildBinary(t)
	tm.start(bin, "-p", strconv.Itoa(tg.Pid), "--address", hexAddr(tg.Addr), "--interval", "10ms")
	tm.waitFor(fmt.Sprintf("VIEW  pid %d counter  LIVE 10ms  0 changes seen", tg.Pid))
	row := fmt.Sprintf("%x │", tg.Addr&^15)
	// 999 is e7 03 00 00, at the cursor, on the row of its address.
	screen := tm.waitFor(row)
	if line := lineWith(screen, row); !strings.Contains(line, "e7 03 00 00") {
		t.Fatalf("the row of 0x%x shows %q, want the int 999 (e7 03 00 00):\n%s", tg.Addr, line, screen)
	}
	if !strings.Contains(screen, fmt.Sprintf("0x%X (+0x", tg.Addr)) {
		t.Errorf("the status bar should show the cursor's address 0x%X:\n%s", tg.Addr, screen)
	}

	if got := tg.Send("+"); got != 1000 {
		t.Fatalf("the target's value is %d, want 1000", got)
	}
	tm.waitFor("e8 03 00 00")
	tm.waitFor("LIVE 10ms  1 change seen")

	tm.send("IC")
	tm.waitFor("EDIT")
	tm.sendText("0b")
	tm.waitFor("0b 03 00 00")
	if got := tg.Send("p"); got != 0x30b {
		t.Errorf("after typing 0b the target's value is %d, want %d", got, 0x30b)
	}
	tm.send("Escape")
	tm.waitFor("VIEW")

	// :region moves the editor to the heap; goto takes the address of the counter's block of
	// 0x5a bytes there.
	heap := tg.Info["heap"]
	tm.send("C-e")
	tm.sendText("region [heap]")
	tm.send("Enter")
	tm.waitFor("region " + fmt.Sprintf("%x-", heapRegion(t, tg.Pid, heap).Start))
	tm.send("C-g")
	tm.sendText(hexAddr(heap))
	tm.send("Enter")
	tm.waitFor(fmt.Sprintf("%x │ 5a 5a 5a 5a", heap))
	tm.waitFor("LIVE 10ms  0 changes seen")

	// The regions panel lists them all, the one on screen chosen; Enter on the one above moves
	// there.
	regions := processRegions(t, tg.Pid)
	i := procmem.Containing(regions, heap)
	tm.send("F11")
	tm.waitFor(fmt.Sprintf("%x-%x %s", regions[0].Start, regions[0].End, regions[0].Perms))
	tm.send("Up")
	tm.send("Enter")
	tm.waitFor(fmt.Sprintf("region %x-%x", regions[i-1].Start, regions[i-1].End))
	tm.waitFor(fmt.Sprintf("%x │", regions[i-1].Start))

	tg.Stop()
	tm.waitFor("live mode stopped: process " + strconv.Itoa(tg.Pid))
	tm.waitFor("LIVE STOPPED")
}

// lineWith returns the first line of screen that contains s.
func lineWith(screen, s string) string {
	for line := range strings.SplitSeq(screen, "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}

// A page the process cannot write (its binary's read-only header) is written only after the
// user says yes, debugger-style; insert and flush say what a process's memory is.
func TestEndToEndProcEditorForcedWrite(t *testing.T) {
	tm := newTmux(t)
	tg := startCounter(t)
	regions := processRegions(t, tg.Pid)
	i := slices.IndexFunc(regions, func(r procmem.Region) bool { return r.Module() == "counter" && !r.Writable() })
	if i < 0 {
		t.Fatalf("no read-only region of the counter in %v", regions)
	}
	header := regions[i].Start
	bin := buildBinary(t)
	tm.start(bin, "-p", strconv.Itoa(tg.Pid), "--region", strconv.Itoa(i), "--interval", "10ms")
	tm.waitFor(fmt.Sprintf("%x │ 7f 45 4c 46", header))

	tm.send("C-s")
	tm.waitFor("nothing to flush")
	tm.send("IC")
	tm.waitFor("EDIT")
	tm.send("IC")
	tm.waitFor("a process's memory has a fixed layout")
	tm.sendText("4")
	tm.waitFor("write pages the process cannot write, as a debugger does? (y/n)")
	tm.sendText("y")
	tm.send("Enter")
	tm.waitFor("forced writes on")
	tm.sendText("41")
	tm.waitFor(fmt.Sprintf("%x │ 41 45 4c 46", header))
	p, err := procmem.Open(tg.Pid)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got := make([]byte, 1)
	if _, err := p.ReadAt(got, header); err != nil || got[0] != 0x41 {
		t.Errorf("the process has %02x (%v) at its header after the forced write, want 41", got[0], err)
	}
}

// processRegions lists the regions of process pid.
func processRegions(t *testing.T, pid int) []procmem.Region {
	t.Helper()
	p, err := procmem.Open(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	regions, err := p.Regions()
	if err != nil {
		t.Fatal(err)
	}
	return regions
}

// heapRegion returns the region of process pid that holds addr.
func heapRegion(t *testing.T, pid int, addr int64) procmem.Region {
	t.Helper()
	regions := processRegions(t, pid)
	i := procmem.Containing(regions, addr)
	if i < 0 {
		t.Fatalf("no region holds 0x%x", addr)
	}
	return regions[i]
}
