package tui

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/mmhex/mmhex/editor"
)

// moveWait is how long the UI goroutine waits for an action that may move bytes (an insert, a
// delete, their undo) before it shows the move's progress and goes on drawing: a short move
// just happens, a long one can be watched and cancelled.
const moveWait = 100 * time.Millisecond

// runMove runs fn, an action that may move bytes, in a goroutine of its own. If it ends within
// a.moveWait, done runs at once with its error; otherwise the status bar shows the move's
// progress, keys other than the cancel key are refused (see moveKey), and done runs on the UI
// goroutine when fn ends. fn must touch nothing of the app's but the editor.
func (a *app) runMove(fn func() error, done func(error)) {
	// A move that ended within moveWait left its last progress behind.
	a.moveProgress.Store(nil)
	result := make(chan error, 1)
	go func() {
		defer a.recoverCrash()
		result <- fn()
	}()
	select {
	case err := <-result:
		done(err)
		return
	case <-time.After(a.moveWait):
	}
	a.moving, a.cancelling = true, false
	go func() {
		err := <-result
		a.tv.QueueUpdateDraw(func() {
			a.moving = false
			a.moveProgress.Store(nil)
			done(err)
		})
	}()
}

// settleThen runs action once the bytes typed in insert mode, if any, are in the file: the run
// ends at any key that is not typing. If inserting them fails, action does not run.
func (a *app) settleThen(action func() error) {
	if a.ed.Pending() == 0 {
		a.check(action())
		return
	}
	a.runMove(a.ed.EndRun, func(err error) {
		if err != nil {
			a.fail(err)
			return
		}
		a.check(action())
	})
}

// moveKey handles a key while bytes move: the cancel key cancels the move, the others are
// refused, said plainly.
func (a *app) moveKey(name string) {
	if a.cancels(name) {
		if a.ed.CancelMove() {
			a.cancelling = true
		}
		a.say("")
		return
	}
	if p := a.moveProgress.Load(); p != nil && p.Waiting {
		a.fail(fmt.Errorf("%s waits: an insert or delete waits for the file's lock; %s cancels it", name, a.cancelKey()))
		return
	}
	a.fail(fmt.Errorf("%s waits: bytes are moving (an insert or delete); %s cancels the move and moves them back", name, a.cancelKey()))
}

// moveText is the status bar's message while bytes move.
func (a *app) moveText() string {
	p := a.moveProgress.Load()
	switch {
	case p != nil && p.Waiting && a.cancelling:
		return "cancelling: no longer waiting for the file's lock…"
	case p != nil && p.Waiting:
		return fmt.Sprintf("waiting for another mmhex (a patch or splice) to finish with %s · %s cancels",
			filepath.Base(a.ed.Name()), a.cancelKey())
	case p != nil && p.RollingBack:
		return fmt.Sprintf("cancelling: moving the bytes back… %d%%", percent(p.Done, p.Total))
	case a.cancelling:
		return "cancelling: the move stops at the end of this step, then the bytes move back…"
	case p != nil && p.Total > 0:
		return fmt.Sprintf("moving bytes… %d%% (%s cancels)", percent(p.Done, p.Total), a.cancelKey())
	}
	return fmt.Sprintf("moving bytes… (%s cancels)", a.cancelKey())
}

func percent(done, total int64) int64 {
	if total <= 0 {
		return 100
	}
	return done * 100 / total
}

// postMoveProgress hands a move's progress to the UI goroutine; the moving goroutine calls it.
func (a *app) postMoveProgress(p editor.MoveProgress) {
	a.moveProgress.Store(&p)
	a.requestDraw()
}

// armInsertTimer (re)starts the timer that ends a run of typing in insert mode after
// editor.InsertIdle without a key.
func (a *app) armInsertTimer() {
	if a.insertTimer != nil {
		a.insertTimer.Reset(editor.InsertIdle)
		return
	}
	a.insertTimer = time.AfterFunc(editor.InsertIdle, func() {
		// QueueUpdateDraw waits for the UI goroutine, which may be gone after a quit.
		go a.tv.QueueUpdateDraw(a.insertIdle)
	})
}

// insertIdle inserts the bytes typed, once typing paused for editor.InsertIdle.
func (a *app) insertIdle() {
	if a.moving || !a.ed.PendingIdle() {
		return
	}
	a.runMove(a.ed.EndRun, func(err error) {
		if err != nil {
			a.fail(err)
		}
	})
}
