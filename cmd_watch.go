package main

import "errors"

// runWatch is built in its own issue.
func runWatch(args []string, io stdio) error { return errors.New("watch: not built yet") }
