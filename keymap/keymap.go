// Package keymap turns key names into the names of editor actions: it holds the built-in presets,
// overlays the user's key file on them, resolves key sequences and vim-style counts, and writes
// the help screen from the bindings in force, so the help never disagrees with the keys.
//
// Keys are plain strings, the names hexview.KeyName gives tcell events: a printable character
// as itself ("a", "G", ":", "?"), named keys as tcell spells them ("Up", "PgDn", "Home",
// "Insert", "Delete", "Tab", "Backtab", "Enter", "Esc", "Backspace", "F1" … "F24"), "Space", and
// modifiers as the prefixes "Ctrl-", "Alt-", "Shift-" in that order ("Ctrl-G", "Ctrl-Home",
// "Shift-F3", "Alt-r"). A letter after Ctrl is upper case; after Alt it keeps its case. A
// sequence is names separated by spaces ("g g").
//
// # The user file
//
// The user's key file (mmhex reads keys.conf in the mmhex folder of the user's configuration
// directory and hands it to Load) changes single bindings of the chosen preset. One binding per
// line:
//
//	# A line starting with # is a comment, and so is the rest of a line from a # with a
//	# blank before and after it; a # elsewhere is the # key. Blank lines are ignored.
//	goto.prompt = Ctrl-G, F5   # also F5
//	search.next = n, Ctrl-N
//	cursor.file-start = g g
//	# Unbind the action:
//	edit.fill =
//
// A line replaces all the keys of its action in the preset; an empty right-hand side unbinds the
// action. Keys are separated by commas; write the comma key itself as "Comma". A key the line
// binds is taken away from whatever preset action had it, as long as that action keeps a key;
// a line that would leave another action with no key, or make one of its sequences unreachable
// ("g" against vim's "g g"), is refused unless the file rebinds that action too. Within the file,
// an action may appear once, a key may be bound once, and no key may be the beginning of another
// key's sequence. Names of modifiers and named keys are not case-sensitive. Two kinds of keys are
// refused because they could never run: Ctrl-H, Ctrl-I, Ctrl-M and Ctrl-[, which terminals send
// as Backspace, Tab, Enter and Esc; and, in the vim preset, keys starting with a digit from 1 to 9,
// which begin a count there.
//
// Load reports any mistake as one line naming the file, the line number and the bad word:
//
//	keymap: keys.conf:3: unknown action "cursor.dwn" (did you mean "cursor.down"?)
//
// # Resolving keys
//
// A Resolver takes key names one at a time and answers Matched (with the action and the count
// typed before it), Pending (the keys so far begin a sequence or a count), or Unbound. In edit
// mode, the app first asks Input whether a key types a character: if so, it is input for the
// byte at the cursor and never reaches the resolver, so that typing "j" writes "j" in vim's
// edit mode instead of moving down.
//
// Prompts, lists and overlays take two fixed keys besides the bindings: Accept and Cancel.
package keymap

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Keymap is a preset with the user's changes: which key sequences run which actions.
type Keymap struct {
	preset     string
	counts     bool
	copyClears bool
	keys       map[string][]string // action → its key sequences, in the order they were written
	actionOf   map[string]string   // key sequence → action
	prefixes   map[string]bool     // every proper prefix of a bound sequence
}

// Presets returns the names of the built-in presets, sorted.
func Presets() []string {
	names := make([]string, 0, len(presets))
	for name := range presets {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Load builds the keymap of the named preset with the bindings of userFile laid over it.
// userFile may be nil (no user file); fileName names it in error messages. The format of the
// file is in the package documentation.
func Load(preset string, userFile io.Reader, fileName string) (*Keymap, error) {
	p, ok := presets[preset]
	if !ok {
		return nil, fmt.Errorf("keymap: unknown preset %q (choose %s)", preset, strings.Join(Presets(), " or "))
	}
	km := &Keymap{preset: preset, counts: p.counts, copyClears: p.copyClears, keys: make(map[string][]string)}
	for action, keys := range p.bindings {
		if _, ok := actionIndex[action]; !ok {
			return nil, fmt.Errorf("keymap: preset %s: unknown action %q", preset, action)
		}
		for _, key := range keys {
			seq, err := parseSequence(key)
			if err != nil {
				return nil, fmt.Errorf("keymap: preset %s: %s: %w", preset, action, err)
			}
			km.keys[action] = append(km.keys[action], seq)
		}
	}
	if userFile != nil {
		user, err := km.parseUserFile(userFile, fileName)
		if err != nil {
			return nil, err
		}
		if err := km.checkTaken(user, fileName); err != nil {
			return nil, err
		}
		km.overlay(user)
	}
	if err := km.index(); err != nil {
		return nil, fmt.Errorf("keymap: preset %s: %w", preset, err)
	}
	return km, nil
}

// userBinding is one line of the user file.
type userBinding struct {
	line   int
	action string
	keys   []string // canonical sequences
}

// parseUserFile reads and checks the user's lines, so that every mistake is reported with the
// line it is on.
func (km *Keymap) parseUserFile(r io.Reader, fileName string) ([]userBinding, error) {
	var (
		bindings   []userBinding
		actionLine = map[string]int{}
		keyLine    = map[string]int{}
	)
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("keymap: %s:%d: %s", fileName, n, fmt.Sprintf(format, args...))
		}
		text := sc.Text()
		if n == 1 {
			// Windows editors may start the file with a byte order mark.
			text = strings.TrimPrefix(text, "\ufeff")
		}
		text = strings.TrimSpace(stripComment(text))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, value, ok := strings.Cut(text, "=")
		if !ok {
			return nil, fail("want \"action = key, key\", got %q", text)
		}
		action := strings.TrimSpace(name)
		if _, ok := actionIndex[action]; !ok {
			return nil, fail("unknown action %q%s", action, suggestion(action))
		}
		if prev, ok := actionLine[action]; ok {
			return nil, fail("action %q is already set on line %d", action, prev)
		}
		actionLine[action] = n
		b := userBinding{line: n, action: action}
		if strings.TrimSpace(value) != "" {
			for _, word := range strings.Split(value, ",") {
				seq, err := parseSequence(word)
				if err != nil {
					if strings.TrimSpace(word) == "" {
						return nil, fail("empty key between commas (write the comma key as Comma)")
					}
					return nil, fail("%v", err)
				}
				if prev, ok := keyLine[seq]; ok {
					return nil, fail("key %q is already bound on line %d", seq, prev)
				}
				keyLine[seq] = n
				b.keys = append(b.keys, seq)
			}
		}
		bindings = append(bindings, b)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("keymap: %s: %w", fileName, err)
	}
	// Checked in file order, so the first mistake in the file is the one reported.
	for _, b := range bindings {
		for _, seq := range b.keys {
			if err := km.checkSequence(seq); err != nil {
				return nil, fmt.Errorf("keymap: %s:%d: %w", fileName, b.line, err)
			}
			for _, other := range bindings {
				for _, longer := range other.keys {
					if strings.HasPrefix(longer, seq+" ") {
						return nil, fmt.Errorf("keymap: %s:%d: key %q begins %q, bound on line %d, so that could never run",
							fileName, b.line, seq, longer, other.line)
					}
				}
			}
		}
	}
	return bindings, nil
}

// stripComment cuts a trailing comment off a line: a # with a space or tab before and after it.
// A # elsewhere is the # key ("search.next = #").
func stripComment(line string) string {
	for i := 1; i+1 < len(line); i++ {
		if line[i] == '#' && isBlank(line[i-1]) && isBlank(line[i+1]) {
			return line[:i]
		}
	}
	return line
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// checkTaken refuses user lines that would silently cost another action, one the file does not
// rebind itself, a key: a sequence it could no longer reach (a user key beginning it, or it
// beginning a user key), or its last key. The file and line are named.
func (km *Keymap) checkTaken(user []userBinding, fileName string) error {
	rebound := map[string]bool{}
	for _, b := range user {
		rebound[b.action] = true
	}
	for _, a := range actions {
		seqs := km.keys[a.Name]
		if rebound[a.Name] || len(seqs) == 0 {
			continue
		}
		kept := len(seqs)
		for _, seq := range seqs {
			for _, b := range user {
				for _, u := range b.keys {
					switch {
					case u == seq:
						kept--
						if kept == 0 {
							return fmt.Errorf("keymap: %s:%d: key %q is the last key of %s, which would be left with none: bind %s to another key on a line of its own, or choose another key",
								fileName, b.line, u, a.Name, a.Name)
						}
					case clash(u, seq):
						return fmt.Errorf("keymap: %s:%d: key %q and %q of %s begin one another, so %q could never run: bind %s on a line of its own, or choose another key",
							fileName, b.line, u, seq, a.Name, seq, a.Name)
					}
				}
			}
		}
	}
	return nil
}

// checkSequence rejects sequences the resolver could never reach.
func (km *Keymap) checkSequence(seq string) error {
	if !km.counts {
		return nil
	}
	first, _, _ := strings.Cut(seq, " ")
	if len(first) == 1 && first >= "1" && first <= "9" {
		return fmt.Errorf("key %q cannot be bound in the %s preset: digits there are counts", seq, km.preset)
	}
	return nil
}

// overlay replaces the preset keys of each user line's action, and takes the user's keys (and
// any preset sequence that would clash with them) away from the other actions.
func (km *Keymap) overlay(user []userBinding) {
	for _, b := range user {
		delete(km.keys, b.action)
	}
	for _, b := range user {
		for action, seqs := range km.keys {
			km.keys[action] = slices.DeleteFunc(seqs, func(seq string) bool {
				return slices.ContainsFunc(b.keys, func(u string) bool { return clash(seq, u) })
			})
		}
	}
	for _, b := range user {
		if len(b.keys) > 0 {
			km.keys[b.action] = b.keys
		}
	}
	for action, seqs := range km.keys {
		if len(seqs) == 0 {
			delete(km.keys, action)
		}
	}
}

// clash reports whether two sequences cannot both be bound: they are equal, or one begins the
// other.
func clash(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+" ") || strings.HasPrefix(b, a+" ")
}

// index builds the lookup tables and checks that no sequence is bound twice or begins another.
func (km *Keymap) index() error {
	km.actionOf = make(map[string]string)
	km.prefixes = make(map[string]bool)
	for action, seqs := range km.keys {
		for _, seq := range seqs {
			if other, ok := km.actionOf[seq]; ok {
				return fmt.Errorf("key %q is bound to both %s and %s", seq, other, action)
			}
			km.actionOf[seq] = action
			words := strings.Split(seq, " ")
			for i := 1; i < len(words); i++ {
				km.prefixes[strings.Join(words[:i], " ")] = true
			}
		}
	}
	for seq := range km.actionOf {
		if km.prefixes[seq] {
			return fmt.Errorf("key %q (%s) begins a longer sequence", seq, km.actionOf[seq])
		}
		if err := km.checkSequence(seq); err != nil {
			return err
		}
	}
	return nil
}

// Preset returns the name of the preset this keymap was built from.
func (km *Keymap) Preset() string { return km.preset }

// CopyClearsSelection reports whether a copy ends the selection in this preset (vim's y does).
func (km *Keymap) CopyClearsSelection() bool { return km.copyClears }

// Keys returns the key sequences bound to action, in the order they were written, or nil.
func (km *Keymap) Keys(action string) []string {
	return append([]string(nil), km.keys[action]...)
}

// HelpLine is one line of the help screen: an action and the keys that run it.
type HelpLine struct {
	Group       string
	Action      string
	Description string
	Keys        []string
}

// Help returns one line for every bound action, in the order of Actions, from the bindings in
// force, so the help screen always shows the keys that really work.
func (km *Keymap) Help() []HelpLine {
	var lines []HelpLine
	for _, a := range actions {
		if keys := km.keys[a.Name]; len(keys) > 0 {
			desc := a.Description
			if km.copyClears && strings.HasPrefix(a.Name, "copy.") {
				desc += ", then clear it"
			}
			lines = append(lines, HelpLine{Group: a.Group, Action: a.Name, Description: desc, Keys: km.Keys(a.Name)})
		}
	}
	return lines
}

// suggestion returns ` (did you mean "x"?)` for the action closest to a misspelt name, or "".
func suggestion(name string) string {
	best, bestDist := "", 3
	for _, a := range actions {
		if d := editDistance(name, a.Name); d < bestDist {
			best, bestDist = a.Name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
