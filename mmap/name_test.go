package mmap

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestNameErrorCarriesTheRule checks that a name the system refuses comes back as a *NameError
// with the name and the rule for a valid one, and still matches ErrBadName.
func TestNameErrorCarriesTheRule(t *testing.T) {
	if !namedSupported() {
		t.Skipf("named mappings are not supported on %s", runtime.GOOS)
	}
	bad := "a/b"
	if runtime.GOOS == "windows" {
		bad = `a\b`
	}
	for _, op := range []struct {
		name string
		do   func() error
	}{
		{"OpenNamed", func() error { _, err := OpenNamed(bad, ReadOnly); return err }},
		{"CreateNamed", func() error { _, err := CreateNamed(bad, 4096); return err }},
	} {
		err := op.do()
		var ne *NameError
		if !errors.As(err, &ne) || !errors.Is(err, ErrBadName) {
			t.Fatalf("%s(%q) = %v, want a *NameError matching ErrBadName", op.name, bad, err)
		}
		if ne.Name != bad || !strings.HasPrefix(ne.Rule, "use a name ") {
			t.Errorf("%s(%q): name %q, rule %q; want the name given and a rule saying what to use", op.name, bad, ne.Name, ne.Rule)
		}
		if want := `mmap: "` + strings.ReplaceAll(bad, `\`, `\\`) + `": invalid mapping name: ` + ne.Rule; err.Error() != want {
			t.Errorf("%s(%q) says %q, want %q", op.name, bad, err, want)
		}
	}
}
