package cashfintest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// invoice is a record of the routes these tests add.
type invoice struct {
	ID     string  `json:"_id"`
	Title  string  `json:"title"`
	Status string  `json:"status"`
	Amount float64 `json:"amount"`
}

// counted is a handler for Handle that counts its calls and answers an invoice whose ID is the
// path's {id} ("" without one), with the request body it read as the title.
type counted struct{ calls atomic.Int32 }

func (c *counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.calls.Add(1)
	body, _ := io.ReadAll(r.Body)
	cashfintest.WriteData(w, http.StatusOK, "", invoice{ID: r.PathValue("id"), Title: string(body), Status: "unpaid"})
}

// TestHandleAddsARoute checks that a route added with Handle answers its pattern's requests,
// with the path values and the body the client sent, over HTTP and through Client.Do, on a
// Server and on a Handler mounted elsewhere; and that other paths stay 404.
func TestHandleAddsARoute(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	h := &counted{}
	srv.Handle("GET /business/invoice/details/{id}", h)
	srv.Handle("POST /business/invoice/create", h)

	var got invoice
	err := srv.Client().Do(context.Background(), http.MethodGet, "/business/invoice/details/inv42", nil, nil, &got)
	require.NoError(t, err)
	assert.Equal(t, invoice{ID: "inv42", Status: "unpaid"}, got)

	r := call(t, rawClient(t), http.MethodPost, srv.URL+"/business/invoice/create", `{"title":"June"}`,
		map[string]string{"Authorization": srv.Secret})
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, `{"title":"June"}`, r.env["data"].(map[string]any)["title"], "the handler reads the body the recorder read")
	assert.Equal(t, int32(2), h.calls.Load())

	for _, path := range []string{"/business/invoice/list", "/business/invoice/details/a/b", "/business/invoice/details/"} {
		r := call(t, rawClient(t), http.MethodGet, srv.URL+path, "", map[string]string{"Authorization": srv.Secret})
		assert.Equal(t, http.StatusNotFound, r.status, path)
		assert.Equal(t, "Not found", r.str("error"), path)
	}
	r = call(t, rawClient(t), http.MethodDelete, srv.URL+"/business/invoice/details/x", "", map[string]string{"Authorization": srv.Secret})
	assert.Equal(t, http.StatusMethodNotAllowed, r.status, "another method on an added path is 405, as on the fake's own")
	assert.Equal(t, "GET, HEAD", r.header.Get("Allow"))
	assert.Equal(t, "Method not allowed", r.str("error"))
	r = call(t, rawClient(t), http.MethodDelete, srv.URL+"/business/invoice/details/x", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "the secret first, as on the fake's own paths")
	r = call(t, rawClient(t), http.MethodPut, srv.URL+"/business/contact/list", "", map[string]string{"Authorization": srv.Secret})
	assert.Equal(t, "GET", r.header.Get("Allow"), "the fake's own paths keep their own 405")
	r = call(t, rawClient(t), http.MethodGet, srv.URL+"/business//invoice/details/x", "", map[string]string{"Authorization": srv.Secret})
	assert.Equal(t, http.StatusNotFound, r.status, "an unclean path is 404 with the envelope, not ServeMux's redirect")
	assert.Equal(t, int32(2), h.calls.Load())

	t.Run("on a Handler", func(t *testing.T) {
		fake := cashfintest.NewHandler()
		fake.Handle("GET /business/invoice/details/{id}", h)
		r := send(t, fake, req{target: "/business/invoice/details/inv7"})
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "inv7", r.env["data"].(map[string]any)["_id"])
		fake.Reset()
		assert.Equal(t, http.StatusOK, send(t, fake, req{target: "/business/invoice/details/inv7"}).status, "Reset keeps the routes")
	})
}

// TestHandleNeedsTheSecret checks that a request for an added route without the secret is 401,
// as for the fake's own routes, and never reaches the handler.
func TestHandleNeedsTheSecret(t *testing.T) {
	fake := cashfintest.NewHandler()
	h := &counted{}
	fake.Handle("POST /business/payments/mobile/request", h)
	for name, r := range map[string]req{
		"no header":      {method: http.MethodPost, target: "/business/payments/mobile/request", noAuth: true},
		"wrong secret":   {method: http.MethodPost, target: "/business/payments/mobile/request", header: map[string]string{"Authorization": "cs_live_wrong"}},
		"bearer":         {method: http.MethodPost, target: "/business/payments/mobile/request", header: map[string]string{"Authorization": "Bearer " + cashfintest.DefaultSecret}},
		"with a body":    {method: http.MethodPost, target: "/business/payments/mobile/request", body: `{"amount":1}`, noAuth: true},
		"idempotent key": {method: http.MethodPost, target: "/business/payments/mobile/request", noAuth: true, header: map[string]string{"Idempotency-Key": "k"}},
	} {
		got := send(t, fake, r)
		assert.Equal(t, http.StatusUnauthorized, got.status, name)
		assert.JSONEq(t, `{"success":false,"message":"Unauthorized access!"}`, string(got.body), name)
	}
	assert.Zero(t, h.calls.Load(), "a request without the secret never reaches the handler")
	assert.Equal(t, http.StatusOK, send(t, fake, req{method: http.MethodPost, target: "/business/payments/mobile/request"}).status)
}

// TestHandleIsRecorded checks that requests for an added route are in Requests, with the secret
// redacted, their body and the status the handler answered.
func TestHandleIsRecorded(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	srv.Handle("POST /business/invoice/create", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cashfintest.WriteData(w, http.StatusCreated, "Invoice created successfully", invoice{ID: "inv1"})
	}))
	body := `{"customerid":"507f1f77bcf86cd799439011","note":"` + srv.Secret + `"}`
	r := call(t, rawClient(t), http.MethodPost, srv.URL+"/business/invoice/create?x=1", body,
		map[string]string{"Authorization": srv.Secret})
	require.Equal(t, http.StatusCreated, r.status)

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/business/invoice/create", reqs[0].Path)
	assert.Equal(t, "x=1", reqs[0].Query)
	assert.Equal(t, "[redacted]", reqs[0].Header.Get("Authorization"))
	assert.Equal(t, `{"customerid":"507f1f77bcf86cd799439011","note":"[redacted]"}`, string(reqs[0].Body))
	assert.Equal(t, http.StatusCreated, reqs[0].Status)
}

// TestHandleRecordsTheImplicitStatus checks that a request whose handler writes nothing, which
// net/http answers with 200 and no body, is recorded with 200: not 0, which Requests keeps for a
// request still being served.
func TestHandleRecordsTheImplicitStatus(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	srv.Handle("POST /business/invoice/send/{id}", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	hr, err := http.NewRequest(http.MethodPost, srv.URL+"/business/invoice/send/inv1", nil)
	require.NoError(t, err)
	hr.Header.Set("Authorization", srv.Secret)
	resp, err := rawClient(t).Do(hr)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []int{http.StatusOK}, statuses(srv.Requests()))
}

// TestHandleMeetsQueuedFailures checks that FailNext and FailNextWith answer a request for an
// added route before its handler, and that the SDK's retry then reaches the handler.
func TestHandleMeetsQueuedFailures(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	h := &counted{}
	srv.Handle("GET /business/invoice/details/{id}", h)

	srv.FailNext(1, http.StatusServiceUnavailable)
	var got invoice
	require.NoError(t, srv.Client().Do(context.Background(), http.MethodGet, "/business/invoice/details/inv1", nil, nil, &got))
	assert.Equal(t, "inv1", got.ID)
	assert.Equal(t, int32(1), h.calls.Load(), "the failed attempt did not reach the handler")
	assert.Equal(t, []int{503, 200}, statuses(srv.Requests()))

	srv.FailNextWith(cashfintest.Failure{Status: http.StatusNotFound, Message: "Invoice not found"})
	err := srv.Client().Do(context.Background(), http.MethodGet, "/business/invoice/details/inv2", nil, nil, &got)
	assert.ErrorIs(t, err, cashfin.ErrNotFound)
	assert.ErrorContains(t, err, "Invoice not found")
	assert.Equal(t, int32(1), h.calls.Load())
}

// TestHandleWaitsOutLatency checks that WithLatency delays an added route's answer, and that a
// client gone before the latency has passed never reaches the handler.
func TestHandleWaitsOutLatency(t *testing.T) {
	const latency = 30 * time.Millisecond
	fake := cashfintest.NewHandler(cashfintest.WithLatency(latency))
	h := &counted{}
	fake.Handle("GET /business/invoice/details/{id}", h)
	start := time.Now()
	assert.Equal(t, http.StatusOK, send(t, fake, req{target: "/business/invoice/details/x"}).status)
	assert.GreaterOrEqual(t, time.Since(start), latency)

	slow := cashfintest.NewHandler(cashfintest.WithLatency(time.Hour))
	slow.Handle("GET /business/invoice/details/{id}", h)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hr := httptest.NewRequest(http.MethodGet, "/business/invoice/details/x", nil).WithContext(ctx)
	hr.Header.Set("Authorization", cashfintest.DefaultSecret)
	rec := httptest.NewRecorder()
	slow.ServeHTTP(rec, hr)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Equal(t, int32(1), h.calls.Load(), "a client gone during the latency never reaches the handler")
}

// TestHandleCountsInThePlan checks that requests for an added route count in WithPlan's windows,
// carry the X-RateLimit-* headers, and are refused with 429 over the limit without reaching
// the handler.
func TestHandleCountsInThePlan(t *testing.T) {
	fake := cashfintest.NewHandler(cashfintest.WithPlan(0, 0, 2)) // 2 a day: the day will not end in this test
	h := &counted{}
	fake.Handle("GET /business/invoice/list", h)
	first := send(t, fake, req{target: "/business/invoice/list"})
	assert.Equal(t, "2", first.header.Get("X-RateLimit-Limit"))
	assert.Equal(t, "1", first.header.Get("X-RateLimit-Remaining"))
	assert.NotEmpty(t, first.header.Get("X-RateLimit-Reset"))
	assert.Equal(t, http.StatusOK, send(t, fake, req{target: "/business/contact/list"}).status, "one plan for every route")
	r := send(t, fake, req{target: "/business/invoice/list"})
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.NotEmpty(t, r.header.Get("Retry-After"))
	assert.Equal(t, int32(1), h.calls.Load(), "a refused request never reaches the handler")
}

// TestHandleAllowOnTheFakesPaths checks the 405 of a path the fake serves itself when Handle
// added another method on it: its Allow header names the added method too, as it is served.
func TestHandleAllowOnTheFakesPaths(t *testing.T) {
	fake := cashfintest.NewHandler()
	h := &counted{}
	fake.Handle("POST /business/contact/details/{id}", h)
	fake.Handle("PATCH /business/contact/list", h)
	for target, want := range map[string]string{
		"/business/contact/details/507f1f77bcf86cd799439011": "GET, POST",
		"/business/contact/list":                             "GET, PATCH",
		"/business/contact/create":                           "POST",
	} {
		r := send(t, fake, req{method: http.MethodPut, target: target})
		assert.Equal(t, http.StatusMethodNotAllowed, r.status, target)
		assert.Equal(t, want, r.header.Get("Allow"), target)
	}
	assert.Equal(t, http.StatusOK, send(t, fake, req{method: http.MethodPost, target: "/business/contact/details/507f1f77bcf86cd799439011"}).status)
	assert.Equal(t, int32(1), h.calls.Load())
}

// TestHandleIdempotencyKey checks that a POST to an added route carrying an Idempotency-Key is
// replayed, as a create is, and that the key with another body is 409: the handler runs once.
func TestHandleIdempotencyKey(t *testing.T) {
	fake := cashfintest.NewHandler()
	h := &counted{}
	fake.Handle("POST /business/invoice/create", h)
	key := map[string]string{"Idempotency-Key": "inv-june"}
	first := send(t, fake, req{method: http.MethodPost, target: "/business/invoice/create", body: `{"a":1}`, header: key})
	again := send(t, fake, req{method: http.MethodPost, target: "/business/invoice/create", body: `{"a":1}`, header: key})
	assert.Equal(t, first.body, again.body)
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	other := send(t, fake, req{method: http.MethodPost, target: "/business/invoice/create", body: `{"a":2}`, header: key})
	assert.Equal(t, http.StatusConflict, other.status)
	assert.Equal(t, int32(1), h.calls.Load())
}

// TestHandleBodyTooLarge checks that an added route's body over MaxBodySize is 413 before its
// handler, as the fake's own creates answer it.
func TestHandleBodyTooLarge(t *testing.T) {
	fake := cashfintest.NewHandler()
	h := &counted{}
	fake.Handle("POST /business/invoice/create", h)
	r := send(t, fake, req{method: http.MethodPost, target: "/business/invoice/create", body: strings.Repeat(" ", cashfintest.MaxBodySize+1)})
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.status)
	assert.Zero(t, h.calls.Load())
}

// TestHandlePanics checks that a pattern conflicting with one of the fake's routes (or an
// earlier Handle), an invalid pattern and a nil handler make Handle panic, as ServeMux does;
// and that patterns ServeMux ranks apart from the fake's routes are accepted, without taking
// the fake's routes.
func TestHandlePanics(t *testing.T) {
	fake := cashfintest.NewHandler()
	h := &counted{}
	fake.Handle("GET /business/invoice/list", h)
	for pattern, why := range map[string]string{
		"GET /business/contact/list":                 "conflicts with",
		"POST /business/contact/create":              "conflicts with",
		"GET /business/contact/details/{x}":          "conflicts with",
		"GET /business/customer/details/{id}":        "conflicts with",
		"PATCH /business/customer/update/{customer}": "conflicts with",
		"POST /business/customer/create":             "conflicts with",
		"GET /business/invoice/list":                 "conflicts with", // Handle's own, again
		"GET":                                        "missing /",
		"GET /business/{a}/{a}":                      "duplicate wildcard",
	} {
		msg := panicOf(func() { fake.Handle(pattern, h) })
		assert.True(t, strings.HasPrefix(msg, "cashfintest: Handle: "), "%s: %q", pattern, msg)
		assert.Contains(t, msg, why, pattern)
	}
	assert.PanicsWithValue(t, `cashfintest: Handle: nil handler for "GET /business/x"`, func() { fake.Handle("GET /business/x", nil) })

	// More specific or more general than the fake's routes: ServeMux accepts them.
	fake.Handle("GET /business/contact/details/{id}/notes", h)
	fake.Handle("/business/", h)
	assert.Equal(t, http.StatusOK, send(t, fake, req{target: "/business/contact/list"}).status)
	assert.Zero(t, h.calls.Load(), "the fake's own route is more specific than /business/")
	assert.Equal(t, http.StatusNotFound, send(t, fake, req{target: "/business/contact/details/507f1f77bcf86cd799439011"}).status)
	assert.Zero(t, h.calls.Load())
	send(t, fake, req{target: "/business/contact/details/507f1f77bcf86cd799439011/notes"})
	send(t, fake, req{target: "/business/payment-link/list"})
	assert.Equal(t, int32(2), h.calls.Load())
}

// panicOf returns the panic f raises, as a string; "" if none.
func panicOf(f func()) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = fmt.Sprint(v)
		}
	}()
	f()
	return ""
}

// TestHandleWhileServing checks that routes may be added while the fake serves requests (run with
// -race): each route added answers afterwards, and requests in flight meanwhile get envelopes.
func TestHandleWhileServing(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	hc := rawClient(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				hr, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/business/m%d/list", srv.URL, (g+i)%20), nil)
				hr.Header.Set("Authorization", srv.Secret)
				resp, err := hc.Do(hr)
				if !assert.NoError(t, err) {
					return
				}
				var env struct{ Success *bool }
				decodeErr := json.NewDecoder(resp.Body).Decode(&env)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				assert.Contains(t, []int{200, 404}, resp.StatusCode)
				if assert.NoError(t, decodeErr, "an envelope") && assert.NotNil(t, env.Success, "an envelope") {
					assert.Equal(t, resp.StatusCode == 200, *env.Success)
				}
			}
		}()
	}
	for m := range 20 {
		srv.Handle(fmt.Sprintf("GET /business/m%d/list", m), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cashfintest.WriteList(w, r, []int{m})
		}))
	}
	close(stop)
	wg.Wait()
	for m := range 20 {
		r := call(t, hc, http.MethodGet, fmt.Sprintf("%s/business/m%d/list", srv.URL, m), "", map[string]string{"Authorization": srv.Secret})
		assert.Equal(t, []any{float64(m)}, r.env["data"])
	}
}

// TestHandlePanicInHandler checks that a handler's panic is answered with 500 naming the pattern.
func TestHandlePanicInHandler(t *testing.T) {
	fake := cashfintest.NewHandler()
	fake.Handle("GET /business/invoice/list", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	hr := httptest.NewRequest(http.MethodGet, "/business/invoice/list", nil)
	hr.Header.Set("Authorization", cashfintest.DefaultSecret)
	rec := httptest.NewRecorder()
	fake.ServeHTTP(rec, hr)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"success":false,"error":"cashfintest: the handler of \"GET /business/invoice/list\" panicked: boom"}`, rec.Body.String())
}

// TestWriteEnvelope checks the envelope writers: WriteData and WriteError write what the fake's
// own routes write, and the SDK decodes both.
func TestWriteEnvelope(t *testing.T) {
	rec := httptest.NewRecorder()
	cashfintest.WriteData(rec, http.StatusCreated, "Invoice created successfully", invoice{ID: "i1", Amount: 1500})
	assert.Equal(t, http.StatusCreated, rec.Code)
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.JSONEq(t, `{"success":true,"message":"Invoice created successfully","data":{"_id":"i1","title":"","status":"","amount":1500}}`, rec.Body.String())

	rec = httptest.NewRecorder()
	cashfintest.WriteData(rec, http.StatusOK, "", []string{})
	assert.JSONEq(t, `{"success":true,"data":[]}`, rec.Body.String())

	rec = httptest.NewRecorder()
	cashfintest.WriteError(rec, http.StatusBadRequest, "There are problems with your submission", map[string]string{"phone": "Phone is invalid"})
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.JSONEq(t, `{"success":false,"error":"There are problems with your submission","errors":{"phone":"Phone is invalid"}}`, rec.Body.String())

	rec = httptest.NewRecorder()
	cashfintest.WriteError(rec, http.StatusNotFound, "Invoice not found", nil)
	assert.JSONEq(t, `{"success":false,"error":"Invoice not found"}`, rec.Body.String())

	srv := cashfintest.NewServer()
	defer srv.Close()
	srv.Handle("POST /business/payments/mobile/request", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cashfintest.WriteError(w, http.StatusBadRequest, "There are problems with your submission", map[string]string{"phone": "Phone is invalid"})
	}))
	err := srv.Client().Do(context.Background(), http.MethodPost, "/business/payments/mobile/request", nil, map[string]any{"phone": "+254"}, nil)
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, map[string]string{"phone": "Phone is invalid"}, apiErr.Fields)
	assert.ErrorIs(t, err, cashfin.ErrBadRequest)
}

// TestWriteDataCannotEncode checks that data encoding/json refuses is answered with 503 and a
// message saying why, so that the test's author sees what is wrong with the data.
func TestWriteDataCannotEncode(t *testing.T) {
	rec := httptest.NewRecorder()
	cashfintest.WriteData(rec, http.StatusOK, "", invoice{ID: "i1", Amount: math.NaN()})
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.JSONEq(t, `{"success":false,"error":"cashfintest: cannot encode the response: json: unsupported value: NaN"}`, rec.Body.String())
}

// TestWriteList checks that WriteList pages as the fake's own lists do: page and limit from the
// query (defaults 1 and 10, over 100 served as 100), the pagination block, 400 for a bad page or
// limit, and no items past the end; and that Client.Do decodes it into a Page.
func TestWriteList(t *testing.T) {
	all := make([]int, 25)
	for i := range all {
		all[i] = i
	}
	list := func(query string) *response {
		rec := httptest.NewRecorder()
		rec.Header().Set("X-Request-Id", "req_000000000000000000000000")
		cashfintest.WriteList(rec, httptest.NewRequest(http.MethodGet, "/business/invoice/list?"+query, nil), all)
		return checkEnvelope(t, rec.Code, rec.Header(), rec.Body.Bytes())
	}
	for query, want := range map[string]string{
		"":                 `{"success":true,"data":[0,1,2,3,4,5,6,7,8,9],"pagination":{"total":25,"page":1,"limit":10,"pages":3}}`,
		"page=3":           `{"success":true,"data":[20,21,22,23,24],"pagination":{"total":25,"page":3,"limit":10,"pages":3}}`,
		"page=2&limit=20":  `{"success":true,"data":[20,21,22,23,24],"pagination":{"total":25,"page":2,"limit":20,"pages":2}}`,
		"page=9":           `{"success":true,"data":[],"pagination":{"total":25,"page":9,"limit":10,"pages":3}}`,
		"page=2147483647":  `{"success":true,"data":[],"pagination":{"total":25,"page":2147483647,"limit":10,"pages":3}}`,
		"limit=1000":       `{"success":true,"data":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24],"pagination":{"total":25,"page":1,"limit":100,"pages":1}}`,
		"page=0":           `{"success":false,"error":"page must be a positive integer"}`,
		"limit=-1":         `{"success":false,"error":"limit must be a positive integer"}`,
		"page=1&limit=abc": `{"success":false,"error":"limit must be a positive integer"}`,
	} {
		assert.JSONEq(t, want, string(list(query).body), query)
	}

	srv := cashfintest.NewServer()
	defer srv.Close()
	srv.Handle("GET /business/invoice/list", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cashfintest.WriteList(w, r, all)
	}))
	var page cashfin.Page[int]
	require.NoError(t, srv.Client().Do(context.Background(), http.MethodGet, "/business/invoice/list",
		url.Values{"page": {"2"}, "limit": {"5"}}, nil, &page))
	assert.Equal(t, []int{5, 6, 7, 8, 9}, page.Data)
	assert.Equal(t, cashfin.Pagination{Total: 25, Page: 2, Limit: 5, Pages: 5}, page.Pagination)
}

// statuses returns the status of each request.
func statuses(reqs []cashfintest.Request) []int {
	out := make([]int, len(reqs))
	for i, r := range reqs {
		out[i] = r.Status
	}
	return out
}
