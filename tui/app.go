package tui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/hexview"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/live"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/procmem"
)

// Options are the command-line choices the app needs.
type Options struct {
	Cols int // bytes per row; 0 fits the terminal
	// ReadOnlyNote says why the session is read-only; "" when it is writable.
	ReadOnlyNote string
	// StartNote, if set, is the status bar's first message when ReadOnlyNote is not.
	StartNote string
	// Live is live mode, whose storage the editor writes through; nil when live mode is off.
	Live *live.Live
	// NoColor draws without colours (the NO_COLOR environment variable).
	NoColor bool
	// Base is the address of offset 0 (a region of a process): the offset column, the status
	// bar and goto show and take addresses. 0 for a file.
	Base int64
	// Force, if set, makes later writes reach pages the process cannot write; the app offers it
	// (a y/n prompt) when a write fails with procmem.ErrNotWritable.
	Force func()
	// Regions, for a process, lists its regions for :region and the regions panel; nil for a
	// file or a named mapping.
	Regions func() ([]procmem.Region, error)
	// OpenRegion opens the editor, in live mode, on one of the regions Regions lists.
	OpenRegion func(procmem.Region) (Session, error)
}

// Session is the editor on one region of a process, with its live mode, as OpenRegion opens it.
type Session struct {
	Editor *editor.Editor
	Live   *live.Live
	Base   int64  // the region's start
	Force  func() // as Options.Force
}

// app wires the editor model to the terminal: the hex view, the status bar, the prompt line, the
// inspector, the overlays and the action table. Its state is in small parts by job; all but
// crossGoroutine are touched only by the tview goroutine, and other goroutines post to it with
// tv.QueueUpdateDraw (see crossGoroutine for the rule).
type app struct {
	ed   *editor.Editor
	km   *keymap.Keymap
	opts Options
	// singleKey maps each key bound alone (not in a sequence) to its action, for the overlays.
	singleKey map[string]string

	widgets
	input
	messages
	moves
	panels
	liveUI
	crossGoroutine
}

// MaxCols bounds the bytes per row (--cols, set cols=N): wider rows fit no terminal.
const MaxCols = 1024

const (
	pageMain  = "main"
	pageHelp  = "help"
	pageMarks = "bookmarks"
	// pageRegions lists the regions of a process.
	pageRegions = "regions"
	// inspectorWidth fits the longest value the inspector prints (a 64-bit integer or float) and
	// its label, in a border.
	inspectorWidth = 34
	// minInspectorScreen is the narrowest screen that shows the inspector beside four bytes per
	// row; on a narrower one the inspector waits until the screen is wide enough.
	minInspectorScreen = inspectorWidth + 32
)

// New makes the app over ed, with the keys of km; its Run method shows it.
func New(ed *editor.Editor, km *keymap.Keymap, opts Options) *app {
	a := &app{ed: ed, km: km, opts: opts}
	a.cols = opts.Cols
	a.moveWait = moveWait
	a.keys, a.tv, a.live = km.NewResolver(), tview.NewApplication(), opts.Live
	a.singleKey = map[string]string{}
	for _, action := range keymap.Actions() {
		for _, k := range km.Keys(action.Name) {
			if !strings.Contains(k, " ") {
				a.singleKey[k] = action.Name
			}
		}
	}

	a.view = hexview.New(ed).SetColumns(opts.Cols).SetNoColor(opts.NoColor).SetBase(opts.Base)
	a.view.SetOnClick(func(off int64, col editor.Column) {
		if a.moving {
			return
		}
		a.settleThen(func() error {
			a.ed.SetCursor(off)
			a.ed.SetColumn(col)
			return nil
		})
	})
	a.view.SetOnScroll(func(rows int) {
		if !a.moving {
			a.settleThen(func() error { a.ed.Scroll(int64(rows)); return nil })
		}
	})
	a.status = hexview.NewStatusBar().SetNoColor(opts.NoColor)
	a.prompt = tview.NewInputField()
	a.prompt.SetFieldBackgroundColor(tcell.ColorDefault)
	a.inspector = tview.NewTextView()
	a.inspector.SetBorder(true).SetTitle(" inspector ")
	a.body = tview.NewFlex().
		AddItem(a.view, 0, 1, true).
		AddItem(a.inspector, 0, 0, false)
	a.changes = newChangesPanel()
	a.changes.SetDrawFunc(a.drawChangesHint)
	a.changes.SetSelectedFunc(func(i int, _, _ string, _ rune) { a.jumpToChange(i) })
	a.root = tview.NewFlex().SetDirection(tview.FlexRow).
		AddItem(a.body, 0, 1, true).
		AddItem(a.changes, 0, 0, false).
		AddItem(a.status, 1, 0, false).
		AddItem(a.prompt, 0, 0, false)
	a.help = newHelpView(helpText(km))
	a.help.SetBorder(true).SetTitle(fmt.Sprintf(" %s keys · %s closes ", km.Preset(), a.cancelKey()))
	a.marks = tview.NewList().ShowSecondaryText(false).SetHighlightFullLine(true)
	a.marks.SetBorder(true).SetTitle(" bookmarks ")
	a.regions = tview.NewList().ShowSecondaryText(false).SetHighlightFullLine(true)
	a.regions.SetBorder(true).SetTitle(" regions · Enter moves to one ")
	a.pages = tview.NewPages().
		AddPage(pageMain, a.root, true, true).
		AddPage(pageHelp, newCentered(a.help, 84, 40), true, false).
		AddPage(pageMarks, newCentered(a.marks, 60, 20), true, false).
		AddPage(pageRegions, newCentered(a.regions, 100, 30), true, false)

	a.tv.SetRoot(rootView{Pages: a.pages, a: a}, true).SetFocus(a.view).EnableMouse(true).EnablePaste(true)
	a.tv.SetInputCapture(a.capture)
	a.tv.SetBeforeDrawFunc(func(screen tcell.Screen) bool {
		a.screen = screen
		a.fitInspector(screen)
		a.fitChanges(screen)
		a.checkCols(screen)
		a.refresh()
		// A message too long for one line takes a few rows, so that it can be read.
		width, _ := screen.Size()
		a.root.ResizeItem(a.status, a.status.Rows(width), 0)
		return false
	})
	a.tv.SetAfterDrawFunc(func(tcell.Screen) { a.fading.Store(a.view.Fading()) })
	ed.SetSearchNotify(a.postSearchReport)
	ed.SetMoveProgress(a.postMoveProgress)
	switch {
	case opts.ReadOnlyNote != "":
		a.say("read-only, " + opts.ReadOnlyNote)
	case opts.StartNote != "":
		a.say(opts.StartNote)
	default:
		a.say(fmt.Sprintf("%s for the keys", a.keyFor("help.toggle")))
	}
	return a
}

// centered shows a primitive in the middle of its area, at most width x height cells, so an
// overlay fits small terminals too. It leaves the bottom row alone, so the status bar stays
// whole beneath an overlay.
type centered struct {
	*tview.Box
	child         tview.Primitive
	width, height int
}

func newCentered(child tview.Primitive, width, height int) *centered {
	return &centered{Box: tview.NewBox(), child: child, width: width, height: height}
}

// Draw places the child in the middle and draws it; the area around it shows what is beneath.
func (c *centered) Draw(screen tcell.Screen) {
	x, y, width, height := c.GetRect()
	height--
	w, h := min(c.width, width), min(c.height, height)
	c.child.SetRect(x+(width-w)/2, y+(height-h)/2, w, h)
	c.child.Draw(screen)
}

// Focus gives the focus to the child.
func (c *centered) Focus(delegate func(p tview.Primitive)) { delegate(c.child) }

// HasFocus reports whether the child has the focus.
func (c *centered) HasFocus() bool { return c.child.HasFocus() }

// InputHandler passes keys to the child.
func (c *centered) InputHandler() func(event *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return c.child.InputHandler()
}

// MouseHandler passes mouse events to the child.
func (c *centered) MouseHandler() func(action tview.MouseAction, event *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return c.child.MouseHandler()
}

// rootView is the page stack, with text pasted into the terminal routed to the editor while the
// hex view has focus; the prompt, the overlays and the panels take it as usual.
type rootView struct {
	*tview.Pages
	a *app
}

// Draw draws the visible pages, the main one first, each over the whole screen, as Pages does,
// but without Pages' fill of the screen with its background first: the main page draws every
// cell, so that fill was a fifth of the work of a key's frame (BenchmarkKeyFrame).
func (r rootView) Draw(screen tcell.Screen) {
	x, y, width, height := r.GetInnerRect()
	names := r.GetPageNames(true) // front to back
	for i := len(names) - 1; i >= 0; i-- {
		page := r.GetPage(names[i])
		page.SetRect(x, y, width, height) // every page was added to resize with the screen
		page.Draw(screen)
	}
}

// PasteHandler writes pasted text at the cursor; see app.pasteText.
func (r rootView) PasteHandler() func(text string, setFocus func(p tview.Primitive)) {
	if !r.a.view.HasFocus() {
		return r.Pages.PasteHandler()
	}
	return func(text string, _ func(p tview.Primitive)) {
		if r.a.moving {
			r.a.moveKey("a paste")
			return
		}
		r.a.say("")
		r.a.settleThen(func() error { return r.a.pasteText(text) })
	}
}

// pasteText writes text pasted into the terminal at the cursor, in edit mode: as hex bytes in
// the hex column, as its own bytes in the text column. In insert mode it inserts them, which
// moves bytes (see runMove).
func (a *app) pasteText(text string) error {
	if a.ed.Mode() == editor.ViewMode {
		return fmt.Errorf("pasted text is written at the cursor in edit mode only: enter it with %s, then paste again",
			a.keyFor("mode.edit-toggle"))
	}
	b := []byte(text)
	if a.ed.Column() == editor.HexColumn {
		var err error
		if b, err = parseHexBytes(text); err != nil {
			return fmt.Errorf("paste in the hex column: %w (paste text in the text column)", err)
		}
	}
	if a.ed.Mode() == editor.InsertMode {
		var note string
		a.runMove(func() (err error) {
			note, err = a.ed.PasteBytes(b)
			return err
		}, func(err error) {
			if err == nil {
				err = a.pasted(note)
			}
			a.check(err)
		})
		return nil
	}
	note, err := a.ed.PasteBytes(b)
	if err != nil {
		return err
	}
	return a.pasted(note)
}

// pasted says what a paste did, with the note of input bytes dropped from it, if any.
func (a *app) pasted(note string) error {
	dropped := a.takeDropped()
	if dropped == nil {
		dropped = a.droppedNote
	}
	if dropped != nil {
		// The paste lacks them: its own message must not hide that.
		a.droppedNote = nil
		return fmt.Errorf("%s; %w", note, dropped)
	}
	a.say(note)
	return nil
}

// capture sees every key first, names it once, and consumes it: the prompt, the overlay or the
// panel that has focus takes it, or else onKey runs what the keymap binds it to. No key is
// handed back to tview, so its own stop key (Ctrl-C) never quits: what a key does is the
// keymap's to say.
func (a *app) capture(ev *tcell.EventKey) *tcell.EventKey {
	name := hexview.KeyName(ev)
	a.droppedNote = nil
	switch {
	case a.promptOpen():
		a.promptKey(name, ev)
	case a.overlay != "":
		a.overlayKey(name, ev)
	case a.changesOn && a.changes.HasFocus():
		a.changesKey(name, ev)
	case name != "":
		a.onKey(name)
	}
	return nil
}

// forward passes a key on to the widget that has focus, as tview does with the keys its input
// capture returns.
func (a *app) forward(ev *tcell.EventKey) {
	if handler := a.pages.InputHandler(); handler != nil {
		handler(ev, func(p tview.Primitive) { a.tv.SetFocus(p) })
	}
}

// cancels reports whether a key closes a prompt, an overlay or the changes panel: keymap.Cancel,
// or a key bound to mode.view that types nothing (a character bound to it is text in a prompt).
func (a *app) cancels(name string) bool {
	if name == keymap.Cancel {
		return true
	}
	_, types := keymap.Input(name)
	return a.singleKey[name] == "mode.view" && !types
}

// cancelKey names the key that cancels, for hints: the first key bound to mode.view that
// cancels, or keymap.Cancel.
func (a *app) cancelKey() string {
	for _, k := range a.km.Keys("mode.view") {
		if a.cancels(k) {
			return k
		}
	}
	return keymap.Cancel
}

// onKey runs the action bound to a key, or types it in edit mode. While bytes move, it only
// cancels the move (see moveKey). The bytes typed in insert mode go into the file before any
// other key's action runs, except those that work on them (onRun).
func (a *app) onKey(name string) {
	if a.moving {
		a.moveKey(name)
		return
	}
	a.say("")
	if a.pending == "" {
		// A waiting replace, or edit mode, takes a character; a replace ends at any other key.
		if r, ok := keymap.Input(name); ok {
			if typed, err := a.ed.Type(r); typed {
				a.check(a.typingError(err))
				if a.ed.Pending() > 0 {
					a.armInsertTimer()
				}
				return
			}
		} else if a.ed.CancelReplace() {
			a.say("replace cancelled")
			return
		}
	}
	res := a.keys.Feed(name)
	a.pending = ""
	switch res.Kind {
	case keymap.Pending:
		a.pending = res.Keys
	case keymap.Unbound:
		a.fail(fmt.Errorf("%s is not bound to anything (%s shows the keys)", res.Keys, a.keyFor("help.toggle")))
	case keymap.Matched:
		count, counted, action := res.Times(), res.Count, actionTable[res.Action]
		run := func() error {
			a.count, a.counted = count, counted
			return action(a)
		}
		if onRun[res.Action] {
			a.check(run())
			return
		}
		a.settleThen(run)
	}
}

// typingError says what to do instead when a character typed in the hex column was no hex digit.
func (a *app) typingError(err error) error {
	if errors.Is(err, editor.ErrNotHexDigit) {
		return fmt.Errorf("%w: type 0-9 or a-f here, switch to the text column with %s, or leave edit mode with %s",
			err, a.keyFor("column.toggle"), a.keyFor("mode.view"))
	}
	return err
}

// say shows a message in the status bar; "" clears it.
func (a *app) say(text string) { a.message, a.isError = text, false }

// fail shows an error in the status bar.
func (a *app) fail(err error) {
	msg := err.Error()
	switch {
	case errors.Is(err, editor.ErrReadOnly) && a.opts.ReadOnlyNote != "":
		msg = "read-only, " + a.opts.ReadOnlyNote
	case errors.Is(err, context.Canceled):
		// A move cancelled with the cancel key: the error says what was moved back.
		msg = "cancelled: " + msg
	case errors.Is(err, procmem.ErrNotWritable) && a.opts.Force != nil:
		a.offerForce(msg)
		return
	case errors.Is(err, mmap.ErrFault):
		msg = "the file shrank underneath (or its storage failed): the bytes shown as ?? are gone; reopen it to see its new size"
	}
	a.message, a.isError = msg, true
}

// offerForce asks, after a write the process's page refused (msg), whether to write such pages
// as a debugger does; yes turns forced writes on for the rest of the session.
func (a *app) offerForce(msg string) {
	a.ask("write pages the process cannot write, as a debugger does? (y/n) ", msg, func(text string) error {
		if !strings.EqualFold(strings.TrimSpace(text), "y") {
			a.say("not written: the page stays as the process has it")
			return nil
		}
		a.opts.Force()
		a.say("forced writes on: type the bytes again to write them into code and read-only pages")
		return nil
	})
	a.isError = true
}

// check shows err, if any.
func (a *app) check(err error) {
	if err != nil {
		a.fail(err)
	}
}

// keyFor names the first key bound to action, for messages; the action's name when it is
// unbound.
func (a *app) keyFor(action string) string { return firstKey(a.km, action) }

// refresh brings the status bar and the inspector up to date before each frame. It looks at the
// file first (one fstat), so a truncation or replacement by another process is said at once.
func (a *app) refresh() {
	if note, err := a.ed.CheckStorage(); err != nil {
		a.fail(err)
	} else if note != "" {
		a.message, a.isError = note, true
	}
	st := a.ed.Status()
	mode := "VIEW"
	switch {
	case !st.Writable:
		mode = "READ-ONLY"
	case st.Mode == editor.EditMode:
		mode = "EDIT"
	case st.Mode == editor.InsertMode:
		mode = "INSERT"
	}
	left := mode + "  " + filepath.Base(st.Name)
	if st.Replaced {
		left += "  REPLACED ON DISK"
	}
	switch {
	case st.Unflushed > 0 && st.FileBacked:
		left += fmt.Sprintf("  %d unflushed", st.Unflushed)
	case st.Unflushed > 0:
		// A named mapping has no file: its changes are complete as they are written.
		left += fmt.Sprintf("  %d changed", st.Unflushed)
	}
	if st.Pending > 0 {
		left += fmt.Sprintf("  %d to insert", st.Pending)
	}
	if a.live != nil {
		left += "  " + a.live.StatusText()
		if text, isError, ok := a.live.TakeNote(); ok {
			a.message, a.isError = text, isError
		}
		if a.changesOn {
			a.fillChanges()
		}
	}
	if a.pending != "" {
		left += "  " + a.pending
	}
	if st.Replace.Waiting {
		left += "  replace:"
		if st.Replace.HasHigh {
			left += fmt.Sprintf(" %x_", st.Replace.High)
		}
	}
	column := "hex"
	if st.Column == editor.TextColumn {
		column = "text"
	}
	size := fmt.Sprint(st.Size)
	if st.Current < st.Size {
		size = fmt.Sprintf("%d (shrank from %d)", st.Current, st.Size)
	}
	right := fmt.Sprintf("%s  0x%X (%d) / %s", column, st.Cursor, st.Cursor, size)
	if a.opts.Base != 0 {
		right = fmt.Sprintf("%s  0x%X (+0x%X) / %s", column, a.opts.Base+st.Cursor, st.Cursor, size)
	}
	if sel := st.Selection; !sel.Empty() {
		right = fmt.Sprintf("sel %d B  ", sel.Len()) + right
	}
	a.status.SetLeft(left).SetRight(right)
	switch {
	case a.moving && a.message != "":
		// A key refused during the move: the message says why, the progress goes on.
		a.status.SetMessage(a.message+" · "+a.moveText(), true)
	case a.moving:
		a.status.SetMessage(a.moveText(), a.cancelling)
	case a.searching != "":
		a.status.SetMessage(a.searching, false)
	default:
		a.status.SetMessage(a.message, a.isError)
	}
	if a.inspectorOn {
		a.inspector.SetText(inspectorText(a.ed, st.Cursor))
		a.inspector.SetTitle(fmt.Sprintf(" 0x%X ", st.Cursor))
	}
}

// postSearchReport hands a search report to the UI goroutine; the search goroutines call it. It
// does not wait: QueueUpdateDraw waits for the UI goroutine, which may be gone after a quit, so
// a goroutine of its own asks for the reports to be taken, and the queue keeps them in order.
func (a *app) postSearchReport(r editor.SearchReport) {
	q := &a.searchReports
	q.mu.Lock()
	defer q.mu.Unlock()
	q.reports = append(q.reports, r)
	if !q.queued {
		q.queued = true
		go a.tv.QueueUpdateDraw(a.takeSearchReports)
	}
}

// takeSearchReports shows the reports queued, oldest first; it runs on the UI goroutine.
func (a *app) takeSearchReports() {
	q := &a.searchReports
	q.mu.Lock()
	reports := q.reports
	q.reports, q.queued = nil, false
	q.mu.Unlock()
	for _, r := range reports {
		a.searchReport(r)
	}
}

// searchReport shows a search's progress or result; it runs on the UI goroutine. A report of a
// search replaced or cancelled since is ignored: it would end the newer search's "searching…".
func (a *app) searchReport(r editor.SearchReport) {
	if r.Gen != a.ed.SearchGen() {
		return
	}
	if !r.Finished {
		if r.Total > 0 {
			a.searching = fmt.Sprintf("searching %s… %d%% (%s cancels)", r.Pattern, r.Done*100/r.Total, a.keyFor("mode.view"))
		}
		return
	}
	a.searching = ""
	switch {
	case errors.Is(r.Err, editor.ErrNotFound):
		a.fail(fmt.Errorf("not found: %s", r.Pattern))
	case r.Err != nil:
		a.fail(r.Err)
	case r.Wrapped && r.Backward:
		a.say(fmt.Sprintf("%s at 0x%X (search wrapped past the start)", r.Pattern, r.Offset))
	case r.Wrapped:
		a.say(fmt.Sprintf("%s at 0x%X (search wrapped past the end)", r.Pattern, r.Offset))
	default:
		a.say(fmt.Sprintf("%s at 0x%X", r.Pattern, r.Offset))
	}
}

// ask opens the prompt line with a short label, shows hint in the status bar while it is open,
// and gives the text to done on keymap.Accept.
func (a *app) ask(label, hint string, done func(text string) error) {
	a.prompt.SetLabel(label).SetText("")
	a.promptDone = done
	a.say(fmt.Sprintf("%s · %s: ok · %s: cancel", hint, keymap.Accept, a.cancelKey()))
	a.root.ResizeItem(a.prompt, 1, 0)
	a.tv.SetFocus(a.prompt)
}

func (a *app) promptOpen() bool { return a.promptDone != nil }

func (a *app) closePrompt() {
	a.promptDone = nil
	a.root.ResizeItem(a.prompt, 0, 0)
	a.tv.SetFocus(a.view)
}

// promptKey handles a key while the prompt is open: keymap.Accept runs the prompt's function on
// the text, a key that cancels closes the prompt, and the others edit the text.
func (a *app) promptKey(name string, ev *tcell.EventKey) {
	switch {
	case name == keymap.Accept:
		done, text := a.promptDone, a.prompt.GetText()
		a.closePrompt()
		a.say("")
		a.check(done(text))
	case a.cancels(name):
		a.closePrompt()
		a.say("")
	default:
		a.forward(ev)
	}
}
