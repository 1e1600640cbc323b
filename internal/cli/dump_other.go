//go:build !windows

package cli

import "os"

// enableEscapes reports whether the terminal f takes colour escapes: terminals outside Windows
// always do.
func enableEscapes(*os.File) bool { return true }
