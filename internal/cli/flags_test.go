package cli

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// TestFlagParsing runs command lines through a flag set like the commands' and checks the
// values, the operands and the messages, which are spf13/pflag's, whose place the parser took.
func TestFlagParsing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // the values and operands, or the error
	}{
		{"nothing", nil, `name="" ro=false cols=16 wait=50ms keys="default" args=[]`},
		{"long with value", []string{"--name", "ring", "f"}, `name="ring" ro=false cols=16 wait=50ms keys="default" args=[f] changed=name`},
		{"long with =", []string{"--name=a=b"}, `name="a=b" ro=false cols=16 wait=50ms keys="default" args=[] changed=name`},
		{"flags after operands", []string{"f", "--cols", "0x20", "g", "-r"}, `name="" ro=true cols=32 wait=50ms keys="default" args=[f g] changed=cols,read-only`},
		{"grouped shorthands", []string{"-rn", "ring"}, `name="ring" ro=true cols=16 wait=50ms keys="default" args=[] changed=name,read-only`},
		{"shorthand glued value", []string{"-nring", "-c8"}, `name="ring" ro=false cols=8 wait=50ms keys="default" args=[] changed=cols,name`},
		{"shorthand with =", []string{"-n=ring"}, `name="ring" ro=false cols=16 wait=50ms keys="default" args=[] changed=name`},
		{"bool set false", []string{"--read-only=false"}, `name="" ro=false cols=16 wait=50ms keys="default" args=[] changed=read-only`},
		{"double dash ends flags", []string{"--", "-r", "--cols"}, `name="" ro=false cols=16 wait=50ms keys="default" args=[-r --cols]`},
		{"lone dash is an operand", []string{"-", "--interval", "1s"}, `name="" ro=false cols=16 wait=1s keys="default" args=[-] changed=interval`},
		{"unknown long", []string{"--colour"}, "unknown flag: --colour"},
		{"unknown shorthand", []string{"-rx"}, `unknown shorthand flag: 'x' in -x`},
		{"long needs a value", []string{"f", "--cols"}, "flag needs an argument: --cols"},
		{"shorthand needs a value", []string{"-rn"}, `flag needs an argument: 'n' in -n`},
		{"bad int", []string{"--cols", "many"}, `invalid argument "many" for "-c, --cols" flag: strconv.ParseInt: parsing "many": invalid syntax`},
		{"bad duration", []string{"--interval", "fast"}, `invalid argument "fast" for "--interval" flag: time: invalid duration "fast"`},
		{"bad bool", []string{"--read-only=maybe"}, `invalid argument "maybe" for "-r, --read-only" flag: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{"bad syntax", []string{"---x"}, "bad flag syntax: ---x"},
		{"help", []string{"f", "--help"}, "help requested"},
		{"h", []string{"-h"}, "help requested"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFlags("mmhex test")
			helped := false
			fs.usage = func() { helped = true }
			name := fs.StringP("name", "n", "", "the `NAME`")
			ro := fs.BoolP("read-only", "r", false, "read only")
			cols := fs.IntP("cols", "c", 16, "`N` columns")
			wait := fs.Duration("interval", 50*time.Millisecond, "every `D`")
			keys := fs.String("keys", "default", "the preset")
			err := fs.Parse(tt.args)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = fmt.Sprintf("name=%q ro=%v cols=%d wait=%v keys=%q args=[%s]", *name, *ro, *cols, *wait, *keys, strings.Join(fs.Args(), " "))
				var changed []string
				for _, f := range []string{"cols", "interval", "keys", "name", "read-only"} {
					if fs.Changed(f) {
						changed = append(changed, f)
					}
				}
				if changed != nil {
					got += " changed=" + strings.Join(changed, ",")
				}
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if helped != errors.Is(err, errHelp) {
				t.Errorf("usage printed: %v, error %v", helped, err)
			}
		})
	}
}

// TestFlagUsage checks the --help layout, pflag's: sorted by name, aligned, the `VALUE` named in
// the usage or the type, and defaults that are not the zero value (a string's "0" is not).
func TestFlagUsage(t *testing.T) {
	fs := newFlags("mmhex test")
	fs.StringP("offset", "s", "0", "start at `OFFSET`")
	fs.Bool("squeeze", false, "squeeze rows")
	fs.IntP("cols", "c", 16, "`N` bytes per row")
	fs.Int("count", 0, "exit after N runs")
	fs.Duration("interval", 50*time.Millisecond, "poll every `D`")
	fs.Duration("duration", 0, "exit after `D`")
	fs.String("xxd", "", "apply `DUMP`")
	var out strings.Builder
	fs.PrintDefaults(&out)
	want := `  -c, --cols N          N bytes per row (default 16)
      --count int       exit after N runs
      --duration D      exit after D
      --interval D      poll every D (default 50ms)
  -s, --offset OFFSET   start at OFFSET (default "0")
      --squeeze         squeeze rows
      --xxd DUMP        apply DUMP
`
	if got := out.String(); got != want {
		t.Errorf("usage:\n%s\nwant:\n%s", got, want)
	}
}

// TestVersionFrom checks what --version makes of the build info: the module's version when go
// install fetched a release, else the commit of the checkout it was built from.
func TestVersionFrom(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"go install of a release", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{"checkout with a pseudo-version", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261129051500-0123456789ab+dirty"}}, "v0.0.0-20261129051500-0123456789ab+dirty"},
		{"checkout, clean", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("vcs.revision", "0123abcd", "vcs.modified", "false")}, "(devel) 0123abcd"},
		{"checkout, changed", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("vcs.revision", "0123abcd", "vcs.modified", "true")}, "(devel) 0123abcd+dirty"},
		{"no version control", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "(devel)"},
	}
	for _, tt := range tests {
		if got := versionFrom(&tt.info); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
