package cashfin

import (
	"encoding/json"
	"time"
)

// Customer is someone your business bills: a person or a company with a billing relationship, as
// opposed to a Contact, who is only in your directory.
//
// The API docs show the create request (every field below but the ID, Active and the times) and
// a create answer holding only _id, name, email and phone. That the other fields, Active,
// CreatedAt and UpdatedAt come back in answers too is inferred from the rest of the API: each is
// decoded when present and left zero when absent.
//
// API docs: https://docs.cashfin.africa/api/crm/customers.html
type Customer struct {
	ID       string // "_id": a 24-character hexadecimal ObjectID
	Name     string // "name"
	Email    string // "email"
	Phone    string // "phone", such as "+254712345678"
	Country  string // "country": a country name, as the docs show ("Kenya")
	Currency string // "currency": the preferred currency code, such as "KES" or "USD"
	Company  string // "company": the company name, meant for business customers
	Address  string // "address": street address
	City     string // "city"
	Type     string // "type": CustomerIndividual or CustomerBusiness; "" when the API omits it
	// Active is "active"; nil when the API omits it. Inferred: the docs list it among the fields
	// most resources carry, not on the customers page.
	Active *bool
	// CreatedAt is "createdat"; zero when missing, null or "". Inferred, as for Active.
	CreatedAt time.Time
	// UpdatedAt is "updatedat"; likewise. Inferred, as for Active.
	UpdatedAt time.Time
}

// The values of Customer.Type the API documents.
const (
	// CustomerIndividual is a customer who is a person.
	CustomerIndividual = "individual"
	// CustomerBusiness is a customer that is a company or other organisation.
	CustomerBusiness = "business"
)

// customerJSON is a customer as the API sends it.
type customerJSON struct {
	ID        string    `json:"_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Country   string    `json:"country"`
	Currency  string    `json:"currency"`
	Company   string    `json:"company"`
	Address   string    `json:"address"`
	City      string    `json:"city"`
	Type      string    `json:"type"`
	Active    *bool     `json:"active"`
	CreatedAt timestamp `json:"createdat"`
	UpdatedAt timestamp `json:"updatedat"`
}

func (w customerJSON) value() Customer {
	return Customer{
		ID:        w.ID,
		Name:      w.Name,
		Email:     w.Email,
		Phone:     w.Phone,
		Country:   w.Country,
		Currency:  w.Currency,
		Company:   w.Company,
		Address:   w.Address,
		City:      w.City,
		Type:      w.Type,
		Active:    w.Active,
		CreatedAt: time.Time(w.CreatedAt),
		UpdatedAt: time.Time(w.UpdatedAt),
	}
}

// UnmarshalJSON decodes a customer in the API's form ("_id", "createdat", ...), reading a
// missing, null or "" timestamp as the zero time.
func (c *Customer) UnmarshalJSON(data []byte) error {
	var w customerJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*c = w.value()
	return nil
}

// MarshalJSON encodes a customer in the API's form, leaving out empty fields and zero times.
func (c Customer) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID        string `json:"_id,omitempty"`
		Name      string `json:"name"`
		Email     string `json:"email,omitempty"`
		Phone     string `json:"phone,omitempty"`
		Country   string `json:"country,omitempty"`
		Currency  string `json:"currency,omitempty"`
		Company   string `json:"company,omitempty"`
		Address   string `json:"address,omitempty"`
		City      string `json:"city,omitempty"`
		Type      string `json:"type,omitempty"`
		Active    *bool  `json:"active,omitempty"`
		CreatedAt string `json:"createdat,omitempty"`
		UpdatedAt string `json:"updatedat,omitempty"`
	}{c.ID, c.Name, c.Email, c.Phone, c.Country, c.Currency, c.Company, c.Address, c.City, c.Type,
		c.Active, formatTime(c.CreatedAt), formatTime(c.UpdatedAt)})
}
