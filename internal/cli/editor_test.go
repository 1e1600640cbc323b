package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
)

func TestLiveCommandLine(t *testing.T) {
	path := filepath.Join(testdir.New(t), "data.bin")
	if err := os.WriteFile(path, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"interval without live mode", []string{"--interval", "10ms", path}, 2,
			"--interval sets how often live mode compares: add --watch to watch " + path},
		{"interval too short", []string{"--watch", "--interval", "500us", path}, 2, "--interval 500µs is too short: the shortest is 1ms"},
		{"interval not a duration", []string{"--watch", "--interval", "fast", path}, 2, `mmhex: --interval "fast": give a duration with its unit`},
		{"watch accepted", []string{"--watch", "--interval", "1ms", path}, 1, "the editor needs a terminal"},
		{"watch needs a file", []string{"--watch"}, 2, "no file given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config := testdir.New(t)
			t.Setenv("XDG_CONFIG_HOME", config) // os.UserConfigDir on Linux
			t.Setenv("AppData", config)         // and on Windows
			var out, errOut bytes.Buffer
			code := Run(tt.args, strings.NewReader(""), &out, &errOut)
			if code != tt.wantCode || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("exit code %d, stderr %q; want %d and %q", code, errOut.String(), tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestEditorCommandLine(t *testing.T) {
	dir := testdir.New(t)
	file := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(file, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.bin")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	configDir := filepath.Join(dir, "config")
	if err := os.MkdirAll(filepath.Join(configDir, "mmhex"), 0o755); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(configDir, "mmhex", "keys.conf")
	if err := os.WriteFile(keyFile, []byte("# mine\nedit.undo = Ctrl-U\ncursor.dwn = j\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		config   string // the user config directory
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"version", []string{"--version"}, dir, 0, "mmhex " + buildVersion() + "\n", ""},
		{"version after the file", []string{file, "--version"}, dir, 0, "mmhex " + buildVersion() + "\n", ""},
		{"help", []string{"--help"}, dir, 0, "Usage: mmhex [flags] FILE", ""},
		{"no file", nil, dir, 2, "", "no file given"},
		{"two files", []string{file, file}, dir, 2, "", "one FILE at a time"},
		{"bad cols", []string{"--cols", "-1", file}, dir, 2, "", "--cols -1"},
		{"unknown flag", []string{"--colour", file}, dir, 2, "", "unknown flag: --colour"},
		{"unknown preset", []string{"--keys", "emacs", file}, dir, 2, "", `unknown preset "emacs"`},
		{"bad key file", []string{file}, configDir, 2, "", keyFile + `:3: unknown action "cursor.dwn"`},
		{"missing file", []string{filepath.Join(dir, "nope.bin")}, dir, 1, "", "no such file"},
		{"empty file", []string{empty}, dir, 1, "",
			"mmhex: " + empty + " is empty (0 bytes): a memory mapping has a fixed size, so there is nothing to view or edit\n"},
		{"not a terminal", []string{"-r", file}, dir, 1, "", "the editor needs a terminal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", tt.config) // os.UserConfigDir on Linux
			t.Setenv("AppData", tt.config)         // and on Windows
			var out, errOut bytes.Buffer
			code := Run(tt.args, strings.NewReader(""), &out, &errOut)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.wantCode, errOut.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", errOut.String(), tt.wantErr)
			}
			if lines := strings.Count(errOut.String(), "\n"); lines > 1 {
				t.Errorf("stderr has %d lines, want one: %q", lines, errOut.String())
			}
		})
	}
}

// TestOpenForEditingFallsBackToReadOnly opens a file that may not be written, the test's own
// running executable, and checks that it is opened read-only with the reason given for the
// status bar (which TestAppReadOnly checks the app shows).
func TestOpenForEditingFallsBackToReadOnly(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	if f, err := os.OpenFile(exe, os.O_RDWR, 0); err == nil {
		f.Close()
		t.Skipf("this OS lets a running executable be opened for writing")
	}
	m, note, err := openForEditing(target{path: exe}, false)
	if err != nil {
		t.Fatalf("openForEditing(%s) = %v, want it opened read-only", exe, err)
	}
	defer m.Close()
	if m.Writable() {
		t.Errorf("the running executable was mapped writable")
	}
	if !strings.HasPrefix(note, "writing was refused: ") {
		t.Errorf("read-only note %q, want it to say writing was refused", note)
	}
}
