package cashfintest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

const (
	customerCreate = "/business/customer/create"
	customerList   = "/business/customer/list"
	customerGet    = "/business/customer/details/"
	customerUpdate = "/business/customer/update/"

	// johnDoe is the customers page's create example.
	johnDoe = `{"name":"John Doe","email":"john@example.com","phone":"+254712345678","country":"Kenya","currency":"KES"}`
)

// invalidBody is the API's validation envelope with the given per-field messages.
func invalidBody(fields map[string]string) string {
	b, _ := json.Marshal(map[string]any{"success": false, "error": "There are problems with your submission", "errors": fields})
	return string(b)
}

func TestCustomerCreate(t *testing.T) {
	h := cashfintest.NewHandler()
	before := time.Now().UTC().Truncate(time.Millisecond)
	r := send(t, h, req{method: http.MethodPost, target: customerCreate, body: `{"name":"Amina Hassan","email":"amina@duka.co.tz",
		"phone":"+255754123456","country":"Tanzania","currency":"TZS","company":"Duka Fresh","address":"12 Uhuru Street",
		"city":"Dar es Salaam","type":"business","_id":"000000000000000000000001","active":false,"extra":[1]}`})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, "Customer created successfully", r.str("message"))
	data := r.env["data"].(map[string]any)
	assert.ElementsMatch(t, []string{"_id", "name", "email", "phone", "country", "currency", "company", "address", "city", "type", "createdat"},
		keys(data), "the given fields, _id and createdat; unknown fields are ignored")
	assert.Regexp(t, objectID, data["_id"])
	assert.NotEqual(t, "000000000000000000000001", data["_id"], "a client cannot choose the ID")
	assert.Regexp(t, apiTime, data["createdat"])
	assert.Equal(t, "business", data["type"])

	stored := h.Customers()
	require.Len(t, stored, 1)
	assert.Equal(t, data["_id"], stored[0].ID)
	assert.Equal(t, "Dar es Salaam", stored[0].City)
	require.NotNil(t, stored[0].Active)
	assert.True(t, *stored[0].Active, "new customers are active, whatever the body says")
	assert.False(t, stored[0].CreatedAt.Before(before))
	assert.Equal(t, stored[0].CreatedAt, stored[0].UpdatedAt)
	assert.Empty(t, h.Contacts(), "customers and contacts are separate stores")

	t.Run("the docs' example, without a type", func(t *testing.T) {
		r := send(t, h, req{method: http.MethodPost, target: customerCreate, body: johnDoe})
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		data := r.env["data"].(map[string]any)
		assert.ElementsMatch(t, []string{"_id", "name", "email", "phone", "country", "currency", "createdat"}, keys(data),
			"no type is invented when none is given: the docs do not say what the API defaults to")
	})
}

func TestCustomerCreateRejectsBadBodies(t *testing.T) {
	required := map[string]string{"name": "Name is required", "email": "Email is required", "phone": "Phone is required",
		"country": "Country is required", "currency": "Currency is required"}
	with := func(extra string) string { return johnDoe[:len(johnDoe)-1] + "," + extra + "}" }
	tests := []struct {
		name string
		body string
		want map[string]string
	}{
		{"empty object", `{}`, required},
		{"only a name", `{"name":"John"}`, map[string]string{"email": "Email is required", "phone": "Phone is required",
			"country": "Country is required", "currency": "Currency is required"}},
		{"blank and null required fields", `{"name":" ","email":null,"phone":"\t","country":"","currency":"KES"}`,
			map[string]string{"name": "Name is required", "email": "Email is required", "phone": "Phone is required", "country": "Country is required"}},
		{"bad email", `{"name":"John Doe","email":"john.example.com","phone":"+254712345678","country":"Kenya","currency":"KES"}`,
			map[string]string{"email": "Email is invalid"}},
		{"unknown type", with(`"type":"company"`), map[string]string{"type": "Type must be individual or business"}},
		{"type in capitals", with(`"type":"Business"`), map[string]string{"type": "Type must be individual or business"}},
		{"number phone", `{"name":"John Doe","email":"john@example.com","phone":254712345678,"country":"Kenya","currency":"KES"}`,
			map[string]string{"phone": "Phone must be a string"}},
		{"object company", with(`"company":{"name":"x"}`), map[string]string{"company": "Company must be a string"}},
		{"bool city", with(`"city":true`), map[string]string{"city": "City must be a string"}},
		{"array address", with(`"address":["a"]`), map[string]string{"address": "Address must be a string"}},
		{"number type", with(`"type":1`), map[string]string{"type": "Type must be a string"}},
	}
	h := cashfintest.NewHandler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, h, req{method: http.MethodPost, target: customerCreate, body: tt.body})
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.JSONEq(t, invalidBody(tt.want), string(r.body))
		})
	}
	for _, tt := range []struct{ name, body, contentType, want string }{
		{"array", `[` + johnDoe + `]`, "application/json", errorEnvelope("Request body must be a JSON object")},
		{"truncated", johnDoe[:20], "application/json", errorEnvelope("Request body is not valid JSON")},
		{"form", johnDoe, "application/x-www-form-urlencoded", errorEnvelope("Content-Type must be application/json")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, h, req{method: http.MethodPost, target: customerCreate, body: tt.body,
				header: map[string]string{"Content-Type": tt.contentType}})
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.JSONEq(t, tt.want, string(r.body))
		})
	}
	t.Run("a type is accepted when it is one of the two", func(t *testing.T) {
		for _, typ := range []string{"individual", "business"} {
			r := send(t, h, req{method: http.MethodPost, target: customerCreate, body: with(`"type":"` + typ + `"`)})
			assert.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		}
	})
	assert.Len(t, h.Customers(), 2, "no bad body stores anything")
}

func TestCustomerIdempotencyKey(t *testing.T) {
	h := cashfintest.NewHandler()
	create := func(key, body string) *response {
		return send(t, h, req{method: http.MethodPost, target: customerCreate, body: body, header: map[string]string{"Idempotency-Key": key}})
	}
	first := create("k1", johnDoe)
	require.Equal(t, http.StatusCreated, first.status)
	again := create("k1", johnDoe)
	assert.Equal(t, http.StatusCreated, again.status)
	assert.Equal(t, string(first.body), string(again.body), "a replay answers the first response byte for byte")
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.Len(t, h.Customers(), 1)

	conflict := create("k1", `{"name":"Jane","email":"jane@example.com","phone":"+254700000000","country":"Kenya","currency":"KES"}`)
	assert.Equal(t, http.StatusConflict, conflict.status)
	assert.JSONEq(t, errorEnvelope("Idempotency-Key was already used with a different request body"), string(conflict.body))
	assert.Len(t, h.Customers(), 1)

	t.Run("a key is tied to its endpoint", func(t *testing.T) {
		r := send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: johnDoe,
			header: map[string]string{"Idempotency-Key": "k1"}})
		assert.Equal(t, http.StatusConflict, r.status, "the same key and body on another endpoint is another request")
		assert.Empty(t, h.Contacts())
	})
}

// seededCustomers returns a handler holding n customers "k1" (oldest) to "kn" (newest).
func seededCustomers(t *testing.T, n int) (*cashfintest.Handler, []cashfin.Customer) {
	t.Helper()
	h := cashfintest.NewHandler()
	base := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	cs := make([]cashfin.Customer, n)
	for i := range cs {
		cs[i] = cashfin.Customer{Name: fmt.Sprintf("k%d", i+1), Email: fmt.Sprintf("k%d@example.com", i+1),
			Phone: fmt.Sprintf("+25470000%04d", i+1), Country: "Kenya", Currency: "KES",
			CreatedAt: base.Add(time.Duration(i) * time.Minute)}
	}
	if n > 7 {
		cs[4].Company = "Savannah Logistics"
		cs[7].Email = "owner@SAVANNAH.example"
	}
	return h, h.AddCustomers(cs...)
}

func TestCustomerList(t *testing.T) {
	h, _ := seededCustomers(t, 25)
	tests := []struct {
		target string
		want   []string
		pg     map[string]int
	}{
		{customerList, []string{"k25", "k24", "k23", "k22", "k21", "k20", "k19", "k18", "k17", "k16"},
			map[string]int{"total": 25, "page": 1, "limit": 10, "pages": 3}},
		{customerList + "?page=3", []string{"k5", "k4", "k3", "k2", "k1"}, map[string]int{"total": 25, "page": 3, "limit": 10, "pages": 3}},
		{customerList + "?page=4", []string{}, map[string]int{"total": 25, "page": 4, "limit": 10, "pages": 3}},
		{customerList + "?limit=2&page=2", []string{"k23", "k22"}, map[string]int{"total": 25, "page": 2, "limit": 2, "pages": 13}},
		{customerList + "?limit=1000", nil, map[string]int{"total": 25, "page": 1, "limit": 100, "pages": 1}},
		{customerList + "?search=savannah", []string{"k8", "k5"}, map[string]int{"total": 2, "page": 1, "limit": 10, "pages": 1}},
		{customerList + "?search=K12%40EXAMPLE", []string{"k12"}, map[string]int{"total": 1, "page": 1, "limit": 10, "pages": 1}},
		{customerList + "?search=%2B254700000003", []string{"k3"}, map[string]int{"total": 1, "page": 1, "limit": 10, "pages": 1}},
		{customerList + "?search=kenya", []string{}, map[string]int{"total": 0, "page": 1, "limit": 10, "pages": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			r := send(t, h, req{target: tt.target})
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			l := decodeList(t, r)
			if tt.want != nil {
				assert.Equal(t, tt.want, names(l))
			}
			assert.Equal(t, tt.pg, l.Pagination)
		})
	}
	t.Run("items carry the fields of the create answer", func(t *testing.T) {
		l := decodeList(t, send(t, h, req{target: customerList + "?limit=1"}))
		assert.ElementsMatch(t, []string{"_id", "name", "email", "phone", "country", "currency", "createdat"}, keys(l.Data[0]))
	})
	for _, bad := range []string{"?page=0", "?page=-1", "?limit=0", "?limit=x", "?page=1.5"} {
		r := send(t, h, req{target: customerList + bad})
		assert.Equal(t, http.StatusBadRequest, r.status, bad)
	}
}

func TestCustomerDetails(t *testing.T) {
	h := cashfintest.NewHandler()
	inactive := false
	created := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	h.AddCustomers(cashfin.Customer{ID: "507f1f77bcf86cd799439045", Name: "John Doe", Email: "john@example.com",
		Phone: "+254712345678", Country: "Kenya", Currency: "KES", Type: cashfin.CustomerIndividual, Active: &inactive,
		CreatedAt: created, UpdatedAt: created.Add(time.Hour)})

	r := send(t, h, req{target: customerGet + "507F1F77BCF86CD799439045"})
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"success":true,"data":{"_id":"507f1f77bcf86cd799439045","name":"John Doe","email":"john@example.com",
		"phone":"+254712345678","country":"Kenya","currency":"KES","type":"individual","active":false,
		"createdat":"2024-01-15T12:00:00.000Z","updatedat":"2024-01-15T13:00:00.000Z"}}`, string(r.body))

	for _, id := range []string{"507f1f77bcf86cd799439044", "507f1f77bcf86cd79943904", "", "507f1f77bcf86cd799439045/x", "%00", "zzzzzzzzzzzzzzzzzzzzzzzz"} {
		r := send(t, h, req{target: customerGet + id})
		assert.Equal(t, http.StatusNotFound, r.status, id)
		assert.JSONEq(t, `{"success":false,"error":"Customer not found"}`, string(r.body), id)
	}
	r = send(t, h, req{target: "/business/contact/details/507f1f77bcf86cd799439045"})
	assert.JSONEq(t, `{"success":false,"error":"Contact not found"}`, string(r.body), "a customer's ID is not a contact's")
}

func TestCustomerUpdate(t *testing.T) {
	clockStart := time.Now().UTC().Truncate(time.Millisecond)
	h, cs := seededCustomers(t, 3)
	id := cs[1].ID
	patch := func(id, body string, hdr map[string]string) *response {
		return send(t, h, req{method: http.MethodPatch, target: customerUpdate + id, body: body, header: hdr})
	}
	updated := func(n int) string {
		return fmt.Sprintf(`{"success":true,"message":"Customer updated successfully","data":{"_id":%q,"modified":%d}}`, id, n)
	}

	r := patch(id, `{"city":"Kisumu","company":"Lake Traders","type":"business","_id":"000000000000000000000001","createdat":"1999-01-01T00:00:00Z"}`, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.JSONEq(t, updated(1), string(r.body), "the docs' generic update answer")
	got := customerByID(t, h, id)
	assert.Equal(t, "Kisumu", got.City)
	assert.Equal(t, "Lake Traders", got.Company)
	assert.Equal(t, cashfin.CustomerBusiness, got.Type)
	assert.Equal(t, cs[1].Name, got.Name, "fields not given are left as they are")
	assert.Equal(t, cs[1].CreatedAt, got.CreatedAt, "the creation time stays")
	assert.False(t, got.UpdatedAt.Before(clockStart), "updatedat moves to the time of the update")

	r = send(t, h, req{target: customerGet + id})
	assert.Equal(t, "Kisumu", r.env["data"].(map[string]any)["city"], "details shows the update")
	assert.Equal(t, []string{"k3", "k2", "k1"}, customerNames(h.Customers()), "an update keeps the list order")

	t.Run("nothing changed is modified 0", func(t *testing.T) {
		before := customerByID(t, h, id)
		assert.JSONEq(t, updated(0), string(patch(id, `{"city":"Kisumu"}`, nil).body))
		assert.JSONEq(t, updated(0), string(patch(id, `{}`, nil).body))
		assert.Equal(t, before, customerByID(t, h, id), "not even updatedat moves")
	})
	t.Run("an empty optional field clears it", func(t *testing.T) {
		assert.JSONEq(t, updated(1), string(patch(id, `{"company":""}`, nil).body))
		assert.Empty(t, customerByID(t, h, id).Company)
	})
	t.Run("null leaves a field as it is", func(t *testing.T) {
		assert.JSONEq(t, updated(0), string(patch(id, `{"city":null,"name":null}`, nil).body))
	})
	t.Run("search sees the update", func(t *testing.T) {
		patch(id, `{"company":"Zebra Crossings"}`, nil)
		l := decodeList(t, send(t, h, req{target: customerList + "?search=zebra"}))
		assert.Equal(t, []string{"k2"}, names(l))
	})

	for _, tt := range []struct {
		name, body string
		want       map[string]string
	}{
		{"blank required field", `{"name":"  "}`, map[string]string{"name": "Name is required"}},
		{"empty email", `{"email":""}`, map[string]string{"email": "Email is required"}},
		{"bad email", `{"email":"nope"}`, map[string]string{"email": "Email is invalid"}},
		{"empty type", `{"type":""}`, map[string]string{"type": "Type must be individual or business"}},
		{"bad type", `{"type":"vip"}`, map[string]string{"type": "Type must be individual or business"}},
		{"not a string", `{"currency":5,"city":"Nakuru"}`, map[string]string{"currency": "Currency must be a string"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := customerByID(t, h, id)
			r := patch(id, tt.body, nil)
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.JSONEq(t, invalidBody(tt.want), string(r.body))
			assert.Equal(t, before, customerByID(t, h, id), "a refused update changes nothing")
		})
	}
	t.Run("unknown or malformed ID", func(t *testing.T) {
		for _, bad := range []string{"507f1f77bcf86cd799439044", "nope", ""} {
			r := patch(bad, `{"city":"Nakuru"}`, nil)
			assert.Equal(t, http.StatusNotFound, r.status, bad)
			assert.JSONEq(t, `{"success":false,"error":"Customer not found"}`, string(r.body))
		}
	})
	t.Run("not a JSON object", func(t *testing.T) {
		r := patch(id, `["city"]`, nil)
		assert.JSONEq(t, errorEnvelope("Request body must be a JSON object"), string(r.body))
	})
	t.Run("Idempotency-Key", func(t *testing.T) {
		key := map[string]string{"Idempotency-Key": "patch-1"}
		first := patch(id, `{"city":"Eldoret"}`, key)
		require.Equal(t, http.StatusOK, first.status)
		assert.JSONEq(t, updated(1), string(first.body))
		patch(id, `{"city":"Mombasa"}`, nil) // someone else changes it meanwhile

		again := patch(id, `{"city":"Eldoret"}`, key)
		assert.Equal(t, string(first.body), string(again.body), "a replay answers the first response, modified 1 and all")
		assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
		assert.Equal(t, "Mombasa", customerByID(t, h, id).City, "a replay applies nothing")

		conflict := patch(id, `{"city":"Thika"}`, key)
		assert.Equal(t, http.StatusConflict, conflict.status)
		assert.Equal(t, "Mombasa", customerByID(t, h, id).City)
		other := patch(cs[0].ID, `{"city":"Eldoret"}`, key)
		assert.Equal(t, http.StatusConflict, other.status, "the same key and body for another customer is another request")
	})
}

func customerByID(t *testing.T, h *cashfintest.Handler, id string) cashfin.Customer {
	t.Helper()
	for _, c := range h.Customers() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no customer %s", id)
	return cashfin.Customer{}
}

func TestAddCustomers(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	before := time.Now().UTC().Truncate(time.Millisecond)
	stored := srv.AddCustomers(
		cashfin.Customer{Name: "New One"},
		cashfin.Customer{ID: "507F1F77BCF86CD799439045", Name: "Old", CreatedAt: time.Date(2024, 1, 15, 12, 0, 0, 123456789, time.UTC)},
	)
	require.Len(t, stored, 2)
	assert.Regexp(t, objectID, stored[0].ID)
	assert.False(t, stored[0].CreatedAt.Before(before))
	assert.Equal(t, stored[0].CreatedAt, stored[0].UpdatedAt)
	assert.True(t, *stored[0].Active)
	assert.Equal(t, "507f1f77bcf86cd799439045", stored[1].ID)
	assert.Equal(t, 123_000_000, stored[1].CreatedAt.Nanosecond(), "to the millisecond")
	assert.Equal(t, []string{"New One", "Old"}, customerNames(srv.Customers()))
	assert.Equal(t, stored[0], srv.Customers()[0])

	assert.PanicsWithValue(t, `cashfintest: AddCustomers: duplicate customer ID "507f1f77bcf86cd799439045"`,
		func() { srv.AddCustomers(cashfin.Customer{ID: "507f1f77bcf86cd799439045"}) })
	assert.PanicsWithValue(t, `cashfintest: AddCustomers: customer ID "x" is not 24 hexadecimal characters`,
		func() { srv.AddCustomers(cashfin.Customer{ID: "x"}) })
	assert.Len(t, srv.Customers(), 2)
	assert.Empty(t, srv.Contacts())
}

// TestConcurrentCustomerWrites sends N creates and N updates of one customer at once, with
// readers racing them: exactly N customers are created, with distinct IDs, and every update
// answers.
func TestConcurrentCustomerWrites(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	target := srv.AddCustomers(cashfin.Customer{Name: "Target", Email: "t@example.com"})[0]
	hc := rawClient(t)
	auth := map[string]string{"Authorization": srv.Secret}
	const n = 60
	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, 3*n)
	for i := range n {
		wg.Add(3)
		go func() {
			defer wg.Done()
			<-start
			body := fmt.Sprintf(`{"name":"Customer %d","email":"c%d@example.com","phone":"+2547%08d","country":"Kenya","currency":"KES"}`, i, i, i)
			statuses[i] = call(t, hc, http.MethodPost, srv.URL+customerCreate, body, auth).status
		}()
		go func() {
			defer wg.Done()
			<-start
			statuses[n+i] = call(t, hc, http.MethodPatch, srv.URL+customerUpdate+target.ID, fmt.Sprintf(`{"city":"City %d"}`, i), auth).status
		}()
		go func() {
			defer wg.Done()
			<-start
			statuses[2*n+i] = call(t, hc, http.MethodGet, srv.URL+customerList+"?limit=100&search=customer", "", auth).status
		}()
	}
	close(start)
	wg.Wait()
	for i, s := range statuses {
		assert.Less(t, s, 300, "request %d", i)
	}
	all := srv.Customers()
	require.Len(t, all, n+1, "N concurrent creates make N records")
	seen := map[string]bool{}
	for _, c := range all {
		assert.False(t, seen[c.ID], "ID %s repeats", c.ID)
		seen[c.ID] = true
	}
	assert.Regexp(t, `^City \d+$`, customerByIDSrv(t, srv, target.ID).City)
}

func customerByIDSrv(t *testing.T, srv *cashfintest.Server, id string) cashfin.Customer {
	t.Helper()
	for _, c := range srv.Customers() {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no customer %s", id)
	return cashfin.Customer{}
}

// TestCustomerIdempotencyKeyConcurrent sends one keyed create and one keyed update many times
// at once, as retries racing a slow first attempt do: one customer is created, the update is
// applied once, and every answer is the first one.
func TestCustomerIdempotencyKeyConcurrent(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	target := srv.AddCustomers(cashfin.Customer{Name: "Target", City: "Nairobi"})[0]
	hc := rawClient(t)
	const n = 40
	type answer struct {
		status int
		body   string
	}
	creates, updates := make([]answer, n), make([]answer, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			r := call(t, hc, http.MethodPost, srv.URL+customerCreate, johnDoe,
				map[string]string{"Authorization": srv.Secret, "Idempotency-Key": "create-key"})
			creates[i] = answer{r.status, string(r.body)}
		}()
		go func() {
			defer wg.Done()
			<-start
			r := call(t, hc, http.MethodPatch, srv.URL+customerUpdate+target.ID, `{"city":"Kisumu"}`,
				map[string]string{"Authorization": srv.Secret, "Idempotency-Key": "update-key"})
			updates[i] = answer{r.status, string(r.body)}
		}()
	}
	close(start)
	wg.Wait()
	assert.Len(t, srv.Customers(), 2, "one create for one key")
	for i := range n {
		assert.Equal(t, answer{http.StatusCreated, creates[0].body}, creates[i], "create %d", i)
		assert.Equal(t, updates[0], updates[i], "update %d", i)
	}
	assert.Contains(t, updates[0].body, `"modified":1`, "every answer is the first, which changed the city")
	assert.Equal(t, "Kisumu", customerByIDSrv(t, srv, target.ID).City)
}
