package keymap

// preset is a built-in set of bindings: action → keys, each key a space-separated sequence.
type preset struct {
	// counts makes digits typed before a binding a repeat count ("5 j"), as in vim. A "0" that
	// does not continue a count is an ordinary key there.
	counts bool
	// copyClears ends the selection after a copy, as vim's y does; the default preset keeps it,
	// so that a copy can be followed by a fill or a delete of the same bytes.
	copyClears bool
	bindings   map[string][]string
}

// presets are the built-in key maps by the name --keys selects.
var presets = map[string]preset{
	"default": {bindings: map[string][]string{
		"cursor.left":          {"Left"},
		"cursor.right":         {"Right"},
		"cursor.up":            {"Up"},
		"cursor.down":          {"Down"},
		"cursor.row-start":     {"Home"},
		"cursor.row-end":       {"End"},
		"cursor.file-start":    {"Ctrl-Home"},
		"cursor.file-end":      {"Ctrl-End"},
		"cursor.next-group":    {"Ctrl-Right"},
		"cursor.prev-group":    {"Ctrl-Left"},
		"page.up":              {"PgUp"},
		"page.down":            {"PgDn"},
		"page.half-up":         {"Alt-PgUp"},
		"page.half-down":       {"Alt-PgDn"},
		"cursor.screen-top":    {"Alt-Home"},
		"cursor.screen-middle": {"Alt-m"},
		"cursor.screen-bottom": {"Alt-End"},
		"column.toggle":        {"Tab", "Backtab"},
		"goto.prompt":          {"Ctrl-G", "F5"},
		// F2 because many laptop keyboards (every Mac) have no Insert key.
		"mode.edit-toggle":  {"F2"},
		"mode.view":         {"Esc"},
		"edit.replace-byte": {"Alt-r"},
		"edit.undo":         {"Ctrl-Z"},
		"edit.redo":         {"Ctrl-Y"},
		"edit.repeat":       {"Alt-."},
		"edit.fill":         {"Ctrl-L"},
		"edit.paste":        {"Ctrl-V"},
		"select.toggle":     {"Ctrl-Space", "Ctrl-T"},
		"copy.hex":          {"Ctrl-C"},
		"copy.text":         {"Alt-c"},
		"search.forward":    {"Ctrl-F"},
		"search.backward":   {"Ctrl-R"},
		"search.next":       {"F3", "Ctrl-N"},
		"search.prev":       {"Shift-F3", "Ctrl-P"},
		// In this preset next is forward and previous backward; these follow the last search.
		"search.repeat":         {"Alt-n"},
		"search.repeat-reverse": {"Alt-N"},
		"bookmark.set":          {"Ctrl-B"},
		"bookmark.list":         {"Ctrl-K", "F7"},
		"bookmark.next":         {"F6"},
		"bookmark.prev":         {"Shift-F6"},
		"file.flush":            {"Ctrl-S"},
		"file.quit":             {"Ctrl-Q", "F10"},
		"command.prompt":        {"Ctrl-E", "F9"},
		"inspector.toggle":      {"Ctrl-D", "F4"},
		"help.toggle":           {"F1"},
		"live.pause":            {"Ctrl-W", "F8"},
		"changes.toggle":        {"Ctrl-O", "F12"},
		"regions.list":          {"F11"},

		// Insert and delete: Insert switches edit mode between inserting and overwriting.
		"mode.insert-toggle":    {"Insert"},
		"edit.insert":           {"Alt-Insert"},
		"edit.append":           {"Alt-a"},
		"edit.backspace":        {"Backspace"},
		"edit.delete":           {"Delete"},
		"edit.delete-selection": {"Alt-Delete"},
	}},
	"vim": {counts: true, copyClears: true, bindings: map[string][]string{
		"cursor.left":          {"h", "Left"},
		"cursor.right":         {"l", "Right", "Space"},
		"cursor.up":            {"k", "Up"},
		"cursor.down":          {"j", "Down", "Enter"},
		"cursor.row-start":     {"0", "^", "Home"},
		"cursor.row-end":       {"$", "End"},
		"cursor.file-start":    {"g g", "Ctrl-Home"},
		"cursor.file-end":      {"G", "Ctrl-End"},
		"cursor.next-group":    {"w", "Ctrl-Right"},
		"cursor.prev-group":    {"b", "Ctrl-Left"},
		"page.up":              {"Ctrl-B", "PgUp"},
		"page.down":            {"Ctrl-F", "PgDn"},
		"page.half-up":         {"Ctrl-U"},
		"page.half-down":       {"Ctrl-D"},
		"cursor.screen-top":    {"H"},
		"cursor.screen-middle": {"M"},
		"cursor.screen-bottom": {"L"},
		"column.toggle":        {"Tab", "Backtab"},
		// vim's "go" goes to a byte offset.
		"goto.prompt":       {"g o", "Ctrl-G"},
		"mode.edit-toggle":  {"R"},
		"mode.view":         {"Esc"},
		"edit.replace-byte": {"r"},
		"edit.undo":         {"u"},
		"edit.redo":         {"Ctrl-R"},
		"edit.repeat":       {"."},
		"edit.fill":         {"s"},
		// P (paste before the cursor) is left unbound: a paste overwrites at the cursor.
		"edit.paste": {"p"},
		// Insert and delete (i, a, x, d) are bound below.
		"select.toggle":   {"v", "V"},
		"copy.hex":        {"y"},
		"copy.text":       {"Y"},
		"search.forward":  {"/"},
		"search.backward": {"?"},
		// vim's n and N follow the last search's direction; F3 and Shift-F3 go forward and
		// backward whatever it was, as in the default preset.
		"search.next":           {"F3"},
		"search.prev":           {"Shift-F3"},
		"search.repeat":         {"n"},
		"search.repeat-reverse": {"N"},
		"bookmark.set":          {"m"},
		"bookmark.list":         {"'"},
		"bookmark.next":         {"] '"},
		"bookmark.prev":         {"[ '"},
		"file.flush":            {"Ctrl-S"},
		"file.quit":             {"Z Z", "Ctrl-Q"},
		"command.prompt":        {":"},
		"inspector.toggle":      {"g a", "F4"},
		"help.toggle":           {"F1"},
		"live.pause":            {"F8"},
		"changes.toggle":        {"F12"},
		"regions.list":          {"g r", "F11"},

		// Insert and delete, as in vim: i and a insert before and after the cursor, R
		// overwrites, x deletes (5x: five bytes), d the selection.
		"mode.insert-toggle":    {"Insert"},
		"edit.insert":           {"i"},
		"edit.append":           {"a"},
		"edit.backspace":        {"Backspace"},
		"edit.delete":           {"x", "Delete"},
		"edit.delete-selection": {"d"},
	}},
}
