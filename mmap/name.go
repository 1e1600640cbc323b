package mmap

import "fmt"

// NameError is the error of a mapping name the system does not accept; it matches ErrBadName.
// A program that says so in its own words finds the name and the rule for a valid one here,
// rather than in the text of the message.
type NameError struct {
	Name string
	// Rule says what a valid name looks like on this system: "use a name without slashes, like
	// myapp-shared".
	Rule string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("mmap: %q: %v: %s", e.Name, ErrBadName, e.Rule)
}

// Unwrap returns ErrBadName.
func (e *NameError) Unwrap() error { return ErrBadName }
