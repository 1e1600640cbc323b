package keymap_test

import (
	"fmt"
	"strings"

	"github.com/mmhex/mmhex/keymap"
)

func ExampleLoad() {
	user := strings.NewReader("# keys.conf\ngoto.prompt = Ctrl-O\nfile.quit = Ctrl-X, F10\n")
	km, err := keymap.Load("default", user, "keys.conf")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(km.Keys("goto.prompt"), km.Keys("file.quit"), km.Keys("changes.toggle"))

	_, err = keymap.Load("default", strings.NewReader("cursor.dwn = Down\n"), "keys.conf")
	fmt.Println(err)
	// Output:
	// [Ctrl-O] [Ctrl-X F10] [F12]
	// keymap: keys.conf:1: unknown action "cursor.dwn" (did you mean "cursor.down"?)
}

func ExampleResolver_Feed() {
	km, err := keymap.Load("vim", nil, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := km.NewResolver()
	for _, key := range []string{"5", "j", "g", "g", "g", "x"} {
		res := r.Feed(key)
		switch res.Kind {
		case keymap.Matched:
			fmt.Printf("%-5s run %s %d times\n", res.Keys, res.Action, res.Times())
		case keymap.Pending:
			fmt.Printf("%-5s pending\n", res.Keys)
		case keymap.Unbound:
			fmt.Printf("%-5s unbound\n", res.Keys)
		}
	}
	// Output:
	// 5     pending
	// 5 j   run cursor.down 5 times
	// g     pending
	// g g   run cursor.file-start 1 times
	// g     pending
	// g x   unbound
}

// The help screen of the default preset, as the README's key table shows it.
func ExampleKeymap_Help() {
	km, err := keymap.Load("default", nil, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range km.Help() {
		fmt.Printf("%-9s %-22s %s\n", l.Group, strings.Join(l.Keys, ", "), l.Description)
	}
	// Output:
	// Move      Left                   Move the cursor left
	// Move      Right                  Move the cursor right
	// Move      Up                     Move the cursor up one row
	// Move      Down                   Move the cursor down one row
	// Move      Home                   Go to the start of the row
	// Move      End                    Go to the end of the row
	// Move      Ctrl-Home              Go to the start of the file
	// Move      Ctrl-End               Go to the end of the file
	// Move      Ctrl-Right             Go to the next group of bytes
	// Move      Ctrl-Left              Go to the previous group of bytes
	// Move      PgUp                   Scroll up one page
	// Move      PgDn                   Scroll down one page
	// Move      Alt-PgUp               Scroll up half a page
	// Move      Alt-PgDn               Scroll down half a page
	// Move      Alt-Home               Go to the top row on screen, in the same column
	// Move      Alt-m                  Go to the middle row on screen, in the same column
	// Move      Alt-End                Go to the bottom row on screen, in the same column
	// Move      Tab, Backtab           Switch between the hex and the text column
	// Move      Ctrl-G, F5             Go to an offset (0x…, decimal, +N, -N, N%)
	// Edit      F2                     Enter or leave edit mode (typing overwrites bytes)
	// Edit      Esc                    Back to view mode; cancel the selection or a search
	// Edit      Alt-r                  Replace the byte at the cursor with the next one typed
	// Edit      Ctrl-Z                 Undo the last change
	// Edit      Ctrl-Y                 Redo the last undone change
	// Edit      Alt-.                  Repeat the last change not undone at the cursor: the bytes written, inserted or deleted
	// Edit      Ctrl-L                 Fill the selection with a byte or hex pattern
	// Edit      Ctrl-V                 Write the copied bytes at the cursor, overwriting
	// Edit      Insert                 Edit mode: switch between inserting and overwriting
	// Edit      Alt-Insert             Insert mode: bytes typed go in before the cursor, and the file grows
	// Edit      Alt-a                  Insert mode after the cursor
	// Edit      Backspace              Take back the last key typed in insert mode; otherwise move the cursor left
	// Edit      Delete                 Delete the selection, or the byte at the cursor (a count: that many)
	// Edit      Alt-Delete             Delete the selection
	// Select    Ctrl-Space, Ctrl-T     Start or end a selection at the cursor
	// Select    Ctrl-C                 Copy the selection as hex
	// Select    Alt-c                  Copy the selection as text
	// Search    Ctrl-F                 Search forward (hex with ?? wildcards, or text)
	// Search    Ctrl-R                 Search backward
	// Search    F3, Ctrl-N             Go to the next match, forward
	// Search    Shift-F3, Ctrl-P       Go to the previous match, backward
	// Search    Alt-n                  Repeat the last search in its direction
	// Search    Alt-N                  Repeat the last search the other way
	// Bookmarks Ctrl-B                 Set or clear a bookmark at the cursor
	// Bookmarks Ctrl-K, F7             List the bookmarks
	// Bookmarks F6                     Go to the next bookmark
	// Bookmarks Shift-F6               Go to the previous bookmark
	// File      Ctrl-S                 Flush the changes to disk
	// File      Ctrl-Q, F10            Quit (unflushed changes are flushed first)
	// File      Ctrl-E, F9             Open the command line
	// Panels    Ctrl-D, F4             Show or hide the data inspector
	// Panels    F1                     Show or hide this help
	// Panels    Ctrl-W, F8             Pause or resume live updates
	// Panels    Ctrl-O, F12            Show or hide the list of recent changes
	// Panels    F11                    List the regions of the process (-p); Enter moves to one
}
