//go:build unix

package mmap

// resize sets the file's size with ftruncate. POSIX lets a mapped file change size; the caller
// has unmapped this mapping's views and maps them anew at the new size.
func (s *osMapping) resize(size int64) error {
	if err := s.file.Truncate(size); err != nil {
		return pathError("resize", s.path, unwrapPathError(err))
	}
	return nil
}
