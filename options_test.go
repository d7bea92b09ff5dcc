package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// These tests hold the per-call options to v1-surface.md: a call's option overrides the client's
// default for that call only, options of concurrent calls never mix, and a bad option sends nothing.

func TestCallOptionsOverrideOnlyThatCall(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fast(), cashfin.WithMaxRetries(2), cashfin.WithHeader("X-Team", "billing"),
		cashfin.WithHeader("X-Env", "prod"))
	rec := serve(mt, reply{status: 503})
	ctx := context.Background()

	_, err := c.Contacts.Get(ctx, testID, cashfin.WithMaxRetries(0), cashfin.WithHeader("x-team", "sales"))
	require.ErrorIs(t, err, cashfin.ErrServer)
	require.Equal(t, 1, rec.len(), "WithMaxRetries(0) on the call: one attempt")
	first := rec.all()[0].Header
	assert.Equal(t, []string{"sales"}, first.Values("X-Team"), "the call's header replaces the client's")
	assert.Equal(t, "prod", first.Get("X-Env"), "the client's other headers stay")

	_, err = c.Contacts.Get(ctx, testID)
	require.ErrorIs(t, err, cashfin.ErrServer)
	reqs := rec.all()
	require.Len(t, reqs, 4, "the next call has the client's WithMaxRetries(2) again: 3 attempts")
	assert.Equal(t, "billing", reqs[1].Header.Get("X-Team"))

	// The last of a call's options wins, as in NewClient.
	_, _ = c.Contacts.Get(ctx, testID, cashfin.WithMaxRetries(3), cashfin.WithMaxRetries(1),
		cashfin.WithHeader("X-Team", "a"), cashfin.WithHeader("X-TEAM", "b"))
	reqs = rec.all()
	require.Len(t, reqs, 6)
	assert.Equal(t, []string{"b"}, reqs[5].Header.Values("X-Team"))
}

func TestCallRetryWaitBoundsRetryAfter(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fast())
	limited := reply{status: 429, header: http.Header{"Retry-After": {"1"}}}
	rec := serve(mt, limited, limited, reply{status: 200, body: contactOK})
	ctx := context.Background()

	_, err := c.Contacts.Get(ctx, testID) // the client's max wait (2ms) is under the Retry-After
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, time.Second, apiErr.RetryAfter)
	require.Equal(t, 1, rec.len())

	start := time.Now()
	_, err = c.Contacts.Get(ctx, testID, cashfin.WithRetryWait(time.Millisecond, 2*time.Second))
	require.NoError(t, err, "the call's own max wait allows the Retry-After")
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
	assert.Equal(t, 3, rec.len())
}

func TestCallTimeoutOverridesClientTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Slow") != "" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		_, _ = w.Write([]byte(contactOK))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithMaxRetries(0))
	require.NoError(t, err)

	_, err = c.Contacts.Get(context.Background(), testID, cashfin.WithHeader("X-Slow", "1"),
		cashfin.WithTimeout(30*time.Millisecond))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "per-attempt timeout of 30ms exceeded")

	_, err = c.Contacts.Get(context.Background(), testID) // the client's 30 s default again
	require.NoError(t, err)
}

// TestConcurrentCallsKeepTheirOwnOptions runs calls with different options at once on one client:
// each request carries exactly its own call's header, and each call makes exactly its own number of
// attempts.
func TestConcurrentCallsKeepTheirOwnOptions(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	attempts := map[string]int{}
	headers := map[string][]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Call")
		mu.Lock()
		attempts[id]++
		headers[id] = append(headers[id], r.Header.Get("X-Retries"))
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), fast(), cashfin.WithMaxRetries(1),
		cashfin.WithHeader("X-Team", "billing")) // a client header: the calls add theirs to a shared map
	require.NoError(t, err)

	const calls = 40
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := strconv.Itoa(i)
			_, err := c.Contacts.Get(context.Background(), testID,
				cashfin.WithHeader("X-Call", id), cashfin.WithHeader("X-Retries", strconv.Itoa(i%4)),
				cashfin.WithMaxRetries(i%4))
			assert.ErrorIs(t, err, cashfin.ErrServer)
		}()
	}
	wg.Wait()
	for i := range calls {
		id := strconv.Itoa(i)
		assert.Equal(t, i%4+1, attempts[id], "call %s", id)
		for _, h := range headers[id] { // both headers of every attempt are its own call's
			assert.Equal(t, strconv.Itoa(i%4), h, "call %s", id)
		}
	}
	assert.Len(t, attempts, calls, "a request without its call's header: %v", attempts)
}

func TestBadCallOptionsSendNothing(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 200, body: contactOK})
	ctx := context.Background()
	bad := map[string]cashfin.CallOption{
		"Authorization":            cashfin.WithHeader("Authorization", "cs_other"),
		"authorization lower case": cashfin.WithHeader("authorization", "x"),
		"Content-Type":             cashfin.WithHeader("Content-Type", "text/plain"),
		"Content-Length":           cashfin.WithHeader("content-length", "3"),
		"Host":                     cashfin.WithHeader("HOST", "evil.test"),
		"Idempotency-Key":          cashfin.WithHeader("Idempotency-Key", "k"),
		"User-Agent":               cashfin.WithHeader("User-Agent", "me"),
		"empty key":                cashfin.WithHeader("", "x"),
		"key with a space":         cashfin.WithHeader("X Team", "x"),
		"key with a colon":         cashfin.WithHeader("X-Team:", "x"),
		"key not ASCII":            cashfin.WithHeader("X-Équipe", "x"),
		"value with CR LF":         cashfin.WithHeader("X-Team", "a\r\nAuthorization: x"),
		"value with LF":            cashfin.WithHeader("X-Team", "a\nb"),
		"value with NUL":           cashfin.WithHeader("X-Team", "a\x00b"),
		"negative retries":         cashfin.WithMaxRetries(-1),
		"retry wait min > max":     cashfin.WithRetryWait(time.Second, time.Millisecond),
		"zero timeout":             cashfin.WithTimeout(0),
		"empty idempotency key":    cashfin.WithIdempotencyKey(""),
		"idempotency key too long": cashfin.WithIdempotencyKey(string(make([]byte, 256))),
		"idempotency key newline":  cashfin.WithIdempotencyKey("a\nb"),
		"nil *Response":            cashfin.WithResponseInto(nil),
	}
	for name, opt := range bad {
		calls := map[string]func() error{
			"Get": func() error { _, err := c.Contacts.Get(ctx, testID, opt); return err },
			"Create": func() error {
				_, err := c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "J"}, opt)
				return err
			},
			"List": func() error { _, err := c.Contacts.List(ctx, nil, opt); return err },
			"ListPages": func() error {
				for _, err := range c.Contacts.ListPages(ctx, nil, opt) {
					return err
				}
				return nil
			},
			"ListAll": func() error {
				for _, err := range c.Contacts.ListAll(ctx, nil, opt) {
					return err
				}
				return nil
			},
		}
		for call, f := range calls {
			err := f()
			assert.ErrorIs(t, err, cashfin.ErrInvalidParams, "%s, %s", name, call)
			if err != nil {
				requireNoSecret(t, err.Error(), "cs_other")
			}
		}
	}
	assert.Zero(t, rec.len(), "a call with a bad option sent a request")

	// Accept may be overridden; a nil option is ignored.
	_, err := c.Contacts.Get(ctx, testID, nil, cashfin.WithHeader("accept", "application/vnd.cashfin+json"))
	require.NoError(t, err)
	assert.Equal(t, []string{"application/vnd.cashfin+json"}, rec.all()[0].Header.Values("Accept"))
}

func TestNewClientRefusesPerCallOptionsAndBadHeaders(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]cashfin.Option{
		"WithIdempotencyKey": cashfin.WithIdempotencyKey("k"),
		"WithResponseInto":   cashfin.WithResponseInto(&cashfin.Response{}),
		"WithHeader owned":   cashfin.WithHeader("Authorization", "x"),
		"WithHeader bad key": cashfin.WithHeader("a b", "x"),
		"WithTimeout":        cashfin.WithTimeout(-1),
	} {
		_, err := cashfin.NewClient(testSecret, opt)
		require.Error(t, err, name)
		assert.Regexp(t, `^cashfin: `, err.Error(), name)
	}
	_, err := cashfin.NewClient(testSecret, cashfin.WithIdempotencyKey("k"))
	assert.Contains(t, err.Error(), "per-call option")
}

func TestWithIdempotencyKey(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 201, body: contactOK})
	ctx := context.Background()

	_, err := c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "J"}, cashfin.WithIdempotencyKey("crm-1"))
	require.NoError(t, err)
	_, err = c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "J", IdempotencyKey: "crm-2"},
		cashfin.WithIdempotencyKey("crm-2"))
	require.NoError(t, err, "the same key twice is fine")
	_, err = c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "J", IdempotencyKey: "crm-3"},
		cashfin.WithIdempotencyKey("other"))
	require.ErrorIs(t, err, cashfin.ErrInvalidParams, "two different keys")
	_, err = c.Contacts.Get(ctx, testID, cashfin.WithIdempotencyKey("crm-4"))
	require.NoError(t, err)

	reqs := rec.all()
	require.Len(t, reqs, 3)
	assert.Equal(t, "crm-1", reqs[0].Header.Get("Idempotency-Key"))
	assert.Equal(t, "crm-2", reqs[1].Header.Get("Idempotency-Key"))
	assert.Empty(t, reqs[2].Header.Values("Idempotency-Key"), "a GET sends no Idempotency-Key")
}

// TestCallOptionsAllocateNothingWhenAbsent pins what options cost per call, on the benchmarks'
// loopback server: a call without options costs what it did before options existed (a call's
// options are resolved to the client's own defaults: no allocation), and WithResponseInto adds at
// most 3 allocations (v1-surface.md).
func TestCallOptionsAllocateNothingWhenAbsent(t *testing.T) {
	srv := benchServer(t)
	c := benchSDK(t, srv)
	ctx := context.Background()
	var resp cashfin.Response
	into := cashfin.WithResponseInto(&resp)
	for _, tc := range []struct {
		name  string
		plain func() error
		with  func() error
	}{
		{"Get",
			func() error { _, err := c.Contacts.Get(ctx, benchID); return err },
			func() error { _, err := c.Contacts.Get(ctx, benchID, into); return err }},
		{"List100",
			func() error { _, err := c.Contacts.List(ctx, &cashfin.ContactListParams{Limit: 100}); return err },
			func() error { _, err := c.Contacts.List(ctx, &cashfin.ContactListParams{Limit: 100}, into); return err }},
		{"Create",
			func() error { _, err := c.Contacts.Create(ctx, benchCreateParams); return err },
			func() error { _, err := c.Contacts.Create(ctx, benchCreateParams, into); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs []error
			plain := testing.AllocsPerRun(200, func() { errs = append(errs, tc.plain()) })
			with := testing.AllocsPerRun(200, func() { errs = append(errs, tc.with()) })
			require.NoError(t, errors.Join(errs...))
			assert.Equal(t, http.StatusOK, resp.StatusCode/100*100)
			t.Logf("allocs per call: no options %.0f, WithResponseInto %.0f", plain, with)
			assert.LessOrEqual(t, with, plain+3, "WithResponseInto costs more than 3 allocations")
		})
	}
}

func ExampleWithHeader() {
	// A server that shows the headers a call sent.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("X-Correlation-Id:", r.Header.Get("X-Correlation-Id"), "| X-Team:", r.Header.Get("X-Team"))
		_, _ = w.Write([]byte(`{"success":true,"data":{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku"}}`))
	}))
	defer srv.Close()

	// A header for every call of the client, and one for a single call.
	client, err := cashfin.NewClient("cs_example", cashfin.WithBaseURL(srv.URL), cashfin.WithHeader("X-Team", "billing"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	_, _ = client.Contacts.Get(ctx, "507f1f77bcf86cd799439045", cashfin.WithHeader("X-Correlation-Id", "job-42"))
	_, _ = client.Contacts.Get(ctx, "507f1f77bcf86cd799439045", cashfin.WithHeader("X-Team", "sales"))

	// The headers the SDK owns are refused, and nothing is sent.
	_, err = client.Contacts.Get(ctx, "507f1f77bcf86cd799439045", cashfin.WithHeader("Authorization", "cs_other"))
	fmt.Println(errors.Is(err, cashfin.ErrInvalidParams))
	// Output:
	// X-Correlation-Id: job-42 | X-Team: billing
	// X-Correlation-Id:  | X-Team: sales
	// true
}
