//go:build unix

package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// keyFileHome points the user configuration directory at a temporary folder and returns where
// the key file goes in it.
func keyFileHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	dir, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "mmhex", "keys.conf")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadKeymapBounded runs loadKeymap, failing the test if it blocks.
func loadKeymapBounded(t *testing.T) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := loadKeymap("default")
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("loadKeymap blocked")
		return nil
	}
}

func TestLoadKeymapKeyFileKinds(t *testing.T) {
	tests := []struct {
		name    string
		make    func(path string) error
		wantErr string // "" when the preset loads
	}{
		{"no key file", func(string) error { return nil }, ""},
		{"regular file", func(p string) error { return os.WriteFile(p, []byte("cursor.left = h\n"), 0o644) }, ""},
		{"FIFO", func(p string) error { return syscall.Mkfifo(p, 0o644) }, "is a FIFO, not a file"},
		{"folder", func(p string) error { return os.Mkdir(p, 0o755) }, "is a folder, not a file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := keyFileHome(t)
			if err := tt.make(path); err != nil {
				t.Fatal(err)
			}
			err := loadKeymapBounded(t)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got %v, want the preset", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path)):
				t.Errorf("got %v, want an error naming %s that says %q", err, path, tt.wantErr)
			}
		})
	}
}

// TestLoadKeymapPermissions: a configuration folder we may not search means no key file (the
// preset loads), a key file we may not read is an error that names it. Root may read anything,
// so this runs only as another user.
func TestLoadKeymapPermissions(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file; run as another user (setpriv --reuid=nobody)")
	}
	path := keyFileHome(t)
	if err := os.WriteFile(path, []byte("cursor.left = h\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })

	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	if err := loadKeymapBounded(t); err == nil || !strings.Contains(err.Error(), path+": permission denied") {
		t.Errorf("unreadable key file: got %v, want an error naming it", err)
	}
	if err := os.Chmod(dir, 0); err != nil {
		t.Fatal(err)
	}
	if err := loadKeymapBounded(t); err != nil {
		t.Errorf("unsearchable folder: got %v, want the preset", err)
	}
}

func TestRootEditsReadOnly(t *testing.T) {
	tests := []struct {
		name string
		mode fs.FileMode
		euid int
		want string
	}{
		{"root, read-only", 0o444, 0, "data.bin is read-only (mode 0444); you are root, so edits are written anyway"},
		{"root, no permission at all", 0, 0, "data.bin is read-only (mode 0000); you are root, so edits are written anyway"},
		{"root, group may write", 0o464, 0, ""},
		{"root, owner may write", 0o644, 0, ""},
		{"user, read-only", 0o444, 1000, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rootEditsReadOnly(target{path: "data.bin"}, tt.mode, tt.euid); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
