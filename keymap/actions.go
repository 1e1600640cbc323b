package keymap

// Action is one thing the editor can do, by the name that bindings, the help screen and the
// editor's action table share.
type Action struct {
	Name        string // "cursor.down"
	Group       string // the help screen's section: "Move", "Edit", …
	Description string // one line for the help screen
}

// actions is every action in the order the help screen lists them. The descriptions live here,
// next to the names, so the help can never describe an action that does not exist.
var actions = []Action{
	{"cursor.left", "Move", "Move the cursor left"},
	{"cursor.right", "Move", "Move the cursor right"},
	{"cursor.up", "Move", "Move the cursor up one row"},
	{"cursor.down", "Move", "Move the cursor down one row"},
	{"cursor.row-start", "Move", "Go to the start of the row"},
	{"cursor.row-end", "Move", "Go to the end of the row"},
	{"cursor.file-start", "Move", "Go to the start of the file"},
	{"cursor.file-end", "Move", "Go to the end of the file"},
	{"cursor.next-group", "Move", "Go to the next group of bytes"},
	{"cursor.prev-group", "Move", "Go to the previous group of bytes"},
	{"page.up", "Move", "Scroll up one page"},
	{"page.down", "Move", "Scroll down one page"},
	{"page.half-up", "Move", "Scroll up half a page"},
	{"page.half-down", "Move", "Scroll down half a page"},
	{"cursor.screen-top", "Move", "Go to the top row on screen, in the same column"},
	{"cursor.screen-middle", "Move", "Go to the middle row on screen, in the same column"},
	{"cursor.screen-bottom", "Move", "Go to the bottom row on screen, in the same column"},
	{"column.toggle", "Move", "Switch between the hex and the text column"},
	{"goto.prompt", "Move", "Go to an offset (0x…, decimal, +N, -N, N%)"},

	{"mode.edit-toggle", "Edit", "Enter or leave edit mode (typing overwrites bytes)"},
	{"mode.view", "Edit", "Back to view mode; cancel the selection or a search"},
	{"edit.replace-byte", "Edit", "Replace the byte at the cursor with the next one typed"},
	{"edit.undo", "Edit", "Undo the last change"},
	{"edit.redo", "Edit", "Redo the last undone change"},
	{"edit.repeat", "Edit", "Repeat the last change not undone at the cursor: the bytes written, inserted or deleted"},
	{"edit.fill", "Edit", "Fill the selection with a byte or hex pattern"},
	{"edit.paste", "Edit", "Write the copied bytes at the cursor, overwriting"},
	{"mode.insert-toggle", "Edit", "Edit mode: switch between inserting and overwriting"},
	{"edit.insert", "Edit", "Insert mode: bytes typed go in before the cursor, and the file grows"},
	{"edit.append", "Edit", "Insert mode after the cursor"},
	{"edit.backspace", "Edit", "Take back the last key typed in insert mode; otherwise move the cursor left"},
	{"edit.delete", "Edit", "Delete the selection, or the byte at the cursor (a count: that many)"},
	{"edit.delete-selection", "Edit", "Delete the selection"},

	{"select.toggle", "Select", "Start or end a selection at the cursor"},
	{"copy.hex", "Select", "Copy the selection as hex"},
	{"copy.text", "Select", "Copy the selection as text"},

	{"search.forward", "Search", "Search forward (hex with ?? wildcards, or text)"},
	{"search.backward", "Search", "Search backward"},
	{"search.next", "Search", "Go to the next match, forward"},
	{"search.prev", "Search", "Go to the previous match, backward"},
	{"search.repeat", "Search", "Repeat the last search in its direction"},
	{"search.repeat-reverse", "Search", "Repeat the last search the other way"},

	{"bookmark.set", "Bookmarks", "Set or clear a bookmark at the cursor"},
	{"bookmark.list", "Bookmarks", "List the bookmarks"},
	{"bookmark.next", "Bookmarks", "Go to the next bookmark"},
	{"bookmark.prev", "Bookmarks", "Go to the previous bookmark"},

	{"file.flush", "File", "Flush the changes to disk"},
	{"file.quit", "File", "Quit (unflushed changes are flushed first)"},
	{"command.prompt", "File", "Open the command line"},

	{"inspector.toggle", "Panels", "Show or hide the data inspector"},
	{"help.toggle", "Panels", "Show or hide this help"},
	{"live.pause", "Panels", "Pause or resume live updates"},
	{"changes.toggle", "Panels", "Show or hide the list of recent changes"},
	{"regions.list", "Panels", "List the regions of the process (-p); Enter moves to one"},
}

// actionIndex finds an action's place in actions by name.
var actionIndex = func() map[string]int {
	m := make(map[string]int, len(actions))
	for i, a := range actions {
		m[a.Name] = i
	}
	return m
}()

// Actions returns every action in help order. The editor's action table should implement each
// of them; a test in the app can range over this list to prove it does.
func Actions() []Action {
	return append([]Action(nil), actions...)
}

// Describe returns the description of the named action, or "" if there is no such action.
func Describe(action string) string {
	if i, ok := actionIndex[action]; ok {
		return actions[i].Description
	}
	return ""
}
