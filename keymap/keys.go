package keymap

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The keys of prompts, lists and overlays. They are fixed, as in every text field, rather than
// bound to actions: the bindings are for the bytes, where these keys may do something else (the
// vim preset moves down with Enter), and a prompt must be closable whatever the user's file says.
const (
	// Accept accepts a prompt's text and chooses an entry in a list.
	Accept = "Enter"
	// Cancel closes a prompt, an overlay or a panel; the keys bound to mode.view do too.
	Cancel = "Esc"
)

// namedKeys maps the lower-case spelling of every named key (and a few common aliases) to its
// canonical name, the one hexview.KeyName returns.
var namedKeys = func() map[string]string {
	m := map[string]string{
		"pageup": "PgUp", "pagedown": "PgDn", "escape": "Esc", "return": "Enter",
		"del": "Delete", "ins": "Insert",
	}
	for _, name := range []string{"Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End",
		"Insert", "Delete", "Tab", "Backtab", "Enter", "Esc", "Backspace", "Space"} {
		m[strings.ToLower(name)] = name
	}
	for i := 1; i <= 24; i++ {
		m["f"+strconv.Itoa(i)] = "F" + strconv.Itoa(i)
	}
	return m
}()

// sameAsNamed are the Ctrl keys that terminals send as the very byte of a named key, so a
// binding for them could never be told apart from that key.
var sameAsNamed = map[rune]string{'H': "Backspace", 'I': "Tab", 'M': "Enter", '[': "Esc"}

// Modifier bits, in the order their prefixes are written.
const (
	modCtrl = 1 << iota
	modAlt
	modShift
)

var modifierNames = []struct {
	bit  int
	name string
}{{modCtrl, "Ctrl"}, {modAlt, "Alt"}, {modShift, "Shift"}}

// ParseKey checks one key name as a user may write it and returns its canonical form: modifiers
// as "Ctrl-", "Alt-", "Shift-" in that order, named keys spelled as tcell spells them ("PgUp"),
// letters upper case after Ctrl ("Ctrl-G"), "Comma" for the comma that separates keys in the
// user file. Modifier and key names are not case-sensitive; a bare character is.
func ParseKey(name string) (string, error) {
	mods, base := 0, name
	for {
		i := strings.IndexByte(base, '-')
		if i <= 0 || i == len(base)-1 {
			break
		}
		bit := modifierBit(base[:i])
		if bit == 0 {
			break
		}
		if mods&bit != 0 {
			return "", fmt.Errorf("%s- written twice", base[:i])
		}
		mods |= bit
		base = base[i+1:]
	}
	if strings.EqualFold(base, "comma") {
		base = ","
	}
	if named, ok := namedKeys[strings.ToLower(base)]; ok {
		if mods&modShift != 0 {
			switch named {
			case "Tab":
				// Terminals send Shift-Tab as its own key, which tcell calls Backtab.
				named, mods = "Backtab", mods&^modShift
			case "Backtab", "Space":
				return "", fmt.Errorf("write %s without Shift-", named)
			}
		}
		return withModifiers(mods, named), nil
	}
	r, size := utf8.DecodeRuneInString(base)
	if size != len(base) || r == utf8.RuneError || !unicode.IsPrint(r) || unicode.IsSpace(r) {
		if i := strings.IndexByte(base, '-'); i > 0 {
			return "", fmt.Errorf("unknown modifier %q (use Ctrl, Alt or Shift)", base[:i])
		}
		return "", errors.New("unknown key name")
	}
	if mods&modCtrl != 0 {
		r = unicode.ToUpper(r)
		if named, ok := sameAsNamed[r]; ok && mods == modCtrl {
			return "", fmt.Errorf("terminals send Ctrl-%c as %s; bind %s instead", r, named, named)
		}
	} else if mods&modShift != 0 {
		return "", fmt.Errorf("write the shifted character itself instead of Shift-%c", r)
	}
	return withModifiers(mods, string(r)), nil
}

// modifierBit returns the bit of a modifier name, or 0 if word is not one.
func modifierBit(word string) int {
	for _, m := range modifierNames {
		if strings.EqualFold(word, m.name) {
			return m.bit
		}
	}
	return 0
}

// withModifiers writes the modifier prefixes of mods in canonical order before base.
func withModifiers(mods int, base string) string {
	var b strings.Builder
	for _, m := range modifierNames {
		if mods&m.bit != 0 {
			b.WriteString(m.name)
			b.WriteByte('-')
		}
	}
	b.WriteString(base)
	return b.String()
}

// parseSequence checks a space-separated key sequence ("g g") and returns it canonical.
func parseSequence(seq string) (string, error) {
	words := strings.Fields(seq)
	if len(words) == 0 {
		return "", errors.New("empty key")
	}
	for i, w := range words {
		key, err := ParseKey(w)
		if err != nil {
			return "", fmt.Errorf("bad key %q: %w", w, err)
		}
		words[i] = key
	}
	return strings.Join(words, " "), nil
}

// Input returns the character a key types, for keys that type one: a printable character
// without Ctrl or Alt, or Space. In edit mode the app asks this before resolving a key, so that
// typed characters overwrite bytes instead of running the actions bound to them.
func Input(key string) (rune, bool) {
	if key == "Space" {
		return ' ', true
	}
	r, size := utf8.DecodeRuneInString(key)
	if size == 0 || size != len(key) || r == utf8.RuneError || !unicode.IsPrint(r) || unicode.IsSpace(r) {
		return 0, false
	}
	return r, true
}
