package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/live"
)

// changesHeight is the changes panel's height in rows, border included, when the screen has
// room; on a short screen it takes a third of it.
const changesHeight = 12

// errNoLive refuses the live actions in a session without live mode.
var errNoLive = errors.New("live mode is off: start mmhex with --watch FILE or -n NAME")

func newChangesPanel() *tview.List {
	l := tview.NewList().ShowSecondaryText(false).SetHighlightFullLine(true).SetSelectedFocusOnly(true)
	l.SetBorder(true).SetTitleAlign(tview.AlignLeft) // a long title is cut at its end
	return l
}

// toggleChanges opens the changes panel and moves into it; when it is open, it moves into it,
// and from inside it closes it.
func (a *app) toggleChanges() error {
	if a.live == nil {
		return errNoLive
	}
	switch {
	case !a.changesOn:
		a.changesOn = true
		a.changesSeq = -1 // fill it at the next frame
		a.tv.SetFocus(a.changes)
	case !a.changes.HasFocus():
		a.tv.SetFocus(a.changes)
	default:
		a.changesOn = false
		a.tv.SetFocus(a.view)
	}
	return nil
}

// togglePause stops or resumes polling. The snapshot stays, so the first poll after resuming
// reports everything that changed meanwhile.
func (a *app) togglePause() error {
	if a.live == nil {
		return errNoLive
	}
	if reason := a.live.StoppedReason(); reason != "" {
		return errors.New(reason)
	}
	paused := !a.live.Paused.Load()
	a.live.Paused.Store(paused)
	if paused {
		a.say("paused until " + a.keyFor("live.pause"))
	} else {
		a.say("live updates resumed")
	}
	return nil
}

// fitChanges gives the changes panel its rows while it is open.
func (a *app) fitChanges(screen tcell.Screen) {
	height := 0
	if _, h := screen.Size(); a.changesOn {
		height = min(changesHeight, max(h/3, 3))
	}
	a.root.ResizeItem(a.changes, height, 0)
}

// fillChanges brings the open changes panel up to date: its title, and its list when runs were
// added. The selected entry stays selected, and where it was on screen, as new ones arrive above
// it, unless it is the newest, which the selection then follows; drawChangesHint says that newer
// entries are above.
func (a *app) fillChanges() {
	total := a.live.Log.Total()
	kept := ""
	if total > live.ChangesKept {
		kept = fmt.Sprintf(" (last %d of %d)", live.ChangesKept, total)
	}
	a.changes.SetTitle(fmt.Sprintf(" changes%s · %s · %s: go there · %s: back ",
		kept, a.live.Coverage(), keymap.Accept, a.cancelKey()))
	if total == a.changesSeq {
		return
	}
	a.changesSeq = total
	var keep int64
	cur := a.changes.GetCurrentItem()
	if cur > 0 && cur < len(a.changeItems) {
		keep = a.changeItems[cur].Seq
	}
	a.changeItems = a.live.Log.Newest()
	a.changes.Clear()
	if len(a.changeItems) == 0 {
		a.changes.AddItem("no changes seen yet", "", 0, nil)
		return
	}
	current := 0
	for i, e := range a.changeItems {
		a.changes.AddItem(e.String(), "", 0, nil)
		if keep != 0 && e.Seq >= keep {
			current = i
		}
	}
	a.changes.SetCurrentItem(current)
	if keep != 0 {
		offset, horizontal := a.changes.GetOffset()
		a.changes.SetOffset(offset+current-cur, horizontal)
	}
}

// drawChangesHint draws the changes panel's border, and above the list, when newer entries are
// scrolled out of view above it, a line that says how many and which keys jump to them. It keeps
// the selected entry in view as the list would, to know that before the list draws. It returns
// the rectangle left for the list.
func (a *app) drawChangesHint(screen tcell.Screen, x, y, width, height int) (int, int, int, int) {
	x, y, width, height = x+1, y+1, width-2, height-2
	if height < 2 {
		return x, y, width, height
	}
	cur := a.changes.GetCurrentItem()
	inView := func(offset, rows int) int {
		return max(min(offset, cur), cur+1-rows)
	}
	offset, horizontal := a.changes.GetOffset()
	offset = inView(offset, height)
	if offset == 0 {
		a.changes.SetOffset(0, horizontal)
		return x, y, width, height
	}
	offset = inView(offset, height-1)
	a.changes.SetOffset(offset, horizontal)
	hint := fmt.Sprintf("%s above: %s jumps to them", byteconv.Count(int64(offset), "newer change"), a.changesTopKeys())
	tview.Print(screen, hint, x, y, width, tview.AlignLeft, tview.Styles.SecondaryTextColor)
	return x, y + 1, width, height - 1
}

// changesTopKeys names the keys that go to the newest entry in the changes panel: the first
// key, bound alone, of each move that does (see moveInChanges).
func (a *app) changesTopKeys() string {
	var names []string
	for _, action := range []string{"cursor.file-start", "cursor.row-start"} {
		for _, k := range a.km.Keys(action) {
			if a.singleKey[k] == action {
				names = append(names, k)
				break
			}
		}
	}
	return strings.Join(names, " or ")
}

// jumpToChange moves the cursor to the i-th entry of the changes panel and back to the bytes.
func (a *app) jumpToChange(i int) {
	if i < 0 || i >= len(a.changeItems) {
		return
	}
	e := a.changeItems[i]
	a.ed.SetCursor(e.Off)
	a.tv.SetFocus(a.view)
	a.say("went to the change seen at " + e.Seen.Format("15:04:05.000"))
}

// changesKey handles a key while the changes panel has focus: keymap.Accept jumps to the selected
// entry, the keys of the cursor moves move in the list, keymap.Cancel and the keys of mode.view go
// back to the bytes, and any other bound key goes back to the bytes and does there what it does.
// Unbound keys go to the list.
func (a *app) changesKey(name string, ev *tcell.EventKey) {
	action := a.singleKey[name]
	switch {
	case name == keymap.Accept:
		a.jumpToChange(a.changes.GetCurrentItem())
	case name == keymap.Cancel, action == "mode.view":
		a.tv.SetFocus(a.view)
	case a.moveInChanges(action):
	case action == "changes.toggle", action == "live.pause":
		a.say("")
		a.check(actionTable[action](a))
	case action == "":
		a.forward(ev)
	default:
		a.tv.SetFocus(a.view)
		a.onKey(name)
	}
}

// moveInChanges moves the selection of the changes panel for a cursor move, so that both presets
// move in the list as they move in the bytes: by an entry, by a page, to either end. It reports
// whether action is such a move.
func (a *app) moveInChanges(action string) bool {
	cur, last := a.changes.GetCurrentItem(), a.changes.GetItemCount()-1
	_, _, _, page := a.changes.GetInnerRect()
	page = max(page, 1)
	switch action {
	case "cursor.up":
		cur--
	case "cursor.down":
		cur++
	case "page.up":
		cur -= page
	case "page.down":
		cur += page
	case "cursor.file-start", "cursor.row-start":
		cur = 0
	case "cursor.file-end", "cursor.row-end":
		cur = last
	default:
		return false
	}
	a.changes.SetCurrentItem(max(0, min(cur, last)))
	return true
}
