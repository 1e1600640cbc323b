package cli

import (
	"os/exec"

	"golang.org/x/sys/windows"
)

// setNobody is never called on Windows, where an administrator cannot write a read-only file.
func setNobody(*exec.Cmd) {}

// readOnlyIgnored reports whether the read-only attribute may not stop this process: Wine maps
// it to Unix permissions, which a test run as root bypasses.
func readOnlyIgnored() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}
