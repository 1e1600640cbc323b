package keymap

import (
	"slices"
	"strings"
	"testing"
)

func load(t *testing.T, preset, user string) *Keymap {
	t.Helper()
	km, err := Load(preset, strings.NewReader(user), "keys.conf")
	if err != nil {
		t.Fatalf("Load(%q): %v", preset, err)
	}
	return km
}

func TestEveryActionBoundInDefault(t *testing.T) {
	km := load(t, "default", "")
	for _, a := range Actions() {
		if len(km.Keys(a.Name)) == 0 {
			t.Errorf("action %s has no key in the default preset", a.Name)
		}
	}
}

func TestPresetsLoadAndBindOnlyKnownActions(t *testing.T) {
	for _, name := range Presets() {
		t.Run(name, func(t *testing.T) {
			km := load(t, name, "")
			for action := range presets[name].bindings {
				if Describe(action) == "" {
					t.Errorf("preset binds unknown action %q", action)
				}
				if got, want := km.Keys(action), presets[name].bindings[action]; !slices.Equal(got, want) {
					t.Errorf("Keys(%s) = %q, want %q (preset keys must be written canonically)", action, got, want)
				}
			}
		})
	}
}

func TestActionsAreUniqueAndDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Actions() {
		if seen[a.Name] {
			t.Errorf("action %s listed twice", a.Name)
		}
		seen[a.Name] = true
		if a.Description == "" || a.Group == "" {
			t.Errorf("action %s: group %q, description %q; want both", a.Name, a.Group, a.Description)
		}
	}
	if got, want := len(seen), 54; got != want {
		t.Errorf("%d actions, want %d (a new action needs a line in the README's key table and its help text)", got, want)
	}
}

func TestPresetKeys(t *testing.T) {
	tests := []struct {
		preset, keys, action string
		count                int
	}{
		{"default", "Down", "cursor.down", 0},
		{"default", "Ctrl-Home", "cursor.file-start", 0},
		{"default", "Tab", "column.toggle", 0},
		{"default", "Insert", "mode.insert-toggle", 0},
		{"default", "F2", "mode.edit-toggle", 0},
		{"default", "Delete", "edit.delete", 0},
		{"default", "Backspace", "edit.backspace", 0},
		{"default", "Left", "cursor.left", 0},
		{"default", "Ctrl-G", "goto.prompt", 0},
		{"default", "Ctrl-F", "search.forward", 0},
		{"default", "F3", "search.next", 0},
		{"default", "Shift-F3", "search.prev", 0},
		{"default", "Ctrl-Z", "edit.undo", 0},
		{"default", "Ctrl-Y", "edit.redo", 0},
		{"default", "Ctrl-S", "file.flush", 0},
		{"default", "Ctrl-Q", "file.quit", 0},
		{"default", "F1", "help.toggle", 0},
		{"default", "Ctrl-B", "bookmark.set", 0},
		{"vim", "j", "cursor.down", 0},
		{"vim", "5 j", "cursor.down", 5},
		{"vim", "1 2 l", "cursor.right", 12},
		{"vim", "1 0 k", "cursor.up", 10},
		{"vim", "0", "cursor.row-start", 0},
		{"vim", "$", "cursor.row-end", 0},
		{"vim", "g g", "cursor.file-start", 0},
		{"vim", "4 2 g g", "cursor.file-start", 42},
		{"vim", "G", "cursor.file-end", 0},
		{"vim", "w", "cursor.next-group", 0},
		{"vim", "b", "cursor.prev-group", 0},
		{"vim", "Ctrl-F", "page.down", 0},
		{"vim", "Ctrl-B", "page.up", 0},
		{"vim", "/", "search.forward", 0},
		{"vim", "?", "search.backward", 0},
		{"vim", "n", "search.repeat", 0},
		{"vim", "N", "search.repeat-reverse", 0},
		{"vim", "F3", "search.next", 0},
		{"vim", "u", "edit.undo", 0},
		{"vim", "Ctrl-R", "edit.redo", 0},
		{"vim", "r", "edit.replace-byte", 0},
		{"vim", "R", "mode.edit-toggle", 0},
		{"vim", "i", "edit.insert", 0},
		{"vim", "a", "edit.append", 0},
		{"vim", "x", "edit.delete", 0},
		{"vim", "5 x", "edit.delete", 5},
		{"vim", "Backspace", "edit.backspace", 0},
		{"vim", "3 Backspace", "edit.backspace", 3},
		{"vim", "h", "cursor.left", 0},
		{"vim", "d", "edit.delete-selection", 0},
		{"vim", "v", "select.toggle", 0},
		{"vim", "y", "copy.hex", 0},
		{"vim", "p", "edit.paste", 0},
		{"vim", ":", "command.prompt", 0},
		{"vim", "m", "bookmark.set", 0},
		{"vim", "F1", "help.toggle", 0},
		{"vim", "3 Down", "cursor.down", 3},
		{"vim", "Z Z", "file.quit", 0},
	}
	for _, tt := range tests {
		t.Run(tt.preset+" "+tt.keys, func(t *testing.T) {
			r := load(t, tt.preset, "").NewResolver()
			keys := strings.Split(tt.keys, " ")
			for i, key := range keys[:len(keys)-1] {
				if got := r.Feed(key); got.Kind != Pending {
					t.Fatalf("key %d %q: got %+v, want Pending", i, key, got)
				}
			}
			got := r.Feed(keys[len(keys)-1])
			want := Result{Kind: Matched, Action: tt.action, Count: tt.count, Keys: tt.keys}
			if got != want {
				t.Fatalf("got %+v, want %+v", got, want)
			}
			if r.Pending() != "" {
				t.Errorf("Pending() after a match = %q, want empty", r.Pending())
			}
		})
	}
}

func TestResolverUnboundAndReset(t *testing.T) {
	tests := []struct {
		name   string
		preset string
		keys   []string
		want   Result
	}{
		{"plain unbound", "default", []string{"x"}, Result{Kind: Unbound, Keys: "x"}},
		{"digits are no count in default", "default", []string{"5"}, Result{Kind: Unbound, Keys: "5"}},
		{"broken sequence", "vim", []string{"g", "x"}, Result{Kind: Unbound, Keys: "g x"}},
		{"count then unbound", "vim", []string{"7", "q"}, Result{Kind: Unbound, Count: 7, Keys: "7 q"}},
		{"empty name", "vim", []string{""}, Result{Kind: Unbound, Keys: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := load(t, tt.preset, "").NewResolver()
			var got Result
			for _, key := range tt.keys {
				got = r.Feed(key)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			if got := r.Feed("Down"); got.Kind != Matched || got.Action != "cursor.down" || got.Count != 0 {
				t.Errorf("next key after unbound: got %+v, want a fresh cursor.down", got)
			}
		})
	}
}

func TestResolverPendingAndExplicitReset(t *testing.T) {
	r := load(t, "vim", "").NewResolver()
	r.Feed("1")
	got := r.Feed("2")
	if want := (Result{Kind: Pending, Count: 12, Keys: "1 2"}); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got := r.Feed("g"); got.Kind != Pending || r.Pending() != "1 2 g" {
		t.Fatalf("got %+v, Pending %q; want Pending, \"1 2 g\"", got, r.Pending())
	}
	r.Reset()
	if got := r.Feed("g"); got.Kind != Pending || got.Count != 0 || got.Keys != "g" {
		t.Fatalf("after Reset: got %+v, want Pending g without count", got)
	}
}

func TestCountIsCapped(t *testing.T) {
	r := load(t, "vim", "").NewResolver()
	for range 20 {
		r.Feed("9")
	}
	got := r.Feed("j")
	if got.Count != maxCount || got.Times() != maxCount {
		t.Fatalf("count %d, Times %d; want both %d", got.Count, got.Times(), maxCount)
	}
	if got := r.Feed("j"); got.Times() != 1 {
		t.Errorf("Times without a count = %d, want 1", got.Times())
	}
}

func TestUserOverrides(t *testing.T) {
	user := "\ufeff# my keys\r\n" +
		"\n" +
		"goto.prompt = ctrl-o, alt-G\n" + // takes Ctrl-O from changes.toggle
		"search.next = F3, Comma\n" +
		"edit.fill =\n" +
		"  help.toggle   =   shift-tab  \n"
	km := load(t, "default", user)
	tests := []struct {
		action string
		want   []string
	}{
		{"goto.prompt", []string{"Ctrl-O", "Alt-G"}},
		{"search.next", []string{"F3", ","}},
		{"edit.fill", nil},
		{"help.toggle", []string{"Backtab"}},
		{"changes.toggle", []string{"F12"}},
		{"column.toggle", []string{"Tab"}},
		{"cursor.down", []string{"Down"}},
	}
	for _, tt := range tests {
		if got := km.Keys(tt.action); !slices.Equal(got, tt.want) {
			t.Errorf("Keys(%s) = %q, want %q", tt.action, got, tt.want)
		}
	}
	r := km.NewResolver()
	for key, want := range map[string]string{"Ctrl-O": "goto.prompt", ",": "search.next", "Backtab": "help.toggle", "Ctrl-G": ""} {
		got := r.Feed(key)
		if got.Action != want {
			t.Errorf("Feed(%q) = %+v, want action %q", key, got, want)
		}
	}
}

// TestUserKeyShadowingPresetSequence checks that a user key that begins a preset sequence is
// taken when the file rebinds the actions of those sequences too, which then keep their new keys.
func TestUserKeyShadowingPresetSequence(t *testing.T) {
	km := load(t, "vim", "help.toggle = g\ncursor.file-start = Ctrl-Home\ngoto.prompt = Ctrl-G\ninspector.toggle = F4\nregions.list = F11\n")
	if got := km.Keys("cursor.file-start"); !slices.Equal(got, []string{"Ctrl-Home"}) {
		t.Errorf("cursor.file-start keys = %q, want Ctrl-Home", got)
	}
	if got := km.NewResolver().Feed("g"); got.Kind != Matched || got.Action != "help.toggle" {
		t.Errorf("Feed(g) = %+v, want help.toggle", got)
	}
}

// TestUserCommentsAndHashKey checks that a # with blanks around it starts a comment, and that
// a # elsewhere is the # key.
func TestUserCommentsAndHashKey(t *testing.T) {
	km := load(t, "default", "goto.prompt = Ctrl-G, F5  # also F5\nsearch.next = #\nsearch.prev = Shift-F11 #\nedit.fill = # unbound\n")
	for action, want := range map[string][]string{
		"goto.prompt": {"Ctrl-G", "F5"}, "search.next": {"#"}, "search.prev": {"Shift-F11 #"}, "edit.fill": nil,
	} {
		if got := km.Keys(action); !slices.Equal(got, want) {
			t.Errorf("Keys(%s) = %q, want %q", action, got, want)
		}
	}
}

func TestBadUserFiles(t *testing.T) {
	tests := []struct {
		name, preset, file, want string
	}{
		{"unknown action", "default", "# c\n\ncursor.dwn = Down\n",
			`keymap: keys.conf:3: unknown action "cursor.dwn" (did you mean "cursor.down"?)`},
		{"unknown action far from any", "default", "frobnicate = x\n",
			`keymap: keys.conf:1: unknown action "frobnicate"`},
		{"no equals", "default", "cursor.down Down\n",
			`keymap: keys.conf:1: want "action = key, key", got "cursor.down Down"`},
		{"bad modifier", "default", "goto.prompt = Crtl-G\n",
			`keymap: keys.conf:1: bad key "Crtl-G": unknown modifier "Crtl" (use Ctrl, Alt or Shift)`},
		{"bad named key", "default", "goto.prompt = F1, PageUpp\n",
			`keymap: keys.conf:1: bad key "PageUpp": unknown key name`},
		{"ctrl key terminals cannot tell apart", "default", "goto.prompt = Ctrl-i\n",
			`keymap: keys.conf:1: bad key "Ctrl-i": terminals send Ctrl-I as Tab; bind Tab instead`},
		{"shift on a character", "default", "goto.prompt = Shift-a\n",
			`keymap: keys.conf:1: bad key "Shift-a": write the shifted character itself instead of Shift-a`},
		{"modifier twice", "default", "goto.prompt = Ctrl-ctrl-A\n",
			`keymap: keys.conf:1: bad key "Ctrl-ctrl-A": ctrl- written twice`},
		{"empty key", "default", "goto.prompt = a,,b\n",
			`keymap: keys.conf:1: empty key between commas (write the comma key as Comma)`},
		{"bad second line", "default", "goto.prompt = a\nx\n",
			`keymap: keys.conf:2: want "action = key, key", got "x"`},
		{"same action twice", "default", "goto.prompt = a\n\ngoto.prompt = b\n",
			`keymap: keys.conf:3: action "goto.prompt" is already set on line 1`},
		{"same key twice", "default", "goto.prompt = a\nhelp.toggle = b, a\n",
			`keymap: keys.conf:2: key "a" is already bound on line 1`},
		{"prefix of own key", "default", "goto.prompt = g\nhelp.toggle = g h\n",
			`keymap: keys.conf:1: key "g" begins "g h", bound on line 2, so that could never run`},
		{"a key that makes preset sequences unreachable", "vim", "# mine\ncursor.down = g\n",
			`keymap: keys.conf:2: key "g" and "g g" of cursor.file-start begin one another, so "g g" could never run: bind cursor.file-start on a line of its own, or choose another key`},
		{"another action's only key", "default", "cursor.down = Down, Ctrl-Q, F10\n",
			`keymap: keys.conf:1: key "F10" is the last key of file.quit, which would be left with none: bind file.quit to another key on a line of its own, or choose another key`},
		{"another action's only key, vim", "vim", "cursor.down = j # down\nedit.redo = u\n",
			`keymap: keys.conf:2: key "u" is the last key of edit.undo, which would be left with none: bind edit.undo to another key on a line of its own, or choose another key`},
		{"digit in vim", "vim", "goto.prompt = 5\n",
			`keymap: keys.conf:1: key "5" cannot be bound in the vim preset: digits there are counts`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.preset, strings.NewReader(tt.file), "keys.conf")
			if err == nil {
				t.Fatalf("Load succeeded, want error %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}

func TestUnknownPreset(t *testing.T) {
	_, err := Load("emacs", nil, "")
	if want := `keymap: unknown preset "emacs" (choose default or vim)`; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestDigitsAllowedOutsideCountPresets(t *testing.T) {
	km := load(t, "default", "goto.prompt = 5\n")
	if got := km.NewResolver().Feed("5"); got.Action != "goto.prompt" {
		t.Errorf("Feed(5) = %+v, want goto.prompt", got)
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a", "a"},
		{"G", "G"},
		{"?", "?"},
		{"é", "é"},
		{"ctrl-g", "Ctrl-G"},
		{"CTRL-home", "Ctrl-Home"},
		{"shift-alt-ctrl-up", "Ctrl-Alt-Shift-Up"},
		{"Alt-b", "Alt-b"},
		{"Alt-B", "Alt-B"},
		{"Ctrl-Shift-a", "Ctrl-Shift-A"},
		{"Shift-Tab", "Backtab"},
		{"pageup", "PgUp"},
		{"escape", "Esc"},
		{"f12", "F12"},
		{"space", "Space"},
		{"Ctrl-Space", "Ctrl-Space"},
		{"-", "-"},
		{"Ctrl--", "Ctrl--"},
		{"comma", ","},
		{"Ctrl-H", ""},
		{"Ctrl-[", ""},
		{"Ctrl-Shift-H", "Ctrl-Shift-H"},
		{"Shift-Space", ""},
		{"Shift-Backtab", ""},
		{"F25", ""},
		{"ab", ""},
		{"\x01", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := ParseKey(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseKey(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseKey(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if again, err := ParseKey(got); err != nil || again != got {
			t.Errorf("ParseKey(%q) = %q, %v; canonical names must parse to themselves", got, again, err)
		}
	}
}

func TestInput(t *testing.T) {
	tests := []struct {
		key  string
		want rune
		ok   bool
	}{
		{"a", 'a', true},
		{"F", 'F', true},
		{"0", '0', true},
		{"Space", ' ', true},
		{"ü", 'ü', true},
		{",", ',', true},
		{"Ctrl-A", 0, false},
		{"Alt-a", 0, false},
		{"F1", 0, false},
		{"Enter", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		if got, ok := Input(tt.key); got != tt.want || ok != tt.ok {
			t.Errorf("Input(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

func TestHelpShowsTheKeysInForce(t *testing.T) {
	km := load(t, "vim", "help.toggle = F2, ctrl-x h\nedit.fill =\n")
	lines := km.Help()
	byAction := map[string]HelpLine{}
	for _, l := range lines {
		byAction[l.Action] = l
	}
	if got, want := byAction["help.toggle"].Keys, []string{"F2", "Ctrl-X h"}; !slices.Equal(got, want) {
		t.Errorf("help.toggle help keys = %q, want %q", got, want)
	}
	if _, ok := byAction["edit.fill"]; ok {
		t.Errorf("help lists the unbound edit.fill")
	}
	if got, want := byAction["cursor.file-start"].Keys, []string{"g g", "Ctrl-Home"}; !slices.Equal(got, want) {
		t.Errorf("cursor.file-start help keys = %q, want %q", got, want)
	}
	bound := 0
	for _, a := range Actions() {
		if len(km.Keys(a.Name)) > 0 {
			bound++
		}
	}
	if len(lines) != bound {
		t.Errorf("help has %d lines, want one per bound action (%d)", len(lines), bound)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l.Description, Describe(l.Action)) || l.Group == "" {
			t.Errorf("line %d: %+v: want the action's group and description", i, l)
		}
		if i > 0 && actionIndex[l.Action] < actionIndex[lines[i-1].Action] {
			t.Errorf("line %d (%s) out of the order of Actions", i, l.Action)
		}
	}
}

// TestHelpSaysCopyClears: vim's y ends the selection, the default preset's copy keeps it, and
// the help of each says which.
func TestHelpSaysCopyClears(t *testing.T) {
	for _, tc := range []struct {
		preset string
		clears bool
	}{{"vim", true}, {"default", false}} {
		km := load(t, tc.preset, "")
		if km.CopyClearsSelection() != tc.clears {
			t.Errorf("%s: CopyClearsSelection() = %v, want %v", tc.preset, !tc.clears, tc.clears)
		}
		for _, l := range km.Help() {
			if strings.HasPrefix(l.Action, "copy.") && strings.HasSuffix(l.Description, "then clear it") != tc.clears {
				t.Errorf("%s: help for %s says %q", tc.preset, l.Action, l.Description)
			}
		}
	}
}

func TestFixedKeysAreCanonical(t *testing.T) {
	// The app compares them with hexview.KeyName's names, which ParseKey's canonical forms are.
	for _, k := range []string{Accept, Cancel} {
		if got, err := ParseKey(k); err != nil || got != k {
			t.Errorf("ParseKey(%q) = %q, %v; want it unchanged", k, got, err)
		}
	}
}
