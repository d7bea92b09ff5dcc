package cashfintest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func TestRequestsRecordsInOrder(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()
	assert.Empty(t, srv.Requests())

	srv.FailNext(1, http.StatusServiceUnavailable)
	c, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane Wanjiku", IdempotencyKey: "import-1"})
	require.NoError(t, err)
	_, err = client.Contacts.List(ctx, &cashfin.ContactListParams{Page: 2, Search: "jane"})
	require.NoError(t, err)
	_, err = client.Contacts.Get(ctx, "507f1f77bcf86cd799439044")
	require.ErrorIs(t, err, cashfin.ErrNotFound)

	reqs := srv.Requests()
	require.Len(t, reqs, 4)
	type summary struct {
		Method, Path, Query string
		Status              int
	}
	var got []summary
	for _, r := range reqs {
		got = append(got, summary{r.Method, r.Path, r.Query, r.Status})
	}
	assert.Equal(t, []summary{
		{"POST", "/business/contact/create", "", 503}, // the injected failure, then the SDK's retry
		{"POST", "/business/contact/create", "", 201},
		{"GET", "/business/contact/list", "page=2&search=jane", 200},
		{"GET", "/business/contact/details/507f1f77bcf86cd799439044", "", 404},
	}, got)
	assert.JSONEq(t, `{"name":"Jane Wanjiku"}`, string(reqs[1].Body))
	assert.Equal(t, string(reqs[0].Body), string(reqs[1].Body), "a retry sends the same body")
	assert.Equal(t, "import-1", reqs[1].Header.Get("Idempotency-Key"))
	assert.Equal(t, "application/json", reqs[1].Header.Get("Content-Type"))
	assert.Nil(t, reqs[2].Body, "a GET has no body")
	assert.NotEmpty(t, c.ID)

	// The snapshot is a copy.
	reqs[0].Header.Set("X-Changed", "1")
	reqs[1].Body[0] = 'X'
	again := srv.Requests()
	assert.Empty(t, again[0].Header.Get("X-Changed"))
	assert.Equal(t, byte('{'), again[1].Body[0])
}

// TestRequestsRedactTheSecret checks that the recorder never shows the secret: the right
// Authorization value reads "[redacted]", a wrong one is kept so a test can see what was sent,
// and the secret is taken out wherever else a request carries it, in every encoding it may take.
func TestRequestsRedactTheSecret(t *testing.T) {
	const secret = "cs_live_s3cr3t+/=&\"x"
	h := cashfintest.NewHandler(cashfintest.WithSecret(secret))
	tests := []struct {
		name   string
		auth   []string
		header map[string]string
		target string
		body   string
		status int
		want   []string // the recorded Authorization values
	}{
		{name: "the secret", auth: []string{secret}, status: 200, want: []string{"[redacted]"}},
		{name: "missing", status: 401, want: nil},
		{name: "another secret", auth: []string{"cs_test_cashfintest"}, status: 401, want: []string{"cs_test_cashfintest"}},
		{name: "a wrong value", auth: []string{"Bearer abc"}, status: 401, want: []string{"Bearer abc"}},
		{name: "the prefix all secrets share", auth: []string{"cs_live_"}, status: 401, want: []string{"cs_live_"}},
		{name: "other case", auth: []string{strings.ToUpper(secret)}, status: 401, want: []string{"[redacted: near the secret]"}},
		{name: "cut short", auth: []string{secret[:len(secret)-2]}, status: 401, want: []string{"[redacted: near the secret]"}},
		{name: "one character changed", auth: []string{strings.Replace(secret, "3", "e", 1)}, status: 401,
			want: []string{"[redacted: near the secret]"}},
		{name: "most of it, after a prefix", auth: []string{"Bearer " + secret[:14]}, status: 401, want: []string{"[redacted: near the secret]"}},
		{name: "near miss in another header", auth: []string{secret}, header: map[string]string{"X-Key": secret[:12]}, status: 200,
			want: []string{"[redacted]"}},
		{name: "bearer", auth: []string{"Bearer " + secret}, status: 401, want: []string{"Bearer [redacted]"}},
		{name: "padded", auth: []string{" " + secret + " "}, status: 401, want: []string{" [redacted] "}},
		{name: "twice", auth: []string{secret, secret}, status: 401, want: []string{"[redacted]", "[redacted]"}},
		{name: "in another header", auth: []string{secret}, header: map[string]string{"X-Debug": "key=" + secret}, status: 200,
			want: []string{"[redacted]"}},
		{name: "in the query", auth: []string{secret}, target: "/business/contact/list?search=" + url.QueryEscape(secret) + "&raw=" + secret,
			status: 200, want: []string{"[redacted]"}},
		{name: "in the path", auth: []string{secret}, target: "/business/contact/details/" + url.PathEscape(secret), status: 404,
			want: []string{"[redacted]"}},
		{name: "in a JSON body", auth: []string{secret}, target: "/business/contact/create",
			body: `{"name":"` + strings.ReplaceAll(secret, `"`, `\"`) + `"}`, status: 201, want: []string{"[redacted]"}},
		{name: "in a JSON body, slash escaped", auth: []string{secret}, target: "/business/contact/create",
			body: `{"name":"` + strings.NewReplacer(`"`, `\"`, "/", `\/`, "&", `\u0026`).Replace(secret) + `"}`, status: 201,
			want: []string{"[redacted]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.Reset()
			target := tt.target
			if target == "" {
				target = "/business/contact/list"
			}
			method := http.MethodGet
			if tt.body != "" {
				method = http.MethodPost
			}
			hr := httptestRequest(method, target, tt.body)
			for _, a := range tt.auth {
				hr.Header.Add("Authorization", a)
			}
			for k, v := range tt.header {
				hr.Header.Set(k, v)
			}
			status := serve(h, hr)
			assert.Equal(t, tt.status, status)
			reqs := h.Requests()
			require.Len(t, reqs, 1)
			assert.Equal(t, tt.want, reqs[0].Header.Values("Authorization"))
			for k := range tt.header {
				assert.NotContains(t, reqs[0].Header.Get(k), secret[:12], "%s", k)
			}
			assert.Equal(t, tt.status, reqs[0].Status)
			assertNoSecret(t, reqs[0], secret)
		})
	}
}

// assertNoSecret checks every field of r, in the forms a secret may take.
func assertNoSecret(t *testing.T, r cashfintest.Request, secret string) {
	t.Helper()
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret), strings.ReplaceAll(secret, `"`, `\"`)}
	var all strings.Builder
	all.WriteString(r.Method + r.Path + r.Query + string(r.Body))
	for k, vs := range r.Header {
		all.WriteString(k + strings.Join(vs, ","))
	}
	for _, f := range forms {
		assert.NotContains(t, all.String(), f)
	}
}

func TestRequestsStatusOfRefusals(t *testing.T) {
	h := cashfintest.NewHandler()
	h.FailNextWith(cashfintest.Failure{Status: 502})
	for _, r := range []struct{ target, auth string }{
		{"/business/contact/list", cashfintest.DefaultSecret}, // the injected failure
		{"/business/contact/list", ""},                        // 401
		{"/nowhere", ""},                                      // 404
		{"/business/contact/list", cashfintest.DefaultSecret}, // 200
	} {
		serve(h, httptestRequest(http.MethodGet, r.target, "", r.auth))
	}
	var recorded []int
	for _, r := range h.Requests() {
		recorded = append(recorded, r.Status)
	}
	assert.Equal(t, []int{502, 401, 404, 200}, recorded, "refused requests are recorded with the status they got")
}

// httptestRequest builds an in-process request, with a JSON body if body is set, and an
// Authorization header for each of auth.
func httptestRequest(method, target, body string, auth ...string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	hr := httptest.NewRequest(method, target, rd)
	if body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for _, a := range auth {
		if a != "" {
			hr.Header.Add("Authorization", a)
		}
	}
	return hr
}

// serve serves hr in process and returns the status.
func serve(h http.Handler, hr *http.Request) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, hr)
	return rec.Code
}

// TestRequestsInFlight checks that a request is recorded when it arrives, with Status 0 until
// it is answered.
func TestRequestsInFlight(t *testing.T) {
	h := cashfintest.NewHandler(cashfintest.WithLatency(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		hr := httptestRequest(http.MethodGet, "/business/contact/list", "", cashfintest.DefaultSecret).WithContext(ctx)
		serve(h, hr)
	}()
	require.Eventually(t, func() bool { return len(h.Requests()) == 1 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, 0, h.Requests()[0].Status, "still being served")
	cancel()
	<-done
	assert.Equal(t, http.StatusServiceUnavailable, h.Requests()[0].Status)
}

func TestReset(t *testing.T) {
	srv := cashfintest.NewServer(cashfintest.WithRateLimit(1000))
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	srv.AddContacts(cashfin.Contact{Name: "Jane"})
	srv.AddCustomers(cashfin.Customer{Name: "John"})
	_, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Kofi", IdempotencyKey: "k"})
	require.NoError(t, err)
	srv.FailNext(5, http.StatusBadGateway)
	srv.FailNextWith(cashfintest.Failure{Status: 400})
	require.NotEmpty(t, srv.Requests())

	srv.Reset()
	assert.Empty(t, srv.Contacts())
	assert.Empty(t, srv.Customers())
	assert.Empty(t, srv.Requests())

	// No queued failure is left; the key is free again, for another body; the window is fresh.
	hc := rawClient(t)
	r := call(t, hc, http.MethodPost, srv.URL+"/business/contact/create", `{"name":"Ama"}`,
		map[string]string{"Authorization": srv.Secret, "Idempotency-Key": "k"})
	assert.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Empty(t, r.header.Get("Idempotent-Replayed"))
	assert.Equal(t, "999", r.header.Get("X-RateLimit-Remaining"), "the rate window starts afresh")
	require.Len(t, srv.Contacts(), 1)
	assert.Equal(t, "Ama", srv.Contacts()[0].Name)
	assert.Len(t, srv.Requests(), 1)
}
