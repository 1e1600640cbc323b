package tui

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// crash is a panic in one of the app's goroutines other than the UI's, with that goroutine's
// stack.
type crash struct {
	value any
	stack []byte
}

// recoverCrash is deferred by the app's goroutines other than the UI's: a panic there would end
// the process at once, the terminal left raw and the edits unflushed. It hands the panic to the
// UI goroutine, which panics with it, so it ends the app as a crash of the UI does: tview
// restores the terminal and Run flushes and reports. Run also finds it in
// a.crashed when the UI goroutine has stopped already.
func (a *app) recoverCrash() {
	p := recover()
	if p == nil {
		return
	}
	c := &crash{value: p, stack: debug.Stack()}
	if a.crashed.CompareAndSwap(nil, c) {
		// QueueUpdate waits for the UI goroutine, which may be gone.
		go a.tv.QueueUpdate(func() { panic(c) })
	}
}

// Run runs the editor until the user quits or a signal arrives, then flushes the
// unflushed edits and reports them. The terminal is restored on every way out: tview finalizes
// the screen when Run returns or panics, a signal stops the application the same way, and a
// panic in another goroutine is handed to the UI goroutine (recoverCrash). A nil screen means the
// real terminal.
func (a *app) Run(screen tcell.Screen, errOut io.Writer) (err error) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGHUP, os.Interrupt)
	defer signal.Stop(signals)
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		for {
			select {
			case sig := <-signals:
				a.signal.Store(&sig)
				// Stop does nothing before Run has made the screen; the queued Stop runs once
				// the event loop starts (and waits forever if it has ended: a goroutine at exit).
				a.tv.Stop()
				go a.tv.QueueUpdate(a.tv.Stop)
			case <-stopped:
				return
			}
		}
	}()

	defer func() {
		p := recover()
		var stack []byte
		if p != nil {
			stack = debug.Stack()
		}
		if c := a.crashed.Load(); c != nil {
			// Another goroutine's panic, whether or not the UI goroutine got to panic with it.
			p, stack = c.value, c.stack
		}
		if p != nil {
			// tview has finalized the screen already; flush so a crash loses no edit.
			fmt.Fprintf(errOut, "mmhex: internal error: %v\n%s", p, stack)
			note := a.flushOnExit(errOut)
			err = fmt.Errorf("internal error (please report it with the trace above)%s", note)
		}
	}()
	if screen != nil {
		a.tv.SetScreen(screen)
	}
	stopLive := func() {}
	if a.live != nil {
		ticker := time.NewTicker(a.live.Interval())
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			defer a.recoverCrash()
			a.liveLoop(ticker.C, stop)
		}()
		var once sync.Once
		stopLive = func() {
			once.Do(func() {
				ticker.Stop()
				close(stop)
				// A tick stuck on a lock that a crashed UI goroutine held must not keep the
				// flush that follows from running.
				select {
				case <-done:
				case <-time.After(time.Second):
				}
			})
		}
		defer stopLive() // on a panic, before the deferred flush above
	}
	runErr := a.tv.Run()
	stopLive() // no tick may poll or queue a draw while the edits are flushed
	note := a.flushOnExit(errOut)
	if runErr != nil {
		return fmt.Errorf("terminal: %w%s", runErr, note)
	}
	if sig := a.signal.Load(); sig != nil {
		return &signalStop{sig: *sig, note: note}
	}
	return nil
}

// signalStop is the error of an app a signal stopped; it ends mmhex with the shell's exit code
// for the signal, 128 plus its number.
type signalStop struct {
	sig  os.Signal
	note string // what was flushed, for the message
}

func (e *signalStop) Error() string { return fmt.Sprintf("stopped by signal %v%s", e.sig, e.note) }

// ExitCode is the exit code the command ends with.
func (e *signalStop) ExitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

// flushOnExit flushes what is unflushed, prints what it did, and returns a note for an error
// message.
func (a *app) flushOnExit(errOut io.Writer) string {
	a.ed.CancelSearch()
	r, err := a.ed.Flush()
	n := r.Flushed
	switch {
	case err != nil:
		fmt.Fprintf(errOut, "mmhex: %v\n", err)
		return "; flushing the edits failed (they are in the page cache, which the OS writes back)"
	case r.Lost > 0 || r.Replaced && n > 0:
		fmt.Fprintf(errOut, "mmhex: %s\n", flushText(r, a.ed.Name(), "changed byte"))
		return "; " + flushText(r, a.ed.Name(), "changed byte")
	case n == 0:
		return ""
	case !a.ed.FileBacked():
		fmt.Fprintf(errOut, "mmhex: changed %s of %s, in memory (a named mapping has no file to flush to)\n", byteconv.Count(n, "byte"), a.ed.Name())
		return ""
	}
	fmt.Fprintf(errOut, "mmhex: flushed %s to %s\n", byteconv.Count(n, "changed byte"), a.ed.Name())
	return "; flushed " + byteconv.Count(n, "changed byte")
}

// liveLoop polls on every tick until stop is closed; the first poll, which takes the snapshot,
// runs at once.
func (a *app) liveLoop(ticks <-chan time.Time, stop <-chan struct{}) {
	a.liveTick()
	for {
		select {
		case <-stop:
			return
		case <-ticks:
			a.liveTick()
		}
	}
}

// liveTick is one tick of live mode (see live.tick), run by the ticker goroutine (tests call it
// too); it asks for a frame when the tick says the screen needs one.
func (a *app) liveTick() {
	if a.live.Tick(a.ed, a.fading.Load) {
		a.requestDraw()
	}
}

// requestDraw asks the UI goroutine for a frame without waiting for it: at most one request is
// outstanding, and a frame shows everything recorded before it.
func (a *app) requestDraw() {
	if a.drawQueued.Swap(true) {
		return
	}
	// QueueUpdateDraw waits for the UI goroutine, which may be gone after a quit.
	go a.tv.QueueUpdateDraw(func() { a.drawQueued.Store(false) })
}
