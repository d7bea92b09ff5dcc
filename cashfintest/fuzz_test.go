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
// panics or answers 5xx, and its store stays consistent: it changes only by a successful create,
// by exactly the record answered, and a retry carrying the same Idempotency-Key is a replay that
// creates nothing. Without -fuzz, it runs the seeds and the corpus in testdata/fuzz.
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

		// The same request twice: the second is a retry, which an Idempotency-Key makes a replay.
		var firstCode int
		var firstID string
		for try := 1; try <= 2; try++ {
			before := h.Contacts()
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

			// The store changes only by a successful create, by exactly that record.
			after := h.Contacts()
			created := rec.Code == http.StatusCreated
			if created && (method != http.MethodPost || !strings.HasPrefix(target, "/business/contact/create")) {
				t.Fatalf("%s: 201 from something other than a create", where)
			}
			replay := try == 2 && key != "" && firstCode == http.StatusCreated
			switch {
			case replay:
				if rec.Code != firstCode || data.ID != firstID || len(after) != len(before) {
					t.Fatalf("%s: a retry with the same Idempotency-Key was not a replay of %d %s (store %d -> %d)",
						where, firstCode, firstID, len(before), len(after))
				}
			case created:
				if len(after) != len(before)+1 || after[0].ID != data.ID || slices.ContainsFunc(before, func(c cashfin.Contact) bool { return c.ID == data.ID }) {
					t.Fatalf("%s: store %d -> %d, newest %q, want one new record %q", where, len(before), len(after), after[0].ID, data.ID)
				}
			default:
				if len(after) != len(before) {
					t.Fatalf("%s: the store changed (%d -> %d) without a create", where, len(before), len(after))
				}
			}
			if try == 1 {
				firstCode, firstID = rec.Code, data.ID
			}
		}
	})
}
