package procmem_test

import (
	"github.com/mmhex/mmhex/editor"
	"github.com/mmhex/mmhex/live"
	"github.com/mmhex/mmhex/procmem"
	"github.com/mmhex/mmhex/watch"
)

// A View is what the editor, watch and live mode work on, unchanged.
var (
	_ editor.Storage = (*procmem.View)(nil)
	_ editor.Scanner = (*procmem.View)(nil)
	_ watch.Source   = (*procmem.View)(nil)
	_ live.Source    = (*procmem.View)(nil)
)
