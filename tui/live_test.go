package tui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/live"
	"github.com/mmhex/mmhex/mmap"
)

// The live tests run the app on a simulated screen with an interval of an hour, so the ticker
// never fires on its own: the test runs each tick with liveTick, after making its changes.

const testInterval = time.Hour

// startLiveSim opens content, in a file, read-write in live mode on a simulated screen with the
// default keys. A window above 0 replaces the most live mode watches at once.
func startLiveSim(t *testing.T, content []byte, window int64) *simApp {
	t.Helper()
	return startLiveSimKeys(t, content, window, "default")
}

func startLiveSimKeys(t *testing.T, content []byte, window int64, preset string) *simApp {
	t.Helper()
	m, path := mapTemp(t, content, mmap.ReadWrite)
	s := runLiveSim(t, m, live.Config{Label: filepath.Base(path), Window: window}, preset)
	s.path = path
	return s
}

// runLiveSim runs the app in live mode over m as c says, at testInterval.
func runLiveSim(t *testing.T, m *mmap.Mapping, c live.Config, preset string) *simApp {
	t.Helper()
	c.Interval = testInterval
	l := live.New(m, c)
	s := runSim(t, live.Storage{Storage: m, Live: l}, loadKeys(t, preset, ""), Options{Live: l})
	// The loop's first tick takes the snapshot; this one waits for it if it is under way.
	s.a.liveTick()
	s.waitFor("LIVE 1h0m0s  0 changes seen")
	return s
}

// otherWriter maps the file a second time, as another process would.
func otherWriter(t *testing.T, path string) *mmap.Mapping {
	t.Helper()
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func poke(t *testing.T, m *mmap.Mapping, off int64, b ...byte) {
	t.Helper()
	if _, err := m.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// waitForRegexp waits until the screen matches pattern, and returns it.
func (s *simApp) waitForRegexp(pattern string) string {
	s.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(10 * time.Second)
	for {
		screen := s.screen()
		if re.MatchString(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never matched %q; it shows:\n%s", pattern, screen)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitForNot waits until the screen no longer shows text.
func (s *simApp) waitForNot(text string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(s.screen(), text) {
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen still shows %q:\n%s", text, s.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// redraw draws a frame and returns the screen's text.
func (s *simApp) redraw() string {
	s.onUIDraw(func() {})
	return s.screen()
}

// background returns the background colour of the screen cell at (x, y).
func (s *simApp) background(x, y int) tcell.Color {
	var c tcell.Color
	s.onUI(func() {
		cells, width, _ := s.sim.GetContents()
		_, c, _ = cells[y*width+x].Style.Decompose()
	})
	return c
}

// hexX is the screen column of the high digit of byte j of a row, at 16 bytes per row and
// 8-digit offsets.
func hexX(j int) int {
	x := 11 + 3*j
	if j >= 8 {
		x++
	}
	return x
}

// isForeign reports whether a background is the orange of a fresh change by another process.
func isForeign(c tcell.Color) bool {
	r, g, b := c.RGB()
	return c.IsRGB() && r > 200 && g > 100 && g < 160 && b == 0
}

func TestLiveForeignChangeHighlighted(t *testing.T) {
	data := testdir.Sample(t)
	s := startLiveSim(t, data, 0)
	plain := s.background(hexX(0), 1)
	if isForeign(plain) {
		t.Fatalf("byte 0x10 is highlighted as changed before anything changed")
	}
	other := otherWriter(t, s.path)
	poke(t, other, 0x10, 0x2A)
	s.a.liveTick()
	s.waitFor("00000010 │ 2a 00 3e 00")
	s.waitFor("LIVE 1h0m0s  1 change seen")
	if bg := s.background(hexX(0), 1); !isForeign(bg) {
		t.Errorf("the changed byte's background is %v, want the orange of a foreign change", bg)
	}
	if bg := s.background(hexX(1), 1); bg != plain {
		t.Errorf("the unchanged byte after it has background %v, want %v like any other", bg, plain)
	}

	// A change on one poll and another on the next: the panel lists the newest first.
	poke(t, other, 0x20, 0xAB, 0xCD)
	s.a.liveTick()
	s.waitFor("2 changes seen")
	s.keys(key(tcell.KeyCtrlO))
	screen := s.waitForRegexp(`0x00000020  4000 → abcd.*\n.*0x00000010  02 → 2a`)
	if !strings.Contains(screen, "whole mapping swept every 1h0m0s (256 MiB/s)") {
		t.Errorf("the changes panel does not say what it covers:\n%s", screen)
	}
}

func TestLiveOwnEditsAreNotForeign(t *testing.T) {
	data := testdir.Sample(t)
	s := startLiveSim(t, data, 0)
	other := otherWriter(t, s.path)

	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("4142")
	s.waitFor("00000000 │ 41 42 4c 46")
	// Written through at once: another mapping of the file sees it before any flush.
	got := make([]byte, 2)
	if _, err := other.ReadAt(got, 0); err != nil || !bytes.Equal(got, []byte{0x41, 0x42}) {
		t.Fatalf("another mapping reads % X (%v), want 41 42", got, err)
	}
	s.a.liveTick()
	s.keys(key(tcell.KeyCtrlZ))
	s.waitFor("00000000 │ 7f 45 4c 46")
	s.a.liveTick()
	s.keys(key(tcell.KeyCtrlY))
	s.waitFor("00000000 │ 41 42 4c 46")
	s.a.liveTick()
	if screen := s.redraw(); !strings.Contains(screen, "0 changes seen") {
		t.Errorf("the user's own edits, undo and redo were counted as changes:\n%s", screen)
	}
	if bg := s.background(hexX(0), 0); isForeign(bg) {
		t.Errorf("the user's own edit is highlighted as a foreign change")
	}

	// A change by the other writer, next to the user's, is still seen.
	poke(t, other, 2, 0x99)
	s.a.liveTick()
	s.waitFor("1 change seen")
	s.keys(key(tcell.KeyEscape), key(tcell.KeyCtrlO))
	s.waitFor("0x00000002  4c → 99")
	if screen := s.screen(); strings.Contains(screen, "0x00000000  7f") {
		t.Errorf("the changes panel lists the user's own edit:\n%s", screen)
	}
}

func TestLiveChangesPanelJumps(t *testing.T) {
	data := testdir.Sample(t)
	s := startLiveSim(t, data, 0)
	other := otherWriter(t, s.path)
	poke(t, other, 0xC02, 0x99, 0x98)
	s.a.liveTick()
	s.waitFor("1 change seen")
	if screen := s.screen(); strings.Contains(screen, "00000c00 │") {
		t.Fatalf("offset 0xC00 is on screen already; the test needs it off screen:\n%s", screen)
	}
	s.keys(key(tcell.KeyCtrlO))
	s.waitFor(fmt.Sprintf("0x00000C02  %02x%02x → 9998", data[0xC02], data[0xC03]))
	s.keys(key(tcell.KeyEnter))
	s.waitFor("hex  0xC02 (3074)")
	s.waitFor("went to the change seen at")
	screen := s.screen()
	row := -1
	for y, line := range strings.Split(screen, "\n") {
		if strings.HasPrefix(line, "00000c00 │") {
			row = y
		}
	}
	if row < 0 {
		t.Fatalf("the row of 0xC00 is not on screen after the jump:\n%s", screen)
	}
	if bg := s.background(hexX(2), row); !isForeign(bg) {
		t.Errorf("the changed byte at 0xC02 has background %v after the jump, want it highlighted", bg)
	}
	// The keys act on the bytes again: the panel stays open, the cursor moves.
	s.keys(key(tcell.KeyRight))
	s.waitFor("hex  0xC03 (3075)")
	if !strings.Contains(s.screen(), "0x00000C02  ") {
		t.Errorf("the changes panel closed after the jump:\n%s", s.screen())
	}
	// The toggle moves into the panel, and from inside closes it.
	s.keys(key(tcell.KeyCtrlO), key(tcell.KeyCtrlO))
	s.waitForNot("Enter: go there")
}

func TestLiveChangesPanelVimKeys(t *testing.T) {
	s := startLiveSimKeys(t, make([]byte, 4096), 0, "vim")
	other := otherWriter(t, s.path)
	poke(t, other, 0x100, 1)
	s.a.liveTick()
	poke(t, other, 0x200, 2)
	s.a.liveTick()
	s.waitFor("2 changes seen")
	s.keys(key(tcell.KeyF12))
	s.waitFor("0x00000200  00 → 02")
	s.typeText("j")
	s.keys(key(tcell.KeyEnter)) // vim binds Enter to cursor.down; in the list it jumps
	s.waitFor("hex  0x100 (256)")
	s.keys(key(tcell.KeyF12))
	s.typeText("Gk")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("hex  0x200 (512)")
	s.keys(key(tcell.KeyF12), key(tcell.KeyEnd), key(tcell.KeyEnter))
	s.waitFor("hex  0x100 (256)")
}

func TestLivePauseStopsUpdates(t *testing.T) {
	data := testdir.Sample(t)
	s := startLiveSim(t, data, 0)
	other := otherWriter(t, s.path)
	s.keys(key(tcell.KeyCtrlW))
	s.waitFor("PAUSED  0 changes seen")
	s.waitFor("paused until Ctrl-W")
	poke(t, other, 0x10, 0x2A)
	s.a.liveTick()
	s.a.liveTick()
	// The bytes are read afresh when a frame is drawn, but nothing is compared or highlighted.
	screen := s.redraw()
	if !strings.Contains(screen, "PAUSED  0 changes seen") {
		t.Errorf("a change was counted while paused:\n%s", screen)
	}
	if bg := s.background(hexX(0), 1); isForeign(bg) {
		t.Errorf("a change is highlighted while paused")
	}
	s.keys(key(tcell.KeyCtrlW))
	s.waitFor("live updates resumed")
	s.a.liveTick()
	s.waitFor("LIVE 1h0m0s  1 change seen")
	if bg := s.background(hexX(0), 1); !isForeign(bg) {
		t.Errorf("the change made while paused is not highlighted after resuming (background %v)", bg)
	}
}

func TestLiveWindowFollowsTheView(t *testing.T) {
	const window = 8 << 10
	s := startLiveSim(t, make([]byte, 64<<10), window)
	other := otherWriter(t, s.path)
	poke(t, other, 0xF000, 0x11)
	s.a.liveTick()
	if screen := s.redraw(); !strings.Contains(screen, "0 changes seen") {
		t.Errorf("a change outside the watched window was seen:\n%s", screen)
	}
	s.keys(key(tcell.KeyCtrlG))
	s.waitFor("goto: ")
	s.typeText("0xF000")
	s.keys(key(tcell.KeyEnter))
	s.waitFor("hex  0xF000 (61440)")
	s.a.liveTick() // the view left the window: a new one is taken around it
	poke(t, other, 0xF004, 0x22)
	s.a.liveTick()
	s.waitFor("1 change seen")
	s.keys(key(tcell.KeyCtrlO))
	s.waitFor("0x0000F004  00 → 22")
	if screen := s.screen(); !strings.Contains(screen, "8 KiB around the view swept every 1h0m0s (256 MiB/s)") {
		t.Errorf("the changes panel does not say it covers the window:\n%s", screen)
	}
	if w := s.a.live.Watcher(); w.Len() != window || w.Offset() > 0xF000 || w.Offset()+w.Len() < 0xF000 {
		t.Errorf("watching [0x%X, +%d), want %d bytes around 0xF000", w.Offset(), w.Len(), window)
	}
}

func TestLiveStopsWhenTruncated(t *testing.T) {
	s := startLiveSim(t, make([]byte, 5*4096), 0)
	if err := os.Truncate(s.path, 100); err != nil {
		t.Skipf("this OS refuses to truncate a mapped file: %v", err)
	}
	s.a.liveTick()
	s.waitFor("live mode stopped: data.bin was truncated to 100 bytes")
	s.waitFor("LIVE STOPPED")
	s.keys(key(tcell.KeyRight))
	s.waitForNot("live mode stopped")
	s.keys(key(tcell.KeyCtrlW))
	s.waitFor("live mode stopped: data.bin was truncated")
	s.a.liveTick() // polls no more, and does not crash
	s.keys(key(tcell.KeyCtrlQ))
	if _, err := s.quit(); err != nil {
		t.Errorf("quit after the file shrank: %v", err)
	}
}

func TestLiveNamedMapping(t *testing.T) {
	name := fmt.Sprintf("mmhex-live-test-%d", os.Getpid())
	creator, err := mmap.CreateNamed(name, 4096)
	if errors.Is(err, mmap.ErrNotSupported) {
		t.Skipf("named mappings: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer creator.Close()
	m, err := mmap.OpenNamed(name, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// The name is looked up at every tick rather than every second.
	s := runLiveSim(t, m, live.Config{Label: name, Name: name, NameCheckEvery: time.Nanosecond}, "default")
	s.waitFor("VIEW  " + name + "  LIVE")
	poke(t, creator, 0x20, 0xDE, 0xAD, 0xBE, 0xEF)
	s.a.liveTick()
	s.waitFor("00000020 │ de ad be ef")
	s.waitFor("1 change seen")

	creator.Close()
	if runtime.GOOS != "linux" {
		return // a Windows section lives on, by its name too, while this process holds it
	}
	s.a.liveTick()
	s.waitFor(fmt.Sprintf("%q was released", name))
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("01")
	s.waitFor("00000000 │ 01")
}

func TestLiveOffSession(t *testing.T) {
	s := startSim(t, testdir.Sample(t), "default", mmap.ReadWrite, Options{})
	s.keys(key(tcell.KeyCtrlW))
	s.waitFor("live mode is off: start mmhex with --watch FILE")
	s.keys(key(tcell.KeyCtrlO))
	s.waitFor("live mode is off")
	if screen := s.screen(); strings.Contains(screen, "LIVE") {
		t.Errorf("a session without live mode shows LIVE:\n%s", screen)
	}
}

// panickySource is a mapping whose Scan panics once armed, as a bug in live mode's polling would.
type panickySource struct {
	*mmap.Mapping
	armed *atomic.Bool
}

func (p panickySource) Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error {
	if p.armed.Load() {
		panic("boom in live mode")
	}
	return p.Mapping.Scan(off, length, overlap, fn)
}

// TestLivePanicFlushesAndReports checks that a panic in the ticker goroutine ends the app as a
// crash of the UI does: the edits flushed, the panic and its own goroutine's trace printed.
func TestLivePanicFlushesAndReports(t *testing.T) {
	data := testdir.Sample(t)
	m, path := mapTemp(t, data, mmap.ReadWrite)
	var armed atomic.Bool
	l := live.New(panickySource{Mapping: m, armed: &armed}, live.Config{Label: filepath.Base(path), Interval: time.Millisecond})
	s := runSim(t, live.Storage{Storage: m, Live: l}, loadKeys(t, "default", ""), Options{Live: l})
	s.path = path
	s.keys(key(tcell.KeyInsert))
	s.waitFor("EDIT")
	s.typeText("ab")
	s.waitFor("1 unflushed")
	armed.Store(true)
	out, err := s.quit()
	if err == nil || !strings.Contains(err.Error(), "internal error") || !strings.Contains(err.Error(), "flushed 1 changed byte") {
		t.Errorf("error %v, want an internal error after flushing the edit", err)
	}
	if !strings.Contains(out, "mmhex: internal error: boom in live mode") || !strings.Contains(out, "liveTick") {
		t.Errorf("printed %q, want the panic and the trace of the goroutine it happened in", out)
	}
	s.wantFile(patched(data, 0, 0xAB))
}

// TestLiveChangesPanelSaysNewerAbove: once the user moved down the changes panel, new entries
// arrive above without moving what the user looks at, and a line says how many are above and
// which keys go to them; at the top, the panel follows the newest again.
func TestLiveChangesPanelSaysNewerAbove(t *testing.T) {
	s := startLiveSim(t, make([]byte, 4096), 0)
	other := otherWriter(t, s.path)
	for i := 1; i <= 20; i++ {
		poke(t, other, int64(0x10*i), byte(i))
		s.a.liveTick()
	}
	s.waitFor("20 changes seen")
	s.keys(key(tcell.KeyCtrlO))
	s.waitFor("0x00000140  00 → 14")
	for range 12 {
		s.keys(key(tcell.KeyDown))
	}
	// The 13th newest is selected: 0x80. The list keeps it in view below the hint.
	s.waitFor("4 newer changes above: Ctrl-Home or Home jumps to them")
	poke(t, other, 0x300, 0x21)
	s.a.liveTick()
	poke(t, other, 0x310, 0x22)
	s.a.liveTick()
	s.waitFor("22 changes seen")
	screen := s.waitForRegexp("6 newer changes above: Ctrl-Home or Home jumps to them")
	if !strings.Contains(screen, "0x00000080  00 → 08") || strings.Contains(screen, "0x00000310  ") {
		t.Errorf("new entries moved the list under the user, or show below the hint:\n%s", screen)
	}
	s.keys(key(tcell.KeyHome))
	s.waitFor("0x00000310  00 → 22")
	if screen := s.screen(); strings.Contains(screen, "newer change") {
		t.Errorf("the hint stays at the top of the list:\n%s", screen)
	}
	poke(t, other, 0x320, 0x23)
	s.a.liveTick()
	s.waitFor("0x00000320  00 → 23")
	if screen := s.screen(); strings.Contains(screen, "newer change") {
		t.Errorf("at the top, the list does not follow the newest:\n%s", screen)
	}
}
