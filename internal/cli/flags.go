package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// errHelp is what parsing returns after --help or -h printed the usage.
var errHelp = errors.New("help requested")

// flagSet parses a command line GNU-style, as spf13/pflag does, with the same messages and the
// same --help layout: long flags (--name value, --name=value), one-letter shorthands (-n value,
// -nvalue, -n=value, booleans grouped: -rn NAME), flags before, between or after the operands,
// and "--" to end them. It replaces pflag, which imports package net: net needs cgo on Linux, so
// every build of mmhex was a dynamically linked binary that starts slower and runs only where
// its C library does.
type flagSet struct {
	name  string
	flags []*flagDef
	args  []string
	// usage prints the help for --help.
	usage func()
}

// flagDef is one flag, its value and whether the command line set it.
type flagDef struct {
	name, short, usage string
	value              flagValue
	defValue           string
	changed            bool
}

// flagValue is a flag's value: Set parses the text given for it.
type flagValue interface {
	Set(text string) error
	String() string
	// kind names the type, for the help of a flag whose usage names no `VALUE`; "bool" for a
	// flag that takes no value.
	kind() string
}

func newFlags(name string) *flagSet { return &flagSet{name: name} }

func (f *flagSet) define(name, short, usage string, v flagValue) {
	f.flags = append(f.flags, &flagDef{name: name, short: short, usage: usage, value: v, defValue: v.String()})
}

type stringFlag struct{ p *string }

func (v stringFlag) Set(s string) error { *v.p = s; return nil }
func (v stringFlag) String() string     { return *v.p }
func (stringFlag) kind() string         { return "string" }

type boolFlag struct{ p *bool }

func (v boolFlag) Set(s string) error {
	b, err := strconv.ParseBool(s)
	*v.p = b
	return err
}
func (v boolFlag) String() string { return strconv.FormatBool(*v.p) }
func (boolFlag) kind() string     { return "bool" }

type intFlag struct{ p *int }

func (v intFlag) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	*v.p = int(n)
	return err
}
func (v intFlag) String() string { return strconv.Itoa(*v.p) }
func (intFlag) kind() string     { return "int" }

type durationFlag struct{ p *time.Duration }

func (v durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	*v.p = d
	return err
}
func (v durationFlag) String() string { return v.p.String() }
func (durationFlag) kind() string     { return "duration" }

// String defines a flag that takes text.
func (f *flagSet) String(name, def, usage string) *string { return f.StringP(name, "", def, usage) }

// StringP defines a flag that takes text, with a one-letter shorthand.
func (f *flagSet) StringP(name, short, def, usage string) *string {
	p := &def
	f.define(name, short, usage, stringFlag{p})
	return p
}

// Bool defines a flag that takes no value (or true or false after =).
func (f *flagSet) Bool(name string, def bool, usage string) *bool {
	return f.BoolP(name, "", def, usage)
}

// BoolP defines a flag that takes no value, with a one-letter shorthand.
func (f *flagSet) BoolP(name, short string, def bool, usage string) *bool {
	p := &def
	f.define(name, short, usage, boolFlag{p})
	return p
}

// Int defines a flag that takes an integer, decimal or with a 0x, 0o or 0b prefix.
func (f *flagSet) Int(name string, def int, usage string) *int { return f.IntP(name, "", def, usage) }

// IntP defines a flag that takes an integer, with a one-letter shorthand.
func (f *flagSet) IntP(name, short string, def int, usage string) *int {
	p := &def
	f.define(name, short, usage, intFlag{p})
	return p
}

// Duration defines a flag that takes a duration as time.ParseDuration reads it.
func (f *flagSet) Duration(name string, def time.Duration, usage string) *time.Duration {
	p := &def
	f.define(name, "", usage, durationFlag{p})
	return p
}

// Name is the command line that selects the flag set ("mmhex patch").
func (f *flagSet) Name() string { return f.name }

// Args are the operands: what is left after the flags.
func (f *flagSet) Args() []string { return f.args }

// NArg is the number of operands.
func (f *flagSet) NArg() int { return len(f.args) }

// Arg is operand i, or "" when there are fewer.
func (f *flagSet) Arg(i int) string {
	if i < 0 || i >= len(f.args) {
		return ""
	}
	return f.args[i]
}

// Changed reports whether the command line set the flag.
func (f *flagSet) Changed(name string) bool {
	d := f.lookup(name)
	return d != nil && d.changed
}

// GetString returns the value of a flag defined with String or StringP.
func (f *flagSet) GetString(name string) (string, error) {
	d := f.lookup(name)
	if d == nil {
		return "", fmt.Errorf("flag accessed but not defined: %s", name)
	}
	return d.value.String(), nil
}

// GetInt returns the value of a flag defined with Int or IntP.
func (f *flagSet) GetInt(name string) (int, error) {
	d := f.lookup(name)
	if d == nil {
		return 0, fmt.Errorf("flag accessed but not defined: %s", name)
	}
	v, ok := d.value.(intFlag)
	if !ok {
		return 0, fmt.Errorf("trying to get int value of flag of type %s", d.value.kind())
	}
	return *v.p, nil
}

func (f *flagSet) lookup(name string) *flagDef {
	for _, d := range f.flags {
		if d.name == name {
			return d
		}
	}
	return nil
}

func (f *flagSet) lookupShort(c byte) *flagDef {
	for _, d := range f.flags {
		if len(d.short) == 1 && d.short[0] == c {
			return d
		}
	}
	return nil
}

// Parse parses the command line after the command's name. It returns errHelp after printing
// the usage for --help or -h.
func (f *flagSet) Parse(args []string) error {
	f.args = make([]string, 0, len(args))
	for len(args) > 0 {
		s := args[0]
		args = args[1:]
		var err error
		switch {
		case len(s) < 2 || s[0] != '-':
			f.args = append(f.args, s)
		case s == "--":
			f.args = append(f.args, args...)
			return nil
		case s[1] == '-':
			args, err = f.parseLong(s, args)
		default:
			args, err = f.parseShort(s, args)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (f *flagSet) parseLong(s string, args []string) ([]string, error) {
	name := s[2:]
	if name[0] == '-' || name[0] == '=' {
		return args, fmt.Errorf("bad flag syntax: %s", s)
	}
	name, value, hasValue := strings.Cut(name, "=")
	d := f.lookup(name)
	switch {
	case d == nil && name == "help":
		f.usage()
		return args, errHelp
	case d == nil:
		return args, fmt.Errorf("unknown flag: --%s", name)
	case hasValue:
	case d.value.kind() == "bool":
		value = "true"
	case len(args) > 0:
		value, args = args[0], args[1:]
	default:
		return args, fmt.Errorf("flag needs an argument: --%s", name)
	}
	return args, f.set(d, value)
}

// parseShort parses a group of shorthands: all but the last take no value, or the one that
// takes a value takes the rest of the group or else the next argument.
func (f *flagSet) parseShort(s string, args []string) ([]string, error) {
	rest := args
	for shorts := s[1:]; shorts != ""; {
		c := shorts[0]
		d := f.lookupShort(c)
		if d == nil {
			if c == 'h' {
				f.usage()
				return rest, errHelp
			}
			return rest, fmt.Errorf("unknown shorthand flag: %q in -%s", rune(c), shorts)
		}
		var value string
		switch {
		case len(shorts) > 2 && shorts[1] == '=':
			value, shorts = shorts[2:], ""
		case d.value.kind() == "bool":
			value, shorts = "true", shorts[1:]
		case len(shorts) > 1:
			value, shorts = shorts[1:], ""
		case len(args) > 0:
			value, rest, shorts = args[0], args[1:], ""
		default:
			return rest, fmt.Errorf("flag needs an argument: %q in -%s", rune(c), shorts)
		}
		if err := f.set(d, value); err != nil {
			return rest, err
		}
	}
	return rest, nil
}

func (f *flagSet) set(d *flagDef, value string) error {
	if err := d.value.Set(value); err != nil {
		return &invalidValueError{flag: d, value: value, err: err}
	}
	d.changed = true
	return nil
}

// invalidValueError is a flag given a value its type does not take, such as --cols abc.
type invalidValueError struct {
	flag  *flagDef
	value string
	err   error // the parser's, such as strconv's
}

func (e *invalidValueError) Error() string {
	name := "--" + e.flag.name
	if e.flag.short != "" {
		name = "-" + e.flag.short + ", " + name
	}
	return fmt.Sprintf("invalid argument %q for %q flag: %v", e.value, name, e.err)
}

func (e *invalidValueError) Unwrap() error { return e.err }

// PrintDefaults prints a line per flag, sorted by name, as pflag does: the flag, its shorthand,
// the `VALUE` its usage names (or its type), the usage and a default that is not the zero value.
func (f *flagSet) PrintDefaults(w io.Writer) {
	sorted := slices.Clone(f.flags)
	slices.SortFunc(sorted, func(a, b *flagDef) int { return strings.Compare(a.name, b.name) })
	lines := make([]string, len(sorted))
	width := 0
	for i, d := range sorted {
		line := "      --" + d.name
		if d.short != "" {
			line = "  -" + d.short + ", --" + d.name
		}
		varName, usage := unquoteUsage(d)
		if varName != "" {
			line += " " + varName
		}
		width = max(width, len(line))
		line += "\x00" + usage
		switch k := d.value.kind(); {
		case k == "string" && d.defValue != "":
			line += fmt.Sprintf(" (default %q)", d.defValue)
		case k != "string" && !slices.Contains([]string{"", "0", "false", "0s"}, d.defValue):
			line += " (default " + d.defValue + ")"
		}
		lines[i] = line
	}
	for _, line := range lines {
		flag, usage, _ := strings.Cut(line, "\x00")
		fmt.Fprintln(w, flag+strings.Repeat(" ", width+3-len(flag))+usage)
	}
}

// unquoteUsage returns the name between backquotes in a flag's usage (or its type's name; none
// for a boolean) and the usage without the quotes.
func unquoteUsage(d *flagDef) (string, string) {
	if before, rest, ok := strings.Cut(d.usage, "`"); ok {
		if name, after, ok := strings.Cut(rest, "`"); ok {
			return name, before + name + after
		}
	}
	if k := d.value.kind(); k != "bool" {
		return k, d.usage
	}
	return "", d.usage
}
