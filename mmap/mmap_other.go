//go:build !unix && !windows

package mmap

import "fmt"

// osMapping is the stand-in for systems mmhex does not map on: every way in says so.
type osMapping struct{}

func unsupported(what string) error {
	return fmt.Errorf("mmap: %s: memory mapping is %w", what, ErrNotSupported)
}

func listNamed() ([]string, error)               { return nil, unsupported("list") }
func shmPath(name string) (string, error)        { return "", unsupported(name) }
func (s *osMapping) currentSize() (int64, error) { return 0, unsupported("size") }

func (s *osMapping) openFile(path string, writable bool) error  { return unsupported(path) }
func (s *osMapping) openNamed(name string, writable bool) error { return unsupported(name) }
func (s *osMapping) createNamed(name string, size int64) error  { return unsupported(name) }
func (s *osMapping) size() (int64, error)                       { return 0, unsupported("size") }
func (s *osMapping) granularity() int64                         { return 1 }
func (s *osMapping) mapView(off int64, n int, writable bool) ([]byte, error) {
	return nil, unsupported("map")
}
func (s *osMapping) unmapView(view []byte) error { return nil }
func (s *osMapping) flushView(view []byte) error { return nil }
func (s *osMapping) syncFile() error             { return nil }
func (s *osMapping) close(created bool) error    { return nil }
func (s *osMapping) release(view []byte)         {}
func (s *osMapping) resize(size int64) error     { return unsupported("resize") }
