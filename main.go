// Command mmhex is a terminal hex editor built on memory mapping: it opens files of any size at
// once, edits them in place through the mapping, attaches to named shared memory that other
// processes write, and patches binaries from scripts. Package internal/cli is its command line.
package main

import (
	"os"

	"github.com/mmhex/mmhex/internal/cli"
)

func main() { os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
