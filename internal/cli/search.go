package cli

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/patch"
	"github.com/mmhex/mmhex/procmem"
)

const searchUsage = `
Usage: mmhex search [flags] FILE PATTERN
       mmhex search [flags] -n NAME PATTERN
       mmhex search [flags] -p PID PATTERN

Prints the offset of every match of PATTERN in a file or a named mapping, or the address of
every match in the memory of process PID, one per line, in hex:

  0x7ffd5a3c1e2c

With --json, one object per line: {"offset":140726119620140,"bytes":"e7030000"} (the offset or
address in decimal, the bytes matched in hex). Overlapping matches are all printed.

PATTERN is what patch takes as a VALUE, and hex may hold ?? for any byte:
  hex bytes   DEADBEEF  "de ad ?? ef"  de:ad:??:ef
  numbers     u8: i8: u16le: u16be: i16le: ... u64be: f32le: f32be: f64le: f64be:
              then decimal, 0x hex, 0o, 0b (i32le:999, f32le:1.5)
  text        str:TEXT (UTF-8)  utf16le:TEXT  utf16be:TEXT

With -p, the writable regions are searched (where a program's values live); --all adds the
other readable ones, --region R picks regions by index (a line of 'mmhex regions -p PID',
from 0), name ([heap]) or module (libc.so.6). A region that cannot be read is skipped with a
note on stderr.

--among FILE keeps only the matches at offsets listed in FILE, the output (plain or --json) of
an earlier search: find a value, let the program change it, search for the new value among the
old matches, and what is left is the variable.

Exit status: 0 when something matched, 1 when nothing did (as grep), 2 for a bad command line.

Examples:
  mmhex search -p 4242 i32le:999 > first.txt
  mmhex search -p 4242 i32le:1000 --among first.txt
  mmhex search firmware.bin "7f 45 4c 46 ?? 01"
  mmhex search -n sensor-ring utf16le:READY --json --max 10
`

func runSearch(args []string, io stdio) error {
	fs := newFlagSet("mmhex search", searchUsage, io.out)
	fs.StringP("name", "n", "", "search the named mapping `NAME` instead of a file")
	fs.IntP("pid", "p", 0, "search the memory of process `PID`")
	regionSpec := fs.String("region", "", "with -p, search only region `R`: an index, a name or a module")
	all := fs.Bool("all", false, "with -p, search every readable region, not only the writable ones")
	amongPath := fs.String("among", "", "keep only matches at offsets listed in `FILE` (an earlier search's output)")
	asJSON := fs.Bool("json", false, "print one JSON object per match")
	maxMatches := fs.Int("max", 0, "stop after `N` matches (0: no limit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	t, rest, err := targetFrom(fs, "mmhex search")
	if err != nil {
		return err
	}
	switch {
	case len(rest) == 0:
		return usageErrorf("no PATTERN given (usage: mmhex search %s PATTERN; see 'mmhex search --help')", strings.Join(commandTarget(t), " "))
	case len(rest) > 1:
		return usageErrorf("unexpected %q: mmhex search takes one PATTERN (quote a pattern with spaces)", rest[1])
	case *maxMatches < 0:
		return usageErrorf("--max %d: want 0 (no limit) or more", *maxMatches)
	case t.pid == 0 && (*regionSpec != "" || *all):
		return usageErrorf("--region and --all choose regions of a process: use them with -p PID")
	case *regionSpec != "" && *all:
		return usageErrorf("--region and --all both choose the regions: give one")
	}
	pattern, err := parseSearchPattern(rest[0])
	if err != nil {
		return err
	}
	s := &searcher{pattern: pattern, json: *asJSON, left: *maxMatches, out: bufio.NewWriter(io.out)}
	if *amongPath != "" {
		if s.among, err = readAmong(*amongPath, io.in); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if t.pid != 0 {
		err = s.searchProcess(ctx, t, *regionSpec, *all, io.err)
	} else {
		err = s.searchMapping(ctx, t)
	}
	if ferr := s.out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("search: write the matches: %w", ferr)
	}
	switch {
	case errors.Is(err, errEnough):
		fmt.Fprintf(io.err, "mmhex: stopped after %s (--max)\n", byteconv.CountAs(s.found, "match", "matches"))
	case err != nil:
		return err
	case s.found == 0:
		return &exitError{code: 1, err: fmt.Errorf("no match for %s in %s", pattern, t)}
	}
	return nil
}

// parseSearchPattern reads PATTERN: hex with ?? wildcards as the editor's search reads it, or
// else a VALUE as patch reads it (typed numbers, text), matched exactly.
func parseSearchPattern(s string) (editor.Pattern, error) {
	if p, err := editor.ParseHexPattern(s); err == nil {
		return p, nil
	}
	b, err := patch.ParseValue(s)
	if err != nil {
		return editor.Pattern{}, usageErrorf("PATTERN: %w", err)
	}
	p, err := editor.BytesPattern(s, b)
	if err != nil {
		return editor.Pattern{}, usageErrorf("PATTERN %q: %w", s, err)
	}
	return p, nil
}

// errEnough ends a search at --max matches.
var errEnough = errors.New("enough matches")

// searcher prints the matches of one search.
type searcher struct {
	pattern editor.Pattern
	among   map[int64]bool // nil: every match counts
	json    bool
	left    int // matches still to print before --max; 0 when there is no --max
	found   int
	out     *bufio.Writer
	line    []byte
}

// match prints the match at offset at (an address, for a process) unless --among leaves it out.
func (s *searcher) match(at int64, b []byte) error {
	if s.among != nil && !s.among[at] {
		return nil
	}
	s.found++
	if s.json {
		s.line = append(s.line[:0], `{"offset":`...)
		s.line = strconv.AppendInt(s.line, at, 10)
		s.line = append(s.line, `,"bytes":"`...)
		s.line = hex.AppendEncode(s.line, b)
		s.line = append(s.line, "\"}\n"...)
	} else {
		s.line = append(s.line[:0], "0x"...)
		s.line = strconv.AppendInt(s.line, at, 16)
		s.line = append(s.line, '\n')
	}
	s.out.Write(s.line)
	if s.left > 0 {
		s.left--
		if s.left == 0 {
			return errEnough
		}
	}
	return nil
}

// searchMapping searches a file or a named mapping, through the mapping: at memory speed.
func (s *searcher) searchMapping(ctx context.Context, t target) error {
	m, err := t.open(mmap.ReadOnly)
	if err != nil {
		return err
	}
	defer m.Close()
	err = editor.FindAll(ctx, m, s.pattern, 0, m.Size(), s.match)
	if err != nil && !errors.Is(err, errEnough) {
		return fmt.Errorf("search %s: %w", t, err)
	}
	return err
}

// searchProcess searches the chosen regions of a process, each read in chunks into one buffer.
// A region that cannot be read is noted and skipped; a process that exits ends the search.
func (s *searcher) searchProcess(ctx context.Context, t target, spec string, all bool, errOut io.Writer) error {
	p, regions, err := t.openProcessRegions()
	if err != nil {
		return err
	}
	defer p.Close()
	chosen := regions
	if spec != "" {
		if chosen = procmem.Select(regions, spec); len(chosen) == 0 {
			return usageErrorf("--region %q: %s has no such region: give an index, a name or a module from 'mmhex regions -p %d'", spec, t, t.pid)
		}
	}
	for _, r := range chosen {
		if !r.Readable() || (spec == "" && !all && !r.Writable()) {
			continue
		}
		v := p.View(r)
		err := editor.FindAll(ctx, v, s.pattern, 0, v.Size(), func(at int64, b []byte) error {
			return s.match(v.Base()+at, b)
		})
		switch {
		case err == nil:
		case errors.Is(err, errEnough), errors.Is(err, context.Canceled):
			return err
		case errors.Is(err, procmem.ErrGone) && !processAlive(p):
			return fmt.Errorf("%s exited during the search: stopped", t)
		default:
			s.out.Flush()
			fmt.Fprintf(errOut, "mmhex: skipped the rest of %s: %s\n", r, strings.TrimPrefix(errors.Unwrap(err).Error(), "procmem: "))
		}
	}
	return nil
}

// processAlive reports whether p still has memory to read.
func processAlive(p *procmem.Process) bool {
	_, err := p.Regions()
	return err == nil
}

// readAmong reads the offsets listed in path ("-": in): lines of hex offsets, as search prints
// them, or its --json objects. Blank lines and # comments are skipped.
func readAmong(path string, in io.Reader) (map[int64]bool, error) {
	r, name, closeFn, err := openInput(path, in, "--among")
	if err != nil {
		return nil, err
	}
	defer closeFn()
	among := map[int64]bool{}
	lines := bufio.NewScanner(r)
	for n := 1; lines.Scan(); n++ {
		line := strings.TrimSpace(lines.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "{") {
			var m struct {
				Offset *int64 `json:"offset"`
			}
			if err := json.Unmarshal([]byte(line), &m); err != nil || m.Offset == nil {
				return nil, usageErrorf("%s:%d: want a JSON object with an \"offset\", as search --json prints", name, n)
			}
			among[*m.Offset] = true
			continue
		}
		o, err := byteconv.ParseOffset(line)
		if err != nil || o.FromEnd {
			return nil, usageErrorf("%s:%d: %q is not an offset: want one per line, as search prints them", name, n, line)
		}
		among[o.N] = true
	}
	if err := lines.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return among, nil
}
