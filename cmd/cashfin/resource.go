package main

import (
	"context"
	"flag"
	"iter"
	"strconv"
	"strings"

	"github.com/cashfin-go/cashfin"
)

// resource describes an API resource to the verbs every resource shares (create, get, update,
// list, export): its names, the fields a command sets, the columns it prints and the SDK calls.
// A verb is written once over a resource; a resource is one of these values.
type resource[T any] struct {
	name    string      // the command group, plural: "contacts"
	one     string      // one record, for messages: "contact"
	fields  []field     // what create (and update) set, as flags
	columns []column[T] // the fields of a list item, for the table and CSV formats
	detail  []column[T] // the fields of one record (get, create, update)
	id      func(r *T) string

	create    func(ctx context.Context, c *cashfin.Client, v fieldValues, opts ...cashfin.CallOption) (*T, error)
	get       func(ctx context.Context, c *cashfin.Client, id string, opts ...cashfin.CallOption) (*T, error)
	update    func(ctx context.Context, c *cashfin.Client, id string, v fieldValues, opts ...cashfin.CallOption) (*T, error) // nil: no update verb
	list      func(ctx context.Context, c *cashfin.Client, p listParams, opts ...cashfin.CallOption) (*cashfin.Page[T], error)
	listPages func(ctx context.Context, c *cashfin.Client, p listParams, opts ...cashfin.CallOption) iter.Seq2[*cashfin.Page[T], error]
}

// field is a field that create and update set: its flag, the API's JSON name for it, the
// placeholder and help of the flag, and whether create needs it.
type field struct {
	flag, json, meta, help string
	required               bool
}

// fieldValues are the fields given on the command line, trimmed, by flag name; a field not given
// has no key.
type fieldValues map[string]string

// ptr is the value of the field named flag, or nil when it was not given.
func (v fieldValues) ptr(flag string) *string {
	s, ok := v[flag]
	if !ok {
		return nil
	}
	return &s
}

// listParams select a page of any resource.
type listParams struct {
	page, limit int
	search      string
}

// fieldSynopsis is the flags of create: required ones bare, the others in brackets.
func (r *resource[T]) fieldSynopsis() string {
	parts := make([]string, len(r.fields))
	for i, f := range r.fields {
		parts[i] = "--" + f.flag + " " + f.meta
		if !f.required {
			parts[i] = "[" + parts[i] + "]"
		}
	}
	return wrap(parts)
}

// optionalFieldSynopsis is the flags of update: every one optional.
func (r *resource[T]) optionalFieldSynopsis() string {
	parts := make([]string, len(r.fields))
	for i, f := range r.fields {
		parts[i] = "[--" + f.flag + " " + f.meta + "]"
	}
	return wrap(parts)
}

// synopsisWidth is the widest a line of a command's arguments grows before it is continued
// on the next.
const synopsisWidth = 80

// wrap joins parts with spaces, continuing on a new line where a line would pass synopsisWidth.
func wrap(parts []string) string {
	var b strings.Builder
	line := 0
	for i, p := range parts {
		switch {
		case i == 0:
		case line+1+len(p) > synopsisWidth:
			b.WriteByte('\n')
			line = 0
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(p)
		line += len(p)
	}
	return b.String()
}

// fieldFlags registers a string flag per field on fs, and returns a function giving the fields
// set on the command line once fs is parsed. create marks the fields create requires.
func (r *resource[T]) fieldFlags(fs *flag.FlagSet, create bool) func() fieldValues {
	vals := make([]string, len(r.fields))
	for i, f := range r.fields {
		help := f.help
		if f.json != f.flag {
			help += " (the API's " + f.json + ")"
		}
		if create && f.required {
			help += " (required)"
		}
		fs.StringVar(&vals[i], f.flag, "", help)
	}
	return func() fieldValues {
		v := fieldValues{}
		for i, f := range r.fields {
			if isSet(fs, f.flag) {
				v[f.flag] = strings.TrimSpace(vals[i])
			}
		}
		return v
	}
}

// activeText renders a record's "active", "" when the API left it out.
func activeText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// contacts is the Contacts resource.
var contacts = &resource[cashfin.Contact]{
	name: "contacts",
	one:  "contact",
	fields: []field{
		{flag: "name", json: "name", meta: "NAME", help: "full name", required: true},
		{flag: "email", json: "email", meta: "E", help: "email address"},
		{flag: "phone", json: "phone", meta: "P", help: "phone number"},
		{flag: "position", json: "position", meta: "P", help: "job title or role"},
		{flag: "company", json: "companyname", meta: "C", help: "company or organisation"},
	},
	columns: contactColumns,
	detail: append(contactColumns[:len(contactColumns):len(contactColumns)],
		column[cashfin.Contact]{"active", 6, func(c *cashfin.Contact) string { return activeText(c.Active) }},
		column[cashfin.Contact]{"updatedat", 24, func(c *cashfin.Contact) string { return formatTime(c.UpdatedAt) }},
	),
	id: func(c *cashfin.Contact) string { return c.ID },
	create: func(ctx context.Context, c *cashfin.Client, v fieldValues, opts ...cashfin.CallOption) (*cashfin.Contact, error) {
		return c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: v["name"], Email: v["email"],
			Phone: v["phone"], Position: v["position"], CompanyName: v["company"]}, opts...)
	},
	get: func(ctx context.Context, c *cashfin.Client, id string, opts ...cashfin.CallOption) (*cashfin.Contact, error) {
		return c.Contacts.Get(ctx, id, opts...)
	},
	list: func(ctx context.Context, c *cashfin.Client, p listParams, opts ...cashfin.CallOption) (*cashfin.Page[cashfin.Contact], error) {
		return c.Contacts.List(ctx, &cashfin.ContactListParams{Page: p.page, Limit: p.limit, Search: p.search}, opts...)
	},
	listPages: func(ctx context.Context, c *cashfin.Client, p listParams, opts ...cashfin.CallOption) iter.Seq2[*cashfin.Page[cashfin.Contact], error] {
		return c.Contacts.ListPages(ctx, &cashfin.ContactListParams{Page: p.page, Limit: p.limit, Search: p.search}, opts...)
	},
}

// contactColumns are the fields of a contact in a list.
var contactColumns = []column[cashfin.Contact]{
	{"_id", 24, func(c *cashfin.Contact) string { return c.ID }},
	{"name", 24, func(c *cashfin.Contact) string { return c.Name }},
	{"email", 28, func(c *cashfin.Contact) string { return c.Email }},
	{"phone", 16, func(c *cashfin.Contact) string { return c.Phone }},
	{"position", 20, func(c *cashfin.Contact) string { return c.Position }},
	{"companyname", 24, func(c *cashfin.Contact) string { return c.CompanyName }},
	{"createdat", 24, func(c *cashfin.Contact) string { return formatTime(c.CreatedAt) }},
}

// flagList names the field flags: "--name, --email or --phone".
func (r *resource[T]) flagList() string {
	names := make([]string, len(r.fields))
	for i, f := range r.fields {
		names[i] = "--" + f.flag
	}
	return orList(names)
}
