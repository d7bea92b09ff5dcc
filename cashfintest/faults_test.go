package cashfintest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func TestFailNext(t *testing.T) {
	h := cashfintest.NewHandler()
	create := req{method: http.MethodPost, target: "/business/contact/create", body: `{"name":"Jane"}`}

	h.FailNext(2, http.StatusServiceUnavailable)
	h.FailNext(1, http.StatusBadGateway)
	h.FailNext(0, http.StatusTeapot)  // adds nothing
	h.FailNext(-3, http.StatusTeapot) // adds nothing
	for _, want := range []int{503, 503, 502} {
		r := send(t, h, create)
		assert.Equal(t, want, r.status)
		assert.JSONEq(t, errorEnvelope(http.StatusText(want)), string(r.body))
		assert.Empty(t, r.header.Get("Retry-After"), "injected failures carry no Retry-After")
	}
	assert.Empty(t, h.Contacts(), "failed requests are not processed")
	assert.Equal(t, http.StatusCreated, send(t, h, create).status, "the queue is used up")
	assert.Len(t, h.Contacts(), 1)

	t.Run("before authorization and routing", func(t *testing.T) {
		h.FailNext(2, http.StatusTooManyRequests)
		r := send(t, h, req{target: "/business/contact/list", noAuth: true})
		assert.Equal(t, http.StatusTooManyRequests, r.status)
		assert.Empty(t, r.header.Get("Retry-After"))
		assert.Equal(t, http.StatusTooManyRequests, send(t, h, req{target: "/nowhere"}).status)
		assert.Equal(t, http.StatusUnauthorized, send(t, h, req{target: "/business/contact/list", noAuth: true}).status)
	})
	t.Run("unusual statuses", func(t *testing.T) {
		h.FailNext(1, 599)
		r := send(t, h, req{target: "/business/contact/list"})
		assert.Equal(t, 599, r.status)
		assert.JSONEq(t, errorEnvelope("Error 599"), string(r.body))

		h.FailNext(1, http.StatusOK) // success:false in a 200, which the SDK must treat as a failure
		rec := httptest.NewRecorder()
		hr := httptest.NewRequest(http.MethodGet, "/business/contact/list", nil)
		h.ServeHTTP(rec, hr)
		assert.Equal(t, http.StatusOK, rec.Code)
		assert.JSONEq(t, errorEnvelope("OK"), rec.Body.String())
	})
	for _, bad := range []int{0, 100, 199, 600, -503} {
		assert.Panics(t, func() { h.FailNext(1, bad) }, "status %d", bad)
	}
}

func TestFailNextThroughTheSDK(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	srv.FailNext(2, http.StatusServiceUnavailable) // two failed attempts, then the third (the last) succeeds
	c, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane Wanjiku"})
	require.NoError(t, err)
	require.Len(t, srv.Contacts(), 1, "exactly one contact despite the retries")
	assert.Equal(t, c.ID, srv.Contacts()[0].ID)

	srv.FailNext(3, http.StatusBadGateway) // every attempt fails
	_, err = client.Contacts.Get(ctx, c.ID)
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, cashfin.ErrServer)
	assert.Equal(t, http.StatusBadGateway, apiErr.StatusCode)
	assert.Regexp(t, requestID, apiErr.RequestID)

	srv.FailNext(1, http.StatusBadRequest) // not retried
	_, err = client.Contacts.List(ctx, nil)
	assert.ErrorIs(t, err, cashfin.ErrBadRequest)
	_, err = client.Contacts.List(ctx, nil)
	assert.NoError(t, err)

	srv.FailNext(1, http.StatusOK)
	_, err = client.Contacts.List(ctx, nil)
	assert.ErrorIs(t, err, cashfin.ErrBadRequest, "success:false in a 200 is a failure")

	noRetry := srv.Client(cashfin.WithMaxRetries(0)) // the caller's options override the defaults
	srv.FailNext(1, http.StatusServiceUnavailable)
	_, err = noRetry.Contacts.List(ctx, nil)
	assert.ErrorIs(t, err, cashfin.ErrServer)
}

// TestRateLimit checks the rate-limit headers and the 429 over HTTP's handler interface, with the
// real clock: the exact figures over time are TestPlanWindows' and TestRateLimitWithFakeClock's.
func TestRateLimit(t *testing.T) {
	h := cashfintest.NewHandler(cashfintest.WithRateLimit(3))
	start := time.Now()
	var r *response
	for i := 0; ; i++ {
		// In process, requests come far faster than 3 a second: one soon meets the limit.
		require.Less(t, i, 1000, "a thousand requests in a row were all admitted at 3 a second")
		r = send(t, h, req{target: "/business/contact/list"})
		if r.status != http.StatusOK {
			break
		}
		remaining, err := strconv.Atoi(r.header.Get("X-RateLimit-Remaining"))
		require.NoError(t, err)
		if i == 0 {
			assert.Equal(t, 2, remaining, "a window starts empty: the first request leaves 2 of 3")
		}
		assert.True(t, remaining >= 0 && remaining <= 2, "X-RateLimit-Remaining %d", remaining)
		assert.Equal(t, "3", r.header.Get("X-RateLimit-Limit"))
		reset, err := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, reset, start.Unix(), "Reset is a Unix time")
		assert.LessOrEqual(t, reset, time.Now().Unix()+2)
		assert.Empty(t, r.header.Get("Retry-After"))
	}
	require.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	assert.Equal(t, "3", r.header.Get("X-RateLimit-Limit"))
	assert.Equal(t, "0", r.header.Get("X-RateLimit-Remaining"))
	assert.JSONEq(t, `{"success":false,"error":"Rate limit exceeded. Please try again later.","retry_after":1}`, string(r.body))

	t.Run("on every response", func(t *testing.T) {
		h := cashfintest.NewHandler(cashfintest.WithRateLimit(100))
		for _, r := range []req{
			{target: "/business/contact/list", noAuth: true},                                   // 401
			{target: "/nowhere"},                                                               // 404
			{method: http.MethodPut, target: "/business/contact/list"},                         // 405
			{method: http.MethodPost, target: "/business/contact/create", body: `{"name":""}`}, // 400
			{target: "/business/contact/details/nope"},                                         // 404
		} {
			got := send(t, h, r)
			assert.Equal(t, "100", got.header.Get("X-RateLimit-Limit"), "%s %s: %d", r.method, r.target, got.status)
			assert.NotEmpty(t, got.header.Get("X-RateLimit-Remaining"))
			assert.NotEmpty(t, got.header.Get("X-RateLimit-Reset"))
		}
	})
	t.Run("no headers without a limit", func(t *testing.T) {
		r := send(t, cashfintest.NewHandler(), req{target: "/business/contact/list"})
		assert.Empty(t, r.header.Get("X-RateLimit-Limit"))
		assert.Empty(t, r.header.Get("X-RateLimit-Remaining"))
		assert.Empty(t, r.header.Get("X-RateLimit-Reset"))
	})
}

// TestRateLimitThroughTheSDK checks that the SDK reads the fake's window as the API sends it: after
// the one request a second that WithRateLimit(1) admits, the fake reports 0 remaining until the
// next clock second, so the SDK refuses a call whose longest retry wait is shorter than that,
// without sending it, and a call allowed to wait 3 s waits for the reset and succeeds without
// meeting a 429. (A call that finds the second already over is simply sent: the pair of calls is
// repeated until the refusal is seen, as a loaded machine may take a second between two calls.)
func TestRateLimitThroughTheSDK(t *testing.T) {
	srv := cashfintest.NewServer(cashfintest.WithRateLimit(1))
	defer srv.Close()
	ctx := context.Background()
	rec := &statusRecorder{base: rawClient(t).Transport}
	client := srv.Client(cashfin.WithHTTPClient(&http.Client{Transport: rec}))
	impatient := cashfin.WithRetryWait(time.Nanosecond, time.Nanosecond)

	var apiErr *cashfin.APIError
	for try := 0; try < 5 && apiErr == nil; try++ {
		_, err := client.Contacts.List(ctx, nil, cashfin.WithRetryWait(time.Millisecond, 3*time.Second))
		require.NoError(t, err, "a request is admitted, after waiting for the window if need be")
		rec.take()
		_, err = client.Contacts.List(ctx, nil, impatient)
		if err == nil {
			continue // the second ended between the two calls
		}
		require.ErrorAs(t, err, &apiErr)
		assert.ErrorIs(t, err, cashfin.ErrRateLimited)
		assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
		assert.Greater(t, apiErr.RetryAfter, time.Duration(0))
		assert.LessOrEqual(t, apiErr.RetryAfter, time.Second)
		assert.Contains(t, apiErr.Message, "known to be exhausted")
		assert.Empty(t, rec.take(), "the refused call sent nothing")
	}
	require.NotNil(t, apiErr, "no call met the exhausted window in five tries")

	_, err := client.Contacts.List(ctx, nil, cashfin.WithRetryWait(time.Millisecond, 3*time.Second))
	require.NoError(t, err, "a call allowed to wait for the reset waits and succeeds")
	assert.Equal(t, []int{http.StatusOK}, rec.take(), "no 429: the call waited for the window to reset")
}

// statusRecorder is an http.RoundTripper that records the status of every response.
type statusRecorder struct {
	base     http.RoundTripper
	mu       sync.Mutex
	statuses []int
}

// RoundTrip sends req with the base transport and records the status of the response.
func (r *statusRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err == nil {
		r.mu.Lock()
		r.statuses = append(r.statuses, resp.StatusCode)
		r.mu.Unlock()
	}
	return resp, err
}

// take returns the statuses recorded since the last take.
func (r *statusRecorder) take() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.statuses
	r.statuses = nil
	return s
}

func TestLatency(t *testing.T) {
	const latency = 100 * time.Millisecond
	srv := cashfintest.NewServer(cashfintest.WithLatency(latency))
	defer srv.Close()
	hc := rawClient(t)

	begin := time.Now()
	r := call(t, hc, http.MethodGet, srv.URL+"/business/contact/list", "", map[string]string{"Authorization": srv.Secret})
	assert.Equal(t, http.StatusOK, r.status)
	assert.GreaterOrEqual(t, time.Since(begin), latency, "every response waits the latency")

	begin = time.Now()
	r = call(t, hc, http.MethodGet, srv.URL+"/nowhere", "", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.GreaterOrEqual(t, time.Since(begin), latency, "errors wait too")
}

// TestLatencyEndsWithTheRequest checks that a client giving up is not kept waiting, and that the
// fake stops waiting too (goleak checks that no handler is left behind).
func TestLatencyEndsWithTheRequest(t *testing.T) {
	h := cashfintest.NewHandler(cashfintest.WithLatency(time.Hour))

	ctx, cancel := context.WithCancel(context.Background())
	hr := httptest.NewRequestWithContext(ctx, http.MethodPost, "/business/contact/create", nil)
	hr.Header.Set("Authorization", cashfintest.DefaultSecret)
	done := make(chan *httptest.ResponseRecorder)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, hr)
		done <- rec
	}()
	cancel()
	select {
	case rec := <-done:
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
		var env map[string]any
		assert.NoError(t, json.Unmarshal(rec.Body.Bytes(), &env))
	case <-time.After(10 * time.Second):
		t.Fatal("the handler kept waiting after the request ended")
	}
	assert.Empty(t, h.Contacts())

	srv := cashfintest.NewServer(cashfintest.WithLatency(time.Hour))
	defer srv.Close() // would hang for an hour if the handler ignored the closed connection
	client := srv.Client(cashfin.WithMaxRetries(0))
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := client.Contacts.List(ctx, nil)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
}

func TestOptionsPanicOnBadValues(t *testing.T) {
	for name, opt := range map[string]cashfintest.Option{
		"empty secret":     cashfintest.WithSecret(""),
		"secret w/ space":  cashfintest.WithSecret("cs test"),
		"secret w/ \\n":    cashfintest.WithSecret("cs_test\n"),
		"negative latency": cashfintest.WithLatency(-time.Second),
		"negative rate":    cashfintest.WithRateLimit(-1),
	} {
		assert.Panics(t, func() { cashfintest.NewHandler(opt) }, name)
	}
	assert.NotPanics(t, func() { cashfintest.NewHandler(nil, cashfintest.WithRateLimit(0), cashfintest.WithLatency(0)) })
}

func TestFailNextWith(t *testing.T) {
	tests := []struct {
		name       string
		f          cashfintest.Failure
		wantBody   string
		retryAfter string
	}{
		{"status only", cashfintest.Failure{Status: 503}, `{"success":false,"error":"Service Unavailable"}`, ""},
		{"validation body", cashfintest.Failure{Status: 422, Message: "There are problems with your submission",
			Fields: map[string]string{"email": "Email is invalid", "name": "Name is required"}},
			`{"success":false,"error":"There are problems with your submission","errors":{"email":"Email is invalid","name":"Name is required"}}`, ""},
		{"retry after, rounded up", cashfintest.Failure{Status: 429, Message: "Rate limit exceeded. Please try again later.", RetryAfter: 1500 * time.Millisecond},
			`{"success":false,"error":"Rate limit exceeded. Please try again later.","retry_after":2}`, "2"},
		{"retry after under a second", cashfintest.Failure{Status: 503, RetryAfter: time.Millisecond},
			`{"success":false,"error":"Service Unavailable","retry_after":1}`, "1"},
		{"whole seconds", cashfintest.Failure{Status: 503, RetryAfter: 30 * time.Second},
			`{"success":false,"error":"Service Unavailable","retry_after":30}`, "30"},
		{"unusual status", cashfintest.Failure{Status: 599}, `{"success":false,"error":"Error 599"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := cashfintest.NewHandler()
			h.FailNextWith(tt.f)
			r := send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: `{"name":"Jane"}`})
			assert.Equal(t, tt.f.Status, r.status)
			assert.JSONEq(t, tt.wantBody, string(r.body))
			assert.Equal(t, tt.retryAfter, r.header.Get("Retry-After"))
			assert.Empty(t, h.Contacts(), "nothing is processed")
			assert.Equal(t, http.StatusCreated, send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: `{"name":"Jane"}`}).status,
				"Count 0 means one request")
		})
	}

	t.Run("count, and one queue with FailNext in call order", func(t *testing.T) {
		h := cashfintest.NewHandler()
		fields := map[string]string{"name": "Name is required"}
		h.FailNext(1, 502)
		h.FailNextWith(cashfintest.Failure{Status: 400, Fields: fields, Count: 2})
		h.FailNext(2, 503)
		h.FailNextWith(cashfintest.Failure{Status: 429, RetryAfter: time.Second})
		fields["name"] = "changed after queueing"
		var got []int
		for range 7 {
			r := send(t, h, req{target: "/business/contact/list"})
			got = append(got, r.status)
			if r.status == 400 {
				assert.JSONEq(t, `{"success":false,"error":"Bad Request","errors":{"name":"Name is required"}}`, string(r.body))
			}
		}
		assert.Equal(t, []int{502, 400, 400, 503, 503, 429, 200}, got)
	})
	t.Run("through the SDK", func(t *testing.T) {
		srv := cashfintest.NewServer()
		defer srv.Close()
		srv.FailNextWith(cashfintest.Failure{Status: 422, Message: "There are problems with your submission",
			Fields: map[string]string{"email": "Email already exists"}})
		_, err := srv.Client().Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Jane"})
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 422, apiErr.StatusCode)
		assert.Equal(t, map[string]string{"email": "Email already exists"}, apiErr.Fields)
		assert.Empty(t, srv.Contacts())

		srv.FailNextWith(cashfintest.Failure{Status: 503, RetryAfter: 2 * time.Second, Count: 3})
		_, err = srv.Client().Contacts.List(context.Background(), nil)
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 2*time.Second, apiErr.RetryAfter, "a Retry-After beyond the client's wait bound is reported, not waited")
	})
	for name, f := range map[string]cashfintest.Failure{
		"status 0":            {},
		"status 600":          {Status: 600},
		"negative count":      {Status: 503, Count: -1},
		"negative RetryAfter": {Status: 503, RetryAfter: -time.Second},
	} {
		assert.Panics(t, func() { cashfintest.NewHandler().FailNextWith(f) }, name)
	}
}
