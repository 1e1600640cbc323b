package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
)

const regionsUsage = `
Usage: mmhex regions -p PID [--json]

Lists the memory regions of process PID, in address order, one line each:

  START-END PERMS SIZE NAME
  55d0c8a4e000-55d0c8a6f000 rw-p 132K [heap]

START and END are hexadecimal, END excluded; PERMS are r, w, x or -, then p (private) or s
(shared); SIZE is in KiB (regions are whole pages), as pmap writes it; NAME is the mapped file
or module, or [heap], [stack], [vdso], [anon] (no file). A region's index (its line, counted
from 0), its NAME or its module's base name (libc.so.6, myshr.dll) picks regions for 'mmhex
search --region' and 'mmhex -p PID --region'.
With --json, one object per line: {"start":94..., "end":94..., "perms":"rw-p", "name":"[heap]"}
(start and end in decimal).

Linux reads /proc/PID/maps, which the kernel shows only to the same user (and a dumpable
process) or to root; Windows walks the regions with VirtualQueryEx.

Examples:
  mmhex regions -p 1234
  mmhex regions -p $(pgrep -n game) --json | jq -c 'select(.perms | test("w"))'
`

// regionLine is one line of regions --json.
type regionLine struct {
	Start int64  `json:"start"`
	End   int64  `json:"end"`
	Perms string `json:"perms"`
	Name  string `json:"name"`
}

func runRegions(args []string, io stdio) error {
	fs := newFlagSet("mmhex regions", regionsUsage, io.out)
	fs.IntP("pid", "p", 0, "list the regions of process `PID`")
	asJSON := fs.Bool("json", false, "print one JSON object per region")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !fs.Changed("pid") {
		return usageErrorf("no process given (usage: mmhex regions -p PID; see 'mmhex regions --help')")
	}
	t, rest, err := targetFrom(fs, "mmhex regions")
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("unexpected %q: mmhex regions takes -p PID only", rest[0])
	}
	p, regions, err := t.openProcessRegions()
	if err != nil {
		return err
	}
	defer p.Close()
	out := bufio.NewWriter(io.out)
	enc := json.NewEncoder(out)
	for _, r := range regions {
		if *asJSON {
			enc.Encode(regionLine{Start: r.Start, End: r.End, Perms: r.Perms, Name: r.Name})
			continue
		}
		fmt.Fprintf(out, "%x-%x %s %dK %s\n", r.Start, r.End, r.Perms, r.Size()>>10, r.Name)
	}
	return out.Flush()
}
