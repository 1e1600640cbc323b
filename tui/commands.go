package tui

import (
	"fmt"
	"strconv"
	"strings"
)

// command is one command of the command line. The table of them is the command line's one
// grammar: the command line runs what it finds there, and its hint, its errors and the help
// screen are written from it.
type command struct {
	// names are what the user types: the first is the one hints and the help show, the others
	// are aliases.
	names []string
	// args describes the argument for the hint and the help ("OFFSET", "[NAME]"); "" when the
	// command takes none.
	args string
	// prefix is true for a command written directly before its argument ("/TEXT"), false for
	// one that stands as a word before it ("goto OFFSET").
	prefix bool
	// quiet leaves the command out of the hint and the errors, which list what to try: it only
	// explains why it refuses, or it is for a process only (the regions panel shows that way).
	// The help lists it.
	quiet bool
	help  string // one line for the help screen
	run   func(a *app, arg string) error
}

// usage writes the command as the hint and the help show it: "goto OFFSET", "/TEXT".
func (c *command) usage() string {
	switch {
	case c.args == "":
		return c.names[0]
	case c.prefix:
		return c.names[0] + c.args
	}
	return c.names[0] + " " + c.args
}

// commands is every command, in the order the hint and the help list them.
var commands []*command

func init() {
	// Assigned in init because set refers to the table itself, for its error.
	commands = []*command{
		{names: []string{"goto", "g"}, args: "OFFSET", help: "Go to an offset; so does an offset alone",
			run: func(a *app, arg string) error { return a.ed.Goto(arg) }},
		{names: []string{"w", "write", "flush"}, help: "Flush the edits",
			run: func(a *app, _ string) error { return a.flush() }},
		{names: []string{"q", "quit"}, help: "Quit, flushing the edits",
			run: func(a *app, _ string) error { a.tv.Stop(); return nil }},
		{names: []string{"wq", "x", "exit", "wq!"}, help: "Flush the edits and quit",
			run: func(a *app, _ string) error { a.tv.Stop(); return nil }},
		{names: []string{"q!"}, quiet: true, help: "Refused: edits are written as you type; undo them instead",
			run: func(a *app, _ string) error {
				return fmt.Errorf("edits cannot be discarded: they are written in place as you type; undo them (%s), then quit", a.keyFor("edit.undo"))
			}},
		{names: []string{"set"}, args: "cols=N", help: fmt.Sprintf("Bytes per row, 1 to %d; 0 fits the terminal", MaxCols),
			run: (*app).set},
		{names: []string{"/"}, args: "TEXT", prefix: true, help: "Search forward, as the search prompt reads TEXT",
			run: func(a *app, arg string) error { return a.search(arg, false) }},
		{names: []string{"?"}, args: "TEXT", prefix: true, help: "Search backward",
			run: func(a *app, arg string) error { return a.search(arg, true) }},
		{names: []string{"fill"}, args: "HEX", help: "Fill the selection with hex bytes, repeated",
			run: (*app).fill},
		{names: []string{"mark", "bookmark"}, args: "[NAME]", help: "Set, rename or remove the bookmark at the cursor",
			run: func(a *app, arg string) error { a.mark(arg); return nil }},
		{names: []string{"region"}, args: "R", quiet: true, help: "With -p: go to region R, an index, a name or a module",
			run: (*app).gotoRegion},
		{names: []string{"help"}, help: "Show this help",
			run: func(a *app, _ string) error { a.showOverlay(pageHelp); return nil }},
	}
}

// findCommand returns the command a line names and its argument, or nil.
func findCommand(line string) (*command, string) {
	word, arg, _ := strings.Cut(line, " ")
	for _, c := range commands {
		for _, name := range c.names {
			if c.prefix {
				if rest, ok := strings.CutPrefix(line, name); ok {
					return c, rest
				}
			} else if word == name {
				return c, strings.TrimSpace(arg)
			}
		}
	}
	return nil, ""
}

// commandList lists the commands to try, joined by sep, for the hint and the errors.
func commandList(sep string) string {
	var list []string
	for _, c := range commands {
		if !c.quiet {
			list = append(list, c.usage())
		}
	}
	return strings.Join(list, sep)
}

// commandHelp writes the help screen's lines for the command line.
func commandHelp() string {
	var sb strings.Builder
	for _, c := range commands {
		help := c.help
		if len(c.names) > 1 {
			help += fmt.Sprintf(" (also %s)", strings.Join(c.names[1:], ", "))
		}
		fmt.Fprintf(&sb, "  %-14s  %s\n", c.usage(), help)
	}
	return sb.String()
}

func (a *app) commandPrompt() error {
	a.ask(":", commandList(" · "), a.command)
	return nil
}

// command runs a line of the command line: a command of the table, or an offset to go to.
func (a *app) command(line string) error {
	// A vim user types the colon out of habit after the default preset's key: it means nothing
	// more.
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), ":"))
	if line == "" {
		return nil
	}
	if c, arg := findCommand(line); c != nil {
		return c.run(a, arg)
	}
	if meantAsOffset(line) {
		// Goto reads it from the cursor, and says what is wrong with it: not an offset at all,
		// or one before the start or past the end.
		return a.ed.Goto(line)
	}
	return fmt.Errorf("unknown command %q: try %s", line, commandList(", "))
}

// meantAsOffset reports whether a command line is an offset rather than a command: it starts as
// goto expressions do (a digit, a sign or "end") or ends with "%". No command starts so.
func meantAsOffset(line string) bool {
	c := line[0]
	return c >= '0' && c <= '9' || c == '+' || c == '-' ||
		len(line) >= 3 && strings.EqualFold(line[:3], "end") || strings.HasSuffix(line, "%")
}

func (a *app) set(arg string) error {
	key, value, _ := strings.Cut(arg, "=")
	switch strings.TrimSpace(key) {
	case "cols":
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || n < 0 || n > MaxCols {
			return fmt.Errorf("set cols=N: give 1 to %d bytes per row, or 0 to fit the terminal", MaxCols)
		}
		a.cols, a.colsShown = n, 0
		a.view.SetColumns(n)
		return nil
	}
	set, _ := findCommand("set")
	return fmt.Errorf("unknown setting %q: try %s", arg, set.usage())
}
