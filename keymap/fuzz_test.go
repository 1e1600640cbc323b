package keymap

import (
	"strings"
	"testing"
)

// FuzzLoad feeds Load arbitrary key files: it never panics, a refusal is one line naming the
// file, and every key sequence of a keymap it accepts resolves to its action.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"",
		"\ufeffcursor.down = Down\n",
		"# comment\n\n  cursor.down = j, Ctrl-N  \n",
		"goto.prompt = g g\nhelp.toggle = g h\n",
		"goto.prompt = g\nhelp.toggle = g h\n",
		"goto.prompt = a,,b\n",
		"goto.prompt = Comma\n",
		"goto.prompt = Ctrl-i\n",
		"goto.prompt = Shift-a\n",
		"goto.prompt = Ctrl-ctrl-A\n",
		"goto.prompt = 5\n",
		"goto.prompt =\n",
		"= x\n",
		"goto.prompt = a\ngoto.prompt = b\n",
		"goto.prompt = a\nhelp.toggle = b, a\n",
		"goto.prompt = \xff\n",
		"goto.prompt = Alt-Shift-Ctrl-F12\r\n",
		"goto.prompt = " + strings.Repeat("x ", 100) + "\n",
	} {
		f.Add("default", seed)
		f.Add("vim", seed)
	}
	f.Fuzz(func(t *testing.T, preset, file string) {
		if preset != "vim" {
			preset = "default"
		}
		km, err := Load(preset, strings.NewReader(file), "keys.conf")
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "keymap: keys.conf") {
				t.Fatalf("error %q is not one line naming the file", msg)
			}
			return
		}
		for _, a := range Actions() {
			for _, seq := range km.Keys(a.Name) {
				r := km.NewResolver()
				words := strings.Split(seq, " ")
				var res Result
				for i, w := range words {
					res = r.Feed(w)
					if i < len(words)-1 && res.Kind != Pending {
						t.Fatalf("%q, key %q of %s: %q gives %v before the end", file, seq, a.Name, w, res.Kind)
					}
				}
				if res.Kind != Matched || res.Action != a.Name {
					t.Fatalf("%q: key %q of %s resolves to %v %q", file, seq, a.Name, res.Kind, res.Action)
				}
			}
		}
	})
}
