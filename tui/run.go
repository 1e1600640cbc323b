package tui

import (
	"errors"
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

// RunTerminal runs the editor on the terminal of in and out, read through utf8Tty.
func (a *app) RunTerminal(in io.Reader, out, errOut io.Writer) error {
	screen, err := newTerminalScreen(a.droppedInput)
	if err != nil {
		return fmt.Errorf("terminal: %w", err)
	}
	return a.Run(screen, in, out, errOut)
}

// droppedInput tells the user that the terminal sent n bytes that are not UTF-8, which utf8Tty
// dropped: if they were part of a paste, what was pasted lacks them, and pasteText says so
// too, whichever of the two the UI goroutine takes first.
func (a *app) droppedInput(n int) {
	a.dropped.Add(int64(n))
	// utf8Tty calls it from tcell's input goroutine, which the UI goroutine may be waiting for.
	go a.tv.QueueUpdateDraw(func() {
		if err := a.takeDropped(); err != nil {
			a.droppedNote = err
			a.fail(err)
		}
	})
}

// takeDropped returns the message for the dropped input bytes no message has told of yet, or
// nil if there are none.
func (a *app) takeDropped() error {
	n := a.dropped.Swap(0)
	if n == 0 {
		return nil
	}
	what := "1 byte the terminal sent that is"
	if n > 1 {
		what = fmt.Sprintf("%d bytes the terminal sent that are", n)
	}
	return fmt.Errorf("dropped %s not UTF-8; if you pasted, check what was written", what)
}

// stopGrace is how long the UI may take to stop after a signal before the terminal is given
// back without it.
const stopGrace = 5 * time.Second

// Run runs the editor on screen until the user quits or a signal arrives, then flushes the
// unflushed edits and reports them. The terminal of in and out, if they are one, is restored on
// every way out: tview finalizes the screen when Run returns or panics, a signal stops the
// application the same way (or handleSignals gives the terminal back itself, when the UI is
// wedged), and a panic in another goroutine is handed to the UI goroutine (recoverCrash). A nil
// screen means one set with SetScreen already.
func (a *app) Run(screen tcell.Screen, in io.Reader, out, errOut io.Writer) (err error) {
	rescue := saveTerminal(in, out)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGHUP, os.Interrupt, syscall.SIGQUIT, syscall.SIGABRT)
	uiStopped, stopped := make(chan struct{}), make(chan struct{})
	defer close(stopped)
	defer signal.Stop(signals) // before the handler goes: no signal may go unhandled
	go a.handleSignals(signals, uiStopped, stopped, rescue, errOut)

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
		// tview's SetScreen drops the error of the screen's Init, and turns the mouse and
		// paste on only on a screen it makes itself.
		checked := &initChecked{Screen: newDiffScreen(screen)}
		a.tv.SetScreen(checked)
		if checked.err != nil {
			return fmt.Errorf("terminal: %w", checked.err)
		}
		screen.EnableMouse()
		screen.EnablePaste()
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
	close(uiStopped)
	stopLive() // no tick may poll or queue a draw while the edits are flushed
	if sig := a.signal.Load(); sig != nil {
		// One line says it all: the signal and what was flushed. SIGHUP comes with the
		// terminal's end, which fails tview's Run too (EOF): the signal is the news.
		return &signalStop{sig: *sig, note: a.flushOnExit(nil)}
	}
	if terminalClosed(runErr) {
		// The terminal closed before its SIGHUP arrived, or without one.
		return fmt.Errorf("the terminal closed%s", a.flushOnExit(nil))
	}
	note := a.flushOnExit(errOut)
	if runErr != nil {
		return fmt.Errorf("terminal: %w%s", runErr, note)
	}
	return nil
}

// terminalClosed reports whether tview's Run failed because the terminal's input ended. tcell
// hands the read error to tview in an EventError, which keeps only its text.
func terminalClosed(err error) bool {
	var ev *tcell.EventError
	return errors.Is(err, io.EOF) || errors.As(err, &ev) && ev.Error() == io.EOF.Error()
}

// signalStop is the error of an app a signal stopped; it ends mmhex with the shell's exit code
// for the signal, 128 plus its number.
type signalStop struct {
	sig  os.Signal
	note string // what was flushed, for the message
}

func (e *signalStop) Error() string { return fmt.Sprintf("stopped by signal %v%s", e.sig, e.note) }

// ExitCode is the exit code the command ends with.
func (e *signalStop) ExitCode() int { return signalStatus(e.sig) }

// handleSignals ends the app on a signal. The first one stops the UI, and Run flushes and
// reports. If the UI has not stopped within stopGrace (its event loop wedged), or a second
// signal comes, the terminal is given back without it and the process exits at once: nothing
// may keep the user's terminal. SIGQUIT and SIGABRT give the terminal back, then die the way Go
// makes them die, with every goroutine's stack and exit status 2: that dump is what they are
// sent for, wedged or not.
func (a *app) handleSignals(signals <-chan os.Signal, uiStopped, done <-chan struct{}, rescue *terminalRescue, errOut io.Writer) {
	var giveUp <-chan time.Time
	restore := func() {
		if uiStopped != nil {
			rescue.restore()
		}
	}
	const unflushed = "edits not flushed yet are in the mapping only (the OS writes a file's pages back in its own time)"
	for {
		select {
		case sig := <-signals:
			if sig == syscall.SIGQUIT || sig == syscall.SIGABRT {
				restore()
				fmt.Fprintf(errOut, "mmhex: %v: %s\n", sig, unflushed)
				dieOf(sig)
			}
			if a.signal.CompareAndSwap(nil, &sig) {
				// Stop waits for tcell's loops, so it runs apart. The queued Stop is for a signal
				// before Run: Run then makes a new screen, and the queued Stop ends it.
				go func() {
					a.tv.Stop()
					a.tv.QueueUpdate(a.tv.Stop)
				}()
				giveUp = time.After(stopGrace)
				continue
			}
			restore()
			fmt.Fprintf(errOut, "mmhex: stopped by a second signal (%v): %s\n", sig, unflushed)
			os.Exit(signalStatus(sig))
		case <-giveUp:
			sig := *a.signal.Load()
			restore()
			fmt.Fprintf(errOut, "mmhex: stopped by signal %v, but the editor did not stop within %v: %s\n", sig, stopGrace, unflushed)
			os.Exit(signalStatus(sig))
		case <-uiStopped:
			// The terminal is tview's to restore now, and the flush may take its time.
			uiStopped, giveUp = nil, nil
		case <-done:
			return
		}
	}
}

// dieOf lets Go's own handler for sig end the process. Where sig cannot be raised, it exits with
// the status Go gives.
func dieOf(sig os.Signal) {
	signal.Reset(sig)
	if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(sig) == nil {
		select {}
	}
	os.Exit(2)
}

// signalStatus is the exit status of a process ended by sig, as a shell reports it.
func signalStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

// initChecked keeps the error of Init for Run: tview's SetScreen calls Init and drops its error.
type initChecked struct {
	tcell.Screen
	err error
}

func (s *initChecked) Init() error {
	s.err = s.Screen.Init()
	return s.err
}

// flushOnExit flushes what is unflushed, prints what it did to errOut, and returns a note for
// an error message. With errOut nil it prints nothing, and the note says all.
func (a *app) flushOnExit(errOut io.Writer) string {
	a.ed.CancelSearch()
	r, err := a.ed.Flush()
	n := r.Flushed
	var line, note string
	switch {
	case err != nil:
		line, note = err.Error(), "; flushing the edits failed (they are in the page cache, which the OS writes back)"
	case r.Lost > 0 || r.Replaced && n > 0:
		line = flushText(r, a.ed.Name(), "changed byte")
		note = "; " + line
	case n == 0:
		return ""
	case !a.ed.FileBacked():
		line = fmt.Sprintf("changed %s of %s, in memory (a named mapping has no file to flush to)", byteconv.Count(n, "byte"), a.ed.Name())
	default:
		line = fmt.Sprintf("flushed %s to %s", byteconv.Count(n, "changed byte"), a.ed.Name())
		note = "; flushed " + byteconv.Count(n, "changed byte")
	}
	if errOut == nil {
		if err != nil {
			return fmt.Sprintf("; flushing the edits failed: %s (they are in the page cache, which the OS writes back)", line)
		}
		return "; " + line
	}
	fmt.Fprintf(errOut, "mmhex: %s\n", line)
	return note
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
