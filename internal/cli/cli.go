// Package cli is mmhex's command line: it parses the flags of each command, picks the target
// (a file or a named mapping), runs the command and turns its error into a message and an exit
// code. The editor's interactive part is package tui; this package opens what it shows.
package cli

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// version, when set with -ldflags "-X github.com/mmhex/mmhex/internal/cli.version=…", is the
// release this build calls itself; otherwise --version says what the Go toolchain recorded.
var version string

// buildVersion is what --version prints: version if set, else the module's version from the
// build info (a tag for go install …@v1.2.3; from a checkout, a pseudo-version that names the
// commit and ends in +dirty for uncommitted changes), else the commit itself.
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	return versionFrom(info)
}

func versionFrom(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return "(devel)"
	}
	v := "(devel) " + revision
	if modified == "true" {
		v += "+dirty"
	}
	return v
}

// stdio is the standard streams a command reads and writes, so tests run commands in-process.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// subcommands are the commands that run without the editor, by the name that selects them.
var subcommands = map[string]func(args []string, io stdio) error{
	"patch":   runPatch,
	"dump":    runDump,
	"create":  runCreate,
	"watch":   runWatch,
	"splice":  runSplice,
	"regions": runRegions,
	"search":  runSearch,
}

// Run runs mmhex with the arguments after the program name and returns the exit code: 0 on
// success, 2 for a usage error, 1 for any other failure (or the code an error carries).
func Run(args []string, in io.Reader, out, errOut io.Writer) int {
	streams := stdio{in: in, out: out, err: errOut}
	if len(args) > 0 && args[0] == "help" {
		// "mmhex help" and "mmhex help patch" as git and go take them.
		args = append(args[1:], "--help")
	}
	command := runEditor
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			command, args = sub, args[1:]
		}
	}
	err := command(args, streams)
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintln(errOut, "mmhex: "+err.Error())
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return 1
}

// exitError is an error that ends mmhex with its own exit code; Run finds any error with an
// ExitCode method in the chain.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// ExitCode is the exit code the command ends with.
func (e *exitError) ExitCode() int { return e.code }

// usageErrorf reports a mistake in the command line: exit code 2.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// newFlagSet makes a GNU-style flag set, named by the command line that selects it ("mmhex
// patch"), whose flags may stand before or after the operands. It prints nothing itself: parse
// errors come back as usage errors, and --help prints usage to out.
func newFlagSet(name, usage string, out io.Writer) *flagSet {
	fs := newFlags(name)
	fs.usage = func() {
		fmt.Fprint(out, strings.TrimLeft(usage, "\n"))
		fmt.Fprintln(out, "\nFlags:")
		fs.PrintDefaults(out)
	}
	return fs
}

// parseFlags parses args with fs, turning a parse error into a usage error that says how to get help.
func parseFlags(fs *flagSet, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, errHelp) {
		return err // the usage is printed
	}
	var invalid *invalidValueError
	if errors.As(err, &invalid) {
		// The parser's own text ("strconv.ParseInt: parsing …") is not the user's: say what to give.
		return usageErrorf("--%s %q: %s (see '%s --help')", invalid.flag.name, invalid.value,
			flagValueWanted(invalid.flag.value.kind()), fs.Name())
	}
	if err != nil {
		return usageErrorf("%w (see '%s --help')", err, fs.Name())
	}
	return nil
}

// flagValueWanted says what a flag of a value kind takes.
func flagValueWanted(typ string) string {
	switch typ {
	case "int", "int64", "uint", "uint64":
		return "give a whole number, such as 16"
	case "duration":
		return "give a duration with its unit, such as 50ms, 2s or 1m (units: ns, us, ms, s, m, h)"
	case "bool":
		return "give true or false"
	}
	return "not a valid " + typ
}
