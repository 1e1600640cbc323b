package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/byteconv"
)

// actionTable implements the actions keymap binds keys to, by name. Keys never appear here:
// they live in the keymap presets and the user's file.
var actionTable map[string]func(*app) error

func init() {
	// Assigned in init because some actions (the command line) refer to the table itself.
	actionTable = map[string]func(*app) error{
		"cursor.left":           func(a *app) error { a.ed.Move(-int64(a.count)); return nil },
		"cursor.right":          func(a *app) error { a.ed.Move(int64(a.count)); return nil },
		"cursor.up":             func(a *app) error { a.ed.MoveRows(-int64(a.count)); return nil },
		"cursor.down":           func(a *app) error { a.ed.MoveRows(int64(a.count)); return nil },
		"cursor.row-start":      func(a *app) error { a.ed.RowStart(); return nil },
		"cursor.row-end":        func(a *app) error { a.ed.RowEnd(); return nil },
		"cursor.file-start":     func(a *app) error { a.ed.FileStart(); return nil },
		"cursor.file-end":       (*app).fileEnd,
		"cursor.next-group":     func(a *app) error { a.ed.NextGroup(int64(a.count)); return nil },
		"cursor.prev-group":     func(a *app) error { a.ed.PrevGroup(int64(a.count)); return nil },
		"page.up":               func(a *app) error { a.ed.MovePages(-int64(a.count)); return nil },
		"page.down":             func(a *app) error { a.ed.MovePages(int64(a.count)); return nil },
		"page.half-up":          func(a *app) error { a.ed.MoveHalfPages(-int64(a.count)); return nil },
		"page.half-down":        func(a *app) error { a.ed.MoveHalfPages(int64(a.count)); return nil },
		"cursor.screen-top":     func(a *app) error { a.ed.MoveToScreenRow(editor.ScreenTop); return nil },
		"cursor.screen-middle":  func(a *app) error { a.ed.MoveToScreenRow(editor.ScreenMiddle); return nil },
		"cursor.screen-bottom":  func(a *app) error { a.ed.MoveToScreenRow(editor.ScreenBottom); return nil },
		"column.toggle":         func(a *app) error { a.ed.ToggleColumn(); return nil },
		"goto.prompt":           (*app).gotoPrompt,
		"mode.edit-toggle":      (*app).toggleEdit,
		"mode.view":             (*app).escape,
		"edit.replace-byte":     (*app).startReplace,
		"edit.undo":             func(a *app) error { a.repeat(a.ed.Undo, "undone"); return nil },
		"edit.redo":             func(a *app) error { a.repeat(a.ed.Redo, "redone"); return nil },
		"edit.repeat":           (*app).repeatChange,
		"edit.fill":             (*app).fillPrompt,
		"edit.paste":            (*app).paste,
		"edit.insert":           func(a *app) error { return a.startInsert(false) },
		"edit.append":           func(a *app) error { return a.startInsert(true) },
		"edit.backspace":        (*app).backspace,
		"edit.delete":           func(a *app) error { a.deleteBytes(false); return nil },
		"mode.insert-toggle":    (*app).toggleInsert,
		"edit.delete-selection": func(a *app) error { a.deleteBytes(true); return nil },
		"select.toggle":         (*app).toggleSelection,
		"copy.hex":              func(a *app) error { return a.copySelection(false) },
		"copy.text":             func(a *app) error { return a.copySelection(true) },
		"search.forward":        func(a *app) error { a.searchPrompt(false); return nil },
		"search.backward":       func(a *app) error { a.searchPrompt(true); return nil },
		"search.next":           func(a *app) error { return a.ed.SearchAgain(false) },
		"search.prev":           func(a *app) error { return a.ed.SearchAgain(true) },
		"search.repeat":         func(a *app) error { return a.ed.SearchNext() },
		"search.repeat-reverse": func(a *app) error { return a.ed.SearchPrev() },
		"bookmark.set":          (*app).setBookmark,
		"bookmark.list":         (*app).listBookmarks,
		"regions.list":          (*app).listRegions,
		"bookmark.next":         func(a *app) error { return a.jumpBookmark(a.ed.NextBookmark) },
		"bookmark.prev":         func(a *app) error { return a.jumpBookmark(a.ed.PrevBookmark) },
		"file.flush":            (*app).flush,
		"file.quit":             func(a *app) error { a.tv.Stop(); return nil },
		"command.prompt":        (*app).commandPrompt,
		"inspector.toggle":      func(a *app) error { a.toggleInspector(); return nil },
		"help.toggle":           func(a *app) error { a.showOverlay(pageHelp); return nil },
		"live.pause":            (*app).togglePause,
		"changes.toggle":        (*app).toggleChanges,
	}
}

// onRun holds the actions that work on the bytes typed in insert mode: the run does not end
// before they run, as it does before any other action (see settleThen).
var onRun = map[string]bool{"edit.backspace": true}

// backspace takes back the last keys typed in insert mode (a count: that many), or, with none
// waiting to be inserted, moves the cursor left. The run goes on: the idle timer starts again.
func (a *app) backspace() error {
	err := a.ed.Backspace(int64(a.count))
	if a.ed.Pending() > 0 {
		a.armInsertTimer()
	}
	return err
}

// fileEnd goes to the last byte, or, after a count, to the byte at that offset (vim's 10G, as
// bvi reads it: a hex editor's lines are bytes).
func (a *app) fileEnd() error {
	if a.counted == 0 {
		a.ed.FileEnd()
		return nil
	}
	return a.ed.Goto(fmt.Sprint(a.counted))
}

// repeat runs fn count times, stopping at the first error, and says what it did. An undo or
// redo may move bytes (an insert or delete), so it runs as a move (see runMove).
func (a *app) repeat(fn func() error, done string) {
	count, n := a.count, 0
	var err error
	a.runMove(func() error {
		for ; n < count; n++ {
			if err = fn(); err != nil {
				break
			}
		}
		return nil
	}, func(error) {
		if n == 0 {
			a.fail(err)
			return
		}
		if n > 1 {
			done += " " + byteconv.Count(int64(n), "change")
		}
		a.say(done)
	})
}

// repeatChange does the last change again at the cursor, count times; an insert or delete moves
// bytes, so it runs as a move.
func (a *app) repeatChange() error {
	count, n, note := a.count, 0, ""
	var err error
	a.runMove(func() error {
		for ; n < count; n++ {
			if note, err = a.ed.Repeat(); err != nil {
				break
			}
		}
		return nil
	}, func(error) {
		switch {
		case n == 0:
			a.fail(err)
		case n < count:
			a.fail(fmt.Errorf("repeated %s, then: %w", byteconv.Count(int64(n), "time"), err))
		case n > 1:
			a.say(fmt.Sprintf("%s (%s)", note, byteconv.Count(int64(n), "time")))
		default:
			a.say(note)
		}
	})
	return nil
}

// startInsert enters insert mode before the cursor, or after it.
func (a *app) startInsert(after bool) error {
	if err := a.ed.StartInsert(after); err != nil {
		return err
	}
	a.sayInsertMode()
	return nil
}

func (a *app) sayInsertMode() {
	a.say(fmt.Sprintf("insert mode: typing inserts bytes before the cursor, and the file grows (%s leaves)", a.keyFor("mode.view")))
}

// toggleInsert switches edit mode between inserting and overwriting.
func (a *app) toggleInsert() error {
	if err := a.ed.ToggleInsert(); err != nil {
		return err
	}
	if a.ed.Mode() == editor.InsertMode {
		a.sayInsertMode()
	} else {
		a.sayEditMode()
	}
	return nil
}

// deleteBytes deletes the selection, or else count bytes at the cursor (selectionOnly: the
// selection or nothing), as a move.
func (a *app) deleteBytes(selectionOnly bool) {
	n, sel, at := int64(a.count), a.ed.Selection(), a.ed.Cursor()
	size := a.ed.Size()
	a.runMove(func() error {
		if selectionOnly {
			return a.ed.DeleteSelection()
		}
		return a.ed.Delete(n)
	}, func(err error) {
		if err != nil {
			a.fail(err)
			return
		}
		if !sel.Empty() {
			at = sel.Start
		}
		a.say(fmt.Sprintf("deleted %s at 0x%X (%s undoes)", byteconv.Count(size-a.ed.Size(), "byte"), at, a.keyFor("edit.undo")))
	})
}

func (a *app) toggleEdit() error {
	if err := a.ed.ToggleMode(); err != nil {
		return err
	}
	if a.ed.Mode() == editor.EditMode {
		a.sayEditMode()
	}
	return nil
}

func (a *app) sayEditMode() {
	a.say(fmt.Sprintf("edit mode: typing overwrites bytes in place (%s switches column, %s leaves)",
		a.keyFor("column.toggle"), a.keyFor("mode.view")))
}

// escape backs out of one thing at a time: a search under way, edit mode, the selection, the
// highlighted matches.
func (a *app) escape() error {
	switch {
	case a.ed.CancelSearch():
		a.searching = ""
		a.say("search cancelled")
	case a.ed.Mode() != editor.ViewMode:
		return a.ed.SetMode(editor.ViewMode)
	case a.ed.ClearSelection():
	case a.ed.HideMatches():
	}
	return nil
}

func (a *app) startReplace() error {
	column, err := a.ed.StartReplace()
	if err != nil {
		return err
	}
	// The status bar says "replace:" already, while the replace waits.
	if column == editor.TextColumn {
		a.say(fmt.Sprintf("type the character for the byte at the cursor (%s cancels)", a.cancelKey()))
	} else {
		a.say(fmt.Sprintf("type two hex digits for the byte at the cursor (%s cancels)", a.cancelKey()))
	}
	return nil
}

func (a *app) gotoPrompt() error {
	a.ask("goto: ", "0x1F00 hex · 1234 decimal · +N or -N from the cursor · 50% · end-N", a.ed.Goto)
	return nil
}

func (a *app) fillPrompt() error {
	switch err := a.ed.CheckFill(); {
	case errors.Is(err, editor.ErrNoSelection):
		return fmt.Errorf("fill: nothing is selected (start a selection with %s)", a.keyFor("select.toggle"))
	case err != nil:
		return err
	}
	sel := a.ed.Selection()
	a.ask(fmt.Sprintf("fill %s: ", byteconv.Count(sel.Len(), "byte")), "hex bytes, repeated: 00 or DE AD BE EF", a.fill)
	return nil
}

func (a *app) fill(text string) error {
	pattern, err := parseHexBytes(text)
	if err != nil {
		return err
	}
	sel := a.ed.Selection()
	if err := a.ed.Fill(pattern); err != nil {
		return err
	}
	a.say(fmt.Sprintf("filled %s at 0x%X", byteconv.Count(sel.Len(), "byte"), sel.Start))
	return nil
}

// parseHexBytes reads the bytes fill and paste write, in the grammar patch and search read too
// (byteconv.ParseHex): "00", "DEADBEEF", "de ad be ef", "de:ad", "0xde, 0xad", across lines.
func parseHexBytes(text string) ([]byte, error) {
	b, err := byteconv.ParseHex(text)
	switch {
	case err != nil:
		return nil, err
	case len(b) == 0:
		return nil, errors.New("no bytes given: type hex bytes such as 00 or DE AD BE EF")
	}
	return b, nil
}

// paste writes the register at the cursor; in insert mode it inserts it, which moves bytes.
func (a *app) paste() error {
	var note string
	a.runMove(func() (err error) {
		note, err = a.ed.Paste()
		return err
	}, func(err error) {
		if err != nil {
			a.fail(err)
			return
		}
		a.say(note)
	})
	return nil
}

func (a *app) toggleSelection() error {
	following := a.ed.ToggleSelection()
	sel := a.ed.Selection()
	switch {
	case following:
		a.say(fmt.Sprintf("selection: move to extend it, %s to fix it, then %s fills, %s copies",
			a.keyFor("select.toggle"), a.keyFor("edit.fill"), a.keyFor("copy.hex")))
	case !sel.Empty():
		a.say(fmt.Sprintf("selected %s at 0x%X: %s fills, %s copies", byteconv.Count(sel.Len(), "byte"), sel.Start,
			a.keyFor("edit.fill"), a.keyFor("copy.hex")))
	}
	return nil
}

// maxClipboard bounds what is sent to the terminal's clipboard (OSC 52): terminals drop or
// choke on larger sequences. Larger copies stay in the register for paste.
const maxClipboard = 100_000

func (a *app) copySelection(asText bool) error {
	sel := a.ed.Selection()
	clip, err := a.ed.Copy(asText)
	if err != nil {
		return err
	}
	how := "hex"
	if asText {
		how = "text"
	}
	if a.km.CopyClearsSelection() {
		a.ed.ClearSelection()
	}
	if len(clip) > maxClipboard || a.screen == nil {
		a.say(fmt.Sprintf("copied %s for paste; too large for the terminal clipboard", byteconv.Count(sel.Len(), "byte")))
		return nil
	}
	a.screen.SetClipboard([]byte(clip))
	a.say(fmt.Sprintf("copied %s as %s (clipboard and paste register)", byteconv.Count(sel.Len(), "byte"), how))
	return nil
}

func (a *app) searchPrompt(backward bool) {
	kind := "hex"
	if a.ed.Column() == editor.TextColumn {
		kind = "text"
	}
	label := "search"
	if backward {
		label = "search back"
	}
	hint := "x: hex (?? any byte) · t: text · i: text in any case · u: UTF-16LE · ui: UTF-16LE in any case"
	a.ask(fmt.Sprintf("%s %s: ", label, kind), hint, func(text string) error {
		return a.search(text, backward)
	})
}

func (a *app) search(text string, backward bool) error {
	p, err := parseSearch(text, a.ed.Column())
	if err != nil {
		return err
	}
	if err := a.ed.StartSearch(p, backward); err != nil {
		return err
	}
	a.searching = fmt.Sprintf("searching %s… (%s cancels)", p, a.keyFor("mode.view"))
	return nil
}

// parseSearch reads what the search prompt was given. A prefix says what it is: "x:" hex bytes
// with ?? for any byte, "t:" text, "i:" text in any case (ASCII), "u:" UTF-16LE text, "ui:"
// UTF-16LE in any case. Without one, the column decides: text in the text column; hex in the hex
// column, or text when it is not hex.
func parseSearch(text string, column editor.Column) (editor.Pattern, error) {
	prefixes := []struct {
		prefix string
		parse  func(string) (editor.Pattern, error)
	}{
		{"x:", editor.ParseHexPattern},
		{"t:", func(s string) (editor.Pattern, error) { return editor.TextPattern(s, false) }},
		{"i:", func(s string) (editor.Pattern, error) { return editor.TextPattern(s, true) }},
		{"ui:", func(s string) (editor.Pattern, error) { return editor.UTF16Pattern(s, true) }},
		{"u:", func(s string) (editor.Pattern, error) { return editor.UTF16Pattern(s, false) }},
	}
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(text, p.prefix); ok {
			return p.parse(rest)
		}
	}
	if column == editor.TextColumn {
		return editor.TextPattern(text, false)
	}
	// Wildcards alone are meant as hex, not as text to search for: say what is wrong with them.
	if p, err := editor.ParseHexPattern(text); err == nil || errors.Is(err, editor.ErrOnlyWildcards) {
		return p, err
	}
	return editor.TextPattern(text, false)
}

func (a *app) setBookmark() error {
	for _, b := range a.ed.Bookmarks() {
		if b.Offset == a.ed.Cursor() {
			a.ed.ToggleBookmark("")
			a.say(fmt.Sprintf("bookmark at 0x%X removed", b.Offset))
			return nil
		}
	}
	a.ask("bookmark name: ", fmt.Sprintf("optional; Enter sets the bookmark at 0x%X", a.ed.Cursor()), func(name string) error {
		a.mark(strings.TrimSpace(name))
		return nil
	})
	return nil
}

// mark sets, renames or removes the bookmark at the cursor, as Editor.ToggleBookmark does, and
// says which it did.
func (a *app) mark(name string) {
	cursor := a.ed.Cursor()
	had := slices.ContainsFunc(a.ed.Bookmarks(), func(b editor.Bookmark) bool { return b.Offset == cursor })
	switch now := a.ed.ToggleBookmark(name); {
	case !now && had:
		a.say(fmt.Sprintf("bookmark at 0x%X removed", cursor))
	case !now:
		a.fail(editor.ErrEmpty)
	case had:
		a.say(fmt.Sprintf("bookmark at 0x%X renamed %q", cursor, name))
	case name != "":
		a.say(fmt.Sprintf("bookmark set at 0x%X, named %q (%s lists them)", cursor, name, a.keyFor("bookmark.list")))
	default:
		a.say(fmt.Sprintf("bookmark set at 0x%X (%s lists them)", cursor, a.keyFor("bookmark.list")))
	}
}

func (a *app) jumpBookmark(jump func() (editor.Bookmark, error)) error {
	b, err := jump()
	if err != nil {
		return err
	}
	a.say("bookmark " + b.String())
	return nil
}

func (a *app) flush() error {
	r, err := a.ed.Flush()
	n := r.Flushed
	switch {
	case err != nil:
		return err
	case r.Lost > 0 || r.Replaced:
		a.message, a.isError = flushText(r, a.ed.Name(), "byte"), true
	case n == 0:
		a.say("nothing to flush")
	case !a.ed.FileBacked() && a.opts.Base != 0:
		a.say(fmt.Sprintf("nothing to flush: a process's memory has no file, and the changes (%s) are in the process already", byteconv.Count(n, "byte")))
	case !a.ed.FileBacked():
		a.say(fmt.Sprintf("nothing to flush: a named mapping has no file, and the changes (%s) are in shared memory already", byteconv.Count(n, "byte")))
	default:
		a.say(flushText(r, a.ed.Name(), "byte"))
	}
	return nil
}

// flushText says what a flush did, counting the bytes as noun ("byte", "changed byte"): where
// they went, and the changed bytes it could not write because another process truncated the
// file or put another file in its place.
func flushText(r editor.FlushReport, name, noun string) string {
	text := fmt.Sprintf("flushed %s to %s", byteconv.Count(r.Flushed, noun), name)
	switch {
	case r.Replaced && r.Flushed > 0:
		text = fmt.Sprintf("%s was replaced or removed on disk: your %s went to the old file, which that name no longer reaches", name, byteconv.Count(r.Flushed, noun))
	case r.Replaced:
		text = fmt.Sprintf("nothing to flush, and %s was replaced or removed on disk: edits would reach only the old file, which that name no longer reaches", name)
	}
	if r.Lost > 0 {
		text += fmt.Sprintf("; %s past the end were lost when %s shrank to %s", byteconv.Count(r.Lost, "changed byte"), name, byteconv.Count(r.ShrankTo, "byte"))
	}
	return text
}
