package cashfintest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// FuzzHandler sends arbitrary requests to the fake: whatever arrives, it answers one of the API's
// statuses with a JSON envelope, and never panics or answers 5xx. Without -fuzz, it runs the seeds.
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
	h := cashfintest.NewHandler()
	h.AddContacts(cashfin.Contact{ID: "507f1f77bcf86cd799439045", Name: "Jane Wanjiku", Email: "jane@acme.co.ke"})
	allowed := map[int]bool{200: true, 201: true, 400: true, 401: true, 404: true, 405: true, 409: true, 413: true}

	f.Fuzz(func(t *testing.T, method, target, contentType, key string, body []byte, auth bool) {
		hr, err := http.NewRequest(method, "http://cashfin.test"+target, bytes.NewReader(body))
		if err != nil || hr.URL.Host != "cashfin.test" {
			return // not a request a client could send
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
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, hr)
		if !allowed[rec.Code] {
			t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body)
		}
		var env struct {
			Success *bool `json:"success"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Success == nil {
			t.Fatalf("%s %s: not an envelope: %s", method, target, rec.Body)
		}
		if *env.Success != (rec.Code < 300) {
			t.Fatalf("%s %s: success %v with status %d", method, target, *env.Success, rec.Code)
		}
		if rec.Header().Get("X-Request-Id") == "" {
			t.Fatalf("%s %s: no X-Request-Id", method, target)
		}
	})
}
