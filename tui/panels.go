package tui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/internal/byteconv"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/live"
	"github.com/mmhex/mmhex/watch"
)

func (a *app) toggleInspector() {
	a.inspectorOn = !a.inspectorOn
	if a.inspectorOn && a.screen != nil {
		if width, _ := a.screen.Size(); width < minInspectorScreen {
			a.say(fmt.Sprintf("the inspector needs %d columns to show", minInspectorScreen))
		}
	}
}

// fitInspector shows the inspector panel when it is on and the screen is wide enough for it.
func (a *app) fitInspector(screen tcell.Screen) {
	width := 0
	if w, _ := screen.Size(); a.inspectorOn && w >= minInspectorScreen {
		width = inspectorWidth
	}
	a.body.ResizeItem(a.inspector, width, 0)
}

// inspectorText decodes the bytes at the cursor, one line per type: first those one byte
// decides, then the multi-byte types little-endian, then big-endian.
func inspectorText(ed *editor.Editor, cursor int64) string {
	var buf [8]byte
	n, _ := ed.ReadAt(buf[:], cursor)
	fields := editor.Inspect(buf[:max(n, 0)])
	var single, little, big strings.Builder
	const valueWidth = inspectorWidth - 2 - 8
	line := func(sb *strings.Builder, name, value string) {
		if len([]rune(value)) > valueWidth {
			value = string([]rune(value)[:valueWidth-1]) + "…"
		}
		fmt.Fprintf(sb, "%-7s %s\n", name, value)
	}
	for _, f := range fields {
		if f.Big == "" {
			line(&single, f.Name, f.Little)
			continue
		}
		line(&little, f.Name, f.Little)
		line(&big, f.Name, f.Big)
	}
	return single.String() + "─ little-endian ─\n" + little.String() + "─ big-endian ─\n" + big.String()
}

// checkCols says so when the bytes per row asked for do not fit the terminal and fewer are
// shown: once for each number shown, not at every frame.
func (a *app) checkCols(screen tcell.Screen) {
	// The view's own rectangle is laid out during the draw that follows: take the screen's.
	width, height := screen.Size()
	if a.inspectorOn && width >= minInspectorScreen {
		width -= inspectorWidth
	}
	if a.cols == 0 || width <= 0 {
		return
	}
	shown, _ := a.view.Geometry(width, height)
	switch {
	case shown >= a.cols:
		a.colsShown = 0
	case shown != a.colsShown:
		a.colsShown = shown
		a.fail(fmt.Errorf("%d bytes per row do not fit %d columns: showing %d; widen the terminal, or %s", a.cols, width, shown,
			"set cols=N on the command line"))
	}
}

// showOverlay shows the help or the bookmark list over the editor.
func (a *app) showOverlay(page string) {
	a.overlay = page
	a.pages.ShowPage(page)
	switch page {
	case pageHelp:
		a.help.ScrollToBeginning()
		a.tv.SetFocus(a.help)
	case pageMarks:
		a.tv.SetFocus(a.marks)
	case pageRegions:
		a.tv.SetFocus(a.regions)
	}
}

func (a *app) closeOverlay() {
	a.pages.HidePage(a.overlay)
	a.overlay = ""
	a.tv.SetFocus(a.view)
}

// overlayKey handles a key while an overlay is open: keymap.Cancel and the keys of mode.view, of
// the action that opened it and of file.quit close it; other keys go to the overlay itself
// (scrolling, choosing).
func (a *app) overlayKey(name string, ev *tcell.EventKey) {
	action := a.singleKey[name]
	switch {
	case name == keymap.Cancel,
		action == "mode.view",
		action == "help.toggle" && a.overlay == pageHelp,
		action == "bookmark.list" && a.overlay == pageMarks,
		action == "regions.list" && a.overlay == pageRegions:
		a.closeOverlay()
	case action == "file.quit":
		a.closeOverlay()
		a.tv.Stop()
	default:
		a.forward(ev)
	}
}

func (a *app) listBookmarks() error {
	marks := a.ed.Bookmarks()
	if len(marks) == 0 {
		return fmt.Errorf("no bookmarks: %s sets one at the cursor", a.keyFor("bookmark.set"))
	}
	a.marks.Clear()
	current := 0
	for i, b := range marks {
		off := b.Offset
		a.marks.AddItem(b.String(), "", 0, func() {
			a.closeOverlay()
			a.ed.SetCursor(off)
		})
		if off <= a.ed.Cursor() {
			current = i
		}
	}
	a.marks.SetCurrentItem(current)
	a.showOverlay(pageMarks)
	return nil
}

// helpView shows the help text wrapped to its width, whatever the terminal's: a long line goes on
// under its own text (a key's description under the description), never cut.
type helpView struct {
	*tview.TextView
	source string
	width  int // the width source was last wrapped to
}

func newHelpView(text string) *helpView {
	return &helpView{TextView: tview.NewTextView().SetWrap(false), source: text}
}

// Draw wraps the text to the width it has now, then draws it.
func (h *helpView) Draw(screen tcell.Screen) {
	if _, _, width, _ := h.GetInnerRect(); width != h.width && width > 0 {
		h.width = width
		h.SetText(wrapText(h.source, width))
	}
	h.TextView.Draw(screen)
}

// wrapText wraps each line of text to width columns at spaces. A continued line is indented as
// far as the line's text: past its leading spaces and, in a line of two columns (a gap of two
// spaces or more), under the second. A word wider than the width is cut.
func wrapText(text string, width int) string {
	var sb strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		hang := hangingIndent(line)
		if hang > width/2 {
			hang = min(len(line)-len(strings.TrimLeft(line, " ")), width/2)
		}
		for utf8.RuneCountInString(line) > width {
			runes := []rune(line)
			cut := width
			for cut > hang && runes[cut] != ' ' {
				cut--
			}
			if cut <= hang {
				cut = width
			}
			sb.WriteString(strings.TrimRight(string(runes[:cut]), " ") + "\n")
			line = strings.Repeat(" ", hang) + strings.TrimLeft(string(runes[cut:]), " ")
		}
		sb.WriteString(line + "\n")
	}
	return sb.String()
}

// hangingIndent is the column a wrapped line continues at: where its text starts, or where its
// second column starts, after a gap of two spaces or more.
func hangingIndent(line string) int {
	text := strings.TrimLeft(line, " ")
	indent := len(line) - len(text)
	if gap := strings.Index(text, "  "); gap >= 0 {
		rest := strings.TrimLeft(text[gap:], " ")
		if rest != "" {
			return utf8.RuneCountInString(line[:len(line)-len(rest)])
		}
	}
	return indent
}

// helpText writes the help screen from the keymap in force, so it shows the keys that work.
func helpText(km *keymap.Keymap) string {
	var sb strings.Builder
	group := ""
	for _, l := range km.Help() {
		if l.Group != group {
			if group != "" {
				sb.WriteByte('\n')
			}
			group = l.Group
			sb.WriteString(group + "\n")
		}
		fmt.Fprintf(&sb, "  %-24s %s\n", strings.Join(l.Keys, ", "), l.Description)
	}
	// Each paragraph is one line: the view wraps it to its width.
	sb.WriteString(`
Edit mode
  In the hex column hex digits overwrite the byte at the cursor, high nibble first; in the text column characters overwrite bytes. Every edit is written in place at once and can be undone; flushing makes the edits durable, and quitting flushes them.
`)
	fmt.Fprintf(&sb, `
Insert mode
  In the hex column hex digits make new bytes, high nibble first; in the text column characters make their UTF-8 bytes. They show at once, and the file takes them when you stop typing for a second, move, flush or leave insert mode; until then %s takes back the last key typed.
`, firstKey(km, "edit.backspace"))
	sb.WriteString(`
Search prompt
  In the hex column: hex bytes with ?? for any byte (DE AD ?? EF), or text when it is not hex. In the text column: text. Prefixes choose: x: hex, t: text, i: text in any case, u: UTF-16LE text, ui: UTF-16LE in any case.

Goto prompt
  0x1F00 (hex), 1234 (decimal), +N or -N (from the cursor), 50% (of the file), end, end-N

Command line
`)
	sb.WriteString(commandHelp())
	fmt.Fprintf(&sb, `
Live mode (mmhex -n NAME, or mmhex --watch FILE)
  Every interval the bytes on screen are compared with a copy mmhex keeps: bytes another process changed light up and fade out over two seconds. The rest is compared too, a slice per interval, %d MiB per second at most, so the changes panel (%s) lists changes anywhere, newest first (in a mapping over %s, in the %s around the view). In the panel the cursor keys choose, Enter goes there, %s goes back to the bytes. %s pauses: nothing is compared until you resume, then what changed meanwhile shows. Your own edits are written at once and are not reported as changes. Shared memory has no change notification, so this is polling: a value that changes and changes back within one interval is not seen.
`, watch.ScanRate>>20, firstKey(km, "changes.toggle"), byteconv.FormatSizeUnit(live.Window), byteconv.FormatSizeUnit(live.Window),
		firstKey(km, "mode.view"), firstKey(km, "live.pause"))
	if km.Preset() == "vim" {
		sb.WriteString("\nA number typed before a key repeats it: 5 j moves down five rows. Before G it is the byte offset to go to, in decimal: 100 G goes to offset 100 (0x64), as in bvi.\n")
	}
	return sb.String()
}

// firstKey names the first key bound to action, or the action when it is unbound.
func firstKey(km *keymap.Keymap, action string) string {
	if keys := km.Keys(action); len(keys) > 0 {
		return keys[0]
	}
	return action
}
