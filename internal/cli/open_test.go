package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// TestOpenErrorsAreOneClearLine checks what every command that opens a target says when it cannot.
func TestOpenErrorsAreOneClearLine(t *testing.T) {
	dir := testdir.New(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string
	}{
		{"missing file", []string{"dump", filepath.Join(dir, "nope.bin")}, 1, "nope.bin: no such file: check the path"},
		{"directory", []string{"dump", dir}, 1, "is a directory: give a file"},
		{"unknown name", []string{"dump", "-n", "mmhex-no-such-name"}, 1, `no named mapping "mmhex-no-such-name"`},
		{"bad name", []string{"dump", "-n", `a/b\c`}, 2, "invalid mapping name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.name, "name") && runtime.GOOS != "linux" && runtime.GOOS != "windows" {
				t.Skipf("named mappings are not supported on %s", runtime.GOOS)
			}
			var out, errOut bytes.Buffer
			code := Run(tt.args, strings.NewReader(""), &out, &errOut)
			msg := errOut.String()
			if code != tt.wantCode || !strings.Contains(msg, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, msg, tt.wantCode, tt.want)
			}
			if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "mmhex: ") || strings.Contains(msg, "mmap:") {
				t.Errorf("stderr %q: want one line starting with \"mmhex: \" and no package prefix", msg)
			}
		})
	}
}

// TestExplainedErrorsKeepTheirCause checks the sentence for the user still matches the error it
// explains, so callers can decide on errors.Is (the editor's read-only fallback does).
func TestExplainedErrorsKeepTheirCause(t *testing.T) {
	dir := testdir.New(t)
	_, err := target{path: filepath.Join(dir, "nope.bin")}.open(mmap.ReadOnly)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no such file: check the path") {
		t.Errorf("open(missing) = %v; want the user's sentence, matching fs.ErrNotExist", err)
	}
	_, err = target{path: dir}.open(mmap.ReadOnly)
	if !errors.Is(err, mmap.ErrIsDir) {
		t.Errorf("open(directory) = %v; want it to match mmap.ErrIsDir", err)
	}
}
