package cashfin_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// invoice stands for a resource the SDK has no type for.
type invoice struct {
	ID     string  `json:"_id"`
	Title  string  `json:"title"`
	Amount float64 `json:"amount"`
	Status string  `json:"status"`
}

const invoiceListOK = `{"success":true,"data":[{"_id":"65a5f0c2e4b0a1b2c3d4e5f6","title":"INV-1","amount":1500,"status":"unpaid"}],` +
	`"pagination":{"total":11,"page":2,"limit":10,"pages":2}}`

func TestDoPathRules(t *testing.T) {
	t.Parallel()
	bad := []string{
		"", "business/invoice/list", "//evil.example/business/invoice/list",
		"https://evil.example/business/invoice/list", "http://api.cashfin.africa/business/invoice/list",
		"/business/invoice/list?page=2", "/business/invoice/list#top", "/business/invoice/?",
		"/business/invoice/ list", "/business/invoice/list\n", "/business/\tinvoice", "/business/invoice\x00",
		"/business/invoice/list\x7f", "/business/invoice/\u00a0list", "/business/invoice/list\u2028",
		"/business/../admin", "/business/./invoice", "/..", "/.", "/business/invoice/..",
		"/business/%2e%2e/admin", "/business/%2E%2E/admin", "/business/.%2e/admin", "/business/%2e/x",
		"/business/..%2fadmin", `/business/..\admin`, "/business/%0a/list", "/business/%20/list",
		"/business/%zz/list", "/business/invoice/%", "/business/\xff/list",
	}
	for _, path := range bad {
		c, mt := newMockClient(t)
		rec := serve(mt, reply{status: 200, body: `{"success":true,"data":null}`})
		err := c.Do(context.Background(), http.MethodGet, path, nil, nil, nil)
		assert.ErrorIs(t, err, cashfin.ErrInvalidParams, "path %q", path)
		assert.Zero(t, rec.len(), "path %q was sent", path)
	}

	good := map[string]string{ // path → the URL the server sees
		"/business/invoice/list":                 "https://api.test/business/invoice/list",
		"/business/invoice/details/65a5f0c2e4b0": "https://api.test/business/invoice/details/65a5f0c2e4b0",
		"/business/payment-link/list":            "https://api.test/business/payment-link/list",
		"/business/x/a%2Fb":                      "https://api.test/business/x/a%2Fb",
		"/business/x/..a/b..":                    "https://api.test/business/x/..a/b..",
		"/business/x/caf%C3%A9":                  "https://api.test/business/x/caf%C3%A9",
		"/":                                      "https://api.test/",
	}
	for path, want := range good {
		c, mt := newMockClient(t)
		rec := serve(mt, reply{status: 200, body: `{"success":true,"data":null}`})
		require.NoError(t, c.Do(context.Background(), http.MethodGet, path, nil, nil, nil), "path %q", path)
		if assert.Equal(t, 1, rec.len(), "path %q", path) {
			assert.Equal(t, want, rec.all()[0].URL)
		}
	}
}

// TestDoPathOnTheWire sends escaped paths and a query through a real socket, under a base URL
// with a path prefix: they arrive byte for byte.
func TestDoPathOnTheWire(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.RequestURI
		_, _ = w.Write([]byte(`{"success":true,"data":null}`))
	}))
	t.Cleanup(srv.Close)
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL+"/api/"))
	require.NoError(t, err)
	err = c.Do(context.Background(), http.MethodGet, "/business/x/a%2Fb/caf%C3%A9",
		url.Values{"search": {"a&b c"}, "page": {"2"}}, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "/api/business/x/a%2Fb/caf%C3%A9?page=2&search=a%26b+c", <-got)
}

func TestDoMethodsAndIdempotency(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"get", "HEAD", "OPTIONS", "CONNECT", "TRACE", "", "GET ", "P\nST"} {
		c, mt := newMockClient(t)
		rec := serve(mt, reply{status: 200, body: `{"success":true}`})
		err := c.Do(context.Background(), method, "/business/invoice/list", nil, nil, nil)
		assert.ErrorIs(t, err, cashfin.ErrInvalidParams, "method %q", method)
		assert.Zero(t, rec.len())
	}
	for _, tc := range []struct {
		method string
		key    bool
		body   bool // a GET or DELETE takes none (issue 15)
	}{{http.MethodPost, true, true}, {http.MethodPatch, true, true}, {http.MethodGet, false, false},
		{http.MethodPut, false, true}, {http.MethodDelete, false, false}} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, fast())
			rec := serve(mt, reply{status: 503, body: `{"success":false,"error":"busy"}`},
				reply{status: 502, body: `<html>bad gateway</html>`}, reply{status: 200, body: `{"success":true,"data":{"ok":1}}`})
			var out map[string]int
			var body any
			wantBody := ""
			if tc.body {
				body, wantBody = map[string]int{"a": 1}, `{"a":1}`
			}
			require.NoError(t, c.Do(context.Background(), tc.method, "/business/x/y", nil, body, &out))
			assert.Equal(t, map[string]int{"ok": 1}, out)
			reqs := rec.all()
			require.Len(t, reqs, 3, "retried as every call is")
			for _, r := range reqs {
				assert.Equal(t, tc.method, r.Method)
				checkCommonHeaders(t, r.Header)
				assert.Equal(t, wantBody, string(r.Body))
				if tc.key {
					assert.Len(t, r.Header.Get("Idempotency-Key"), 32)
					assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), r.Header.Get("Idempotency-Key"), "the key changed")
				} else {
					assert.Empty(t, r.Header.Values("Idempotency-Key"))
				}
			}
		})
	}
}

func TestDoBody(t *testing.T) {
	t.Parallel()
	send := func(t *testing.T, body any) (seen, error) {
		c, mt := newMockClient(t)
		rec := serve(mt, reply{status: 200, body: `{"success":true}`})
		err := c.Do(context.Background(), http.MethodPost, "/business/payments/mobile/request", nil, body, nil)
		if rec.len() == 0 {
			return seen{}, err
		}
		return rec.all()[0], err
	}
	r, err := send(t, nil)
	require.NoError(t, err)
	assert.Empty(t, r.Body)
	assert.Empty(t, r.Header.Values("Content-Type"), "no body, no Content-Type")

	r, err = send(t, struct {
		Amount int    `json:"amount"`
		Phone  string `json:"phone"`
	}{1500, "254712345678"})
	require.NoError(t, err)
	assert.Equal(t, `{"amount":1500,"phone":"254712345678"}`, string(r.Body))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))

	raw := json.RawMessage("{ \"amount\" : 1500,\n \"channel\":\"mpesa\" }")
	r, err = send(t, raw)
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(r.Body), "a json.RawMessage is sent as it is")

	for name, body := range map[string]any{
		"invalid RawMessage": json.RawMessage(`{"amount":`),
		"unencodable":        map[string]any{"f": func() {}},
	} {
		r, err = send(t, body)
		assert.ErrorIs(t, err, cashfin.ErrInvalidParams, name)
		assert.Nil(t, r.Header, "%s: something was sent", name)
	}
}

func TestDoOut(t *testing.T) {
	t.Parallel()
	do := func(t *testing.T, body string, out any) error {
		c, mt := newMockClient(t)
		serve(mt, reply{status: 200, body: body})
		return c.Do(context.Background(), http.MethodGet, "/business/invoice/details/1", nil, nil, out)
	}
	var inv invoice
	require.NoError(t, do(t, `{"success":true,"data":{"_id":"a1","title":"INV-1","amount":12.5,"extra":true}}`, &inv))
	assert.Equal(t, invoice{ID: "a1", Title: "INV-1", Amount: 12.5}, inv)

	for _, body := range []string{`{"success":true}`, `{"success":true,"data":null}`, `{"success":true,"message":"ok"}`} {
		kept := invoice{ID: "kept"}
		require.NoError(t, do(t, body, &kept), body)
		assert.Equal(t, invoice{ID: "kept"}, kept, "%s: out was touched", body)
		page := cashfin.Page[invoice]{Data: []invoice{{ID: "kept"}}, Pagination: cashfin.Pagination{Page: 3}}
		require.NoError(t, do(t, body, &page), body)
		assert.Equal(t, "kept", page.Data[0].ID, body)
		assert.Equal(t, 3, page.Pagination.Page, body)
	}

	require.NoError(t, do(t, `{"success":true,"data":{"a":1}}`, nil), "nil out discards")
	var m map[string]any
	require.NoError(t, do(t, `{"success":true,"data":{"checkoutrequestid":"ws_CO_1"}}`, &m))
	assert.Equal(t, "ws_CO_1", m["checkoutrequestid"])

	for name, out := range map[string]any{"not a pointer": invoice{}, "nil pointer": (*invoice)(nil), "map": map[string]any{}} {
		c, mt := newMockClient(t)
		rec := serve(mt, reply{status: 200, body: `{"success":true}`})
		err := c.Do(context.Background(), http.MethodGet, "/business/x/list", nil, nil, out)
		assert.ErrorIs(t, err, cashfin.ErrInvalidParams, name)
		assert.Zero(t, rec.len(), "%s: sent", name)
	}

	err := do(t, `{"success":true,"data":"a string"}`, &inv)
	assert.ErrorIs(t, err, cashfin.ErrUnexpectedResponse, "data that does not fit out")
	err = do(t, `<html>hi</html>`, nil)
	assert.ErrorIs(t, err, cashfin.ErrUnexpectedResponse, "not an envelope, even with out nil")
	err = do(t, `{"success":false,"error":"Invoice not found"}`, &inv)
	assert.ErrorIs(t, err, cashfin.ErrNotFound, "success:false in a 2xx")
	err = do(t, `{"success":false,"error":"nope"}`, nil)
	assert.ErrorIs(t, err, cashfin.ErrBadRequest, "success:false in a 2xx, out nil")
}

func TestDoPage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       cashfin.Pagination
	}{
		{"pagination", invoiceListOK, cashfin.Pagination{Total: 11, Page: 2, Limit: 10, Pages: 2}},
		{"meta", strings.Replace(invoiceListOK, `"pagination"`, `"meta"`, 1), cashfin.Pagination{Total: 11, Page: 2, Limit: 10, Pages: 2}},
		{"no block", `{"success":true,"data":[{"_id":"65a5f0c2e4b0a1b2c3d4e5f6","title":"INV-1","amount":1500,"status":"unpaid"}]}`, cashfin.Pagination{}},
	} {
		c, mt := newMockClient(t)
		rec := serve(mt, reply{status: 200, body: tc.body})
		page := cashfin.Page[invoice]{Data: []invoice{{}, {}, {}}, Pagination: cashfin.Pagination{Total: 99, Pages: 9}}
		err := c.Do(context.Background(), http.MethodGet, "/business/invoice/list",
			url.Values{"status": {"unpaid"}, "page": {"2"}}, nil, &page)
		require.NoError(t, err, tc.name)
		assert.Equal(t, []invoice{{ID: "65a5f0c2e4b0a1b2c3d4e5f6", Title: "INV-1", Amount: 1500, Status: "unpaid"}}, page.Data, tc.name)
		assert.Equal(t, tc.want, page.Pagination, tc.name)
		assert.Equal(t, "page=2&status=unpaid", rec.all()[0].Query)
	}

	c, mt := newMockClient(t)
	serve(mt, reply{status: 200, body: `{"success":true,"data":{"not":"a list"}}`})
	var page cashfin.Page[invoice]
	err := c.Do(context.Background(), http.MethodGet, "/business/invoice/list", nil, nil, &page)
	assert.ErrorIs(t, err, cashfin.ErrUnexpectedResponse)
}

func TestDoErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		body   string
		kind   error
	}{
		{404, `{"success":false,"error":"Invoice not found"}`, cashfin.ErrNotFound},
		{422, `{"success":false,"error":"There are problems with your submission","errors":{"amount":"Amount is required"}}`, cashfin.ErrBadRequest},
		{401, `{"success":false,"message":"Unauthorized access!"}`, cashfin.ErrUnauthorized},
		{409, `{"success":false,"error":"duplicate"}`, cashfin.ErrConflict},
		{502, `<html>bad gateway</html>`, cashfin.ErrServer},
	} {
		c, mt := newMockClient(t, cashfin.WithMaxRetries(0))
		serve(mt, reply{status: tc.status, body: tc.body})
		err := c.Do(context.Background(), http.MethodPost, "/business/invoice/create", nil, map[string]any{"amount": 1}, nil)
		require.ErrorIs(t, err, tc.kind)
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, tc.status, apiErr.StatusCode)
		assert.Equal(t, http.MethodPost, apiErr.Method)
		assert.Equal(t, "/business/invoice/create", apiErr.Path)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 200, body: `{"success":true}`})
	err := c.Do(ctx, http.MethodGet, "/business/invoice/list", nil, nil, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, rec.len())
}

// TestDoSecretStaysOut refuses a path or query holding the secret (as it is or percent-encoded)
// without sending anything, and keeps the secret out of every error of a server that echoes the
// request back.
func TestDoSecretStaysOut(t *testing.T) {
	t.Parallel()
	escaped := strings.ReplaceAll(url.PathEscape(canarySecret), "_", "%5F")
	for name, call := range map[string]func(c *cashfin.Client) error{
		"path": func(c *cashfin.Client) error {
			return c.Do(context.Background(), "GET", "/business/x/"+canarySecret, nil, nil, nil)
		},
		"encoded path": func(c *cashfin.Client) error {
			return c.Do(context.Background(), "GET", "/business/x/"+escaped, nil, nil, nil)
		},
		"bad path": func(c *cashfin.Client) error {
			return c.Do(context.Background(), "GET", "https://x/"+canarySecret+"?k="+canarySecret, nil, nil, nil)
		},
		"query value": func(c *cashfin.Client) error {
			return c.Do(context.Background(), "GET", "/business/x/list", url.Values{"k": {canarySecret}}, nil, nil)
		},
		"query key": func(c *cashfin.Client) error {
			return c.Do(context.Background(), "GET", "/business/x/list", url.Values{canarySecret: {"1"}}, nil, nil)
		},
		"bad method": func(c *cashfin.Client) error { return c.Do(context.Background(), canarySecret, "/x", nil, nil, nil) },
	} {
		mt := httpmock.NewMockTransport()
		c, err := cashfin.NewClient(canarySecret, cashfin.WithBaseURL("https://api.test"), cashfin.WithHTTPClient(&http.Client{Transport: mt}))
		require.NoError(t, err)
		rec := serve(mt, reply{status: 200, body: `{"success":true}`})
		err = call(c)
		assert.ErrorIs(t, err, cashfin.ErrInvalidParams, name)
		assert.Zero(t, rec.len(), "%s: sent", name)
		assertSweep(t, canarySecret, "Do "+name, err)
	}

	// A server that echoes the request (its Authorization, path and body) in its answers.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo := r.Header.Get("Authorization") + " " + r.URL.Path
		w.Header().Set("X-Request-Id", echo)
		switch r.URL.Path {
		case "/business/echo/400":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"success":false,"error":"` + echo + `","errors":{"k":"` + echo + `"}}`))
		case "/business/echo/200":
			_, _ = w.Write([]byte(`{"success":true,"data":{"_id":"` + echo + `","amount":"` + echo + `"}}`))
		default:
			_, _ = w.Write([]byte(`{"success":false,"error":"` + echo + `"}`))
		}
	}))
	t.Cleanup(srv.Close)
	c, err := cashfin.NewClient(canarySecret, cashfin.WithBaseURL(srv.URL), cashfin.WithMaxRetries(0))
	require.NoError(t, err)
	for _, path := range []string{"/business/echo/400", "/business/echo/200", "/business/echo/false"} {
		var inv invoice
		err := c.Do(context.Background(), http.MethodPost, path, nil, map[string]string{"note": "hi"}, &inv)
		require.Error(t, err, path)
		assertSweep(t, canarySecret, "Do "+path, err)
	}
	// An out whose UnmarshalJSON quotes what it was given.
	err = c.Do(context.Background(), http.MethodGet, "/business/echo/200", nil, nil, &quoting{})
	require.ErrorIs(t, err, cashfin.ErrUnexpectedResponse)
	assertSweep(t, canarySecret, "Do into a quoting out", err)
}

// quoting fails to decode, quoting its input, as a careless UnmarshalJSON might.
type quoting struct{}

func (*quoting) UnmarshalJSON(b []byte) error { return errors.New("cannot use " + string(b)) }

// TestDoAgainstTheFake calls the fake's contact endpoints through Do, as a user would call an
// endpoint the SDK has no method for.
func TestDoAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv := cashfintest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()

	var created cashfin.Contact
	require.NoError(t, c.Do(ctx, http.MethodPost, "/business/contact/create", nil,
		map[string]string{"name": "Jane Wanjiku", "email": "jane@acme.example"}, &created))
	assert.Equal(t, "Jane Wanjiku", created.Name)
	assert.Len(t, created.ID, 24)
	srv.AddContacts(cashfin.Contact{Name: "Kwame"}, cashfin.Contact{Name: "Amina"})

	var page cashfin.Page[cashfin.Contact]
	require.NoError(t, c.Do(ctx, http.MethodGet, "/business/contact/list", url.Values{"limit": {"2"}, "page": {"2"}}, nil, &page))
	assert.Len(t, page.Data, 1)
	assert.Equal(t, cashfin.Pagination{Total: 3, Page: 2, Limit: 2, Pages: 2}, page.Pagination)

	err := c.Do(ctx, http.MethodGet, "/business/contact/details/000000000000000000000000", nil, nil, &created)
	assert.ErrorIs(t, err, cashfin.ErrNotFound)
	assert.Equal(t, "Jane Wanjiku", created.Name, "out untouched by a failure")
	err = c.Do(ctx, http.MethodPost, "/business/contact/create", nil, map[string]string{"email": "x"}, nil)
	assert.ErrorIs(t, err, cashfin.ErrBadRequest)
}
