// Command baretview is the yardstick the harness in bench/ compares mmhex against: a bare tview
// program that shows the text of the file named by its argument in one TextView and quits on q,
// so its start, its first screen and its memory are tview's and tcell's own.
package main

import (
	"fmt"
	"os"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: baretview FILE")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "baretview:", err)
		os.Exit(1)
	}
	app := tview.NewApplication()
	view := tview.NewTextView().SetText(string(text))
	view.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		if ev.Rune() == 'q' {
			app.Stop()
		}
		return ev
	})
	if err := app.SetRoot(view, true).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "baretview:", err)
		os.Exit(1)
	}
}
