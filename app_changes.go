package main

import (
	"errors"
	"fmt"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mmhex/mmhex/hexview"
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
	if reason := a.live.stoppedReason(); reason != "" {
		return errors.New(reason)
	}
	paused := !a.live.paused.Load()
	a.live.paused.Store(paused)
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
// added. The selected entry stays selected as new ones arrive above it, unless it is the newest,
// which the selection then follows.
func (a *app) fillChanges() {
	total := a.live.log.total()
	kept := ""
	if total > changesKept {
		kept = fmt.Sprintf(" (last %d of %d)", changesKept, total)
	}
	a.changes.SetTitle(fmt.Sprintf(" changes%s · %s · Enter: go there · %s: back ",
		kept, a.live.coverage(), a.keyFor("mode.view")))
	if total == a.changesSeq {
		return
	}
	a.changesSeq = total
	var keep int64
	if cur := a.changes.GetCurrentItem(); cur > 0 && cur < len(a.changeItems) {
		keep = a.changeItems[cur].seq
	}
	a.changeItems = a.live.log.newest()
	a.changes.Clear()
	if len(a.changeItems) == 0 {
		a.changes.AddItem("no changes seen yet", "", 0, nil)
		return
	}
	current := 0
	for i, e := range a.changeItems {
		a.changes.AddItem(e.String(), "", 0, nil)
		if keep != 0 && e.seq >= keep {
			current = i
		}
	}
	a.changes.SetCurrentItem(current)
}

// jumpToChange moves the cursor to the i-th entry of the changes panel and back to the bytes.
func (a *app) jumpToChange(i int) {
	if i < 0 || i >= len(a.changeItems) {
		return
	}
	e := a.changeItems[i]
	a.ed.SetCursor(e.off)
	a.tv.SetFocus(a.view)
	a.say("went to the change seen at " + e.seen.Format("15:04:05.000"))
}

// listKeys are the keys of the changes list for the moves of the cursor, so both presets move in
// it as they move in the bytes.
var listKeys = map[string]tcell.Key{
	"cursor.up":         tcell.KeyUp,
	"cursor.down":       tcell.KeyDown,
	"page.up":           tcell.KeyPgUp,
	"page.down":         tcell.KeyPgDn,
	"cursor.file-start": tcell.KeyHome,
	"cursor.file-end":   tcell.KeyEnd,
}

// changesKey handles a key while the changes panel has focus: Enter jumps to the selected entry,
// the arrow keys and the keys of the cursor moves move in the list, mode.view goes back to the
// bytes, and any other bound key goes back to the bytes and does there what it does.
func (a *app) changesKey(ev *tcell.EventKey) *tcell.EventKey {
	switch ev.Key() {
	case tcell.KeyEnter, tcell.KeyUp, tcell.KeyDown, tcell.KeyPgUp, tcell.KeyPgDn, tcell.KeyHome, tcell.KeyEnd:
		if ev.Modifiers() == tcell.ModNone {
			return ev // the list's own keys, whatever they do in the bytes
		}
	case tcell.KeyCtrlC:
		// tview would quit on it; in the bytes it may be bound (copy), which makes no sense here.
		return nil
	}
	action := a.singleKey[hexview.KeyName(ev)]
	if k, ok := listKeys[action]; ok {
		return tcell.NewEventKey(k, 0, tcell.ModNone)
	}
	switch action {
	case "":
		return ev
	case "changes.toggle", "live.pause":
		a.say("")
		a.check(actionTable[action](a))
	case "mode.view":
		a.tv.SetFocus(a.view)
	default:
		a.tv.SetFocus(a.view)
		a.view.HandleKey(ev)
	}
	return nil
}
