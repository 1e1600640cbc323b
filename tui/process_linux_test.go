package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
	"unsafe"

	"github.com/gdamore/tcell/v2"
	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/procmem"
)

// selfBytes is memory of the test process for the editor to show through procmem.
var selfBytes [64]byte

// The editor on a region of a process (this one) shows real addresses in the offset column and
// the status bar, and goto takes an address.
func TestProcessRegionShowsAddresses(t *testing.T) {
	p, err := procmem.Open(os.Getpid())
	if errors.Is(err, fs.ErrPermission) {
		t.Skipf("reading this process's memory is refused here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	addr := (int64(uintptr(unsafe.Pointer(&selfBytes[0]))) + 15) &^ 15
	copy(selfBytes[addr-int64(uintptr(unsafe.Pointer(&selfBytes[0]))):], []byte{0xca, 0xfe, 0xba, 0xbe})
	regions, err := p.Regions()
	if err != nil {
		t.Fatal(err)
	}
	i := procmem.Containing(regions, addr)
	if i < 0 {
		t.Fatalf("no region holds 0x%x", addr)
	}
	v := p.View(regions[i])
	ed := editor.New(v)
	ed.SetBase(v.Base())
	s := runSimEditor(t, ed, loadKeys(t, "default", ""), Options{Base: v.Base()})
	s.waitFor(fmt.Sprintf("%x │", v.Base()))
	s.waitFor(fmt.Sprintf("0x%X (+0x0)", v.Base()))

	s.prompt(key(tcell.KeyCtrlG), "goto: ", fmt.Sprintf("0x%x", addr))
	s.waitFor(fmt.Sprintf("%x │ ca fe ba be", addr))
	s.waitFor(fmt.Sprintf("0x%X (+0x%X)", addr, addr-v.Base()))
}
