package main

import "errors"

// runCreate is built in its own issue.
func runCreate(args []string, io stdio) error { return errors.New("create: not built yet") }
