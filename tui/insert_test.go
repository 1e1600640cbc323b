package tui

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/splice"
)

func spliced(b []byte, off, deleteN int, insert ...byte) []byte {
	return slices.Concat(b[:off], insert, b[off+deleteN:])
}

func runeKeys(text string) []*tcell.EventKey {
	var evs []*tcell.EventKey
	for _, r := range text {
		evs = append(evs, runeKey(r))
	}
	return evs
}

func TestAppInsertDeleteVim(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "vim", mmap.ReadWrite, Options{})
	s.typeText("lli")
	s.waitFor("INSERT")
	s.typeText("4142")
	// Shown at once, shifted in, and not yet in the file.
	s.waitFor("00000000 │ 7f 45 41 42 4c 46 02 01")
	s.waitFor("2 to insert")
	s.wantBytes(data)
	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW")
	inserted := spliced(data, 2, 0, 0x41, 0x42)
	s.wantBytes(inserted)
	s.waitFor("0x4 (4) / 4098") // the cursor after the run; the size grew by two

	s.typeText("x")
	s.waitFor("deleted 1 byte at 0x4")
	once := spliced(inserted, 4, 1)
	s.wantBytes(once)
	s.typeText("5x")
	s.waitFor("deleted 5 bytes at 0x4")
	s.wantBytes(spliced(once, 4, 5))
	s.typeText("u")
	s.waitFor("undone")
	s.wantBytes(once)

	s.typeText("d")
	s.waitFor("nothing is selected")
	s.typeText("vllvd")
	s.waitFor("deleted 3 bytes at 0x4")
	twice := spliced(once, 4, 3)
	s.wantBytes(twice)

	// a appends after the cursor, in the text column too.
	s.keys(key(tcell.KeyTab))
	s.typeText("aok")
	s.waitFor("2 to insert")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW")
	s.wantBytes(spliced(twice, 5, 0, 'o', 'k'))

	// R overwrites, as before.
	s.keys(key(tcell.KeyTab))
	s.typeText("R")
	s.waitFor("EDIT")
	s.typeText("00")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW")
	s.typeText("uuuu")
	s.waitFor("0x4 (4) / 4098")
	s.wantBytes(inserted)
	s.typeText("u")
	s.waitFor("0x2 (2) / 4096")
	s.wantBytes(data)
}

func TestAppInsertDeleteDefault(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "default", mmap.ReadWrite, Options{})
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.keys(key(tcell.KeyInsert))
	s.waitFor("INSERT")
	s.typeText("ab")
	s.waitFor("00000000 │ ab 7f 45")
	// Delete ends the run first, then deletes the byte at the cursor, after it.
	s.keys(key(tcell.KeyDelete))
	s.waitFor("deleted 1 byte at 0x1")
	want := spliced(data, 0, 1, 0xab)
	s.wantBytes(want)
	s.paste("cd ef")
	s.waitFor("inserted 2 bytes at 0x1")
	want = spliced(want, 1, 0, 0xcd, 0xef)
	s.wantBytes(want)
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("11")
	s.waitFor("00000000 │ ab cd ef 11")
	s.wantBytes(patched(want, 3, 0x11))

	s.keys(key(tcell.KeyCtrlZ), key(tcell.KeyCtrlZ))
	s.waitFor("00000000 │ ab 45 4c")
	s.keys(key(tcell.KeyCtrlZ), key(tcell.KeyCtrlZ))
	s.waitFor("00000000 │ 7f 45 4c 46")
	s.wantBytes(data)
}

// TestAppInsertBackspace: Backspace in insert mode takes back the keys typed before the file
// takes them, a nibble at a time in the hex column and a character at a time in the text
// column; with nothing typed it moves the cursor left. Each run of keys is queued at once, so
// that it arrives well within the pause that would insert the bytes typed.
func TestAppInsertBackspace(t *testing.T) {
	bs := key(tcell.KeyBackspace2)
	for _, tt := range []struct {
		preset string
		insert []*tcell.EventKey
	}{
		{"default", []*tcell.EventKey{key(tcell.KeyInsert), key(tcell.KeyInsert)}},
		{"vim", runeKeys("i")},
	} {
		t.Run(tt.preset, func(t *testing.T) {
			data := testdir.Sample(t)
			s := startSim(t, data, tt.preset, mmap.ReadWrite, Options{})
			s.keys(key(tcell.KeyRight), key(tcell.KeyRight))
			s.keys(tt.insert...)
			s.waitFor("INSERT")
			s.keys(slices.Concat(runeKeys("abc"), []*tcell.EventKey{bs, bs}, runeKeys("de"), []*tcell.EventKey{bs})...)
			s.waitFor("00000000 │ 7f 45 ad 4c 46 02 01 01")
			s.waitFor("hex  0x3 (3) / 4097")
			s.keys(key(tcell.KeyEscape))
			s.waitFor("VIEW")
			want := spliced(data, 2, 0, 0xad)
			s.wantBytes(want)

			// Every key taken back: nothing is inserted.
			s.keys(tt.insert...)
			s.waitFor("INSERT")
			s.keys(slices.Concat(runeKeys("12"), []*tcell.EventKey{bs, bs, key(tcell.KeyEscape)})...)
			s.waitFor("VIEW")
			s.waitFor("00000000 │ 7f 45 ad 4c 46 02 01 01")
			s.waitFor("hex  0x3 (3) / 4097")
			s.wantBytes(want)

			// Nothing typed: the cursor moves left, in view mode and in insert mode.
			s.keys(bs)
			s.waitFor("hex  0x2 (2) / 4097")
			s.keys(tt.insert...)
			s.waitFor("INSERT")
			s.keys(bs)
			s.waitFor("hex  0x1 (1) / 4097")

			// The text column takes back a character, all its bytes.
			s.keys(key(tcell.KeyTab))
			s.waitFor("text  0x1 (1)")
			s.keys(slices.Concat(runeKeys("xé"), []*tcell.EventKey{bs}, runeKeys("y"), []*tcell.EventKey{key(tcell.KeyEscape)})...)
			s.waitFor("VIEW")
			s.waitFor("00000000 │ 7f 78 79 45 ad 4c 46 02")
			s.wantBytes(spliced(want, 1, 0, 'x', 'y'))

			if help := helpText(loadKeys(t, tt.preset, "")); !strings.Contains(help, "until then Backspace takes back the last key typed") {
				t.Errorf("the help does not say what Backspace does in insert mode:\n%s", help)
			}
		})
	}
}

// TestAppInsertRefused: a read-only session and a storage that cannot change size say why.
func TestAppInsertRefused(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "vim", mmap.ReadOnly, Options{ReadOnlyNote: "opened with --read-only"})
	s.typeText("x")
	s.waitFor("read-only, opened with --read-only")
	m, _ := mapTemp(t, data, mmap.ReadWrite)
	fixed := runSim(t, m, loadKeys(t, "vim", ""), Options{})
	fixed.typeText("i")
	fixed.waitFor("cannot insert: this mapping has a fixed size")
}

// gatedSplice holds the move at its first step until the test opens the gate.
type gatedSplice struct {
	splice.Editable
	reached, open chan struct{}
	once          *sync.Once
}

func (g gatedSplice) Splice(ctx context.Context, off, deleteN int64, insert []byte, progress func(done, total int64, rollingBack bool), waiting func(bool)) error {
	return g.Editable.Splice(ctx, off, deleteN, insert, func(done, total int64, rollingBack bool) {
		progress(done, total, rollingBack)
		g.once.Do(func() {
			close(g.reached)
			<-g.open
		})
	}, waiting)
}

// TestAppMoveProgressAndCancel deletes at the start of a file moved in small chunks: the status
// bar shows the progress, other keys are refused, and Esc moves the bytes back.
func TestAppMoveProgressAndCancel(t *testing.T) {
	data := make([]byte, 256<<10)
	for i := range data {
		data[i] = byte(i * 7)
	}
	m, path := mapTemp(t, data, mmap.ReadWrite)
	g := gatedSplice{Editable: splice.Editable{Mapping: m, Chunk: 4096}, reached: make(chan struct{}), open: make(chan struct{}), once: &sync.Once{}}
	s := runSim(t, g, loadKeys(t, "vim", ""), Options{})
	s.path = path
	s.onUI(func() { s.a.moveWait = 0 })
	s.typeText("x")
	<-g.reached
	s.waitForRegexp(`moving bytes… [0-9]+% \(Esc cancels\)`)
	s.typeText("j")
	s.waitFor("j waits: bytes are moving")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("cancelling")
	close(g.open)
	s.waitFor("cancelled: ")
	s.waitForWords("rolled back")
	s.wantBytes(data)
	s.keys(runeKeys("x")...)
	s.waitFor("deleted 1 byte at 0x0")
	s.wantBytes(data[1:])
}

// TestAppMoveWaitsForLock inserts a run while another mapping of the file holds its lock, as an
// mmhex patch or splice of it would: the status bar says the insert waits for it, Esc ends the
// wait with the bytes not inserted, and the file is as it was. Once the holder lets go, the
// insert goes through.
func TestAppMoveWaitsForLock(t *testing.T) {
	data := testdir.Sample(t)
	s := startSim(t, data, "vim", mmap.ReadWrite, Options{})
	s.onUI(func() { s.a.moveWait = 0 })
	other, err := mmap.Open(s.path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	unlock, err := other.Lock(nil)
	if err != nil {
		t.Fatal(err)
	}
	s.typeText("lli")
	s.waitFor("INSERT")
	s.typeText("4142")
	s.waitFor("2 to insert")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("waiting for another mmhex (a patch or splice) to finish with data.bin · Esc cancels")
	s.typeText("j")
	s.waitFor("j waits: an insert or delete waits for the file's lock; Esc cancels it")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("cancelled: the bytes typed in insert mode were not inserted (2 bytes at 0x2)")
	s.waitForWords("held the file's lock (context canceled): nothing changed")
	s.wantBytes(data)

	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	// Windows grows no file while another view maps it.
	other.Close()
	s.typeText("i")
	s.waitFor("INSERT")
	s.typeText("4142")
	s.waitFor("2 to insert")
	s.keys(key(tcell.KeyEscape))
	s.waitFor("VIEW")
	s.wantBytes(spliced(data, 2, 0, 0x41, 0x42))
}

// wantBytes is wantFile with a short message: the sizes and the first difference.
func (s *simApp) wantBytes(want []byte) {
	s.t.Helper()
	got, err := os.ReadFile(s.path)
	if err != nil {
		s.t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < min(len(got), len(want)) && got[i] == want[i] {
		i++
	}
	s.t.Fatalf("file holds %d bytes, want %d; first difference at 0x%X: % X, want % X", len(got), len(want), i,
		got[i:min(i+8, len(got))], want[i:min(i+8, len(want))])
}
