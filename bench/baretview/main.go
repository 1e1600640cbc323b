// Command baretview is the yardstick the harness in bench/ compares mmhex against: a bare tview
// program that shows the text of the file named by its argument and quits on q, so its start,
// its first screen and its memory are tview's and tcell's own. It shows a cursor (a reversed
// cell) that l moves right and G takes to the last row, drawn the plain tview way: every cell
// put again in each frame, which tcell then sends again.
package main

import (
	"fmt"
	"os"
	"strings"

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
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	cursorX, cursorY := 0, 0
	app := tview.NewApplication()
	view := tview.NewBox()
	view.SetDrawFunc(func(screen tcell.Screen, x, y, width, height int) (int, int, int, int) {
		for row := 0; row < height && row < len(lines); row++ {
			for col, r := range []rune(lines[row]) {
				if col >= width {
					break
				}
				style := tcell.StyleDefault
				if row == cursorY && col == cursorX {
					style = style.Reverse(true)
				}
				screen.SetContent(x+col, y+row, r, nil, style)
			}
		}
		return x, y, width, height
	})
	view.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		switch ev.Rune() {
		case 'q':
			app.Stop()
		case 'l':
			cursorX++
		case 'G':
			cursorY = len(lines) - 1
		}
		return nil
	})
	if err := app.SetRoot(view, true).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "baretview:", err)
		os.Exit(1)
	}
}
