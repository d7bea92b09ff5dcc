package main

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// customerFields are what customers create sets (see cashfin.CustomerCreateParams).
var customerFields = []field{
	{flag: "name", json: "name", meta: "NAME", help: "the customer's name (a person's, or a company's)", required: true},
	{flag: "email", json: "email", meta: "EMAIL", help: "email address", required: true},
	{flag: "phone", json: "phone", meta: "PHONE", help: "phone number, such as +254712345678", required: true},
	{flag: "country", json: "country", meta: "COUNTRY", help: "country name, such as Kenya", required: true},
	{flag: "currency", json: "currency", meta: "CODE", help: "preferred currency code, such as KES", required: true},
	{flag: "company", json: "company", meta: "C", help: "company name"},
	{flag: "address", json: "address", meta: "A", help: "street address"},
	{flag: "city", json: "city", meta: "CITY", help: "city"},
	{flag: "type", json: "type", meta: "TYPE", help: "individual or business, in any case"},
}

// customerType checks a customer's type, in any case, and writes it as the API spells it.
func customerType(v bulk.Values) string {
	t := strings.ToLower(strings.TrimSpace(v["type"]))
	switch t {
	case "", "individual", "business":
		if t != "" {
			v["type"] = t
		}
		return ""
	}
	return fmt.Sprintf("type %q: want individual or business", v["type"])
}

// currencyCode writes a customer's currency as an ISO 4217 code is written (KES, USD: three
// letters, upper case, as the Customers doc shows them), or says why it is not one.
func currencyCode(v bulk.Values) string {
	c := strings.ToUpper(strings.TrimSpace(v["currency"]))
	if c == "" {
		return ""
	}
	if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return fmt.Sprintf("currency %q: want a three-letter ISO 4217 code, such as KES or USD", v["currency"])
	}
	v["currency"] = c
	return ""
}

// customerValues checks a customer's values and writes them as the API spells them (the type,
// the currency), or says what is wrong: the one check of create, update, an import's defaults and
// its rows.
func customerValues(v bulk.Values) string {
	if why := customerType(v); why != "" {
		return why
	}
	return currencyCode(v)
}

// customers is the Customers resource.
var customers = &resource[cashfin.Customer]{
	Resource: &bulk.Resource[cashfin.Customer]{
		Name:      "customers",
		One:       "customer",
		Columns:   customerColumns,
		ID:        func(c *cashfin.Customer) string { return c.ID },
		CreatedAt: func(c *cashfin.Customer) time.Time { return c.CreatedAt },
		Person: func(c *cashfin.Customer) bulk.Person {
			return bulk.Person{Name: c.Name, Email: c.Email, Phone: c.Phone}
		},
		Check: customerValues,
		Create: func(ctx context.Context, c *cashfin.Client, v bulk.Values, key string, opts ...cashfin.CallOption) (*cashfin.Customer, error) {
			return c.Customers.Create(ctx, &cashfin.CustomerCreateParams{Name: v["name"], Email: v["email"], Phone: v["phone"],
				Country: v["country"], Currency: v["currency"], Company: v["company"], Address: v["address"], City: v["city"],
				Type: v["type"], IdempotencyKey: key}, opts...)
		},
		List: func(ctx context.Context, c *cashfin.Client, p bulk.ListParams, opts ...cashfin.CallOption) (*cashfin.Page[cashfin.Customer], error) {
			return c.Customers.List(ctx, &cashfin.CustomerListParams{Page: p.Page, Limit: p.Limit, Search: p.Search}, opts...)
		},
	},
	fields:   customerFields,
	detail:   customerColumns,
	imported: []string{"name", "email", "phone", "country", "currency", "company", "address", "city", "type"},
	defaults: []string{"country", "currency"},
	get: func(ctx context.Context, c *cashfin.Client, id string, opts ...cashfin.CallOption) (*cashfin.Customer, error) {
		return c.Customers.Get(ctx, id, opts...)
	},
	update: func(ctx context.Context, c *cashfin.Client, id string, v bulk.Values, opts ...cashfin.CallOption) (*cashfin.Customer, error) {
		return c.Customers.Update(ctx, id, &cashfin.CustomerUpdateParams{Name: ptr(v, "name"), Email: ptr(v, "email"),
			Phone: ptr(v, "phone"), Country: ptr(v, "country"), Currency: ptr(v, "currency"), Company: ptr(v, "company"),
			Address: ptr(v, "address"), City: ptr(v, "city"), Type: ptr(v, "type")}, opts...)
	},
	listPages: func(ctx context.Context, c *cashfin.Client, p bulk.ListParams, opts ...cashfin.CallOption) iter.Seq2[*cashfin.Page[cashfin.Customer], error] {
		return c.Customers.ListPages(ctx, &cashfin.CustomerListParams{Page: p.Page, Limit: p.Limit, Search: p.Search}, opts...)
	},
}

// customerColumns are the fields of a customer, in the order of its JSON form; a list shows
// them all, as get does.
var customerColumns = []term.Column[cashfin.Customer]{
	{Name: "_id", Width: 24, Value: func(c *cashfin.Customer) string { return c.ID }},
	{Name: "name", Width: 24, Value: func(c *cashfin.Customer) string { return c.Name }},
	{Name: "email", Width: 28, Value: func(c *cashfin.Customer) string { return c.Email }},
	{Name: "phone", Width: 16, Value: func(c *cashfin.Customer) string { return c.Phone }},
	{Name: "country", Width: 12, Value: func(c *cashfin.Customer) string { return c.Country }},
	{Name: "currency", Width: 8, Value: func(c *cashfin.Customer) string { return c.Currency }},
	{Name: "company", Width: 20, Value: func(c *cashfin.Customer) string { return c.Company }},
	{Name: "address", Width: 20, Value: func(c *cashfin.Customer) string { return c.Address }},
	{Name: "city", Width: 12, Value: func(c *cashfin.Customer) string { return c.City }},
	{Name: "type", Width: 10, Value: func(c *cashfin.Customer) string { return c.Type }},
	{Name: "active", Width: 6, Value: func(c *cashfin.Customer) string { return activeText(c.Active) }},
	{Name: "createdat", Width: 24, Value: func(c *cashfin.Customer) string { return term.FormatTime(c.CreatedAt) }},
	{Name: "updatedat", Width: 24, Value: func(c *cashfin.Customer) string { return term.FormatTime(c.UpdatedAt) }},
}
