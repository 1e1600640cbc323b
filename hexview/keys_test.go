package hexview

import (
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/mmhex/mmhex/keymap"
)

// keyNameTests are key events as terminals deliver them (through tcell.NewEventKey, which is what
// tcell's input parser calls) and the names they must get.
var keyNameTests = []struct {
	name string
	ev   *tcell.EventKey
	want string
}{
	{"letter", tcell.NewEventKey(tcell.KeyRune, 'j', tcell.ModNone), "j"},
	{"capital", tcell.NewEventKey(tcell.KeyRune, 'G', tcell.ModNone), "G"},
	{"capital with shift reported", tcell.NewEventKey(tcell.KeyRune, 'G', tcell.ModShift), "G"},
	{"punctuation", tcell.NewEventKey(tcell.KeyRune, ':', tcell.ModNone), ":"},
	{"digit", tcell.NewEventKey(tcell.KeyRune, '5', tcell.ModNone), "5"},
	{"non-ASCII", tcell.NewEventKey(tcell.KeyRune, 'é', tcell.ModNone), "é"},
	{"space", tcell.NewEventKey(tcell.KeyRune, ' ', tcell.ModNone), "Space"},
	{"comma", tcell.NewEventKey(tcell.KeyRune, ',', tcell.ModNone), ","},
	{"arrow", tcell.NewEventKey(tcell.KeyDown, 0, tcell.ModNone), "Down"},
	{"page down", tcell.NewEventKey(tcell.KeyPgDn, 0, tcell.ModNone), "PgDn"},
	{"insert", tcell.NewEventKey(tcell.KeyInsert, 0, tcell.ModNone), "Insert"},
	{"F3", tcell.NewEventKey(tcell.KeyF3, 0, tcell.ModNone), "F3"},
	{"Shift-F3", tcell.NewEventKey(tcell.KeyF3, 0, tcell.ModShift), "Shift-F3"},
	{"Ctrl-Home", tcell.NewEventKey(tcell.KeyHome, 0, tcell.ModCtrl), "Ctrl-Home"},
	{"Shift-Right", tcell.NewEventKey(tcell.KeyRight, 0, tcell.ModShift), "Shift-Right"},
	{"Ctrl-Alt-Shift-Up", tcell.NewEventKey(tcell.KeyUp, 0, tcell.ModShift|tcell.ModAlt|tcell.ModCtrl), "Ctrl-Alt-Shift-Up"},
	{"tab", tcell.NewEventKey(tcell.KeyTab, 0, tcell.ModNone), "Tab"},
	{"shift-tab", tcell.NewEventKey(tcell.KeyTab, 0, tcell.ModShift), "Backtab"},
	{"enter", tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModNone), "Enter"},
	{"escape", tcell.NewEventKey(tcell.KeyEsc, 0, tcell.ModNone), "Esc"},
	{"backspace", tcell.NewEventKey(tcell.KeyBackspace, 0, tcell.ModNone), "Backspace"},
	{"DEL as backspace", tcell.NewEventKey(tcell.KeyBackspace2, 0, tcell.ModNone), "Backspace"},
	{"delete", tcell.NewEventKey(tcell.KeyDelete, 0, tcell.ModNone), "Delete"},
	{"Ctrl-G from the terminal's byte", tcell.NewEventKey(tcell.KeyRune, 0x07, tcell.ModNone), "Ctrl-G"},
	{"Ctrl-G as a key", tcell.NewEventKey(tcell.KeyCtrlG, 0, tcell.ModCtrl), "Ctrl-G"},
	{"Ctrl-g as a rune", tcell.NewEventKey(tcell.KeyRune, 'g', tcell.ModCtrl), "Ctrl-G"},
	{"Ctrl-J", tcell.NewEventKey(tcell.KeyRune, '\n', tcell.ModNone), "Ctrl-J"},
	{"Ctrl-Space", tcell.NewEventKey(tcell.KeyCtrlSpace, 0, tcell.ModCtrl), "Ctrl-Space"},
	{"Ctrl-Space as NUL", tcell.NewEventKey(tcell.KeyNUL, 0, tcell.ModNone), "Ctrl-Space"},
	{"Ctrl-backslash", tcell.NewEventKey(tcell.KeyCtrlBackslash, 0, tcell.ModCtrl), `Ctrl-\`},
	{"Ctrl-underscore byte", tcell.NewEventKey(tcell.KeyUS, 0, tcell.ModNone), "Ctrl-_"},
	{"Ctrl-Shift-A", tcell.NewEventKey(tcell.KeyRune, 'A', tcell.ModCtrl|tcell.ModShift), "Ctrl-Shift-A"},
	{"Alt-b", tcell.NewEventKey(tcell.KeyRune, 'b', tcell.ModAlt), "Alt-b"},
	{"Alt-B", tcell.NewEventKey(tcell.KeyRune, 'B', tcell.ModAlt), "Alt-B"},
	{"Ctrl-Alt-a", tcell.NewEventKey(tcell.KeyRune, 'a', tcell.ModAlt|tcell.ModCtrl), "Ctrl-Alt-A"},
	{"Alt-Insert", tcell.NewEventKey(tcell.KeyInsert, 0, tcell.ModAlt), "Alt-Insert"},
	{"Ctrl-[ is Esc", tcell.NewEventKey(tcell.KeyCtrlLeftSq, 0, tcell.ModCtrl), "Esc"},
	{"unprintable rune", tcell.NewEventKey(tcell.KeyRune, '\u200b', tcell.ModNone), ""},
	{"unnamed key", tcell.NewEventKey(tcell.Key(5000), 0, tcell.ModNone), ""},
}

func TestKeyName(t *testing.T) {
	for _, tt := range keyNameTests {
		if got := KeyName(tt.ev); got != tt.want {
			t.Errorf("%s: KeyName = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestKeyNamesParse checks that keymap accepts, unchanged, the names KeyName gives, so every key
// a user can press can be written in the key file as the status bar shows it.
func TestKeyNamesParse(t *testing.T) {
	for _, tt := range keyNameTests {
		if tt.want == "" {
			continue
		}
		got, err := keymap.ParseKey(tt.want)
		if err != nil || got != tt.want {
			t.Errorf("%s: keymap.ParseKey(%q) = %q, %v; want it unchanged", tt.name, tt.want, got, err)
		}
	}
}
