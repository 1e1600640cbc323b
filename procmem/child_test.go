//go:build linux || windows

package procmem_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unsafe"

	"github.com/mmhex/mmhex/procmem"
)

const childEnv = "MMHEX_PROCMEM_CHILD"

// TestProcChildHelper is the target of TestProcReadWriteChild: it prints its pid and the address
// of 64 KiB holding "mmhex-marker", then, for each line on stdin, the buffer's first 12 bytes.
func TestProcChildHelper(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("the target of TestProcReadWriteChild, which starts it")
	}
	buf := make([]byte, 64<<10)
	copy(buf, "mmhex-marker")
	fmt.Printf("%d %d\n", os.Getpid(), uintptr(unsafe.Pointer(&buf[0])))
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fmt.Printf("%s\n", buf[:12])
	}
	os.Exit(0)
}

// TestProcReadWriteChild reads and writes the memory of a child Go process: on Linux through
// process_vm_readv/writev, under Wine through ReadProcessMemory/WriteProcessMemory.
func TestProcReadWriteChild(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestProcChildHelper$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	in, _ := cmd.StdinPipe()
	outPipe, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { in.Close(); cmd.Process.Kill(); cmd.Wait() }()
	out := bufio.NewReader(outPipe)
	var pid int
	var addr int64
	line, _ := out.ReadString('\n')
	if _, err := fmt.Sscanf(line, "%d %d", &pid, &addr); err != nil {
		t.Fatalf("child printed %q: %v", line, err)
	}
	p, err := procmem.Open(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	regions, err := p.Regions()
	if err != nil {
		t.Fatal(err)
	}
	i := procmem.Containing(regions, addr)
	if i < 0 || !regions[i].Writable() || !regions[i].Readable() {
		t.Fatalf("no readable, writable region holds 0x%x: %v", addr, regions)
	}
	got := make([]byte, 12)
	if n, err := p.ReadAt(got, addr); n != 12 || err != nil || string(got) != "mmhex-marker" {
		t.Fatalf("ReadAt = %d, %q, %v; want mmhex-marker", n, got, err)
	}
	// A View scans the region, and finds the marker where it is.
	v := p.View(regions[i])
	found := int64(-1)
	err = v.Scan(0, v.Size(), 11, func(chunk []byte, at int64) error {
		if j := bytes.Index(chunk, []byte("mmhex-marker")); j >= 0 && found < 0 {
			found = v.Base() + at + int64(j)
		}
		return nil
	})
	if err != nil || found != addr {
		t.Errorf("Scan found the marker at 0x%x (%v), want 0x%x", found, err, addr)
	}
	if _, err := p.WriteAt([]byte("MMHEX"), addr); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(in, "show")
	if line, _ := out.ReadString('\n'); strings.TrimSpace(line) != "MMHEX-marker" {
		t.Errorf("after WriteAt the child holds %q, want MMHEX-marker", line)
	}
	in.Close()
	cmd.Wait()
	if _, err := p.ReadAt(got, addr); !errors.Is(err, procmem.ErrGone) {
		t.Errorf("ReadAt after the child exited = %v, want ErrGone", err)
	}
}

func TestProcOpenMissing(t *testing.T) {
	if _, err := procmem.Open(1 << 30); !errors.Is(err, procmem.ErrNoProcess) {
		t.Errorf("Open of a missing pid = %v, want ErrNoProcess", err)
	}
}
