package hexview

import (
	"unicode"

	"github.com/gdamore/tcell/v2"
)

// ctrlPunctuation names the Ctrl keys past Ctrl-Z by the character typed with Ctrl.
var ctrlPunctuation = map[tcell.Key]string{
	tcell.KeyCtrlBackslash:  `\`,
	tcell.KeyCtrlRightSq:    "]",
	tcell.KeyCtrlCarat:      "^",
	tcell.KeyCtrlUnderscore: "_",
}

// KeyName returns the name keymap uses for a key event: a printable character as itself ("a",
// "G", ":"), "Space", named keys as tcell spells them ("PgDn", "F3", "Backtab"), and modifiers as
// the prefixes "Ctrl-", "Alt-", "Shift-" in that order ("Ctrl-G", "Ctrl-Home", "Shift-F3",
// "Alt-x"). A letter typed with Ctrl is upper case. Shift is left out for characters, which
// carry it themselves ("A", not "Shift-a"). Keys without a name give "".
func KeyName(ev *tcell.EventKey) string {
	mods := ev.Modifiers()
	ctrl := mods&tcell.ModCtrl != 0
	alt := mods&(tcell.ModAlt|tcell.ModMeta) != 0
	shift := mods&tcell.ModShift != 0
	var base string
	switch k := ev.Key(); {
	case k == tcell.KeyRune:
		r := ev.Rune()
		switch {
		case r == ' ':
			base = "Space"
		case !unicode.IsPrint(r):
			return ""
		case ctrl:
			base = string(unicode.ToUpper(r))
		default:
			base = string(r)
		}
		if !ctrl {
			shift = false
		}
	case k >= tcell.KeyCtrlA && k <= tcell.KeyCtrlZ:
		base, ctrl = string(rune('A'+k-tcell.KeyCtrlA)), true
	case k == tcell.KeyCtrlSpace:
		base, ctrl = "Space", true
	case ctrlPunctuation[k] != "":
		base, ctrl = ctrlPunctuation[k], true
	case k == tcell.KeyBackspace || k == tcell.KeyBackspace2:
		base = "Backspace"
	case k == tcell.KeyTab || k == tcell.KeyEnter:
		base = tcell.KeyNames[k]
	case k == tcell.KeyEsc || k == tcell.KeyCtrlLeftSq:
		// Ctrl-[ is the byte of Esc, and some consoles report it with Ctrl held.
		base, ctrl = "Esc", false
	case k > 0 && k <= 26:
		// The other ASCII control codes, as a terminal sends them for Ctrl and a letter.
		base, ctrl = string(rune('A'+k-1)), true
	case k == tcell.KeyNUL:
		base, ctrl = "Space", true
	case k >= tcell.KeyFS && k <= tcell.KeyUS:
		base, ctrl = string(rune('@'+k)), true
	default:
		name, ok := tcell.KeyNames[k]
		if !ok {
			return ""
		}
		base = name
	}
	name := ""
	if ctrl {
		name += "Ctrl-"
	}
	if alt {
		name += "Alt-"
	}
	if shift {
		name += "Shift-"
	}
	return name + base
}
