package patch

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// memFile is a Reader over bytes in memory.
type memFile []byte

func (f memFile) Size() int64 { return int64(len(f)) }

func (f memFile) ReadAt(p []byte, off int64) (int, error) { return copy(p, f[off:]), nil }

// TestEntriesKeepWhatTheyAreGiven appends entries of every kind, over several blocks and
// sources, and reads them back: what a message needs is kept, and only that.
func TestEntriesKeepWhatTheyAreGiven(t *testing.T) {
	var want []Entry
	for i := range 3*blockLen + 5 {
		e := Entry{
			Offset: Offset{N: int64(i), Text: fmt.Sprint(i)},
			Value:  bytes.Repeat([]byte{byte(i)}, 1+i%3),
			Origin: Origin{Source: "p.txt", Line: i + 1},
		}
		switch {
		case i < 2:
			e.Origin.Source = "" // the command line's: named by their offset
		case i%7 == 0:
			e.Offset = Offset{N: int64(i), FromEnd: true, Text: fmt.Sprintf("end-%d", i)}
		case i%5 == 0:
			e.Expect = []byte{byte(i), 0xee}
		case i > blockLen:
			e.Origin.Source = "d.txt"
		}
		want = append(want, e)
	}
	var l Entries
	for _, e := range want {
		l.Append(e)
	}
	if l.Len() != len(want) {
		t.Fatalf("Len() = %d, want %d", l.Len(), len(want))
	}
	for i, w := range want {
		if !keepsText(w) {
			w.Offset.Text = ""
		}
		if got := l.At(i); !sameEntries([]Entry{got}, []Entry{w}) {
			t.Fatalf("At(%d) = %+v, want %+v", i, got, w)
		}
	}
}

// TestPlanIsSizedBeforeItIsMade plans entries whose runs join across entries and split inside
// them, and checks that the plan was made at its size: the count that sizes it agrees with
// what fills it.
func TestPlanIsSizedBeforeItIsMade(t *testing.T) {
	file := memFile(make([]byte, 64))
	entries, err := ParseScript(strings.NewReader("0 0101\n2 01000100\n10 0001\n12 ff\n40 00\n20 str:abc\n"), "p.txt")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Prepare(file, entries)
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for i := range plan.Runs() {
		changes = append(changes, plan.Change(i).String())
	}
	want := []string{"0x00000000: 00 00 00 -> 01 01 01", "0x00000004: 00 -> 01", "0x0000000b: 00 00 -> 01 ff", "0x00000014: 00 00 00 -> 61 62 63"}
	if strings.Join(changes, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
	}
	if cap(plan.runs) != len(plan.runs) || cap(plan.newBytes) != len(plan.newBytes) || cap(plan.oldBytes) != len(plan.oldBytes) {
		t.Errorf("plan of %d runs and %d bytes made with room for %d runs and %d bytes", len(plan.runs), len(plan.newBytes), cap(plan.runs), cap(plan.newBytes))
	}
}

// TestPlanTooLargeIsRefused lowers the bound on planning memory below what a patch of four
// one-byte runs takes, as a 32-bit process's bound is below what a script of hundreds of
// millions of runs takes, and checks that Prepare refuses it and says why.
func TestPlanTooLargeIsRefused(t *testing.T) {
	file := memFile(make([]byte, 16))
	args, err := ParseArgs([]string{"0", "0100010001000100"})
	if err != nil {
		t.Fatal(err)
	}
	entries := list(args)
	defer func(saved int64) { maxPlanningMemory = saved }(maxPlanningMemory)
	maxPlanningMemory = (&planSize{runs: 4, bytes: 4}).memory() + entries.memory()
	if _, err := Prepare(file, entries); err != nil {
		t.Fatalf("a plan at the bound: %v", err)
	}
	maxPlanningMemory--
	_, err = Prepare(file, entries)
	want := "these patches change 4 bytes in 4 runs: with their plan they take "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "nothing written; split them into several patches, or use a 64-bit mmhex") {
		t.Errorf("a plan past the bound: error %v, want one starting %q", err, want)
	}
}

func list(entries []Entry) *Entries {
	var l Entries
	for _, e := range entries {
		l.Append(e)
	}
	return &l
}

// changingFile reads as zeros until reads run out, then as 0xff: a file another program writes
// while the patches are checked.
type changingFile struct {
	memFile
	reads *int
}

func (f changingFile) ReadAt(p []byte, off int64) (int, error) {
	*f.reads--
	n, err := f.memFile.ReadAt(p, off)
	if *f.reads < 0 {
		for i := range p[:n] {
			p[i] = 0xff
		}
	}
	return n, err
}

// TestPlanRefusesBytesThatChangeWhileChecked makes the bytes change between the reading that
// sizes the plan and the one that fills it: the plan would outgrow the size its memory bound was
// checked for, so Prepare refuses, and says why.
func TestPlanRefusesBytesThatChangeWhileChecked(t *testing.T) {
	args, err := ParseArgs([]string{"0", "0100010001000100"})
	if err != nil {
		t.Fatal(err)
	}
	reads := 1 // the sizing pass reads the one entry once
	_, err = Prepare(changingFile{memFile: memFile(make([]byte, 16)), reads: &reads}, list(args))
	if !errors.Is(err, errChangedWhileChecked) {
		t.Errorf("bytes that changed between the two readings: %v, want %v", err, errChangedWhileChecked)
	}
}

// TestEntriesKeepLongValuesApart appends long values among short ones: each long entry gets an
// allocation of its own, so a block's bytes hold the short ones only, and every entry reads
// back as it was given.
func TestEntriesKeepLongValuesApart(t *testing.T) {
	long := bytes.Repeat([]byte{0xab}, 100<<10)
	given := []Entry{
		{Offset: Offset{N: 0, Text: "0"}, Value: []byte{1}, Origin: Origin{Source: "s", Line: 1}},
		{Offset: Offset{N: 16, Text: "16"}, Value: long, Origin: Origin{Source: "s", Line: 2}},
		{Offset: Offset{N: 5, FromEnd: true, Text: "end-5"}, Value: []byte{2, 3}, Expect: []byte{4, 5}, Origin: Origin{Source: "s", Line: 3}},
		{Offset: Offset{N: 1 << 20, Text: "1M"}, Value: long[:ownBytes], Expect: long, Origin: Origin{Source: "s", Line: 4}},
	}
	l := list(given)
	if n := len(l.blocks[0].bytes); n > 2*ownBytes {
		t.Errorf("the block holds %d bytes, want only the short entries' few", n)
	}
	for i, want := range given {
		got := l.At(i)
		if !keepsText(want) {
			want.Offset.Text = ""
		}
		if got.Offset != want.Offset || !bytes.Equal(got.Value, want.Value) || !bytes.Equal(got.Expect, want.Expect) || got.Origin != want.Origin {
			t.Errorf("entry %d reads back as %v %d bytes expect %d bytes, want %v %d bytes expect %d bytes",
				i, got.Offset, len(got.Value), len(got.Expect), want.Offset, len(want.Value), len(want.Expect))
		}
	}
}
