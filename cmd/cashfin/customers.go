package main

import (
	"context"
	"iter"

	"github.com/cashfin-go/cashfin"
)

// customers is the Customers resource.
var customers = &resource[cashfin.Customer]{
	name: "customers",
	one:  "customer",
	fields: []field{
		{flag: "name", json: "name", meta: "NAME", help: "the customer's name (a person's, or a company's)", required: true},
		{flag: "email", json: "email", meta: "EMAIL", help: "email address", required: true},
		{flag: "phone", json: "phone", meta: "PHONE", help: "phone number, such as +254712345678", required: true},
		{flag: "country", json: "country", meta: "COUNTRY", help: "country name, such as Kenya", required: true},
		{flag: "currency", json: "currency", meta: "CODE", help: "preferred currency code, such as KES", required: true},
		{flag: "company", json: "company", meta: "C", help: "company name"},
		{flag: "address", json: "address", meta: "A", help: "street address"},
		{flag: "city", json: "city", meta: "CITY", help: "city"},
		{flag: "type", json: "type", meta: "TYPE", help: "individual or business"},
	},
	columns: customerColumns,
	detail:  customerColumns,
	id:      func(c *cashfin.Customer) string { return c.ID },
	create: func(ctx context.Context, c *cashfin.Client, v fieldValues, opts ...cashfin.CallOption) (*cashfin.Customer, error) {
		return c.Customers.Create(ctx, &cashfin.CustomerCreateParams{Name: v["name"], Email: v["email"], Phone: v["phone"],
			Country: v["country"], Currency: v["currency"], Company: v["company"], Address: v["address"], City: v["city"],
			Type: v["type"]}, opts...)
	},
	get: func(ctx context.Context, c *cashfin.Client, id string, opts ...cashfin.CallOption) (*cashfin.Customer, error) {
		return c.Customers.Get(ctx, id, opts...)
	},
	update: func(ctx context.Context, c *cashfin.Client, id string, v fieldValues, opts ...cashfin.CallOption) (*cashfin.Customer, error) {
		return c.Customers.Update(ctx, id, &cashfin.CustomerUpdateParams{Name: v.ptr("name"), Email: v.ptr("email"),
			Phone: v.ptr("phone"), Country: v.ptr("country"), Currency: v.ptr("currency"), Company: v.ptr("company"),
			Address: v.ptr("address"), City: v.ptr("city"), Type: v.ptr("type")}, opts...)
	},
	list: func(ctx context.Context, c *cashfin.Client, p listParams, opts ...cashfin.CallOption) (*cashfin.Page[cashfin.Customer], error) {
		return c.Customers.List(ctx, &cashfin.CustomerListParams{Page: p.page, Limit: p.limit, Search: p.search}, opts...)
	},
	listPages: func(ctx context.Context, c *cashfin.Client, p listParams, opts ...cashfin.CallOption) iter.Seq2[*cashfin.Page[cashfin.Customer], error] {
		return c.Customers.ListPages(ctx, &cashfin.CustomerListParams{Page: p.page, Limit: p.limit, Search: p.search}, opts...)
	},
}

// customerColumns are the fields of a customer, in the order of its JSON form; a list shows
// them all, as get does.
var customerColumns = []column[cashfin.Customer]{
	{"_id", 24, func(c *cashfin.Customer) string { return c.ID }},
	{"name", 24, func(c *cashfin.Customer) string { return c.Name }},
	{"email", 28, func(c *cashfin.Customer) string { return c.Email }},
	{"phone", 16, func(c *cashfin.Customer) string { return c.Phone }},
	{"country", 12, func(c *cashfin.Customer) string { return c.Country }},
	{"currency", 8, func(c *cashfin.Customer) string { return c.Currency }},
	{"company", 20, func(c *cashfin.Customer) string { return c.Company }},
	{"address", 20, func(c *cashfin.Customer) string { return c.Address }},
	{"city", 12, func(c *cashfin.Customer) string { return c.City }},
	{"type", 10, func(c *cashfin.Customer) string { return c.Type }},
	{"active", 6, func(c *cashfin.Customer) string { return activeText(c.Active) }},
	{"createdat", 24, func(c *cashfin.Customer) string { return formatTime(c.CreatedAt) }},
	{"updatedat", 24, func(c *cashfin.Customer) string { return formatTime(c.UpdatedAt) }},
}
