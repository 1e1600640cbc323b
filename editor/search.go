package editor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mmhex/mmhex/internal/byteconv"
)

// Scanner is what Search needs of the mapped object (a *mmap.Mapping satisfies it): zero-copy
// chunks of [off, off+length), each after the first starting overlap bytes early, so that a
// pattern of overlap+1 bytes lies whole in exactly one chunk.
type Scanner interface {
	Size() int64
	Scan(off, length int64, overlap int, fn func(chunk []byte, at int64) error) error
}

// ErrNotFound is returned by Search when no match lies in the searched part of the data.
var ErrNotFound = errors.New("not found")

// searchBlock is how many match positions Search covers between two progress reports and
// cancellation checks: about 10–20 ms of work at memory speed. Tests shrink it to cross block edges.
var searchBlock int64 = 64 << 20

// Pattern is a compiled search pattern: each position takes one byte, an ASCII letter in either
// case, or any byte. The zero Pattern matches nothing; build one with ParseHexPattern,
// TextPattern or UTF16Pattern.
type Pattern struct {
	desc string
	// A data byte d matches position j when d|or[j] == want[j]: or is 0 for an exact byte, 0x20
	// for an ASCII letter in either case (want holds the lower case), 0xFF for a wildcard.
	want, or []byte
	// The anchor is the part of the pattern searched for with the fast byte routines; candidates
	// it finds are verified against the whole pattern. An exact anchor is the literal run
	// want[anchorAt:anchorAt+anchorLen]; otherwise it is the single letter at anchorAt.
	anchorAt, anchorLen int
	anchorExact         bool
}

// Len returns the number of bytes a match spans.
func (p Pattern) Len() int { return len(p.want) }

// String describes the pattern for the status bar. A hex pattern prints as hex bytes that
// ParseHexPattern reads back; text patterns print quoted, with their encoding and case rule.
func (p Pattern) String() string { return p.desc }

// ErrOnlyWildcards refuses a hex pattern that would match anything.
var ErrOnlyWildcards = errors.New("only ?? wildcards: give at least one byte (t: searches for the text)")

// ParseHexPattern reads hex bytes as byteconv.ParseHex does, with ?? for any byte: "DEADBEEF",
// "de ad ?? ef", "de:ad:??:ef" and "0xde, 0xad, ??, 0xef" are the same pattern.
func ParseHexPattern(s string) (Pattern, error) {
	b, wild, err := byteconv.ParseHexWildcards(s)
	if err != nil {
		return Pattern{}, fmt.Errorf("hex pattern %q: %w", s, err)
	}
	want, or := b, make([]byte, len(b))
	for i, w := range wild {
		if w {
			want[i], or[i] = 0xFF, 0xFF
		}
	}
	if len(want) == 0 {
		return Pattern{}, errors.New("empty hex pattern: type bytes such as DE AD ?? EF")
	}
	if bytes.Count(or, []byte{0xFF}) == len(or) {
		return Pattern{}, fmt.Errorf("hex pattern %q: %w", s, ErrOnlyWildcards)
	}
	desc := make([]string, len(want))
	for i := range want {
		if or[i] == 0xFF {
			desc[i] = "??"
		} else {
			desc[i] = fmt.Sprintf("%02X", want[i])
		}
	}
	return newPattern(strings.Join(desc, " "), want, or), nil
}

// TextPattern matches the UTF-8 bytes of s. With ignoreCase, ASCII letters match in either case;
// other characters match exactly.
func TextPattern(s string, ignoreCase bool) (Pattern, error) {
	if s == "" {
		return Pattern{}, errors.New("empty text pattern: type the text to search for")
	}
	return foldPattern(describeText("", s, ignoreCase), []byte(s), 1, ignoreCase), nil
}

// UTF16Pattern matches s encoded as UTF-16LE, as Windows stores text. With ignoreCase, ASCII
// letters match in either case.
func UTF16Pattern(s string, ignoreCase bool) (Pattern, error) {
	if s == "" {
		return Pattern{}, errors.New("empty UTF-16 pattern: type the text to search for")
	}
	if !utf8.ValidString(s) {
		return Pattern{}, fmt.Errorf("UTF-16 pattern %q is not valid UTF-8 text", s)
	}
	units := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = append(b, byte(u), byte(u>>8))
	}
	return foldPattern(describeText("UTF-16 ", s, ignoreCase), b, 2, ignoreCase), nil
}

func describeText(encoding, s string, ignoreCase bool) string {
	desc := encoding + strconv.Quote(s)
	if ignoreCase {
		desc += " (ignore case)"
	}
	return desc
}

// foldPattern builds a pattern from b whose code units are unit bytes long, little-endian. With
// ignoreCase, a unit holding an ASCII letter matches it in either case; the other bytes of the
// unit stay exact, so a UTF-16 'a' never matches 0x0141.
func foldPattern(desc string, b []byte, unit int, ignoreCase bool) Pattern {
	want, or := make([]byte, len(b)), make([]byte, len(b))
	copy(want, b)
	for i := 0; ignoreCase && i+unit <= len(b); i += unit {
		if isLetter(b[i]) && allZero(b[i+1:i+unit]) {
			want[i], or[i] = b[i]|0x20, 0x20
		}
	}
	return newPattern(desc, want, or)
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// newPattern chooses the anchor: the exact run or single letter expected to occur least often in
// typical data, so the fewest candidates need verifying. For a literal pattern that is the whole
// pattern, searched with bytes.Index and never verified.
func newPattern(desc string, want, or []byte) Pattern {
	p := Pattern{desc: desc, want: want, or: or}
	best := 2.0
	for i := 0; i < len(want); {
		switch or[i] {
		case 0xFF:
			i++
		case 0x20:
			if f := byteFreq(want[i]) + byteFreq(want[i]&^0x20); f < best {
				best, p.anchorAt, p.anchorLen, p.anchorExact = f, i, 1, false
			}
			i++
		default:
			j, f := i, 1.0
			for ; j < len(want) && or[j] == 0; j++ {
				f *= byteFreq(want[j])
			}
			if f < best {
				best, p.anchorAt, p.anchorLen, p.anchorExact = f, i, j-i, true
			}
			i = j
		}
	}
	return p
}

// byteFreq is a rough share of c among the bytes of typical files (zero-filled regions, text,
// machine code), used only to rank anchors.
func byteFreq(c byte) float64 {
	switch {
	case c == 0x00:
		return 0.25
	case c == 0xFF || c == ' ':
		return 0.06
	case strings.IndexByte("etaoinshrdlu", c) >= 0:
		return 0.03
	case c >= 'a' && c <= 'z', c >= '0' && c <= '9', strings.IndexByte("\n\r\t.,:;-_/=", c) >= 0:
		return 0.01
	case c >= 'A' && c <= 'Z':
		return 0.005
	default:
		return 0.002
	}
}

// verify reports whether b, which is p.Len() bytes long, matches p.
func (p *Pattern) verify(b []byte) bool {
	want, or := p.want, p.or[:len(p.want)]
	b = b[:len(want)]
	for j := range want {
		if b[j]|or[j] != want[j] {
			return false
		}
	}
	return true
}

// index returns the start of the first match lying whole in b, or -1.
func (p *Pattern) index(b []byte) int {
	n := len(p.want)
	if len(b) < n {
		return -1
	}
	if p.anchorExact && p.anchorLen == n {
		return bytes.Index(b, p.want)
	}
	k := p.anchorAt
	// Anchor occurrences are looked for in b[k:end]: those further out leave no room for the
	// pattern around them.
	end := len(b) - (n - k - p.anchorLen)
	if p.anchorExact {
		anchor := p.want[k : k+p.anchorLen]
		for lo := k; lo+p.anchorLen <= end; {
			i := bytes.Index(b[lo:end], anchor)
			if i < 0 {
				return -1
			}
			start := lo + i - k
			if p.verify(b[start:]) {
				return start
			}
			lo += i + 1
		}
		return -1
	}
	return p.indexLetter(b, end)
}

// foldWindow is how much of the data indexLetter looks at at once: both case streams read the
// same bytes, so the second reads them from the processor's cache.
const foldWindow = 32 << 10

// indexLetter is index for an anchor that is one ASCII letter in either case. bytes.IndexAny
// would test byte by byte; two bytes.IndexByte streams, merged, run at memory speed, and each
// keeps its next hit so no byte is scanned twice by the same stream.
func (p *Pattern) indexLetter(b []byte, end int) int {
	k := p.anchorAt
	lower, upper := p.want[k], p.want[k]&^0x20
	for ws := k; ws < end; ws += foldWindow {
		w := b[ws:min(ws+foldWindow, end)]
		nextLower, nextUpper := indexByteFrom(w, 0, lower), indexByteFrom(w, 0, upper)
		for nextLower >= 0 || nextUpper >= 0 {
			var c int
			if nextUpper < 0 || (nextLower >= 0 && nextLower < nextUpper) {
				c, nextLower = nextLower, indexByteFrom(w, nextLower+1, lower)
			} else {
				c, nextUpper = nextUpper, indexByteFrom(w, nextUpper+1, upper)
			}
			if start := ws + c - k; p.verify(b[start:]) {
				return start
			}
		}
	}
	return -1
}

func indexByteFrom(b []byte, from int, c byte) int {
	i := bytes.IndexByte(b[from:], c)
	if i < 0 {
		return -1
	}
	return from + i
}

// Windows lastIndex searches, from the end backwards: small first, so a match near the end is
// found at once even where matches are dense, then growing, so a long stretch without one is
// crossed at the speed of the forward search.
const (
	firstBackWindow = 4 << 10
	maxBackWindow   = 1 << 20
)

// lastIndex returns the start of the last match lying whole in b, or -1.
func (p *Pattern) lastIndex(b []byte) int {
	n := len(p.want)
	window := firstBackWindow
	// Matches starting in [lo, top) are looked for, in b[lo:top-1+n].
	for top := len(b) - n + 1; top > 0; {
		lo := max(0, top-window)
		w := b[lo : top-1+n]
		last := -1
		for from := 0; ; {
			i := p.index(w[from:])
			if i < 0 {
				break
			}
			last = from + i
			from = last + 1
		}
		if last >= 0 {
			return lo + last
		}
		top, window = lo, min(2*window, maxBackWindow)
	}
	return -1
}

// errStop ends a Scan once its callback has found what it looks for.
var errStop = errors.New("stop scanning")

// Search looks in s for p: forward, for the first match starting at or after from; backward, for
// the last match starting before from. It does not wrap around. It returns the match's offset,
// ErrNotFound, ctx.Err() when ctx is cancelled, or a Scan error (such as mmap.ErrFault) wrapped.
// progress, when not nil, is called after each block of work with the bytes searched so far out
// of total, the size of the part searched; a search that reaches its end reports done == total.
func Search(ctx context.Context, s Scanner, p Pattern, from int64, backward bool, progress func(done, total int64)) (int64, error) {
	n := p.Len()
	if n == 0 {
		return -1, errors.New("no search pattern")
	}
	size := s.Size()
	// Blocks partition the offsets where a match may start; each is scanned with the n-1 bytes
	// after it, so every match is seen in the block it starts in and in no other.
	lo, hi := max(from, 0), size
	if backward {
		lo, hi = 0, min(from, size)
	}
	total := hi - lo
	var done int64
	for done < total {
		if err := ctx.Err(); err != nil {
			return -1, err
		}
		length := min(searchBlock, total-done)
		start := lo + done
		if backward {
			start = hi - done - length
		}
		found, err := searchBlockAt(ctx, s, &p, start, length, backward)
		if err != nil || found >= 0 {
			return found, err
		}
		done += length
		if progress != nil {
			progress(done, total)
		}
	}
	return -1, ErrNotFound
}

// searchBlockAt looks for a match starting in [start, start+length): the first one, or the last
// when backward. It returns -1 when there is none.
func searchBlockAt(ctx context.Context, s Scanner, p *Pattern, start, length int64, backward bool) (int64, error) {
	n := p.Len()
	scanEnd := min(start+length+int64(n-1), s.Size())
	if scanEnd-start < int64(n) {
		return -1, nil
	}
	found := int64(-1)
	err := s.Scan(start, scanEnd-start, n-1, func(chunk []byte, at int64) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if backward {
			if i := p.lastIndex(chunk); i >= 0 {
				found = at + int64(i)
			}
			return nil
		}
		if i := p.index(chunk); i >= 0 {
			found = at + int64(i)
			return errStop
		}
		return nil
	})
	switch {
	case err == nil, errors.Is(err, errStop):
		return found, nil
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return -1, ctx.Err()
	default:
		return -1, fmt.Errorf("search at 0x%X: %w", start, err)
	}
}
