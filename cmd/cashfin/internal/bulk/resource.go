package bulk

import (
	"context"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// Values are the fields of one record as a command or a file gives them, by the API's JSON
// names ("name", "companyname"), trimmed; a field not given has no key.
type Values map[string]string

// ListParams select a page of any resource.
type ListParams struct {
	Page, Limit int
	Search      string
}

// Resource is what the engine needs of an API resource: its names, the columns it prints, and
// the SDK calls. Contacts and customers are two values of it; nothing in the engine is written
// for one of them.
type Resource[T any] struct {
	Name    string // the command group, plural: "contacts"
	One     string // one record, for messages: "contact"
	Columns []term.Column[T]
	ID      func(r *T) string
	// CreatedAt is when the server created a record (its createdat), for the replay heuristic.
	CreatedAt func(r *T) time.Time
	// Person is the identity of a record on the server, for the duplicate rules.
	Person func(r *T) Person
	// Check says what more is wrong with a row's values than the reader found (a value the API
	// refuses), writing them as the API spells them, or "" when the row can be sent; nil for
	// nothing more.
	Check func(v Values) string
	// Create creates a record with an Idempotency-Key ("" for none).
	Create func(ctx context.Context, c *cashfin.Client, v Values, key string, opts ...cashfin.CallOption) (*T, error)
	List   func(ctx context.Context, c *cashfin.Client, p ListParams, opts ...cashfin.CallOption) (*cashfin.Page[T], error)
}

// Person is who a record is, as the duplicate rules compare it.
type Person struct {
	Name, Email, Phone string
}

// PersonOf is the person a row's values describe.
func PersonOf(v Values) Person {
	return Person{Name: v["name"], Email: v["email"], Phone: v["phone"]}
}

// Index finds the people already met: rows earlier in the file, records on the server. Find
// returns the reference given to Add for the same person, and why they are the same ("same
// email", "same name and phone"); ref is how p is known ("line 4"), for a reason that names it
// when p taught the person found an email. Key is a row's Idempotency-Key, from the person's identity,
// distinct for each person the rules cannot tell apart.
type Index interface {
	Add(p Person, ref string)
	Find(p Person, ref string) (found, why string, ok bool)
	Key(resource string, p Person) string
}
