package cli

import (
	"slices"
	"strings"
	"testing"
)

// TestEndToEndInsertDelete inserts, deletes and undoes with the real binary in tmux, vim keys:
// the file grows and shrinks in place, and undo gives it back its size.
func TestEndToEndInsertDelete(t *testing.T) {
	tm := newTmux(t)
	bin := buildBinary(t)
	path, data := copySample(t)
	tm.start(bin, "--keys", "vim", path)
	tm.waitFor("00000000 │ 7f 45 4c 46")
	tm.sendText("2l")
	tm.waitFor("0x2 (2)")
	tm.sendText("i")
	tm.waitFor("INSERT")
	tm.sendText("4142")
	tm.waitFor("00000000 │ 7f 45 41 42 4c 46 02 01")
	tm.send("Escape")
	tm.waitFor("VIEW")
	inserted := slices.Concat(data[:2], []byte{0x41, 0x42}, data[2:])
	tm.waitFor("/ 4098")
	wantFileBytes(t, path, inserted)

	tm.sendText("x")
	tm.waitFor("deleted 1 byte at 0x4")
	wantFileBytes(t, path, slices.Concat(inserted[:4], inserted[5:]))
	tm.sendText("u")
	tm.waitFor("undone")
	wantFileBytes(t, path, inserted)
	tm.sendText("u")
	tm.waitFor("/ 4096")
	wantFileBytes(t, path, data)

	tm.sendText(":q")
	tm.send("Enter")
	code, stderr := tm.exited()
	if code != 0 || strings.Contains(stderr, "flushed") {
		t.Errorf("exit status %d, stderr %q; want 0 and nothing left to flush (a move flushes the file)", code, stderr)
	}
	wantFileBytes(t, path, data)
}
