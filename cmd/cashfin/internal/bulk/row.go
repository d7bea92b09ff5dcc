package bulk

import "fmt"

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
	Err    string   // why the row cannot be sent (unreadable, a required field empty, a bad email or phone); "" when it can
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
	file     Index // the rows so far, by "line N"
	existing Index // the records on the server (--skip-existing), or nil
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
	line := fmt.Sprintf("line %d", r.Line)
	if c.existing != nil {
		if ref, why, ok := c.existing.Find(out.person, line); ok {
			out.state, out.reason = stateExisting, fmt.Sprintf("same person as %s on the server (%s)", ref, why)
			return out
		}
	}
	if ref, why, ok := c.file.Find(out.person, line); ok {
		out.state, out.reason = stateDuplicate, fmt.Sprintf("same person as %s (%s)", ref, why)
		return out
	}
	c.file.Add(out.person, line)
	out.key = c.file.Key(c.res.Name, out.person)
	return out
}

// prepare checks the row, returning why it cannot be sent, or "".
func (c *classifier[T]) prepare(r *Row) string {
	if r.Err != "" {
		return r.Err
	}
	if c.res.Check != nil {
		return c.res.Check(r.Values)
	}
	return ""
}
