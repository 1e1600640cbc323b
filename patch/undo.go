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
	"strconv"
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
	if p.Runs() == 1 {
		runs = "run"
	}
	fmt.Fprintf(bw, "# mmhex undo script: puts back %s in %d %s.\n", byteconv.FormatSize(p.Bytes()), p.Runs(), runs)
	fmt.Fprint(bw, "# Revert with: mmhex patch")
	for _, arg := range slices.Concat(target, []string{"--script", path}) {
		fmt.Fprint(bw, " ", shellQuote(arg))
	}
	fmt.Fprintln(bw)
	for k := range p.Runs() {
		c := p.Change(k)
		for i := 0; i < len(c.New); i += undoLineBytes {
			j := min(i+undoLineBytes, len(c.New))
			fmt.Fprintf(bw, "0x%08x %s expect=%s\n", c.Offset+int64(i), hex.EncodeToString(c.Old[i:j]), hex.EncodeToString(c.New[i:j]))
		}
	}
	return bw.Flush()
}

// SaveUndo writes the undo script (see WriteUndo) to path, a file that must not exist yet, and
// syncs it to storage before it returns, so that it survives a crash during the patch. An
// existing file is refused with an error wrapping fs.ErrExist: it may be the undo script of an
// earlier patch. The name is taken first (O_EXCL, mode 0600: the script holds bytes of the
// patched file); the script is written to a temporary file next to it and renamed over it, so
// that path holds either nothing or the whole script. target is as for WriteUndo.
func (p *Plan) SaveUndo(path string, target []string) (err error) {
	reserved, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("undo file %s: %w: give a new name (an undo file is never replaced)", path, fs.ErrExist)
	}
	if err != nil {
		return fmt.Errorf("undo file %s: %w", path, withoutPath(err))
	}
	reserved.Close()
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("undo file %s: %w", path, withoutPath(err))
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			os.Remove(path)
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
// PowerShell, where backslashes and drive letters need none. A control character never appears
// raw: a line break in a name would end the comment that holds it and turn the rest of the name
// into a patch line. POSIX shells take it as $'\n' (bash, zsh, ksh, and sh since POSIX.1-2024);
// cmd.exe has no way to write one, so there the name is shown Go-quoted instead.
func shellQuote(s string) string {
	if runtime.GOOS == "windows" {
		switch {
		case strings.ContainsFunc(s, isControl):
			return strconv.Quote(s)
		case s == "" || strings.ContainsAny(s, " \t&()[]{}^=;!'+,`~%<>|\""):
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
	switch {
	case safe:
		return s
	case s == "":
		return "''"
	}
	var b strings.Builder
	for s != "" {
		i := strings.IndexFunc(s, isControl)
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			b.WriteString("'" + strings.ReplaceAll(s[:i], "'", `'\''`) + "'")
		}
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !isControl(r) })
		if j < 0 {
			j = len(s)
		}
		if j > 0 {
			b.WriteString("$'")
			for _, c := range []byte(s[:j]) {
				b.WriteString(controlEscape(c))
			}
			b.WriteString("'")
		}
		s = s[j:]
	}
	return b.String()
}

// isControl reports the characters that may not appear raw in a script's comment: the C0
// controls and DEL.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// controlEscape writes the control character c as $'...' takes it.
func controlEscape(c byte) string {
	switch c {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	return fmt.Sprintf(`\x%02x`, c)
}
