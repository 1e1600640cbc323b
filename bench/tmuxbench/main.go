// Command tmuxbench times hex editors the way a user meets them, in a tmux pane: the first
// screen (from asking tmux for the pane to the file's first row on it), one key to the screen,
// the jump to the end of a 16 GiB file, and resident memory at the first screen and after a
// search through a 1 GiB file. It drives one private tmux server through a control-mode client,
// so each look at the pane costs a round trip on a pipe, not a process start. A measurement ends
// when tmux took in the output that put the awaited cells on the pane: the client hears of
// every output as it arrives (%output), looks at the pane after each, and takes the arrival of
// the last output before the look that found the cells (it also looks every millisecond). So the
// time does not depend on how long a look takes, which grows with the cells and styles a tool
// shows. The tools take turns run by run, in an order that rotates, so noise on the machine hits
// all of them alike; it prints medians and ranges. See bench/README.md.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// tool is one program under test and the keys that drive it.
type tool struct {
	name string
	// argv starts the tool on a file: %s stands for the path.
	argv []string
	// right moves the cursor one byte, end jumps to the end of the file (tmux send-keys names).
	right, end []string
	// search starts a search that cannot match and done is the text the screen shows when it
	// has gone through the whole file; nil when the tool is not measured after a search.
	search []string
	done   string
}

func main() {
	runs := flag.Int("runs", 9, "interleaved runs per measurement")
	searchRuns := flag.Int("search-runs", 3, "interleaved runs of the search (hexedit takes seconds each)")
	mmhex := flag.String("mmhex", "", "mmhex binary")
	hexedit := flag.String("hexedit", "", "hexedit binary (empty: skip)")
	bare := flag.String("baretview", "", "the bare tview program built from bench/baretview (empty: skip)")
	bareGo := flag.String("barego", "", "the bare Go program built from bench/barego (empty: skip)")
	bed := flag.String("bed", "", "bed binary (empty: skip)")
	hecate := flag.String("hecate", "", "hecate binary (empty: skip)")
	sparse := flag.String("sparse", "", "the 16 GiB sparse file, with the marker at offset 0")
	big := flag.String("big", "", "the 1 GiB file the search goes through (empty: no search)")
	screen := flag.String("screen", "", "what the floor prints and the bare tview program shows: a first screen's text with the marker")
	marker := flag.String("marker", "MMHEXBENCH", "the text of the first row every tool shows")
	flag.Parse()
	if *mmhex == "" || *sparse == "" || *screen == "" {
		fmt.Fprintln(os.Stderr, "tmuxbench: -mmhex, -sparse and -screen are required (bench/run.sh passes them)")
		os.Exit(2)
	}

	var tools []tool
	add := func(t tool, bin string) {
		if bin != "" {
			t.argv[0] = bin
			tools = append(tools, t)
		}
	}
	// The floor: cat prints the screen and then waits on the terminal for more.
	add(tool{name: "floor", argv: []string{"cat", *screen, "-"}}, "cat")
	add(tool{name: "mmhex", argv: []string{"", "--keys", "vim", "%s"},
		right: []string{"l"}, end: []string{"G"},
		search: []string{"/", "t:nowhere-in-it", "Enter"}, done: "not found"}, *mmhex)
	add(tool{name: "hexedit", argv: []string{"", "%s"},
		right: []string{"Right"}, end: []string{"M->"},
		search: []string{"/", "FFFEFDFCFB", "Enter"}, done: "not found"}, *hexedit)
	add(tool{name: "bed", argv: []string{"", "%s"}, right: []string{"l"}, end: []string{"G"}}, *bed)
	add(tool{name: "hecate", argv: []string{"", "%s"}, right: []string{"l"}, end: []string{"G"}}, *hecate)
	add(tool{name: "bare Go", argv: []string{"", *screen}, right: []string{"l"}, end: []string{"G"}}, *bareGo)
	add(tool{name: "bare tview", argv: []string{"", *screen}, right: []string{"l"}, end: []string{"G"}}, *bare)

	t, err := startTmux()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tmuxbench:", err)
		os.Exit(1)
	}
	defer t.close()

	results := map[string]map[string][]float64{}
	record := func(tool, what string, v float64) {
		if results[tool] == nil {
			results[tool] = map[string][]float64{}
		}
		results[tool][what] = append(results[tool][what], v)
	}
	for run := range *runs {
		for i := range tools {
			tl := tools[(i+run)%len(tools)]
			if err := t.measure(tl, *sparse, *marker, record); err != nil {
				fmt.Fprintf(os.Stderr, "tmuxbench: %s: %v\n", tl.name, err)
				os.Exit(1)
			}
		}
		fmt.Fprintf(os.Stderr, "run %d/%d done\n", run+1, *runs)
	}
	if *big != "" {
		for run := range *searchRuns {
			for i := range tools {
				tl := tools[(i+run)%len(tools)]
				if tl.search == nil {
					continue
				}
				if err := t.measureSearch(tl, *big, *marker, record); err != nil {
					fmt.Fprintf(os.Stderr, "tmuxbench: %s: %v\n", tl.name, err)
					os.Exit(1)
				}
			}
		}
	}
	printTable(os.Stdout, tools, results, *runs, *searchRuns)
}

// measures are the table's rows: the key in results, the heading, the unit.
var measures = []struct{ key, heading, unit string }{
	{"first", "first screen, from asking tmux for the pane", "ms"},
	{"above", "first screen, above the floor (median of run-by-run differences)", "ms"},
	{"best-above", "first screen, best run above the floor's best run (robust to a busy machine)", "ms"},
	{"key", "one key (move right) to the screen", "ms"},
	{"end", "jump to the end of 16 GiB to the screen", "ms"},
	{"rss", "resident memory at the first screen", "MiB"},
	{"search", "search through 1 GiB, no match", "ms"},
	{"rss-search", "resident memory after that search", "MiB"},
}

func printTable(w io.Writer, tools []tool, results map[string]map[string][]float64, runs, searchRuns int) {
	floor := results["floor"]["first"]
	for _, tl := range tools {
		if tl.name == "floor" {
			continue
		}
		first := results[tl.name]["first"]
		for i := range min(len(first), len(floor)) {
			results[tl.name]["above"] = append(results[tl.name]["above"], first[i]-floor[i])
		}
		if len(first) > 0 && len(floor) > 0 {
			results[tl.name]["best-above"] = []float64{slices.Min(first) - slices.Min(floor)}
		}
	}
	fmt.Fprintf(w, "tmux 120x40; medians of %d interleaved runs (%d for the search), [min–max]\n\n", runs, searchRuns)
	fmt.Fprintf(w, "| |")
	for _, tl := range tools {
		fmt.Fprintf(w, " %s |", tl.name)
	}
	fmt.Fprintf(w, "\n|---|")
	for range tools {
		fmt.Fprintf(w, "---|")
	}
	fmt.Fprintln(w)
	for _, m := range measures {
		fmt.Fprintf(w, "| %s (%s) |", m.heading, m.unit)
		for _, tl := range tools {
			v := results[tl.name][m.key]
			if len(v) == 0 {
				fmt.Fprintf(w, " – |")
				continue
			}
			s := slices.Sorted(slices.Values(v))
			fmt.Fprintf(w, " %.1f [%.1f–%.1f] |", median(s), s[0], s[len(s)-1])
		}
		fmt.Fprintln(w)
	}
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// settle is how long a tool is left alone after its first screen before a key or a memory
// reading, so that what follows the first frame (a second frame, terminal replies) is over.
const settle = 300 * time.Millisecond

// measure starts tl on the sparse file and records its first screen, its memory there, and,
// when it has keys, one key and the jump to the end.
func (t *tmux) measure(tl tool, sparse, marker string, record func(tool, what string, v float64)) error {
	start := time.Now()
	pane, pid, err := t.newPane(tl.argv, sparse)
	if err != nil {
		return err
	}
	defer t.kill(pane)
	shown, err := t.waitFor(pane, false, start, func(s string) bool { return strings.Contains(s, marker) })
	if err != nil {
		return fmt.Errorf("first screen: %w", err)
	}
	record(tl.name, "first", ms(shown.Sub(start)))
	time.Sleep(settle)
	rss, err := residentMiB(pid)
	if err != nil {
		return err
	}
	record(tl.name, "rss", rss)
	for _, k := range []struct {
		what string
		keys []string
	}{{"key", tl.right}, {"end", tl.end}} {
		if k.keys == nil {
			continue
		}
		d, err := t.keyRoundTrip(pane, k.keys)
		if err != nil {
			return fmt.Errorf("%s: %w", k.what, err)
		}
		record(tl.name, k.what, ms(d))
		time.Sleep(settle)
	}
	return nil
}

// measureSearch starts tl on the big file, runs a search that goes through all of it, and
// records how long it took to say so and the memory afterwards.
func (t *tmux) measureSearch(tl tool, big, marker string, record func(tool, what string, v float64)) error {
	start := time.Now()
	pane, pid, err := t.newPane(tl.argv, big)
	if err != nil {
		return err
	}
	defer t.kill(pane)
	if _, err := t.waitFor(pane, false, start, func(s string) bool { return strings.Contains(s, marker) }); err != nil {
		return fmt.Errorf("first screen: %w", err)
	}
	time.Sleep(settle)
	last := len(tl.search) - 1
	if _, err := t.cmd(sendKeys(pane, tl.search[:last]...)); err != nil {
		return err
	}
	time.Sleep(settle) // the prompt takes the typed text
	start = time.Now()
	if _, err := t.cmd(sendKeys(pane, tl.search[last])); err != nil {
		return err
	}
	done, err := t.waitFor(pane, false, start, func(s string) bool { return strings.Contains(s, tl.done) }, 120*time.Second)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	record(tl.name, "search", ms(done.Sub(start)))
	time.Sleep(settle)
	rss, err := residentMiB(pid)
	if err != nil {
		return err
	}
	record(tl.name, "rss-search", rss)
	return nil
}

// keyRoundTrip sends keys and returns how long until the pane's cells (text or style) or its
// cursor change.
func (t *tmux) keyRoundTrip(pane string, keys []string) (time.Duration, error) {
	before, err := t.capture(pane, true)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := t.cmd(sendKeys(pane, keys...)); err != nil {
		return 0, err
	}
	shown, err := t.waitFor(pane, true, start, func(s string) bool { return s != before })
	return shown.Sub(start), err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// residentMiB reads a process's resident memory from /proc.
func residentMiB(pid int) (float64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kib, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kib) / 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// tmux is a private tmux server (-L) and a control-mode client of it.
type tmux struct {
	socket string
	client *exec.Cmd
	in     io.WriteCloser
	blocks chan []string
	// outputs has the arrival of each %output notification, the newest when it is full.
	outputs chan output
}

// output is a %output notification: tmux took in output of a pane.
type output struct {
	pane string
	at   time.Time
}

func startTmux() (*tmux, error) {
	t := &tmux{socket: fmt.Sprintf("tmuxbench%d", os.Getpid()), blocks: make(chan []string, 1), outputs: make(chan output, 1024)}
	// Windows take the session's 120x40: a control client has no size of its own. (Setting
	// window-size manual crashes tmux 3.3a when a window is made.) The status line is off so the
	// pane is the whole window.
	setup := exec.Command("tmux", "-L", t.socket, "-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", "120", "-y", "40",
		";", "set", "-g", "status", "off")
	if out, err := setup.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("tmux: %v: %s", err, out)
	}
	t.client = exec.Command("tmux", "-L", t.socket, "-C", "attach", "-t", "bench")
	var err error
	if t.in, err = t.client.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := t.client.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := t.client.Start(); err != nil {
		return nil, err
	}
	go t.read(out)
	<-t.blocks // the reply to attach
	return t, nil
}

// read turns the control client's output into replies, one per command: the lines between
// %begin and its %end (or %error, then the first line starts with "%error"), and the %output
// notifications into outputs. tmux writes a notification before the reply to any command it
// handles after that output, so when a reply is in, the outputs before it are too.
func (t *tmux) read(out io.Reader) {
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var block []string
	var guard string
	inBlock := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case !inBlock && strings.HasPrefix(line, "%begin "):
			inBlock, guard, block = true, strings.TrimPrefix(line, "%begin "), nil
		case inBlock && line == "%end "+guard:
			inBlock = false
			t.blocks <- block
		case inBlock && line == "%error "+guard:
			inBlock = false
			t.blocks <- append([]string{"%error"}, block...)
		case inBlock:
			block = append(block, line)
		case strings.HasPrefix(line, "%output "):
			pane, _, _ := strings.Cut(strings.TrimPrefix(line, "%output "), " ")
			o := output{pane: pane, at: time.Now()}
			for sent := false; !sent; {
				select {
				case t.outputs <- o:
					sent = true
				default: // full: drop the oldest (unless waitFor took it meanwhile), keep the newest
					select {
					case <-t.outputs:
					default:
					}
				}
			}
		}
	}
	close(t.blocks)
}

// cmd runs one tmux command and returns its output lines.
func (t *tmux) cmd(command string) ([]string, error) {
	if _, err := io.WriteString(t.in, command+"\n"); err != nil {
		return nil, err
	}
	reply, ok := <-t.blocks
	if !ok {
		return nil, fmt.Errorf("tmux control client ended")
	}
	if len(reply) > 0 && reply[0] == "%error" {
		return nil, fmt.Errorf("tmux %s: %s", command, strings.Join(reply[1:], " "))
	}
	return reply, nil
}

// quote makes s one word of tmux's command language.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func sendKeys(pane string, keys ...string) string {
	words := []string{"send-keys", "-t", pane}
	for _, k := range keys {
		words = append(words, quote(k))
	}
	return strings.Join(words, " ")
}

// newPane starts argv (%s replaced by file) in a new window, run directly by tmux with no shell,
// and returns the pane's id and the tool's process id.
func (t *tmux) newPane(argv []string, file string) (string, int, error) {
	words := []string{"new-window", "-d", "-P", "-F", quote("#{pane_id} #{pane_pid}"), "--"}
	for _, a := range argv {
		words = append(words, quote(strings.ReplaceAll(a, "%s", file)))
	}
	reply, err := t.cmd(strings.Join(words, " "))
	if err != nil {
		return "", 0, err
	}
	if len(reply) != 1 {
		return "", 0, fmt.Errorf("new-window replied %q", reply)
	}
	id, pidText, _ := strings.Cut(reply[0], " ")
	pid, err := strconv.Atoi(pidText)
	return id, pid, err
}

func (t *tmux) kill(pane string) { t.cmd("kill-pane -t " + pane) }

// capture returns the pane's text, and with styles its cells' styles as escape sequences and the
// cursor's place too (without, a cursor drawn as a style cannot split the text looked for).
func (t *tmux) capture(pane string, styles bool) (string, error) {
	flags := "-p"
	if styles {
		flags += " -e"
	}
	lines, err := t.cmd("capture-pane " + flags + " -t " + pane)
	if err != nil || !styles {
		return strings.Join(lines, "\n"), err
	}
	// The cursor is part of the screen: hexedit shows a move within a byte only by it.
	cursor, err := t.cmd("display -p -t " + pane + " '#{cursor_x},#{cursor_y}'")
	return strings.Join(append(lines, cursor...), "\n"), err
}

// waitFor looks at the pane after each output of it, and every millisecond, until ok holds, for
// 10 s or the given limit. It returns the arrival of the pane's newest output before the look
// that found ok, or of that look when no output came since start.
func (t *tmux) waitFor(pane string, styles bool, start time.Time, ok func(string) bool, limit ...time.Duration) (time.Time, error) {
	deadline := 10 * time.Second
	if len(limit) > 0 {
		deadline = limit[0]
	}
	var arrived time.Time
	take := func(o output) {
		if o.pane == pane && o.at.After(start) {
			arrived = o.at
		}
	}
	last := ""
	for time.Since(start) < deadline {
		s, err := t.capture(pane, styles)
		if err != nil {
			return time.Time{}, err
		}
		for drained := false; !drained; {
			select {
			case o := <-t.outputs:
				take(o)
			default:
				drained = true
			}
		}
		if ok(s) {
			if arrived.IsZero() {
				return time.Now(), nil
			}
			return arrived, nil
		}
		last = s
		select {
		case o := <-t.outputs:
			take(o)
		case <-time.After(time.Millisecond):
		}
	}
	return time.Time{}, fmt.Errorf("not on the screen after %v; the pane shows:\n%s", deadline, last)
}

func (t *tmux) close() {
	t.cmd("kill-server")
	t.in.Close()
	t.client.Wait()
}
