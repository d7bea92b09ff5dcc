package cashfin

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"
)

// CustomersService creates, reads and updates the customers of your business: the people and
// companies you bill, as opposed to contacts, who are only in your directory. The API has no
// delete: a customer created by mistake stays.
//
// API docs: https://docs.cashfin.africa/api/crm/customers.html
type CustomersService struct {
	client *Client
}

// Customer is someone your business bills: a person or a company with a billing relationship, as
// opposed to a Contact, who is only in your directory. Its JSON form (MarshalJSON, UnmarshalJSON)
// uses the API's names.
//
// The API docs show the create request (every field below but the ID, Active and the times) and
// a create answer holding only _id, name, email and phone. That the other fields, Active,
// CreatedAt and UpdatedAt come back in answers too is inferred from the rest of the API: each is
// decoded when present, and left zero when absent or when its JSON type is not the expected one
// (a value of another type is not converted: "active":"true" leaves Active nil). ID, Name, Email
// and Phone are read strictly: an answer where they have the wrong type is an error matching
// ErrUnexpectedResponse.
//
// API docs: https://docs.cashfin.africa/api/crm/customers.html
type Customer struct {
	ID       string `json:"_id,omitempty"` // a 24-character hexadecimal ObjectID
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`    // such as "+254712345678"
	Country  string `json:"country,omitempty"`  // a country name, as the docs show ("Kenya")
	Currency string `json:"currency,omitempty"` // the preferred currency code, such as "KES" or "USD"
	Company  string `json:"company,omitempty"`  // the company name, meant for business customers
	Address  string `json:"address,omitempty"`  // street address
	City     string `json:"city,omitempty"`
	Type     string `json:"type,omitempty"` // CustomerIndividual or CustomerBusiness; "" when the API omits it
	// Active is "active"; nil when the API omits it. Inferred: the docs list it among the fields
	// most resources carry, not on the customers page.
	Active *bool `json:"active,omitempty"`
	// CreatedAt is "createdat"; zero when missing, null or "". Inferred, as for Active.
	CreatedAt time.Time `json:"-"` // read and written by the JSON methods, tolerantly
	// UpdatedAt is "updatedat"; likewise. Inferred, as for Active.
	UpdatedAt time.Time `json:"-"`
}

// The values of Customer.Type the API documents.
const (
	// CustomerIndividual is a customer who is a person.
	CustomerIndividual = "individual"
	// CustomerBusiness is a customer that is a company or other organisation.
	CustomerBusiness = "business"
)

// CustomerCreateParams are the fields of a new customer. Empty optional fields are not sent.
type CustomerCreateParams struct {
	Name     string // required, not blank
	Email    string // required, not blank
	Phone    string // required, not blank; the docs show "+254712345678"
	Country  string // required, not blank: a country name, such as "Kenya"
	Currency string // required, not blank: a currency code, such as "KES"
	Company  string
	Address  string
	City     string
	Type     string // "", CustomerIndividual or CustomerBusiness ("" leaves it to the API)
	// IdempotencyKey makes retries of this create safe: the API creates one customer however
	// many times a request with the same key arrives. When empty, a random key is generated for
	// the call and reused by its retries. Set your own to make re-runs of a whole job safe too.
	IdempotencyKey string
}

// CustomerUpdateParams are the fields to change. Nil fields are left as they are; a non-nil field
// is sent, even when it points at "" (which clears Company, Address or City; the other fields
// cannot be blank). Set them with Ptr:
//
//	client.Customers.Update(ctx, id, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Mombasa")})
type CustomerUpdateParams struct {
	Name     *string `json:"name,omitempty"`
	Email    *string `json:"email,omitempty"`
	Phone    *string `json:"phone,omitempty"`
	Country  *string `json:"country,omitempty"`
	Currency *string `json:"currency,omitempty"`
	Company  *string `json:"company,omitempty"`
	Address  *string `json:"address,omitempty"`
	City     *string `json:"city,omitempty"`
	Type     *string `json:"type,omitempty"` // CustomerIndividual or CustomerBusiness
}

// CustomerListParams select a page of customers. The zero value (or nil) is the first page.
type CustomerListParams struct {
	Page   int    // 1-based; 0 means 1
	Limit  int    // 1..100; 0 means the API default (10) for List, and 100 for ListPages and ListAll
	Search string // matches name, email, phone or company (inferred from Contacts: the docs do not say)
}

const (
	customerCreatePath = "/business/customer/create"
	customerListPath   = "/business/customer/list"
	customerGetPath    = "/business/customer/details/"
	customerUpdatePath = "/business/customer/update/"
)

// Create adds a customer to your business. The API has no delete, so check the fields first.
//
// API docs: https://docs.cashfin.africa/api/crm/customers.html
func (s *CustomersService) Create(ctx context.Context, params *CustomerCreateParams, opts ...CallOption) (*Customer, error) {
	cs, err := s.client.settings(opts)
	if err != nil {
		return nil, err
	}
	if params == nil {
		return nil, fmt.Errorf("%w: nil CustomerCreateParams", ErrInvalidParams)
	}
	p := params
	if err := checkRequired("a customer", "name", p.Name, "email", p.Email, "phone", p.Phone,
		"country", p.Country, "currency", p.Currency); err != nil {
		return nil, err
	}
	if err := checkCustomerType(p.Type, true); err != nil {
		return nil, err
	}
	key, err := cs.postKey(p.IdempotencyKey)
	if err != nil {
		return nil, err
	}
	return create[Customer, customerJSON](ctx, s.client, cs, customerCreatePath, customerFields{
		Name: p.Name, Email: p.Email, Phone: p.Phone, Country: p.Country, Currency: p.Currency,
		Company: p.Company, Address: p.Address, City: p.City, Type: p.Type,
	}, key)
}

// Get fetches one customer by ID. A customer that does not exist is an error matching
// ErrNotFound.
func (s *CustomersService) Get(ctx context.Context, id string, opts ...CallOption) (*Customer, error) {
	cs, err := s.client.settings(opts)
	if err != nil {
		return nil, err
	}
	return s.get(ctx, cs, id)
}

// get is Get with the call's settings already resolved (Update's read-back shares them).
func (s *CustomersService) get(ctx context.Context, cs *callSettings, id string) (*Customer, error) {
	if err := checkID("customer", id); err != nil {
		return nil, err
	}
	return get[Customer, customerJSON](ctx, s.client, cs, customerGetPath+id)
}

// Update changes the fields of params that are not nil (PATCH), and returns the customer as it
// stands afterwards. The request carries an Idempotency-Key (WithIdempotencyKey's, else a
// generated one), the same on every retry, so it is retried as Create is.
//
// When the API answers with the whole customer, that is what Update returns. When it answers only
// {"_id": ..., "modified": n}, as the docs' generic update example does (what customers answer is
// not documented), Update reads the customer back as Get does, with the same call options and
// without an Idempotency-Key, and returns that; WithResponseInto then describes that read. An
// error from the read says the update was applied, and matches the read's own error (ErrNotFound,
// ErrServer, context.Canceled, ...): do not send the update again. A customer that does not exist
// is an error matching ErrNotFound.
func (s *CustomersService) Update(ctx context.Context, id string, params *CustomerUpdateParams, opts ...CallOption) (*Customer, error) {
	cs, err := s.client.settings(opts)
	if err != nil {
		return nil, err
	}
	if err := checkID("customer", id); err != nil {
		return nil, err
	}
	if err := params.check(); err != nil {
		return nil, err
	}
	return update[Customer, customerJSON](ctx, s.client, cs, customerUpdatePath+id, params, "name",
		func(ctx context.Context, cs *callSettings) (*Customer, error) { return s.get(ctx, cs, id) })
}

// List fetches one page of customers, in the API's order. Use ListPages or ListAll to walk them
// all.
func (s *CustomersService) List(ctx context.Context, params *CustomerListParams, opts ...CallOption) (*Page[Customer], error) {
	return list[Customer, customerJSON](ctx, s.client, customerListPath, params.options(), opts)
}

// ListPages walks the pages of customers in order, from params.Page (100 customers a page unless
// params.Limit says otherwise), fetching the next page while the loop body works on this one.
// An error is yielded once and ends the walk; it names the page it was fetching ("cashfin: list
// customers page 3: ...") and matches errors.Is and errors.As as the page's own error does. Breaking
// out of the loop stops all work.
func (s *CustomersService) ListPages(ctx context.Context, params *CustomerListParams, opts ...CallOption) iter.Seq2[*Page[Customer], error] {
	return listPages[Customer, customerJSON](ctx, s.client, "customers", customerListPath, params.options(), opts)
}

// ListAll walks every customer (matching params.Search, if set) in list order, as ListPages does.
func (s *CustomersService) ListAll(ctx context.Context, params *CustomerListParams, opts ...CallOption) iter.Seq2[Customer, error] {
	return iterateItems(s.ListPages(ctx, params, opts...))
}

// options are the list's query parameters; nil params are the zero value.
func (p *CustomerListParams) options() listOptions {
	if p == nil {
		return listOptions{}
	}
	return listParams(p.Page, p.Limit, p.Search)
}

// check refuses an update that sets nothing, a blank required field, or an unknown type.
func (p *CustomerUpdateParams) check() error {
	if p == nil || *p == (CustomerUpdateParams{}) {
		return fmt.Errorf("%w: a customer update sets no field", ErrInvalidParams)
	}
	for _, f := range []struct {
		name  string
		value *string
	}{{"name", p.Name}, {"email", p.Email}, {"phone", p.Phone}, {"country", p.Country}, {"currency", p.Currency}} {
		if f.value != nil && blank(*f.value) {
			return fmt.Errorf("%w: a customer's %s cannot be blank", ErrInvalidParams, f.name)
		}
	}
	if p.Type != nil {
		return checkCustomerType(*p.Type, false)
	}
	return nil
}

// checkCustomerType refuses a type other than the two the API documents ("" only when allowed).
func checkCustomerType(t string, emptyOK bool) error {
	if t == CustomerIndividual || t == CustomerBusiness || t == "" && emptyOK {
		return nil
	}
	return fmt.Errorf("%w: a customer's type is %q or %q, not %q", ErrInvalidParams,
		CustomerIndividual, CustomerBusiness, t)
}

// customerFields are Customer's fields and JSON names, without its methods: the JSON form of a
// create's body and of MarshalJSON.
type customerFields Customer

// customerJSON is a customer as the API sends it. The docs show only _id, name, email and phone in
// an answer: those are decoded strictly, so that an answer that is not a customer fails. The other
// fields are inferred (see cashfin-customers.md), and tagged so: a value of an unexpected type
// ("active":"true", an address given as an object) decodes to the zero value, and the rest of the
// record, and of the page, decodes (internal/envelope.Unmarshal).
type customerJSON struct {
	ID        string    `json:"_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Country   string    `json:"country" cashfin:"inferred"`
	Currency  string    `json:"currency" cashfin:"inferred"`
	Company   string    `json:"company" cashfin:"inferred"`
	Address   string    `json:"address" cashfin:"inferred"`
	City      string    `json:"city" cashfin:"inferred"`
	Type      string    `json:"type" cashfin:"inferred"`
	Active    *bool     `json:"active" cashfin:"inferred"`
	CreatedAt timestamp `json:"createdat" cashfin:"inferred"` // timestamp is tolerant by itself too
	UpdatedAt timestamp `json:"updatedat" cashfin:"inferred"`
}

func (w customerJSON) value() Customer {
	return Customer{
		ID: w.ID, Name: w.Name, Email: w.Email, Phone: w.Phone,
		Country: w.Country, Currency: w.Currency, Company: w.Company, Address: w.Address, City: w.City,
		Type: w.Type, Active: w.Active,
		CreatedAt: time.Time(w.CreatedAt), UpdatedAt: time.Time(w.UpdatedAt),
	}
}

// UnmarshalJSON decodes a customer in the API's form ("_id", "createdat", ...), reading a
// missing, null or "" timestamp as the zero time. The fields the API docs do not show in an answer
// (all but ID, Name, Email and Phone) are read tolerantly: a value of an unexpected type
// ("active":"true", "currency":404) is left zero rather than failing the customer.
func (c *Customer) UnmarshalJSON(data []byte) error {
	return unmarshalWire[Customer, customerJSON](data, c)
}

// MarshalJSON encodes a customer in the API's form, leaving out empty fields and zero times.
func (c Customer) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		customerFields
		stampsJSON
	}{customerFields(c), stampsOf(c.CreatedAt, c.UpdatedAt)})
}
