package editor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/mmhex/mmhex/internal/testdir"
	"github.com/mmhex/mmhex/mmap"
)

var _ Scanner = (*mmap.Mapping)(nil)

func TestMain(m *testing.M) {
	code := m.Run()
	removeSearchBenchFile()
	os.Exit(code)
}

// chunkedScanner is a Scanner over a byte slice that hands out chunks of at most chunk bytes plus
// the overlap, as mmap does in windowed mode, so that tests cross chunk edges.
type chunkedScanner struct {
	data  []byte
	chunk int
	// scanned counts the bytes handed to callbacks, overlap included.
	scanned int64
}

func (s *chunkedScanner) Size() int64 { return int64(len(s.data)) }

func (s *chunkedScanner) Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error {
	if off < 0 || length < 0 || off+length > int64(len(s.data)) {
		return fmt.Errorf("chunkedScanner: scan [%d, +%d) of %d bytes: %w", off, length, len(s.data), mmap.ErrOutOfRange)
	}
	end := off + length
	for start := off; start < end; {
		chunkEnd := min(start+int64(s.chunk), end)
		from := start
		if start > off {
			from = max(off, start-int64(overlap))
		}
		s.scanned += chunkEnd - from
		if err := fn(s.data[from:chunkEnd:chunkEnd], from); err != nil {
			return err
		}
		start = chunkEnd
	}
	return nil
}

// faultingScanner fails the way a mapping of a truncated file does.
type faultingScanner struct{ size int64 }

func (s faultingScanner) Size() int64 { return s.size }

func (s faultingScanner) Scan(int64, int64, int, func([]byte, int64) error) error {
	return mmap.ErrFault
}

// setSearchBlock makes Search work in blocks of n positions for the rest of the test.
func setSearchBlock(t *testing.T, n int64) {
	t.Helper()
	old := searchBlock
	searchBlock = n
	t.Cleanup(func() { searchBlock = old })
}

func mustHexPattern(t *testing.T, s string) Pattern {
	t.Helper()
	p, err := ParseHexPattern(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseHexPattern(t *testing.T) {
	tests := []struct {
		in, want string
		len      int
	}{
		{"DEADBEEF", "DE AD BE EF", 4},
		{"de ad ?? ef", "DE AD ?? EF", 4},
		{"de:ad:??:ef", "DE AD ?? EF", 4},
		{"  dead\t??ef  ", "DE AD ?? EF", 4},
		{"0xDE, 0xad, 0Xbe", "DE AD BE", 3},
		{"0x1 ?? 0xF", "01 ?? 0F", 3},
		{"de\nad", "DE AD", 2},
		{"??41", "?? 41", 2},
		{"00", "00", 1},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParseHexPattern(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if got := p.Len(); got != tt.len {
				t.Errorf("Len() = %d, want %d", got, tt.len)
			}
		})
	}
}

func TestParseHexPatternErrors(t *testing.T) {
	const hint = "write each byte as two digits 0-9 a-f, like de ad be ef, or ?? for any byte"
	tests := []struct{ in, want string }{
		{"", `empty hex pattern: type bytes such as DE AD ?? EF`},
		{" : ", `empty hex pattern: type bytes such as DE AD ?? EF`},
		{"xyz", `hex pattern "xyz": 'x' in "xyz" is not a hex digit: ` + hint},
		{"DEA", `hex pattern "DEA": odd number of digits in "DEA": write each byte as two digits, like 0f`},
		{"de a d", `hex pattern "de a d": odd number of digits in "a": write each byte as two digits, like 0f`},
		{"d?", `hex pattern "d?": "d?" is not a hex byte: ` + hint},
		{"0x", `hex pattern "0x": "0x" holds no digits: after 0x give one byte, like 0x0f`},
		{"0xDEAD", `hex pattern "0xDEAD": "0xDEAD" reads as a number, whose byte order is unknown: write bytes without 0x (de ad) or with one 0x per byte (0xde 0xad)`},
		{"+1", `hex pattern "+1": "+1" is not a hex byte: ` + hint},
		{"?? ??", `hex pattern "?? ??": only ?? wildcards: give at least one byte (t: searches for the text)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParseHexPattern(tt.in)
			if err == nil {
				t.Fatalf("ParseHexPattern(%q) = %q, want an error", tt.in, p)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTextPatterns(t *testing.T) {
	tests := []struct {
		name    string
		make    func() (Pattern, error)
		wantStr string
		wantLen int
		data    string
		want    int64
	}{
		{"text", func() (Pattern, error) { return TextPattern("Hi", false) }, `"Hi"`, 2, "hi HI Hi", 6},
		{"text ignore case", func() (Pattern, error) { return TextPattern("Hi", true) }, `"Hi" (ignore case)`, 2, "xx hI", 3},
		{"text ignore case keeps non-letters exact", func() (Pattern, error) { return TextPattern("a[", true) }, `"a[" (ignore case)`, 2, "A{ a[", 3},
		{"text non-ASCII exact", func() (Pattern, error) { return TextPattern("é", true) }, `"é" (ignore case)`, 2, "É é", 3},
		{"UTF-16", func() (Pattern, error) { return UTF16Pattern("Ab", false) }, `UTF-16 "Ab"`, 4, "ab\x00A\x00b\x00", 3},
		{"UTF-16 ignore case", func() (Pattern, error) { return UTF16Pattern("Ab", true) }, `UTF-16 "Ab" (ignore case)`, 4, "A\x01b\x00a\x00B\x00", 4},
		{"UTF-16 ignore case folds ASCII only", func() (Pattern, error) { return UTF16Pattern("Ł", true) }, `UTF-16 "Ł" (ignore case)`, 2, "a\x01A\x01", 2},
		{"UTF-16 surrogate pair", func() (Pattern, error) { return UTF16Pattern("😀", false) }, `UTF-16 "😀"`, 4, "x\x3d\xd8\x00\xde", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.make()
			if err != nil {
				t.Fatal(err)
			}
			if got := p.String(); got != tt.wantStr {
				t.Errorf("String() = %q, want %q", got, tt.wantStr)
			}
			if got := p.Len(); got != tt.wantLen {
				t.Errorf("Len() = %d, want %d", got, tt.wantLen)
			}
			got, err := Search(context.Background(), &chunkedScanner{data: []byte(tt.data), chunk: 64}, p, 0, false, nil)
			if err != nil || got != tt.want {
				t.Errorf("Search(%q) = %d, %v; want %d", tt.data, got, err, tt.want)
			}
		})
	}
}

func TestTextPatternErrors(t *testing.T) {
	tests := []struct {
		name string
		make func() (Pattern, error)
		want string
	}{
		{"empty text", func() (Pattern, error) { return TextPattern("", true) }, "empty text pattern: type the text to search for"},
		{"empty UTF-16", func() (Pattern, error) { return UTF16Pattern("", false) }, "empty UTF-16 pattern: type the text to search for"},
		{"invalid UTF-8", func() (Pattern, error) { return UTF16Pattern("a\xff", false) }, `UTF-16 pattern "a\xff" is not valid UTF-8 text`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.make()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	data := []byte("..DE AD BE EF..\xde\xad\xbe\xef..\xde\xad\x00\xef..Needle..nEEDLE..")
	tests := []struct {
		name     string
		pattern  Pattern
		from     int64
		backward bool
		want     int64 // -1: not found
	}{
		{"literal forward", mustHexPattern(t, "DEADBEEF"), 0, false, 15},
		{"literal forward from the match", mustHexPattern(t, "DEADBEEF"), 15, false, 15},
		{"literal forward past the match", mustHexPattern(t, "DEADBEEF"), 16, false, -1},
		{"wildcard forward", mustHexPattern(t, "de ad ?? ef"), 16, false, 21},
		{"wildcard backward", mustHexPattern(t, "de ad ?? ef"), 21, true, 15},
		{"backward from the end", mustHexPattern(t, "de ad ?? ef"), int64(len(data)), true, 21},
		{"backward before the first", mustHexPattern(t, "de ad ?? ef"), 15, true, -1},
		{"backward from past the end", mustHexPattern(t, "de ad ?? ef"), 1 << 40, true, 21},
		{"forward from before the start", mustHexPattern(t, "DEADBEEF"), -5, false, 15},
		{"forward from past the end", mustHexPattern(t, "2E"), 1 << 40, false, -1},
		{"backward from the start", mustHexPattern(t, "2E"), 0, true, -1},
		{"text", mustPattern(TextPattern("DE AD", false)), 0, false, 2},
		{"text ignore case", mustPattern(TextPattern("needle", true)), 28, false, 35},
		{"text ignore case backward", mustPattern(TextPattern("NEEDLE", true)), 35, true, 27},
		{"text case-sensitive", mustPattern(TextPattern("Needle", false)), 30, false, -1},
		{"pattern longer than data", mustPattern(TextPattern(strings.Repeat("x", 100), false)), 0, false, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Search(context.Background(), &chunkedScanner{data: data, chunk: 7}, tt.pattern, tt.from, tt.backward, nil)
			if tt.want < 0 {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("Search = %d, %v; want ErrNotFound", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Search = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func mustPattern(p Pattern, err error) Pattern {
	if err != nil {
		panic(err)
	}
	return p
}

// refPattern is the meaning of a pattern, independent of how Search compiles it: per position,
// a byte, or any byte, and whether ASCII letters match in either case.
type refPattern struct {
	bytes []byte
	any   []bool
	// foldUnit is 0 for exact letters, else the code unit size in bytes whose first byte folds
	// when the unit is an ASCII letter.
	foldUnit int
}

func (r refPattern) matchesAt(data []byte, p int) bool {
	if p+len(r.bytes) > len(data) {
		return false
	}
	for j, want := range r.bytes {
		got := data[p+j]
		if r.any[j] || got == want {
			continue
		}
		if r.foldUnit == 0 || j%r.foldUnit != 0 || !asciiLetterUnit(r.bytes[j:j+r.foldUnit]) {
			return false
		}
		if refLower(got) != refLower(want) {
			return false
		}
	}
	return true
}

func asciiLetterUnit(u []byte) bool {
	c := refLower(u[0])
	for _, hi := range u[1:] {
		if hi != 0 {
			return false
		}
	}
	return c >= 'a' && c <= 'z'
}

func refLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// refSearch is Search by brute force.
func refSearch(data []byte, r refPattern, from int64, backward bool) int64 {
	if backward {
		for p := min(from, int64(len(data))) - 1; p >= 0; p-- {
			if r.matchesAt(data, int(p)) {
				return p
			}
		}
		return -1
	}
	for p := max(from, 0); p < int64(len(data)); p++ {
		if r.matchesAt(data, int(p)) {
			return p
		}
	}
	return -1
}

// searchAlphabet makes random data dense in matches and in near misses: letters in both cases,
// zeros (UTF-16 high bytes), and bytes that differ from letters by the case bit only.
const searchAlphabet = "aAbB\x00\x00\x01\xde\xad\xef\x41\x61[{"

// randomPattern makes a pattern of one of the three kinds, usually taken from data so it occurs,
// with a few bytes changed, together with its reference meaning.
func randomPattern(rng *rand.Rand, data []byte) (Pattern, refPattern, error) {
	n := 1 + rng.IntN(12)
	src := make([]byte, n)
	if rng.IntN(4) > 0 && n <= len(data) {
		copy(src, data[rng.IntN(len(data)-n+1):])
	} else {
		for i := range src {
			src[i] = searchAlphabet[rng.IntN(len(searchAlphabet))]
		}
	}
	ignoreCase := rng.IntN(2) == 0
	switch rng.IntN(3) {
	case 0:
		r := refPattern{bytes: src, any: make([]bool, n)}
		var words []string
		for i, c := range src {
			if rng.IntN(4) == 0 {
				r.any[i] = true
				words = append(words, "??")
			} else {
				words = append(words, fmt.Sprintf("%02x", c))
			}
		}
		if !slices.Contains(r.any, false) {
			r.any[0] = false
			words[0] = fmt.Sprintf("%02x", src[0])
		}
		p, err := ParseHexPattern(strings.Join(words, " "))
		return p, r, err
	case 1:
		r := refPattern{bytes: src, any: make([]bool, n)}
		if ignoreCase {
			r.foldUnit = 1
		}
		p, err := TextPattern(string(src), ignoreCase)
		return p, r, err
	default:
		text := strings.ToValidUTF8(string(src), "é")
		var b []byte
		for _, u := range utf16.Encode([]rune(text)) {
			b = append(b, byte(u), byte(u>>8))
		}
		r := refPattern{bytes: b, any: make([]bool, len(b))}
		if ignoreCase {
			r.foldUnit = 2
		}
		p, err := UTF16Pattern(text, ignoreCase)
		return p, r, err
	}
}

// TestSearchMatchesReference compares Search with brute force over random data and patterns,
// with blocks and chunks small enough that matches straddle both.
func TestSearchMatchesReference(t *testing.T) {
	const rounds = 3000
	rng := rand.New(rand.NewPCG(1, 2))
	setSearchBlock(t, searchBlock)
	found := 0
	for round := range rounds {
		data := make([]byte, rng.IntN(300))
		for i := range data {
			data[i] = searchAlphabet[rng.IntN(len(searchAlphabet))]
		}
		p, ref, err := randomPattern(rng, data)
		if err != nil {
			t.Fatal(err)
		}
		searchBlock = 1 + rng.Int64N(40)
		s := &chunkedScanner{data: data, chunk: 1 + rng.IntN(50)}
		from := rng.Int64N(int64(len(data))+3) - 1
		backward := rng.IntN(2) == 0
		want := refSearch(data, ref, from, backward)
		got, err := Search(context.Background(), s, p, from, backward, nil)
		if want < 0 && !errors.Is(err, ErrNotFound) || want >= 0 && (err != nil || got != want) {
			t.Fatalf("round %d: Search(%x, %s, from %d, backward %v) with blocks of %d, chunks of %d = %d, %v; want %d",
				round, data, p, from, backward, searchBlock, s.chunk, got, err, want)
		}
		if want >= 0 {
			found++
		}
	}
	// Both outcomes must be common, or the comparison proves little.
	if found < rounds/4 || found > rounds*3/4 {
		t.Errorf("%d of %d rounds found a match, want between a quarter and three quarters", found, rounds)
	}
}

// TestSearchLargeWindows plants one match on each edge of the windows the ignore-case and
// backward searches cut a chunk into, which the small random cases never fill.
func TestSearchLargeWindows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	unit := make([]byte, 997)
	for i := range unit {
		unit[i] = "bcdBCD"[rng.IntN(len("bcdBCD"))]
	}
	data := bytes.Repeat(unit, (2*maxBackWindow+12345)/len(unit))
	tests := []struct {
		name    string
		planted string
		pattern Pattern
		edges   []int
	}{
		// Every b or B is a candidate for the anchor, the first letter, and x never occurs,
		// so only the planted copy matches.
		{"ignore case", "BcDbCX", mustPattern(TextPattern("bcdbcx", true)), []int{foldWindow, 2 * foldWindow, 3 * foldWindow}},
		{"backward", "xyzzy", mustPattern(TextPattern("xyzzy", false)), nil},
	}
	// Backward windows end where the last possible match starts and grow from there.
	top := len(data) - len("xyzzy") + 1
	for window := firstBackWindow; top > 0; window = min(2*window, maxBackWindow) {
		top -= window
		tests[1].edges = append(tests[1].edges, top)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, edge := range tt.edges {
				for _, at := range []int{edge - 1, edge, edge + 1} {
					if at < 0 {
						continue
					}
					buf := slices.Clone(data)
					copy(buf[at:], tt.planted)
					s := &chunkedScanner{data: buf, chunk: len(buf)}
					if got, err := Search(context.Background(), s, tt.pattern, 0, false, nil); err != nil || got != int64(at) {
						t.Errorf("forward to a match at %d: got %d, %v", at, got, err)
					}
					if got, err := Search(context.Background(), s, tt.pattern, int64(len(buf)), true, nil); err != nil || got != int64(at) {
						t.Errorf("backward to a match at %d: got %d, %v", at, got, err)
					}
				}
			}
		})
	}
}

// TestSearchBackwardDense checks that a backward search over data matching everywhere takes the
// last match.
func TestSearchBackwardDense(t *testing.T) {
	data := make([]byte, 8<<20)
	s := &chunkedScanner{data: data, chunk: len(data)}
	got, err := Search(context.Background(), s, mustHexPattern(t, "00 ?? 00"), int64(len(data)), true, nil)
	if want := int64(len(data) - 3); err != nil || got != want {
		t.Errorf("Search = %d, %v; want %d", got, err, want)
	}
}

func TestSearchProgress(t *testing.T) {
	setSearchBlock(t, 100)
	data := bytes.Repeat([]byte("abc"), 1000)
	for _, backward := range []bool{false, true} {
		t.Run(fmt.Sprint("backward=", backward), func(t *testing.T) {
			var calls [][2]int64
			_, err := Search(context.Background(), &chunkedScanner{data: data, chunk: 64}, mustHexPattern(t, "FF"), 250, backward,
				func(done, total int64) { calls = append(calls, [2]int64{done, total}) })
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("Search error %v, want ErrNotFound", err)
			}
			wantTotal := int64(len(data) - 250)
			if backward {
				wantTotal = 250
			}
			if len(calls) == 0 {
				t.Fatal("progress never called")
			}
			for i, c := range calls {
				if c[1] != wantTotal {
					t.Errorf("call %d: total %d, want %d", i, c[1], wantTotal)
				}
				if i > 0 && c[0] <= calls[i-1][0] {
					t.Errorf("call %d: done %d after %d, want it growing", i, c[0], calls[i-1][0])
				}
			}
			if last := calls[len(calls)-1]; last[0] != wantTotal {
				t.Errorf("last call done %d, want %d", last[0], wantTotal)
			}
		})
	}
}

func TestSearchCancelled(t *testing.T) {
	setSearchBlock(t, 100)
	data := make([]byte, 10000)
	copy(data[9000:], "found")
	pat := mustPattern(TextPattern("found", false))

	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		s := &chunkedScanner{data: data, chunk: 64}
		if got, err := Search(ctx, s, pat, 0, false, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("Search = %d, %v; want context.Canceled", got, err)
		}
		if s.scanned != 0 {
			t.Errorf("scanned %d bytes after cancellation, want 0", s.scanned)
		}
	})
	t.Run("during", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var blocks int
		s := &chunkedScanner{data: data, chunk: 64}
		got, err := Search(ctx, s, pat, 0, false, func(done, total int64) {
			blocks++
			if blocks == 3 {
				cancel()
			}
		})
		if err != context.Canceled {
			t.Errorf("Search = %d, %v; want context.Canceled", got, err)
		}
		if s.scanned > 400 {
			t.Errorf("scanned %d bytes, want the search to stop after 3 blocks of 100", s.scanned)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 0)
		defer cancel()
		if got, err := Search(ctx, &chunkedScanner{data: data, chunk: 64}, pat, int64(len(data)), true, nil); err != context.DeadlineExceeded {
			t.Errorf("Search = %d, %v; want context.DeadlineExceeded", got, err)
		}
	})
}

func TestSearchErrors(t *testing.T) {
	t.Run("no pattern", func(t *testing.T) {
		_, err := Search(context.Background(), &chunkedScanner{data: []byte("abc"), chunk: 4}, Pattern{}, 0, false, nil)
		if err == nil || err.Error() != "no search pattern" {
			t.Errorf("error %v, want no search pattern", err)
		}
	})
	t.Run("fault", func(t *testing.T) {
		_, err := Search(context.Background(), faultingScanner{size: 100}, mustHexPattern(t, "00"), 0, false, nil)
		if !errors.Is(err, mmap.ErrFault) {
			t.Errorf("error %v, want one wrapping mmap.ErrFault", err)
		}
		if want := "search at 0x0: "; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %v, want it to start with %q", err, want)
		}
	})
}

// TestSearchMapping searches a real mapping, then the same mapping after the file shrank under it.
func TestSearchMapping(t *testing.T) {
	path := filepath.Join(testdir.New(t), "data.bin")
	data := make([]byte, 1<<20)
	copy(data[700000:], "\x12\x34\x56\x78")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := mmap.Open(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	pat := mustHexPattern(t, "12 ?? 56")
	if got, err := Search(context.Background(), m, pat, 0, false, nil); err != nil || got != 700000 {
		t.Errorf("forward = %d, %v; want 700000", got, err)
	}
	if got, err := Search(context.Background(), m, pat, m.Size(), true, nil); err != nil || got != 700000 {
		t.Errorf("backward = %d, %v; want 700000", got, err)
	}
	if runtime.GOOS == "windows" {
		t.Log("Windows refuses to truncate a mapped file; the fault case is covered by TestSearchErrors")
		return
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Search(context.Background(), m, pat, 0, false, nil); !errors.Is(err, mmap.ErrFault) {
		t.Errorf("search of a truncated file: error %v, want one wrapping mmap.ErrFault", err)
	}
}

func FuzzParseHexPattern(f *testing.F) {
	for _, s := range []string{"DEADBEEF", "de ad ?? ef", "de:ad:??:ef", "0xdead", "0xde, 0xad", "xyz", "?? ??", "", "a", "\t00\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseHexPattern(s)
		if err != nil {
			return
		}
		again, err := ParseHexPattern(p.String())
		if err != nil {
			t.Fatalf("ParseHexPattern(%q).String() = %q, which does not parse: %v", s, p, err)
		}
		if again.String() != p.String() || !bytes.Equal(again.want, p.want) || !bytes.Equal(again.or, p.or) {
			t.Fatalf("ParseHexPattern(%q) = %q, but its String parses as %q", s, p, again)
		}
		if p.Len() == 0 || p.Len() != len(p.or) {
			t.Fatalf("ParseHexPattern(%q): Len %d with %d masks", s, p.Len(), len(p.or))
		}
	})
}

// The benchmarks search a page-cached file through mmap, as mmhex does: 1 GiB, or 64 MiB with
// -short, made of a repeating pseudo-random 1 MiB block so that first-byte scans see realistic
// hit rates. None of the patterns occurs in it.
var (
	searchBenchOnce sync.Once
	searchBenchPath string
	searchBenchErr  error
)

const searchBenchBlockSize = 1 << 20

func searchBenchBlock() []byte {
	rng := rand.New(rand.NewPCG(5, 6))
	block := make([]byte, searchBenchBlockSize)
	for i := range block {
		block[i] = byte(rng.Uint32())
	}
	return block
}

func searchBenchMapping(b *testing.B) *mmap.Mapping {
	b.Helper()
	searchBenchOnce.Do(func() {
		size := int64(1 << 30)
		if testing.Short() {
			size = 64 << 20
		}
		var dir string
		if dir, searchBenchErr = os.MkdirTemp("", "mmhex-editor-bench"); searchBenchErr != nil {
			return
		}
		searchBenchPath = filepath.Join(dir, "search.bin")
		f, err := os.Create(searchBenchPath)
		if err != nil {
			searchBenchErr = err
			return
		}
		block := searchBenchBlock()
		for written := int64(0); written < size && err == nil; written += searchBenchBlockSize {
			_, err = f.Write(block)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		searchBenchErr = err
	})
	if searchBenchErr != nil {
		b.Fatal(searchBenchErr)
	}
	m, err := mmap.Open(searchBenchPath, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	// One pass loads the file into the page cache and maps its pages before timing starts.
	if err := m.Scan(0, m.Size(), 0, func(chunk []byte, at int64) error { bytes.Count(chunk, []byte{0}); return nil }); err != nil {
		b.Fatal(err)
	}
	return m
}

func removeSearchBenchFile() {
	if searchBenchPath != "" {
		os.RemoveAll(filepath.Dir(searchBenchPath))
	}
}

// benchSearch checks the pattern does not occur, even across the repeats of the block, then
// times a forward search over the whole file.
func runSearchBench(b *testing.B, p Pattern, backward bool) {
	m := searchBenchMapping(b)
	twice := append(searchBenchBlock(), searchBenchBlock()[:p.Len()]...)
	if i := p.index(twice); i >= 0 {
		b.Fatalf("%s occurs in the benchmark data at %d", p, i)
	}
	from := int64(0)
	if backward {
		from = m.Size()
	}
	b.SetBytes(m.Size())
	for b.Loop() {
		if _, err := Search(context.Background(), m, p, from, backward, nil); !errors.Is(err, ErrNotFound) {
			b.Fatal(err)
		}
	}
}

var searchBenchNeedle = []byte("mmhex-needle-absent")

func BenchmarkSearchLiteral(b *testing.B) {
	runSearchBench(b, mustPattern(TextPattern(string(searchBenchNeedle), false)), false)
}

func BenchmarkSearchLiteralBackward(b *testing.B) {
	runSearchBench(b, mustPattern(TextPattern(string(searchBenchNeedle), false)), true)
}

// BenchmarkBytesIndexBaseline is the ceiling for BenchmarkSearchLiteral: one bytes.Index over the
// whole mapping.
func BenchmarkBytesIndexBaseline(b *testing.B) {
	m := searchBenchMapping(b)
	b.SetBytes(m.Size())
	for b.Loop() {
		err := m.Scan(0, m.Size(), len(searchBenchNeedle)-1, func(chunk []byte, at int64) error {
			if bytes.Contains(chunk, searchBenchNeedle) {
				return errors.New("needle found")
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearchWildcard(b *testing.B) {
	runSearchBench(b, mustPattern(ParseHexPattern("de ad ?? ef be")), false)
}

func BenchmarkSearchTextIgnoreCase(b *testing.B) {
	runSearchBench(b, mustPattern(TextPattern("FindMeIfYouCan", true)), false)
}

func BenchmarkSearchUTF16IgnoreCase(b *testing.B) {
	runSearchBench(b, mustPattern(UTF16Pattern("FindMeIfYouCan", true)), false)
}
