package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/internal/testdir"
)

func TestSearchFile(t *testing.T) {
	content := make([]byte, 64<<10)
	for _, at := range []int{3, 4096, 40000, 65532} {
		copy(content[at:], []byte{0xE7, 0x03, 0, 0})
	}
	copy(content[5000:], "héllo")
	path := patchTestFile(t, "values.bin", content)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"typed", []string{"i32le:999"}, 0, "0x3\n0x1000\n0x9c40\n0xfffc\n"},
		{"hex with a wildcard", []string{"e7 ?? 00 00"}, 0, "0x3\n0x1000\n0x9c40\n0xfffc\n"},
		{"text", []string{"str:héllo"}, 0, "0x1388\n"},
		{"max", []string{"i32le:999", "--max", "2"}, 0, "0x3\n0x1000\n"},
		{"json", []string{"u16be:0xe703", "--json", "--max", "1"}, 0, `{"offset":3,"bytes":"e703"}` + "\n"},
		{"no match", []string{"i32le:1000"}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, "", append([]string{"search", path}, tc.args...)...)
			if r.code != tc.code || r.out != tc.want {
				t.Errorf("exit %d, %q (stderr %q); want %d, %q", r.code, r.out, r.errOut, tc.code, tc.want)
			}
		})
	}
	among := filepath.Join(testdir.New(t), "among.txt")
	if err := os.WriteFile(among, []byte("0x1000\n# a comment\n\n{\"offset\":65532,\"bytes\":\"e7030000\"}\n0x5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "", "search", path, "i32le:999", "--among", among); r.code != 0 || r.out != "0x1000\n0xfffc\n" {
		t.Errorf("--among: exit %d, %q (stderr %q)", r.code, r.out, r.errOut)
	}
	if err := os.WriteFile(among, []byte("0x1000\nnot an offset\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "", "search", path, "i32le:999", "--among", among); r.code != 2 || !strings.Contains(r.errOut, "among.txt:2") {
		t.Errorf("--among with a bad line: exit %d, stderr %q; want 2 naming the line", r.code, r.errOut)
	}
}
