package main

import (
	"context"
	"iter"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// contactFields are what contacts create sets.
var contactFields = []field{
	{flag: "name", json: "name", meta: "NAME", help: "full name", required: true},
	{flag: "email", json: "email", meta: "E", help: "email address"},
	{flag: "phone", json: "phone", meta: "P", help: "phone number"},
	{flag: "position", json: "position", meta: "P", help: "job title or role"},
	{flag: "company", json: "companyname", meta: "C", help: "company or organisation"},
}

// contacts is the Contacts resource.
var contacts = &resource[cashfin.Contact]{
	Resource: &bulk.Resource[cashfin.Contact]{
		Name:      "contacts",
		One:       "contact",
		Columns:   contactColumns,
		ID:        func(c *cashfin.Contact) string { return c.ID },
		CreatedAt: func(c *cashfin.Contact) time.Time { return c.CreatedAt },
		Person:    func(c *cashfin.Contact) bulk.Person { return bulk.Person{Name: c.Name, Email: c.Email, Phone: c.Phone} },
		Create: func(ctx context.Context, c *cashfin.Client, v bulk.Values, key string, opts ...cashfin.CallOption) (*cashfin.Contact, error) {
			return c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: v["name"], Email: v["email"], Phone: v["phone"],
				Position: v["position"], CompanyName: v["companyname"], IdempotencyKey: key}, opts...)
		},
		List: func(ctx context.Context, c *cashfin.Client, p bulk.ListParams, opts ...cashfin.CallOption) (*cashfin.Page[cashfin.Contact], error) {
			return c.Contacts.List(ctx, &cashfin.ContactListParams{Page: p.Page, Limit: p.Limit, Search: p.Search}, opts...)
		},
	},
	fields: contactFields,
	detail: append(contactColumns[:len(contactColumns):len(contactColumns)],
		term.Column[cashfin.Contact]{Name: "active", Width: 6, Value: func(c *cashfin.Contact) string { return activeText(c.Active) }},
		term.Column[cashfin.Contact]{Name: "updatedat", Width: 24, Value: func(c *cashfin.Contact) string { return term.FormatTime(c.UpdatedAt) }},
	),
	imported: []string{"name", "email", "phone", "position", "companyname"},
	get: func(ctx context.Context, c *cashfin.Client, id string, opts ...cashfin.CallOption) (*cashfin.Contact, error) {
		return c.Contacts.Get(ctx, id, opts...)
	},
	listPages: func(ctx context.Context, c *cashfin.Client, p bulk.ListParams, opts ...cashfin.CallOption) iter.Seq2[*cashfin.Page[cashfin.Contact], error] {
		return c.Contacts.ListPages(ctx, &cashfin.ContactListParams{Page: p.Page, Limit: p.Limit, Search: p.Search}, opts...)
	},
}

// contactColumns are the fields of a contact in a list.
var contactColumns = []term.Column[cashfin.Contact]{
	{Name: "_id", Width: 24, Value: func(c *cashfin.Contact) string { return c.ID }},
	{Name: "name", Width: 24, Value: func(c *cashfin.Contact) string { return c.Name }},
	{Name: "email", Width: 28, Value: func(c *cashfin.Contact) string { return c.Email }},
	{Name: "phone", Width: 16, Value: func(c *cashfin.Contact) string { return c.Phone }},
	{Name: "position", Width: 20, Value: func(c *cashfin.Contact) string { return c.Position }},
	{Name: "companyname", Width: 24, Value: func(c *cashfin.Contact) string { return c.CompanyName }},
	{Name: "createdat", Width: 24, Value: func(c *cashfin.Contact) string { return term.FormatTime(c.CreatedAt) }},
}
