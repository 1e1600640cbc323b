package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
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
