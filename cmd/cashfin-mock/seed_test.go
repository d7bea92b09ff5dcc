package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// TestDemoContacts checks that the seed is deterministic, realistic and storable: distinct
// increasing IDs, distinct valid emails, African phone numbers, times in order and in the past.
func TestDemoContacts(t *testing.T) {
	const n = 2000
	a, b := demoContacts(n), demoContacts(n)
	require.Equal(t, a, b, "the seed must be the same on every run")
	assert.Empty(t, demoContacts(0))

	email := regexp.MustCompile(`^[a-z]+\.[a-z]+[0-9]*@[a-z]+(\.[a-z]+)+$`)
	phone := regexp.MustCompile(`^\+(254|234|233|27)[0-9]{8,10}$`)
	emails := map[string]bool{}
	kenyan := 0
	for i, c := range a {
		assert.Regexp(t, `^[0-9a-f]{24}$`, c.ID)
		if i > 0 {
			assert.Greater(t, c.ID, a[i-1].ID, "IDs increase")
			assert.True(t, c.CreatedAt.After(a[i-1].CreatedAt), "creation times increase")
		}
		assert.True(t, c.CreatedAt.Before(seedEnd), "seeded contacts are older than anything created later")
		assert.Contains(t, c.Name, " ")
		assert.Regexp(t, email, c.Email)
		assert.False(t, emails[c.Email], "email %s repeats", c.Email)
		emails[c.Email] = true
		assert.Regexp(t, phone, c.Phone)
		assertValidPhone(t, c.Phone)
		if strings.HasPrefix(c.Phone, "+254") {
			kenyan++
		}
		assert.NotEmpty(t, c.Position)
		assert.NotEmpty(t, c.CompanyName)
	}
	assert.Equal(t, n/4, kenyan)
	assert.Equal(t, "Wanjiru Odhiambo", a[0].Name, "the first demo contact is fixed: docs may quote it")

	// The fake accepts the seed as is, and lists it newest first.
	h := cashfintest.NewHandler()
	h.AddContacts(a...)
	stored := h.Contacts()
	require.Len(t, stored, n)
	assert.Equal(t, a[n-1].ID, stored[0].ID)
	assert.Equal(t, a[0].ID, stored[n-1].ID)

	// The largest seed's IDs fit the three-byte counter, and its times stay before seedEnd: each
	// step is at most seedEnd-seedEpoch over n.
	assert.Less(t, maxSeed, 1<<24)
	big := demoContacts(20_000)
	assert.True(t, big[len(big)-1].CreatedAt.Before(seedEnd))
	assert.True(t, big[len(big)-1].CreatedAt.After(seedEpoch.Add(seedEnd.Sub(seedEpoch)/2)), "a big seed spreads over the period")
}

// assertValidPhone checks that a demo phone is a valid number for libphonenumber, as the CLI's
// import checks it: an export of the demo account imports into another as it is.
func assertValidPhone(t *testing.T, phone string) {
	t.Helper()
	n, err := phonenumbers.Parse(phone, "")
	if assert.NoError(t, err, phone) {
		assert.True(t, phonenumbers.IsValidNumber(n), "%s is not a valid number", phone)
	}
}

// TestDemoCustomers checks the customer seed as TestDemoContacts checks the contacts': the same
// on every run, valid as the API validates a create, distinct IDs (none shared with a contact)
// and emails, both types, and each country with its own currency.
func TestDemoCustomers(t *testing.T) {
	const n = 2000
	a := demoCustomers(n)
	require.Equal(t, a, demoCustomers(n), "the seed must be the same on every run")
	assert.Empty(t, demoCustomers(0))

	currency := map[string]string{"Kenya": "KES", "Nigeria": "NGN", "Ghana": "GHS", "South Africa": "ZAR"}
	phone := regexp.MustCompile(`^\+(254|234|233|27)[0-9]{8,10}$`)
	email := regexp.MustCompile(`^[a-z]+\.[a-z]+[0-9]*@[a-z]+(\.[a-z]+)+$`)
	contactIDs := map[string]bool{}
	for _, c := range demoContacts(n) {
		contactIDs[c.ID] = true
	}
	emails := map[string]bool{}
	types := map[string]int{}
	for i, c := range a {
		assert.Regexp(t, `^[0-9a-f]{24}$`, c.ID)
		assert.False(t, contactIDs[c.ID], "customer %d shares an ID with a contact", i)
		if i > 0 {
			assert.Greater(t, c.ID, a[i-1].ID, "IDs increase")
		}
		assert.True(t, c.CreatedAt.Before(seedEnd))
		assert.Regexp(t, email, c.Email)
		assert.False(t, emails[c.Email], "email %s repeats", c.Email)
		emails[c.Email] = true
		assert.Regexp(t, phone, c.Phone)
		assertValidPhone(t, c.Phone)
		assert.Equal(t, currency[c.Country], c.Currency, "customer %d", i)
		assert.NotEmpty(t, c.City)
		assert.Regexp(t, `^[0-9]+ [A-Z]`, c.Address)
		types[c.Type]++
		if c.Type == cashfin.CustomerBusiness {
			assert.NotEmpty(t, c.Company)
		} else {
			assert.Equal(t, cashfin.CustomerIndividual, c.Type)
			assert.Empty(t, c.Company)
		}
	}
	assert.Equal(t, map[string]int{"business": (n + 1) / 3, "individual": n - (n+1)/3}, types)

	// The fake accepts the seed, and every seeded customer passes the API's create checks: the
	// same body posted to the fake is created.
	h := cashfintest.NewHandler()
	h.AddCustomers(a...)
	require.Len(t, h.Customers(), n)
	for _, c := range a[:8] {
		body, err := json.Marshal(map[string]string{"name": c.Name, "email": c.Email, "phone": c.Phone, "country": c.Country,
			"currency": c.Currency, "company": c.Company, "address": c.Address, "city": c.City, "type": c.Type})
		require.NoError(t, err)
		hr := httptest.NewRequest(http.MethodPost, "/business/customer/create", bytes.NewReader(body))
		hr.Header.Set("Authorization", cashfintest.DefaultSecret)
		hr.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, hr)
		assert.Equal(t, http.StatusCreated, rec.Code, "%s", rec.Body)
	}
}
