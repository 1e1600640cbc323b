//go:build !linux && !windows

package procmem

import (
	"fmt"
	"runtime"
)

// osProcess is the stand-in where this package cannot open another process: on macOS,
// task_for_pid needs the debugger entitlement and a signed binary, which mmhex does not have.
type osProcess struct{}

func (o *osProcess) open(pid int) error {
	return fmt.Errorf("%w (%s: another process's memory needs a signed debugger there)", ErrNotSupported, runtime.GOOS)
}

func (o *osProcess) close() error                                   { return nil }
func (o *osProcess) regions() ([]Region, error)                     { return nil, ErrNotSupported }
func (o *osProcess) read(b []byte, addr int64) (int, error)         { return 0, ErrNotSupported }
func (o *osProcess) write(b []byte, addr int64) (int, error)        { return 0, ErrNotSupported }
func (o *osProcess) writeForced(b []byte, addr int64) (int, error)  { return 0, ErrNotSupported }
func (o *osProcess) retryPageWise(err error) bool                   { return false }
func (o *osProcess) explain(op string, addr int64, err error) error { return err }
