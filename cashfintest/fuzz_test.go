package cashfintest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// FuzzHandler sends arbitrary requests to the fake, each twice (the second a retry): whatever
// arrives, it answers one of the API's statuses with a JSON envelope and an X-Request-Id, never
// panics or answers 5xx, and its stores stay consistent: one grows only by a successful create on
// its own endpoint, by exactly the record answered; an update changes no count; and a retry of a
// successful POST or PATCH carrying the same Idempotency-Key is a replay, byte for byte, that
// changes nothing. Without -fuzz, it runs the seeds and the corpus in testdata/fuzz.
//
//	go test -fuzz=FuzzHandler -fuzztime=60s ./cashfintest/
func FuzzHandler(f *testing.F) {
	seeds := []struct {
		method, target, contentType, key string
		body                             []byte
		auth                             bool
	}{
		{"POST", "/business/contact/create", "application/json", "", []byte(`{"name":"Jane","email":"jane@acme.co.ke"}`), true},
		{"POST", "/business/contact/create", "application/json", "k1", []byte(`{"name":"Jane"}`), true},
		{"POST", "/business/contact/create", "application/json", "k1", []byte(`{"name":"Kofi"}`), true},
		{"POST", "/business/contact/create", "application/json", "", []byte(`[1,{"name":2}]`), true},
		{"POST", "/business/contact/create", "application/json", "", []byte(`{"name":"\ud800","email":"a@\u0000.b"}`), true},
		{"POST", "/business/contact/create", "application/json; charset=\"", "", []byte(`{`), true},
		{"POST", "/business/contact/create", "", "", nil, false},
		{"GET", "/business/contact/list?page=2&limit=1&search=ja", "", "", nil, true},
		{"GET", "/business/contact/list?page=-1&limit=1e9&search=%ff", "", "", nil, true},
		{"GET", "/business/contact/list?search=%E2%80%AE", "", "", nil, true},
		{"GET", "/business/contact/details/507f1f77bcf86cd799439045", "", "", nil, true},
		{"GET", "/business/contact/details/%2e%2e/list", "", "", nil, true},
		{"PATCH", "/business/contact/details/x", "", "", nil, true},
		{"GET", "/../../etc/passwd", "", "", nil, false},
		{"BREW", "/business/contact/list", "", "", nil, true},
		{"POST", "/business/customer/create", "application/json", "c1", []byte(`{"name":"John Doe","email":"john@example.com","phone":"+254712345678","country":"Kenya","currency":"KES","type":"business"}`), true},
		{"POST", "/business/customer/create", "application/json", "", []byte(`{"name":"J","email":"j@x.co","phone":"1","country":"K","currency":"KES","type":"vip"}`), true},
		{"PATCH", "/business/customer/update/507f1f77bcf86cd799439046", "application/json", "p1", []byte(`{"city":"Kisumu","type":"individual"}`), true},
		{"PATCH", "/business/customer/update/507f1f77bcf86cd799439046", "application/json", "", []byte(`{"name":"","email":7}`), true},
		{"PATCH", "/business/customer/update/507f1f77bcf86cd799439099", "application/json", "p2", []byte(`{"city":"x"}`), true},
		{"GET", "/business/customer/list?search=john&limit=1", "", "", nil, true},
		{"GET", "/business/customer/details/507F1F77BCF86CD799439046", "", "", nil, true},
		{"GET", "/business/customer/update/507f1f77bcf86cd799439046", "", "", nil, true},
		{"POST", "/business/invoice/create", "application/json", "i1", []byte(`{"title":"June"}`), true},
		{"POST", "/business/invoice/create", "application/json", "", []byte(`[`), true},
		{"GET", "/business/invoice/details/inv%2F1", "", "", nil, true},
		{"GET", "/business/invoice//details/x", "", "", nil, true},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.contentType, s.key, s.body, s.auth)
	}
	allowed := map[int]bool{200: true, 201: true, 400: true, 401: true, 404: true, 405: true, 409: true, 413: true}

	f.Fuzz(func(t *testing.T, method, target, contentType, key string, body []byte, auth bool) {
		newRequest := func() *http.Request {
			hr, err := http.NewRequest(method, "http://cashfin.test"+target, bytes.NewReader(body))
			if err != nil || hr.URL.Host != "cashfin.test" {
				return nil // not a request a client could send
			}
			hr.RequestURI = hr.URL.RequestURI()
			if auth {
				hr.Header.Set("Authorization", cashfintest.DefaultSecret)
			}
			if contentType != "" {
				hr.Header.Set("Content-Type", contentType)
			}
			if key != "" {
				hr.Header.Set("Idempotency-Key", key)
			}
			return hr
		}
		if newRequest() == nil {
			return
		}
		h := cashfintest.NewHandler()
		h.AddContacts(cashfin.Contact{ID: "507f1f77bcf86cd799439045", Name: "Jane Wanjiku", Email: "jane@acme.co.ke"})
		h.AddCustomers(cashfin.Customer{ID: "507f1f77bcf86cd799439046", Name: "John Doe", Email: "john@example.com",
			Phone: "+254712345678", Country: "Kenya", Currency: "KES"})
		addInvoiceRoutes(h)

		// The same request twice: the second is a retry, which an Idempotency-Key makes a replay.
		var firstCode int
		var firstBody string
		for try := 1; try <= 2; try++ {
			before, beforeCustomers := h.Contacts(), h.Customers()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, newRequest())
			where := fmt.Sprintf("try %d: %s %s: status %d: %s", try, method, target, rec.Code, rec.Body)
			if !allowed[rec.Code] {
				t.Fatal(where)
			}
			var env struct {
				Success *bool           `json:"success"`
				Data    json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Success == nil {
				t.Fatalf("%s: not an envelope", where)
			}
			var data struct {
				ID string `json:"_id"`
			}
			_ = json.Unmarshal(env.Data, &data) // a create's record; lists and errors have no _id
			if *env.Success != (rec.Code < 300) {
				t.Fatalf("%s: success %v", where, *env.Success)
			}
			if rec.Header().Get("X-Request-Id") == "" {
				t.Fatalf("%s: no X-Request-Id", where)
			}

			// A store changes only by a successful create on its endpoint, by exactly that record.
			after, afterCustomers := h.Contacts(), h.Customers()
			created := rec.Code == http.StatusCreated
			path := strings.SplitN(target, "?", 2)[0]
			contactCreate, customerCreate := path == "/business/contact/create", path == "/business/customer/create"
			invoiceCreate := path == "/business/invoice/create"
			if created && (method != http.MethodPost || !contactCreate && !customerCreate && !invoiceCreate) {
				t.Fatalf("%s: 201 from something other than a create", where)
			}
			replay := try == 2 && key != "" && firstCode >= 200 && firstCode < 300 &&
				(method == http.MethodPost || method == http.MethodPatch)
			switch {
			case replay:
				assertSameCustomers(t, where, beforeCustomers, afterCustomers)
				if rec.Code != firstCode || rec.Body.String() != firstBody || len(after) != len(before) ||
					rec.Header().Get("Idempotent-Replayed") != "true" {
					t.Fatalf("%s: a retry with the same Idempotency-Key was not a replay of %d %s (stores %d, %d -> %d, %d)",
						where, firstCode, firstBody, len(before), len(beforeCustomers), len(after), len(afterCustomers))
				}
			case created && contactCreate:
				if len(after) != len(before)+1 || after[0].ID != data.ID || slices.ContainsFunc(before, func(c cashfin.Contact) bool { return c.ID == data.ID }) ||
					len(afterCustomers) != len(beforeCustomers) {
					t.Fatalf("%s: store %d -> %d, newest %q, want one new contact %q", where, len(before), len(after), after[0].ID, data.ID)
				}
			case created && customerCreate:
				if len(afterCustomers) != len(beforeCustomers)+1 || afterCustomers[0].ID != data.ID || len(after) != len(before) ||
					slices.ContainsFunc(beforeCustomers, func(c cashfin.Customer) bool { return c.ID == data.ID }) {
					t.Fatalf("%s: customers %d -> %d, newest %q, want one new customer %q", where,
						len(beforeCustomers), len(afterCustomers), afterCustomers[0].ID, data.ID)
				}
			default:
				if len(after) != len(before) || len(afterCustomers) != len(beforeCustomers) {
					t.Fatalf("%s: a store changed (%d, %d -> %d, %d) without a create", where,
						len(before), len(beforeCustomers), len(after), len(afterCustomers))
				}
				if method != http.MethodPatch || rec.Code != http.StatusOK {
					assertSameCustomers(t, where, beforeCustomers, afterCustomers)
				}
			}
			if try == 1 {
				firstCode, firstBody = rec.Code, rec.Body.String()
			}
		}
	})
}

// addInvoiceRoutes adds two routes with Handle: an invoice create that takes a JSON object, and
// invoice details, neither touching the fake's stores.
func addInvoiceRoutes(h *cashfintest.Handler) {
	h.Handle("POST /business/invoice/create", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if json.NewDecoder(r.Body).Decode(&v) != nil {
			cashfintest.WriteError(w, http.StatusBadRequest, "Request body is not a JSON object", nil)
			return
		}
		cashfintest.WriteData(w, http.StatusCreated, "Invoice created successfully", v)
	}))
	h.Handle("GET /business/invoice/details/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cashfintest.WriteData(w, http.StatusOK, "", map[string]string{"_id": r.PathValue("id")})
	}))
}

// assertSameCustomers fails unless no customer changed: only a successful PATCH changes one.
func assertSameCustomers(t *testing.T, where string, before, after []cashfin.Customer) {
	t.Helper()
	if len(before) != len(after) {
		t.Fatalf("%s: customers %d -> %d", where, len(before), len(after))
	}
	for i := range before {
		b, a := before[i], after[i]
		if b.ID != a.ID || b.Name != a.Name || b.Email != a.Email || b.City != a.City || b.Type != a.Type || !b.UpdatedAt.Equal(a.UpdatedAt) {
			t.Fatalf("%s: customer %s changed without a successful update: %+v -> %+v", where, b.ID, b, a)
		}
	}
}
