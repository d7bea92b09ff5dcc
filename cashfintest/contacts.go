package cashfintest

import (
	"net/http"

	"github.com/cashfin-go/cashfin"
)

// contact is a contact's own fields, as the API names them on the wire.
type contact struct {
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Position    string `json:"position,omitempty"`
	CompanyName string `json:"companyname,omitempty"`
}

// contactFields are the fields of a create body, as contacts-api.txt lists them.
var contactFields = []field[contact]{
	{key: "name", label: "Name", required: true, ptr: func(c *contact) *string { return &c.Name }},
	{key: "email", label: "Email", check: checkEmail, ptr: func(c *contact) *string { return &c.Email }},
	{key: "phone", label: "Phone", ptr: func(c *contact) *string { return &c.Phone }},
	{key: "position", label: "Position", ptr: func(c *contact) *string { return &c.Position }},
	{key: "companyname", label: "Company name", ptr: func(c *contact) *string { return &c.CompanyName }},
}

// contactItem is a contact as the create answer and list items show it.
type contactItem struct {
	ID string `json:"_id"`
	contact
	CreatedAt string `json:"createdat"`
}

// contactDetails is a contact as the details answer shows it.
type contactDetails struct {
	ID string `json:"_id"`
	contact
	Active    bool   `json:"active"`
	CreatedAt string `json:"createdat"`
	UpdatedAt string `json:"updatedat"`
}

// contacts is the Contacts API: create, list and details (the API has no update or delete).
func contacts(s *store[contact], h *Handler) *resource {
	k := &kind[contact, contactItem]{
		store:    s,
		fields:   contactFields,
		now:      h.clock,
		created:  "Contact created successfully",
		notFound: "Contact not found",
		item: func(r *record[contact]) contactItem {
			return contactItem{ID: r.id, contact: r.fields, CreatedAt: formatTime(r.createdAt)}
		},
		details: func(r *record[contact]) any {
			return contactDetails{ID: r.id, contact: r.fields, Active: r.active,
				CreatedAt: formatTime(r.createdAt), UpdatedAt: formatTime(r.updatedAt)}
		},
	}
	return &resource{
		prefix: "/business/contact",
		routes: []route{
			{http.MethodPost, "/create", k.create},
			{http.MethodGet, "/list", k.list},
			{http.MethodGet, "/details/", k.get},
		},
		reset: s.reset,
	}
}

func newContactStore() *store[contact] {
	return newStore("contact", "AddContacts", func(c *contact) []string {
		return []string{c.Name, c.Email, c.Phone, c.CompanyName}
	})
}

// contactSeed is c as the store takes it.
func contactSeed(c cashfin.Contact) seed[contact] {
	return seed[contact]{id: c.ID, active: c.Active, created: c.CreatedAt, updated: c.UpdatedAt,
		fields: contact{Name: c.Name, Email: c.Email, Phone: c.Phone, Position: c.Position, CompanyName: c.CompanyName}}
}

// sdkContact is the record as the SDK type.
func sdkContact(r *record[contact]) cashfin.Contact {
	active := r.active
	return cashfin.Contact{
		ID: r.id, Name: r.fields.Name, Email: r.fields.Email, Phone: r.fields.Phone,
		Position: r.fields.Position, CompanyName: r.fields.CompanyName,
		Active: &active, CreatedAt: r.createdAt, UpdatedAt: r.updatedAt,
	}
}
