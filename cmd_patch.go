package main

import "errors"

// runPatch is built in its own issue.
func runPatch(args []string, io stdio) error { return errors.New("patch: not built yet") }
