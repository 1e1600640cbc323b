package cli

import (
	"os"

	"golang.org/x/sys/windows"
)

// enableEscapes turns on ANSI escape processing for the console f, which older Windows consoles
// leave off, and reports whether the console now takes colour escapes.
func enableEscapes(f *os.File) bool {
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
