package cli

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mmhex/mmhex/mmap"
	"github.com/mmhex/mmhex/splice"
)

func TestSpliceCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string // after FILE
		code     int
		want     string // the file afterwards
		saysWhat string // in stderr
	}{
		{"insert at the start", []string{"0", "--insert", "4142"}, 0, "ABhello world", "inserted 2 bytes at 0x0; 11 bytes → 13 bytes; flushed"},
		{"insert at the end", []string{"end-0", "--insert", "str:!"}, 0, "hello world!", "inserted 1 byte at 0xb"},
		{"delete", []string{"5", "--delete", "6"}, 0, "hello", "deleted 6 bytes at 0x5; 11 bytes → 5 bytes"},
		{"replace", []string{"6", "--delete", "5", "--insert", "str:there, mmhex"}, 0, "hello there, mmhex", "deleted 5 bytes and inserted 12 bytes at 0x6"},
		{"expect holds", []string{"0", "--delete", "6", "--expect", "str:hello "}, 0, "world", "deleted 6 bytes"},
		{"expect fails", []string{"0", "--delete", "6", "--expect", "str:howdy"}, 1, "hello world", "0x0 holds 68656c6c6f, not 686f776479: nothing changed"},
		{"dry run", []string{"0", "--insert", "00", "--dry-run"}, 0, "hello world", "dry run: would insert 1 byte at 0x0"},
		{"offset past the end", []string{"12", "--insert", "00"}, 1, "hello world", "past the end"},
		{"delete past the end", []string{"8", "--delete", "4"}, 1, "hello world", "runs past the end"},
		{"nothing to do", []string{"0"}, 2, "hello world", "nothing to do"},
		{"bad value", []string{"0", "--insert", "xyz"}, 2, "hello world", "--insert: bad hex"},
		{"bad offset", []string{"twelve", "--insert", "00"}, 2, "hello world", "offset \"twelve\": give a decimal number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := patchTestFile(t, "data.bin", []byte("hello world"))
			r := runCLI(t, "", append([]string{"splice", path}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.errOut, tt.saysWhat) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.errOut, tt.code, tt.saysWhat)
			}
			if got := string(fileBytes(t, path)); got != tt.want {
				t.Errorf("file = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSpliceRefusesNamedMappings(t *testing.T) {
	r := runCLI(t, "", "splice", "-n", "some-mapping", "0", "--insert", "00")
	if r.code != 1 || !strings.Contains(r.errOut, "a named mapping has the size it was created with") {
		t.Errorf("exit %d, stderr %q; want 1 and the reason", r.code, r.errOut)
	}
}

// TestOpenRecoversAnInterruptedSplice leaves the journal of an insert that stopped midway, then
// runs patch and splice: each completes the insert first and says so.
func TestOpenRecoversAnInterruptedSplice(t *testing.T) {
	for _, command := range [][]string{{"patch", "FILE", "0", "41"}, {"splice", "FILE", "0", "--insert", "41"}} {
		t.Run(command[0], func(t *testing.T) {
			path := patchTestFile(t, "data.bin", []byte("hello world"))
			leaveInterruptedInsert(t, path, 5, []byte(","))
			args := append([]string{}, command...)
			args[1] = path
			r := runCLI(t, "", args...)
			if r.code != 0 || !strings.Contains(r.errOut, "completed an interrupted insert 1 byte at 0x5") {
				t.Errorf("exit %d, stderr %q; want 0 and the recovery said", r.code, r.errOut)
			}
			want := "Ahello, world"
			if command[0] == "patch" {
				want = "Aello, world"
			}
			if got := string(fileBytes(t, path)); got != want {
				t.Errorf("file = %q, want %q", got, want)
			}
		})
	}
}

// failingWrites is a mapping whose writes fail, as on a failing disk.
type failingWrites struct{ *mmap.Mapping }

func (failingWrites) WriteAt(p []byte, off int64) (int, error) { return 0, errors.New("I/O error") }

// leaveInterruptedInsert starts an insert whose writes fail: Splice stops with the file grown
// and the journal left, as a crash would leave them.
func leaveInterruptedInsert(t *testing.T, path string, off int64, insert []byte) {
	t.Helper()
	m, err := mmap.Open(path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	err = splice.Splice(context.Background(), failingWrites{m}, off, 0, insert, splice.Options{})
	if err == nil || !strings.Contains(err.Error(), "the next mmhex open of") {
		t.Fatalf("Splice with failing writes = %v, want it interrupted", err)
	}
	if _, err := os.Stat(splice.JournalPath(path)); err != nil {
		t.Fatal(err)
	}
}
