package testdir

import (
	"bytes"
	"testing"
)

// TestSampleIsMadeNotRead checks that the sample tests use is made in code, not read from
// testdata/sample.bin, which the README invites people to open: run from a folder with no
// testdata above it, Sample still gives the file the README and testdata/README.md describe.
func TestSampleIsMadeNotRead(t *testing.T) {
	t.Chdir(New(t))
	b := Sample(t)
	if len(b) != 4096 || !bytes.HasPrefix(b, []byte("\x7fELF")) || string(b[0x5A:0x5F]) != "world" {
		t.Errorf("Sample gave %d bytes starting % x; want the 4096-byte sample with world at 0x5A", len(b), b[:min(len(b), 8)])
	}
}
