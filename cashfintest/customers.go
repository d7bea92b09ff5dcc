package cashfintest

import (
	"net/http"

	"github.com/cashfin-go/cashfin"
)

// customer is a customer's own fields, as the API names them on the wire.
type customer struct {
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Country  string `json:"country,omitempty"`
	Currency string `json:"currency,omitempty"`
	Company  string `json:"company,omitempty"`
	Address  string `json:"address,omitempty"`
	City     string `json:"city,omitempty"`
	Type     string `json:"type,omitempty"`
}

// customerFields are the fields of a create or update body, as the customers page lists them:
// the first five required on a create.
var customerFields = []field[customer]{
	{key: "name", label: "Name", required: true, ptr: func(c *customer) *string { return &c.Name }},
	{key: "email", label: "Email", required: true, check: checkEmail, ptr: func(c *customer) *string { return &c.Email }},
	{key: "phone", label: "Phone", required: true, ptr: func(c *customer) *string { return &c.Phone }},
	{key: "country", label: "Country", required: true, ptr: func(c *customer) *string { return &c.Country }},
	{key: "currency", label: "Currency", required: true, ptr: func(c *customer) *string { return &c.Currency }},
	{key: "company", label: "Company", ptr: func(c *customer) *string { return &c.Company }},
	{key: "address", label: "Address", ptr: func(c *customer) *string { return &c.Address }},
	{key: "city", label: "City", ptr: func(c *customer) *string { return &c.City }},
	{key: "type", label: "Type", check: checkCustomerType, ptr: func(c *customer) *string { return &c.Type }},
}

// checkCustomerType accepts the two documented types.
func checkCustomerType(s string) string {
	if s != cashfin.CustomerIndividual && s != cashfin.CustomerBusiness {
		return "Type must be individual or business"
	}
	return ""
}

// customerItem is a customer as the create answer and list items show it.
type customerItem struct {
	ID string `json:"_id"`
	customer
	CreatedAt string `json:"createdat"`
}

// customerDetails is a customer as the details answer shows it.
type customerDetails struct {
	ID string `json:"_id"`
	customer
	Active    bool   `json:"active"`
	CreatedAt string `json:"createdat"`
	UpdatedAt string `json:"updatedat"`
}

// customers is the Customers API: create, list, details and update.
func customers(s *store[customer], h *Handler) *resource {
	k := &kind[customer, customerItem]{
		store:    s,
		fields:   customerFields,
		now:      h.clock,
		created:  "Customer created successfully",
		updated:  "Customer updated successfully",
		notFound: "Customer not found",
		item: func(r *record[customer]) customerItem {
			return customerItem{ID: r.id, customer: r.fields, CreatedAt: formatTime(r.createdAt)}
		},
		details: func(r *record[customer]) any {
			return customerDetails{ID: r.id, customer: r.fields, Active: r.active,
				CreatedAt: formatTime(r.createdAt), UpdatedAt: formatTime(r.updatedAt)}
		},
	}
	return &resource{
		prefix: "/business/customer",
		routes: []route{
			{http.MethodPost, "/create", k.create},
			{http.MethodGet, "/list", k.list},
			{http.MethodGet, "/details/", k.get},
			{http.MethodPatch, "/update/", k.update},
		},
		reset: s.reset,
	}
}

func newCustomerStore() *store[customer] {
	return newStore("customer", "AddCustomers", func(c *customer) []string {
		return []string{c.Name, c.Email, c.Phone, c.Company}
	})
}

// customerSeed is c as the store takes it.
func customerSeed(c cashfin.Customer) seed[customer] {
	return seed[customer]{id: c.ID, active: c.Active, created: c.CreatedAt, updated: c.UpdatedAt,
		fields: customer{Name: c.Name, Email: c.Email, Phone: c.Phone, Country: c.Country, Currency: c.Currency,
			Company: c.Company, Address: c.Address, City: c.City, Type: c.Type}}
}

// sdkCustomer is the record as the SDK type.
func sdkCustomer(r *record[customer]) cashfin.Customer {
	active, f := r.active, r.fields
	return cashfin.Customer{
		ID: r.id, Name: f.Name, Email: f.Email, Phone: f.Phone, Country: f.Country, Currency: f.Currency,
		Company: f.Company, Address: f.Address, City: f.City, Type: f.Type,
		Active: &active, CreatedAt: r.createdAt, UpdatedAt: r.updatedAt,
	}
}
