//go:build !unix && !windows

package mmap

// Replaced reports whether the file's path names another file now; nothing can be mapped here,
// so it says so.
func (m *Mapping) Replaced() (bool, error) { return false, unsupported("identity") }
