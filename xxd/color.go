package xxd

// Class is a kind of byte that a coloured dump shows in its own colour.
type Class uint8

// The byte classes, as hexyl draws them.
const (
	// Null is the byte 0x00.
	Null Class = iota
	// Printable is printable ASCII, 0x21–0x7e.
	Printable
	// Whitespace is ASCII white space: space, \t, \n, \v, \f, \r.
	Whitespace
	// Control is the other ASCII control bytes, 0x01–0x1f and 0x7f.
	Control
	// NonASCII is 0x80–0xff.
	NonASCII
)

// ClassOf returns the class of b.
func ClassOf(b byte) Class {
	switch {
	case b == 0:
		return Null
	case b == ' ' || (b >= '\t' && b <= '\r'):
		return Whitespace
	case b > ' ' && b < 0x7f:
		return Printable
	case b < 0x80:
		return Control
	}
	return NonASCII
}

// classColors are the SGR sequences that start each class's colour: bright black, cyan, green,
// magenta, yellow.
var classColors = [...]string{
	Null:       "\x1b[90m",
	Printable:  "\x1b[36m",
	Whitespace: "\x1b[32m",
	Control:    "\x1b[35m",
	NonASCII:   "\x1b[33m",
}

// colorReset ends a colour.
const colorReset = "\x1b[0m"

// byteClasses caches ClassOf for the formatting loop.
var byteClasses = func() (t [256]Class) {
	for i := range t {
		t[i] = ClassOf(byte(i))
	}
	return t
}()

// colorLen is the length of every sequence in classColors.
const colorLen = 5

// coloredHex and coloredText hold, for each byte, its class's colour sequence followed by its
// hex digits or its text character, so that a change of colour costs one append.
var coloredHex, coloredText = func() (hex [256][colorLen + 2]byte, text [256][colorLen + 1]byte) {
	for i := range hex {
		seq := classColors[byteClasses[i]]
		copy(hex[i][:], seq)
		hex[i][colorLen], hex[i][colorLen+1] = hexDigits[i][0], hexDigits[i][1]
		copy(text[i][:], seq)
		text[i][colorLen] = textChars[i]
	}
	return hex, text
}()

// formatColor appends one coloured row. Colours change only where the class changes, and are
// reset before the padding and at the end of the line, so that the layout is xxd's once the
// escape sequences are taken out.
func (e *Encoder) formatColor(b []byte, at int64) {
	out := appendOffset(e.out, at)
	const none = Class(255)
	current := none
	inGroup := 0
	for _, c := range b {
		if inGroup == e.group {
			out = append(out, ' ')
			inGroup = 0
		}
		inGroup++
		if k := byteClasses[c]; k != current {
			out = append(out, coloredHex[c][:]...)
			current = k
			continue
		}
		d := hexDigits[c]
		out = append(out, d[0], d[1])
	}
	if current != none {
		out = append(out, colorReset...)
	}
	written := 0
	if len(b) > 0 {
		written = e.hexPos[len(b)-1] + 2
	}
	out = append(out, e.blank[:e.hexWidth+2-written]...)
	current = none
	for _, c := range b {
		if k := byteClasses[c]; k != current {
			out = append(out, coloredText[c][:]...)
			current = k
			continue
		}
		out = append(out, textChars[c])
	}
	if current != none {
		out = append(out, colorReset...)
	}
	e.out = append(out, '\n')
}
