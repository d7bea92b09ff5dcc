package bulk

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
)

// State is what became of an import row.
type State int

const (
	statePending        State = iota // valid, not sent yet
	stateInvalid                     // failed validation: a failure, never sent
	stateDuplicate                   // the same person as an earlier row: skipped
	stateExisting                    // the same person as a record on the server: skipped
	stateCreated                     // the API created the record
	stateFailed                      // the API refused it, or it could not be sent
	stateNotAttempted                // interrupted before it was sent (or its answer was abandoned)
	stateReplayed                    // an earlier run created it: the API answered from its idempotency key
	stateCreatedUnknown              // the API confirmed the record; whether this run created it is not known yet
	stateBlank                       // a row of empty cells: ignored, and counted
	numStates
)

// Row is one row of an import file, as a Source reads it.
type Row struct {
	Line   int      // line of the file where the row starts, from 1
	Values Values   // the fields it gives, by the API's names, trimmed
	Raw    []string // its cells as read, for the errors file
	Err    string   // why the row cannot be sent as read (bad JSON, ambiguous quotes); "" when it can
	Blank  bool     // every cell is empty
}

// Source is an import file: its rows in file order. Each stops at the first error fn returns,
// or at an error of the file itself (an encoding error, a malformed line), which it returns.
type Source interface {
	Each(fn func(r *Row) error) error
}

// row is a Row on its way to the API.
type row struct {
	*Row
	person Person
	key    string // Idempotency-Key
	state  State
	reason string // why it failed or was skipped
	seq    int    // place in the file, from 0
}

// classifier decides, row by row in file order, which rows are sent: it validates each, checks
// it against the people met earlier in the file and on the server, and derives its key.
type classifier[T any] struct {
	res      *Resource[T]
	id       Identity
	phone    func(string) (string, error)
	defaults Values
	file     Index          // the rows so far, by "line N"
	existing Index          // the records on the server (--skip-existing), or nil
	content  map[string]int // the rows keyed by content (see anonymous): key → line
}

// classify makes a row of r.
func (c *classifier[T]) classify(r *Row) *row {
	out := &row{Row: r}
	if r.Blank {
		out.state = stateBlank
		return out
	}
	if out.reason = c.prepare(r); out.reason != "" {
		out.state = stateInvalid
		return out
	}
	out.person = PersonOf(r.Values)
	if c.existing != nil {
		if ref, why, ok := c.existing.Find(out.person); ok {
			out.state, out.reason = stateExisting, fmt.Sprintf("same person as %s on the server (%s)", ref, why)
			return out
		}
	}
	if ref, why, ok := c.file.Find(out.person); ok {
		out.state, out.reason = stateDuplicate, fmt.Sprintf("same person as %s (%s)", ref, why)
		return out
	}
	c.file.Add(out.person, fmt.Sprintf("line %d", r.Line))
	if out.key = c.id.Key(c.res.Name, out.person); out.key == "" {
		return c.anonymous(out)
	}
	return out
}

// anonymous keys a row that names no one the rules can tell (no email; no name and phone) by
// its whole content. An identical row is the same record: sent twice, it would carry the same
// key and body, and the API would answer the second from the first; it is skipped and said.
func (c *classifier[T]) anonymous(out *row) *row {
	key := contentKey(c.res.Name, out.Values)
	if c.content == nil {
		c.content = map[string]int{}
	}
	if line, ok := c.content[key]; ok {
		out.state, out.reason = stateDuplicate, fmt.Sprintf("same as line %d (an identical row, with no email or phone to tell them apart)", line)
		return out
	}
	c.content[key] = out.Line
	out.key = key
	return out
}

// contentKey is the Idempotency-Key of a row by all its values.
func contentKey(resource string, v Values) string {
	names := slices.Sorted(maps.Keys(v))
	h := sha256.New()
	h.Write([]byte(resource))
	for _, n := range names {
		fmt.Fprintf(h, "\x00%s\x00%s", n, v[n])
	}
	return "cashfin-cli-import-content-v2-" + hex.EncodeToString(h.Sum(nil))
}

// prepare fills the defaults, normalises the phone and checks the row, returning why it cannot
// be sent, or "".
func (c *classifier[T]) prepare(r *Row) string {
	if r.Err != "" {
		return r.Err
	}
	if r.Values == nil {
		r.Values = Values{}
	}
	for k, v := range c.defaults {
		if trimmed(r.Values[k]) == "" && v != "" {
			r.Values[k] = v
		}
	}
	if p := r.Values["phone"]; p != "" && c.phone != nil {
		e164, err := c.phone(p)
		if err != nil {
			return fmt.Sprintf("phone %q: %v", p, err)
		}
		r.Values["phone"] = e164
	}
	if c.res.Check != nil {
		return c.res.Check(r.Values)
	}
	if r.Values["name"] == "" {
		return "no name"
	}
	return ""
}
