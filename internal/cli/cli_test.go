package cli

import (
	"bytes"
	"strings"
	"testing"
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
