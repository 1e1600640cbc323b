//go:build !windows

package splice

import "os"

// syncDir makes the entries of dir durable, so that a journal created or removed there stays
// so after a power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
