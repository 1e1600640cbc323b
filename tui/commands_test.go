package tui

import (
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

// TestCommandTableFindsEveryName checks that every name of every command runs that command, and
// that a prefix command takes the rest of the line as it is.
func TestCommandTableFindsEveryName(t *testing.T) {
	for _, c := range commands {
		for _, name := range c.names {
			line := name + " x y"
			wantArg := "x y"
			if c.prefix {
				line, wantArg = name+"x y ", "x y "
			}
			got, arg := findCommand(line)
			if got != c {
				t.Errorf("%q found %v, want the command %q", line, got, c.usage())
			}
			if arg != wantArg {
				t.Errorf("%q gave the argument %q, want %q", line, arg, wantArg)
			}
		}
	}
	if c, _ := findCommand("gotox 1"); c != nil {
		t.Errorf(`"gotox 1" found the command %q, want none`, c.usage())
	}
}

// TestCommandHelpListsTheTable checks that the help screen of both presets shows every command,
// with its argument, its description and its aliases.
func TestCommandHelpListsTheTable(t *testing.T) {
	for _, preset := range []string{"default", "vim"} {
		help := helpText(loadKeys(t, preset, ""))
		_, section, _ := strings.Cut(help, "\nCommand line\n")
		for _, c := range commands {
			want := c.usage()
			i := strings.Index(section, "  "+want+" ")
			if i < 0 {
				t.Errorf("%s: the help has no line for %q:\n%s", preset, want, section)
				continue
			}
			line, _, _ := strings.Cut(section[i:], "\n")
			if !strings.Contains(line, c.help) {
				t.Errorf("%s: the help line %q lacks the description %q", preset, line, c.help)
			}
			for _, alias := range c.names[1:] {
				if !strings.Contains(line, alias) {
					t.Errorf("%s: the help line %q lacks the alias %q", preset, line, alias)
				}
			}
		}
	}
}

// TestCommandUnknownListsTheTable checks that an unknown command's error and the command line's
// hint list every command to try, and leave out q!, which only refuses.
func TestCommandUnknownListsTheTable(t *testing.T) {
	err := (&app{}).command("frobnicate")
	if err == nil {
		t.Fatal(`"frobnicate" ran, want an error`)
	}
	for _, text := range []string{err.Error(), commandList(" · ")} {
		for _, c := range commands {
			if got := strings.Contains(" "+text, " "+c.usage()); got == c.quiet {
				t.Errorf("%q lists %q: %v, want %v", text, c.usage(), got, !c.quiet)
			}
		}
	}
	if want := `unknown command "frobnicate": try goto OFFSET, w, q, wq, set cols=N, /TEXT, ?TEXT, fill HEX, mark [NAME], help`; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	if err := (&app{}).set("rows=3"); err == nil || err.Error() != `unknown setting "rows=3": try set cols=N` {
		t.Errorf("set rows=3: got %v, want the setting to try", err)
	}
}

// TestAppCommandAliases runs commands by their aliases on the command line.
func TestAppCommandAliases(t *testing.T) {
	s := startSim(t, testdir.Sample(t), "default", mmap.ReadWrite, Options{})
	open := key(tcell.KeyCtrlE)
	s.command(open, "g 0x40")
	s.waitFor("hex  0x40 (64)")
	s.command(open, "bookmark tail")
	s.command(open, "flush")
	s.waitFor("nothing to flush")
	if marks := s.a.ed.Bookmarks(); len(marks) != 1 || marks[0].Offset != 0x40 || marks[0].Name != "tail" {
		t.Errorf("bookmarks are %v, want tail at 0x40", marks)
	}
	s.command(open, "exit")
	if _, err := s.quit(); err != nil {
		t.Errorf("exit: %v", err)
	}
}

// TestAppQuitCommands checks that each way vim users quit works, typed with or without the
// colon after the default preset's key, and flushes on the way out.
func TestAppQuitCommands(t *testing.T) {
	for _, line := range []string{"wq!", ":wq!", "x", ":x", "quit", ":quit", "exit", ":q"} {
		t.Run(line, func(t *testing.T) {
			s := startSim(t, make([]byte, 16), "default", mmap.ReadWrite, Options{})
			s.keys(key(tcell.KeyInsert))
			s.waitFor("EDIT")
			s.typeText("ab")
			s.waitFor("1 unflushed")
			s.command(key(tcell.KeyCtrlE), line)
			out, err := s.quit()
			if err != nil || !strings.Contains(out, "flushed 1 changed byte") {
				t.Errorf("%s: error %v, printed %q; want it to quit and flush the byte", line, err, out)
			}
		})
	}
	s := startSim(t, make([]byte, 16), "default", mmap.ReadWrite, Options{})
	s.command(key(tcell.KeyCtrlE), ":w")
	s.waitFor("nothing to flush")
}

// A file has no regions: the regions panel and :region say what has them.
func TestRegionsOnlyForAProcess(t *testing.T) {
	s := startSim(t, []byte("data"), "vim", mmap.ReadWrite, Options{})
	s.typeText("gr")
	s.waitFor("only a process has regions: open one with mmhex -p PID")
	s.prompt(tcell.NewEventKey(tcell.KeyRune, ':', tcell.ModNone), ":", "region [heap]")
	s.waitFor("only a process has regions")
}
