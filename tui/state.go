package tui

import (
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/hexview"
	"github.com/mmhex/mmhex/keymap"
	"github.com/mmhex/mmhex/live"
)

// widgets is the app's widget tree; New builds it.
type widgets struct {
	tv        *tview.Application
	screen    tcell.Screen // set at each draw, for the clipboard
	pages     *tview.Pages
	root      *tview.Flex
	body      *tview.Flex
	view      *hexview.HexView
	status    *hexview.StatusBar
	prompt    *tview.InputField
	inspector *tview.TextView
	help      *helpView
	marks     *tview.List
	regions   *tview.List // the regions panel of a process
	changes   *tview.List
}

// input is where the keys stand: a sequence or count under way, the count of the action being
// run, and the prompt waiting for its text.
type input struct {
	keys *keymap.Resolver
	// count is how many times the action being run should act (a vim count), at least 1.
	count int
	// counted is the count typed before the action being run, 0 when none was: a count before
	// cursor.file-end is the offset to go to.
	counted int
	// pending is the start of a key sequence or count, shown in the status bar.
	pending string
	// promptDone receives the prompt's text when the user presses Enter; nil while the prompt
	// is closed.
	promptDone func(text string) error
}

// messages is what the status bar says besides the editor's own status.
type messages struct {
	message string
	isError bool
	// searching describes the search under way, with its progress; "" when none runs.
	searching string
	// droppedNote is the message that told of input bytes dropped since the last key, which a
	// paste in the same burst of input repeats: the paste lacks them, and its own message
	// would hide the note.
	droppedNote error
}

// moves is an insert or delete under way, as the UI goroutine sees it (see runMove).
type moves struct {
	// moving is true while an action that moves bytes runs in its goroutine.
	moving bool
	// cancelling is true once the cancel key asked the move to stop.
	cancelling bool
	// moveWait is how long an action that may move bytes runs before the UI shows its
	// progress; moveWait unless a test says otherwise.
	moveWait time.Duration
	// insertTimer ends a run of typing in insert mode after a pause.
	insertTimer *time.Timer
}

// panels is which of the panels and overlays beside the bytes are shown, and how wide the rows
// are asked to be.
type panels struct {
	// cols is the bytes per row asked for (--cols, set cols=N); 0 fits the terminal.
	cols int
	// colsShown is the bytes per row last said to fall short of cols; 0 when none was.
	colsShown int
	overlay   string // the page shown over the editor: "", pageHelp or pageMarks
	// inspectorOn is true while the data inspector panel is shown.
	inspectorOn bool
}

// liveUI is live mode as the app shows it: the changes panel.
type liveUI struct {
	// live is opts.Live, live mode; nil when it is off.
	live *live.Live
	// liveStop stops the ticker goroutine of live; nil before it starts.
	liveStop func()
	// changesOn is true while the changes panel is shown.
	changesOn bool
	// changesSeq is the number of runs seen when the changes panel was last filled.
	changesSeq int64
	// changeItems are the entries the changes panel lists, in its order.
	changeItems []live.Change
}

// crossGoroutine is the app's state that goroutines other than the UI's touch: the live ticker,
// the search goroutines, the signal goroutine, and any goroutine that crashes. The rule: every
// field is safe on its own (an atomic, or a queue with its own mutex), and no two are updated
// together. Off the UI goroutine nothing else of the app's is touched but the fields New sets
// once and never changes (ed, tv, live), through their methods that are safe for concurrent use;
// other goroutines hand the UI goroutine work with tv.QueueUpdate or tv.QueueUpdateDraw, from a
// goroutine of their own when the UI goroutine may be gone.
type crossGoroutine struct {
	// fading is true when the last frame drew a foreign change still fading out; the ticker
	// reads it to keep the frames coming until it has.
	fading atomic.Bool
	// drawQueued is true while a frame the ticker asked for has not been drawn.
	drawQueued atomic.Bool
	// signal is the signal that stopped the app; the signal goroutine sets it.
	signal atomic.Pointer[os.Signal]
	// searchReports carries the search's reports to the UI goroutine.
	searchReports reportQueue
	// crashed is the first panic of another goroutine of the app's, for Run to report.
	crashed atomic.Pointer[crash]
	// moveProgress is how far the move under way got; the moving goroutine stores it.
	moveProgress atomic.Pointer[editor.MoveProgress]
	// dropped counts the input bytes utf8Tty dropped that no message has told of yet. tcell's
	// input goroutine adds to it before it parses what it read, so a paste that lost bytes
	// finds them counted when the UI goroutine writes it.
	dropped atomic.Int64
}

// reportQueue holds the search reports not yet shown, in the order the searches sent them.
type reportQueue struct {
	mu      sync.Mutex
	reports []editor.SearchReport
	queued  bool // the UI goroutine is asked to take them
}
