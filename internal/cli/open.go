package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/mmhex/mmhex/mmap"
)

// target is what a command works on: a file path, the name of a named mapping (-n NAME), or
// a process's memory (-p PID).
type target struct {
	path string
	name string
	pid  int
}

func (t target) String() string {
	if t.pid != 0 {
		return fmt.Sprintf("process %d", t.pid)
	}
	if t.name != "" {
		return fmt.Sprintf("named mapping %q", t.name)
	}
	return t.path
}

// targetFrom picks the target out of a command's flags (its -n NAME, "name", and -p PID, "pid",
// where it has them) and operands: with -n NAME or -p PID there is no file operand, otherwise the
// first operand is the file. It returns the operands that follow. An empty NAME is refused, not
// taken for "no -n".
func targetFrom(fs *flagSet, command string) (target, []string, error) {
	operands := fs.Args()
	if fs.Changed("pid") {
		pid, err := fs.GetInt("pid")
		switch {
		case err != nil:
			return target{}, nil, err
		case fs.Changed("name"):
			return target{}, nil, usageErrorf("-n NAME and -p PID name two targets: give one (see '%s --help')", command)
		case pid <= 0:
			return target{}, nil, usageErrorf("-p %d: give a process id, a positive number", pid)
		}
		return target{pid: pid}, operands, nil
	}
	if fs.Changed("name") {
		name, err := fs.GetString("name")
		if err != nil {
			return target{}, nil, err
		}
		if name == "" {
			return target{}, nil, usageErrorf("-n needs a mapping name, got an empty one (see '%s --help')", command)
		}
		return target{name: name}, operands, nil
	}
	if len(operands) == 0 {
		return target{}, nil, usageErrorf("no file given (usage: %s FILE, or %s -n NAME; see '%s --help')", command, command, command)
	}
	return target{path: operands[0]}, operands[1:], nil
}

// open maps the target. Its errors are one line that names the problem and what to do.
func (t target) open(mode mmap.Mode) (*mmap.Mapping, error) {
	var m *mmap.Mapping
	var err error
	if t.name != "" {
		m, err = mmap.OpenNamed(t.name, mode)
	} else {
		m, err = mmap.Open(t.path, mode)
	}
	if err != nil {
		return nil, t.explain(err, mode)
	}
	return m, nil
}

// explain turns an error from opening the target into the sentence a user needs. The sentence
// keeps the error it explains, for errors.Is and errors.As.
func (t target) explain(err error, mode mmap.Mode) error {
	sentence := func(format string, args ...any) error {
		return &explainedError{msg: fmt.Sprintf(format, args...), cause: err}
	}
	// Where a named mapping is a file (Linux), anyone can put a link, a FIFO or a directory
	// under its name: the sentence names the file.
	shmFile, _ := mmap.NamedPath(t.name)
	var badName *mmap.NameError
	switch {
	case errors.Is(err, mmap.ErrSymlink):
		return sentence("%s is a symbolic link (%s): refused, because a link could redirect writes to another file; remove it if you did not make it", t, shmFile)
	case t.name != "" && (errors.Is(err, mmap.ErrIsDir) || errors.Is(err, mmap.ErrNotRegular)):
		return sentence("%s is no shared-memory object: %s is a directory, device, FIFO or socket, which has no fixed size to map; check the name", t, shmFile)
	case errors.Is(err, mmap.ErrIsDir):
		return sentence("%s is a directory: give a file", t.path)
	case errors.Is(err, mmap.ErrNotRegular):
		return sentence("%s is not a regular file: a device, FIFO or socket has no fixed size to map; give a file", t.path)
	case errors.Is(err, fs.ErrNotExist) && t.name != "":
		return sentence("no named mapping %q%s", t.name, existingNamesHint())
	case errors.Is(err, fs.ErrNotExist):
		return sentence("%s: no such file: check the path", t.path)
	case errors.Is(err, mmap.ErrBusy):
		return sentence("%s is a running program, which the system does not let anyone write: stop it first, or patch a copy", t)
	case errors.Is(err, fs.ErrPermission) && mode == mmap.ReadWrite:
		return sentence("%s: permission denied for writing: open it read-only with -r, or change its permissions", t)
	case errors.Is(err, fs.ErrPermission):
		return sentence("%s: permission denied: you may not read it", t)
	case errors.As(err, &badName):
		return &exitError{code: 2, err: sentence("%q: %v: %s", badName.Name, mmap.ErrBadName, badName.Rule)}
	case errors.Is(err, mmap.ErrNotSupported):
		return err
	}
	return fmt.Errorf("%s: %w", t, err)
}

// explainedError is a sentence for the user that keeps the error it explains.
type explainedError struct {
	msg   string
	cause error
}

func (e *explainedError) Error() string { return e.msg }
func (e *explainedError) Unwrap() error { return e.cause }

// existingNamesHint lists up to 20 existing names, where the system can list them, so a mistyped
// name is easy to fix.
func existingNamesHint() string {
	names, err := mmap.ListNamed()
	switch {
	case err != nil:
		return ""
	case len(names) == 0:
		return " (there are no named mappings)"
	case len(names) > 20:
		return fmt.Sprintf(" (existing: %s, and %d more)", strings.Join(names[:20], ", "), len(names)-20)
	}
	return fmt.Sprintf(" (existing: %s)", strings.Join(names, ", "))
}
