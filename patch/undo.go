package patch

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// undoLineBytes is how many bytes one undo script line restores, so that lines stay readable.
const undoLineBytes = 32

// WriteUndo writes a patch script that reverts the plan: for each changed run, a line writing the
// old bytes back, with expect= of the new bytes so that it refuses to run over anything else.
// Its header comment says how to run it: target is the patched file as command-line arguments
// (["data.bin"], or ["-n", "NAME"]), path where the script is saved.
func (p *Plan) WriteUndo(w io.Writer, target []string, path string) error {
	bw := bufio.NewWriter(w)
	runs := "runs"
	if len(p.Changes) == 1 {
		runs = "run"
	}
	fmt.Fprintf(bw, "# mmhex undo script: puts back %s in %d %s.\n", byteconv.FormatSize(p.Bytes()), len(p.Changes), runs)
	fmt.Fprint(bw, "# Revert with: mmhex patch")
	for _, arg := range slices.Concat(target, []string{"--script", path}) {
		fmt.Fprint(bw, " ", shellQuote(arg))
	}
	fmt.Fprintln(bw)
	for _, c := range p.Changes {
		for i := 0; i < len(c.New); i += undoLineBytes {
			j := min(i+undoLineBytes, len(c.New))
			fmt.Fprintf(bw, "0x%08x %s expect=%s\n", c.Offset+int64(i), hex.EncodeToString(c.Old[i:j]), hex.EncodeToString(c.New[i:j]))
		}
	}
	return bw.Flush()
}

// SaveUndo writes the undo script (see WriteUndo) to path and syncs it to storage before it
// returns, so that it survives a crash during the patch. It writes a temporary file next to path
// and renames it, so that path holds either its old content or the whole new script. target is
// as for WriteUndo.
func (p *Plan) SaveUndo(path string, target []string) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("undo file %s: %w", path, withoutPath(err))
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("undo file %s: %w", path, withoutPath(err))
		}
	}()
	if err := p.WriteUndo(f, target, path); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// withoutPath drops the path from an *fs.PathError, which names the temporary file rather than
// the undo file the user asked for.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// syncDir makes a rename in dir durable. Windows cannot open a directory for syncing; NTFS
// journals the rename itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// shellQuote quotes s for the shell a user of this system types commands in, when it holds
// anything but safe characters: single quotes for POSIX shells, double quotes for cmd.exe and
// PowerShell, where backslashes and drive letters need none.
func shellQuote(s string) string {
	if runtime.GOOS == "windows" {
		if s == "" || strings.ContainsAny(s, " \t&()[]{}^=;!'+,`~%<>|\"") {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		return s
	}
	safe := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_./:=+-,@", c)) {
			safe = false
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
