package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/internal/testdir"
)

func TestHelpCommand(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"help"}, "Usage: mmhex [flags] FILE"},
		{[]string{"help", "patch"}, "mmhex patch"},
		{[]string{"--help"}, "Usage: mmhex [flags] FILE"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := Run(tt.args, strings.NewReader(""), &out, &errOut)
		if code != 0 || !strings.Contains(out.String(), tt.want) || strings.Count(out.String(), "Flags:") != 1 {
			t.Errorf("mmhex %s: exit %d, stdout %q, stderr %q; want exit 0 and the usage once, with %q",
				strings.Join(tt.args, " "), code, out.String(), errOut.String(), tt.want)
		}
	}
}

// TestErrorsKeepTheirChain checks that the commands wrap the errors they explain, so that
// errors.Is still finds the cause under the sentence.
func TestErrorsKeepTheirChain(t *testing.T) {
	path := filepath.Join(testdir.New(t), "data.bin")
	if err := os.WriteFile(path, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	streams := stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard}
	tests := []struct {
		name string
		run  func([]string, stdio) error
		args []string
		want error
	}{
		{"dump --offset", runDump, []string{"--offset", "zz", path}, byteconv.ErrSyntax},
		{"dump --length", runDump, []string{"--length", "1T", path}, byteconv.ErrSyntax},
		{"watch --offset", runWatch, []string{"--offset", "zz", path}, byteconv.ErrSyntax},
		{"create --size", runCreate, []string{"--size", "zz", "name"}, byteconv.ErrSyntax},
		{"patch value", runPatch, []string{path, "0", "zz"}, byteconv.ErrSyntax},
		{"flags", runDump, []string{"--colour", path}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(tt.args, streams)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want == nil {
				tt.want = errors.Unwrap(errors.Unwrap(err))
				if tt.want == nil {
					t.Fatalf("%v: the flag parser's error is not kept", err)
				}
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("%v: errors.Is(err, %v) is false: the chain is cut", err, tt.want)
			}
		})
	}
}

// TestMessagesSayWhatWasTyped checks that mistakes on the command line are told in one line that
// names what the user typed and what to give, never in the words of Go's parsers.
func TestMessagesSayWhatWasTyped(t *testing.T) {
	path := patchTestFile(t, "s.bin", make([]byte, 64))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a number flag", []string{"--cols", "abc", path}, `mmhex: --cols "abc": give a whole number, such as 16 (see 'mmhex --help')`},
		{"a duration flag", []string{"watch", "--duration", "1x", path}, `mmhex: --duration "1x": give a duration with its unit, such as 50ms, 2s or 1m (units: ns, us, ms, s, m, h) (see 'mmhex watch --help')`},
		{"a duration without unit", []string{"--watch", "--interval", "5", path}, `mmhex: --interval "5": give a duration with its unit`},
		{"an empty expect=", []string{"patch", path, "0", "ff", "expect="}, "mmhex: patch 1 (offset 0): expect= is empty: give the bytes the file must hold there, like expect=DEADBEEF, or leave expect= out"},
		{"-n and FILE", []string{"-n", "nm", path}, `mmhex: -n nm and ` + strconv.Quote(path) + `: -n NAME opens a named mapping instead of a FILE, so give one or the other (see 'mmhex --help')`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, "", tt.args...)
			if r.code != 2 || !strings.HasPrefix(r.errOut, tt.want) || strings.Count(r.errOut, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 2 and one line starting %q", r.code, r.errOut, tt.want)
			}
			for _, internal := range []string{"strconv", "time:", "ParseInt"} {
				if strings.Contains(r.errOut, internal) {
					t.Errorf("stderr %q speaks of %s", r.errOut, internal)
				}
			}
		})
	}
}
