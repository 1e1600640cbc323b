package main

import "errors"

// runEditor is built in its own issue.
func runEditor(args []string, io stdio) error { return errors.New("editor: not built yet") }
