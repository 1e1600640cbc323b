package keymap

import "strings"

// Kind says what the keys fed to a Resolver so far amount to.
type Kind int

const (
	// Unbound means the keys run nothing; the resolver has started afresh.
	Unbound Kind = iota
	// Pending means the keys begin a sequence or a count: feed the next key.
	Pending
	// Matched means the keys run Result.Action.
	Matched
)

// maxCount caps a typed count, so that holding a digit down cannot overflow it.
const maxCount = 999_999_999

// Result is the resolver's answer to one key.
type Result struct {
	Kind   Kind
	Action string // the action run, when Kind is Matched
	// Count is the number typed before the keys in a preset with counts ("5 j"), 0 when none.
	Count int
	// Keys are all the keys fed since the last answer that was not Pending, space-separated.
	Keys string
}

// Times returns how many times to run the action: the count, or 1 when none was typed.
func (r Result) Times() int { return max(r.Count, 1) }

// Resolver turns keys, one at a time, into actions. It keeps the sequence begun so far, so one
// Resolver serves one input stream; it is not safe for concurrent use.
type Resolver struct {
	km    *Keymap
	typed []string // every key since the last answer that was not Pending
	seq   []string // the keys after the count
	count int
}

// NewResolver returns a resolver for the bindings of km.
func (km *Keymap) NewResolver() *Resolver { return &Resolver{km: km} }

// Feed takes the next key name and says what the keys so far amount to.
func (r *Resolver) Feed(key string) Result {
	r.typed = append(r.typed, key)
	if r.km.counts && len(r.seq) == 0 && len(key) == 1 && key[0] >= '0' && key[0] <= '9' &&
		(key != "0" || r.count > 0) {
		r.count = min(r.count*10+int(key[0]-'0'), maxCount)
		return Result{Kind: Pending, Count: r.count, Keys: r.Pending()}
	}
	r.seq = append(r.seq, key)
	seq := strings.Join(r.seq, " ")
	if action, ok := r.km.actionOf[seq]; ok {
		res := Result{Kind: Matched, Action: action, Count: r.count, Keys: r.Pending()}
		r.Reset()
		return res
	}
	if r.km.prefixes[seq] {
		return Result{Kind: Pending, Count: r.count, Keys: r.Pending()}
	}
	res := Result{Kind: Unbound, Count: r.count, Keys: r.Pending()}
	r.Reset()
	return res
}

// Pending returns the keys typed since the last answer that was not Pending ("5 g"), for the
// status bar; "" when nothing is pending.
func (r *Resolver) Pending() string { return strings.Join(r.typed, " ") }

// Reset forgets a sequence or count in progress, as when the mode changes.
func (r *Resolver) Reset() {
	r.typed, r.seq, r.count = r.typed[:0], r.seq[:0], 0
}
