//go:build unix

package cli

import (
	"os/exec"
	"syscall"
)

// setNobody makes cmd run as the user and group nobody (65534).
func setNobody(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
}

// readOnlyIgnored reports whether file permissions may not stop this process; as root the test
// runs itself again as nobody instead.
func readOnlyIgnored() bool { return false }
