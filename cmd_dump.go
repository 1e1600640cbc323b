package main

import "errors"

// runDump is built in its own issue.
func runDump(args []string, io stdio) error { return errors.New("dump: not built yet") }
