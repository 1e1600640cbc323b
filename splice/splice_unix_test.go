//go:build unix

package splice

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mmhex/mmhex/mmap"
)

const roleEnv = "MMHEX_SPLICE_TEST_FILE"

func TestMain(m *testing.M) {
	if path := os.Getenv(roleEnv); path != "" {
		os.Exit(spliceInReadOnlyDir(path))
	}
	os.Exit(m.Run())
}

// spliceInReadOnlyDir is the child of TestRefusedWithoutJournal: it inserts into the file at
// path, which it may write, in a directory it may not, and exits 0 when the insert is refused
// for the journal and the file is unchanged.
func spliceInReadOnlyDir(path string) int {
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer m.Close()
	err = Splice(context.Background(), m, 0, 0, []byte("x"), Options{})
	if !errors.Is(err, ErrNoJournal) || !strings.Contains(err.Error(), "permission denied") {
		fmt.Fprintf(os.Stderr, "Splice = %v, want ErrNoJournal and the reason\n", err)
		return 4
	}
	if b, _ := os.ReadFile(path); string(b) != "unchanged" {
		fmt.Fprintf(os.Stderr, "file = %q, want it unchanged\n", b)
		return 5
	}
	return 0
}

// TestRefusedWithoutJournal: in a directory that may not be written, the journal cannot be made,
// so the insert is refused with that reason, and nothing changes. Root writes anywhere, so as
// root the test runs a copy of itself as nobody.
func TestRefusedWithoutJournal(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "ro")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(sub, "data.bin")
	if err := os.WriteFile(path, []byte("unchanged"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o666); err != nil { // whatever the umask
		t.Fatal(err)
	}
	if err := os.Chmod(sub, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(sub, 0o755) })
	if os.Geteuid() != 0 {
		if code := spliceInReadOnlyDir(path); code != 0 {
			t.Fatalf("check failed with %d", code)
		}
		return
	}
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "splice.test")
	if err := os.WriteFile(exe, self, 0o755); err != nil {
		t.Fatal(err)
	}
	// t.TempDir's folders are closed to other users: open them, then check the rest of the way.
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for d := dir; d != "/"; d = filepath.Dir(d) {
		if info, err := os.Stat(d); err == nil && info.Mode().Perm()&0o001 == 0 {
			t.Skipf("%s is closed to other users", d)
		}
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), roleEnv+"="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}
