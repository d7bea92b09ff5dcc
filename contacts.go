package cashfin

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"
)

// ContactsService creates and reads the contacts of your business: people associated with it
// (team members, clients, anyone you interact with), as opposed to customers, who have a billing
// relationship.
//
// API docs: https://docs.cashfin.africa/business/contacts
type ContactsService struct {
	client *Client
}

// Contact is a person in your business's directory.
type Contact struct {
	ID          string    // "_id": a 24-character hexadecimal ObjectID
	Name        string    // "name"
	Email       string    // "email"
	Phone       string    // "phone"
	Position    string    // "position": job title or role
	CompanyName string    // "companyname"
	Active      *bool     // "active"; nil when the API omits it (list items do)
	CreatedAt   time.Time // "createdat"; zero when missing, null or ""
	UpdatedAt   time.Time // "updatedat"; likewise (list items omit it)
}

// ContactCreateParams are the fields of a new contact. Only Name is required; empty fields are
// not sent.
type ContactCreateParams struct {
	Name        string // required, not blank
	Email       string
	Phone       string
	Position    string
	CompanyName string
	// IdempotencyKey makes retries of this create safe: the API creates one contact however many
	// times a request with the same key arrives. When empty, a random key is generated for the
	// call and reused by its retries. Set your own (from your record's ID, say) to make re-runs
	// of a whole job safe too.
	IdempotencyKey string
}

// ContactListParams select a page of contacts. The zero value (or nil) is the first page.
type ContactListParams struct {
	Page   int    // 1-based; 0 means 1
	Limit  int    // 1..100; 0 means the API default (10) for List, and 100 for ListPages and ListAll
	Search string // matches name, email, phone or company name
}

// Create adds a contact to your business directory.
//
// API docs: https://docs.cashfin.africa/business/contacts#create-contact
func (s *ContactsService) Create(ctx context.Context, params *ContactCreateParams, opts ...CallOption) (*Contact, error) {
	cs, err := s.client.settings(opts)
	if err != nil {
		return nil, err
	}
	if params == nil {
		return nil, fmt.Errorf("%w: nil ContactCreateParams", ErrInvalidParams)
	}
	if err := checkRequired("a contact", "name", params.Name); err != nil {
		return nil, err
	}
	key, err := cs.postKey(params.IdempotencyKey)
	if err != nil {
		return nil, err
	}
	return create[Contact, contactJSON](ctx, s.client, cs, contactCreatePath, contactCreateBody{
		Name:        params.Name,
		Email:       params.Email,
		Phone:       params.Phone,
		Position:    params.Position,
		CompanyName: params.CompanyName,
	}, key)
}

// Get fetches one contact, with all its fields, by ID. A contact that does not exist is an
// error matching ErrNotFound.
//
// API docs: https://docs.cashfin.africa/business/contacts#get-contact-details
func (s *ContactsService) Get(ctx context.Context, id string, opts ...CallOption) (*Contact, error) {
	cs, err := s.client.settings(opts)
	if err != nil {
		return nil, err
	}
	if err := checkID("contact", id); err != nil {
		return nil, err
	}
	return get[Contact, contactJSON](ctx, s.client, cs, contactGetPath+id)
}

// List fetches one page of contacts, in the API's order. Use ListPages or ListAll to walk them all.
//
// API docs: https://docs.cashfin.africa/business/contacts#list-contacts
func (s *ContactsService) List(ctx context.Context, params *ContactListParams, opts ...CallOption) (*Page[Contact], error) {
	return list[Contact, contactJSON](ctx, s.client, contactListPath, params.options(), opts)
}

// ListPages walks the pages of contacts in order, from params.Page (100 contacts a page unless
// params.Limit says otherwise), fetching the next page while the loop body works on this one.
// An error is yielded once and ends the walk; it names the page it was fetching ("cashfin: list
// contacts page 3: ...") and matches errors.Is and errors.As as the page's own error does. Breaking
// out of the loop stops all work.
//
//	for page, err := range client.Contacts.ListPages(ctx, nil) { ... }
func (s *ContactsService) ListPages(ctx context.Context, params *ContactListParams, opts ...CallOption) iter.Seq2[*Page[Contact], error] {
	return listPages[Contact, contactJSON](ctx, s.client, "contacts", contactListPath, params.options(), opts)
}

// ListAll walks every contact (matching params.Search, if set) in list order, as ListPages does.
//
//	for contact, err := range client.Contacts.ListAll(ctx, nil) { ... }
func (s *ContactsService) ListAll(ctx context.Context, params *ContactListParams, opts ...CallOption) iter.Seq2[Contact, error] {
	return iterateItems(s.ListPages(ctx, params, opts...))
}

const (
	contactCreatePath = "/business/contact/create"
	contactListPath   = "/business/contact/list"
	contactGetPath    = "/business/contact/details/"
)

// options are the list's query parameters; nil params are the zero value.
func (p *ContactListParams) options() listOptions {
	if p == nil {
		return listOptions{}
	}
	return listParams(p.Page, p.Limit, p.Search)
}

// contactCreateBody is the JSON body of a create: only the non-empty fields.
type contactCreateBody struct {
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Position    string `json:"position,omitempty"`
	CompanyName string `json:"companyname,omitempty"`
}

// contactJSON is a contact as the API sends it. It lists its fields rather than embedding
// Contact's: the embedded form is 48 bytes a record larger and costs Contacts' pinned figures an
// allocation a call. Every field is documented (the Contacts page shows them all), so none is
// tagged inferred.
type contactJSON struct {
	ID          string    `json:"_id"`
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	Phone       string    `json:"phone"`
	Position    string    `json:"position"`
	CompanyName string    `json:"companyname"`
	Active      *bool     `json:"active"`
	CreatedAt   timestamp `json:"createdat"`
	UpdatedAt   timestamp `json:"updatedat"`
}

func (w contactJSON) value() Contact {
	return Contact{
		ID:          w.ID,
		Name:        w.Name,
		Email:       w.Email,
		Phone:       w.Phone,
		Position:    w.Position,
		CompanyName: w.CompanyName,
		Active:      w.Active,
		CreatedAt:   time.Time(w.CreatedAt),
		UpdatedAt:   time.Time(w.UpdatedAt),
	}
}

// UnmarshalJSON decodes a contact in the API's form ("_id", "companyname", "createdat", ...),
// reading a missing, null or "" timestamp as the zero time.
func (c *Contact) UnmarshalJSON(data []byte) error {
	return unmarshalWire[Contact, contactJSON](data, c)
}

// MarshalJSON encodes a contact in the API's form, leaving out empty fields and zero times.
func (c Contact) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID          string `json:"_id,omitempty"`
		Name        string `json:"name"`
		Email       string `json:"email,omitempty"`
		Phone       string `json:"phone,omitempty"`
		Position    string `json:"position,omitempty"`
		CompanyName string `json:"companyname,omitempty"`
		Active      *bool  `json:"active,omitempty"`
		CreatedAt   string `json:"createdat,omitempty"`
		UpdatedAt   string `json:"updatedat,omitempty"`
	}{c.ID, c.Name, c.Email, c.Phone, c.Position, c.CompanyName, c.Active,
		formatTime(c.CreatedAt), formatTime(c.UpdatedAt)})
}
