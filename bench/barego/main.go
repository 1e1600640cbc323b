// Command barego is the harness's yardstick for a Go program with no toolkit: it prints the file
// named by its argument, as the floor's cat does, and then, with the terminal in raw mode, shows
// a cursor (a reversed cell) that l moves right and G takes to the last row, by writing just that
// change; q quits. What it takes above the floor is what starting any Go program takes, and its
// key is what answering a key takes at the least: tmux, the pty and one write.
package main

import (
	"bytes"
	"fmt"
	"os"

	"golang.org/x/term"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: barego FILE")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "barego:", err)
		os.Exit(1)
	}
	saved, err := term.MakeRaw(0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "barego:", err)
		os.Exit(1)
	}
	defer term.Restore(0, saved)
	lines := bytes.Split(bytes.TrimSuffix(text, []byte("\n")), []byte("\n"))
	os.Stdout.Write(bytes.Join(lines, []byte("\r\n")))
	x, y := 0, 0
	cell := func(reverse bool) string {
		c := byte(' ')
		if y < len(lines) && x < len(lines[y]) {
			c = lines[y][x]
		}
		style := "\x1b[m"
		if reverse {
			style = "\x1b[7m"
		}
		return fmt.Sprintf("\x1b[%d;%dH%s%c\x1b[m", y+1, x+1, style, c)
	}
	os.Stdout.WriteString(cell(true))
	key := make([]byte, 1)
	for {
		if n, err := os.Stdin.Read(key); err != nil || n == 0 || key[0] == 'q' {
			return
		}
		old := cell(false)
		switch key[0] {
		case 'l':
			x++
		case 'G':
			y = len(lines) - 1
		}
		os.Stdout.WriteString(old + cell(true))
	}
}
