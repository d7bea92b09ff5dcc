package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// These tests hold the SDK to the rate-limit window rules of v1-surface.md, against hand-made
// X-RateLimit-* headers: an exhausted window (Remaining 0, Reset in the future) is waited out when
// its reset is within the call's max retry wait, and refused without sending otherwise; the most
// recent response with the headers sets the window; the context bounds the wait; absent or
// unparseable headers never exhaust a window.

// window returns X-RateLimit-* headers: remaining of limit 60, resetting at reset (Unix seconds).
func window(remaining string, reset time.Time) http.Header {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "60")
	h.Set("X-RateLimit-Remaining", remaining)
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	return h
}

// nextSecond is the first whole second at least a second away (a Reset, as a server rounds it up).
func nextSecond() time.Time { return time.Unix(time.Now().Unix()+2, 0) }

func TestExhaustedWindowIsWaitedOutWithinMaxWait(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, cashfin.WithRetryWait(time.Millisecond, 5*time.Second))
	reset := nextSecond()
	rec := serve(mt, reply{status: 200, body: contactOK, header: window("0", reset)},
		reply{status: 200, body: contactOK, header: window("59", reset.Add(time.Minute))})
	ctx := context.Background()

	_, err := c.Contacts.Get(ctx, testID)
	require.NoError(t, err)
	_, err = c.Contacts.Get(ctx, testID)
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.False(t, reqs[1].At.Before(reset), "the second request was sent at %s, before the reset at %s", reqs[1].At, reset)
}

func TestExhaustedWindowBeyondMaxWaitIsRefusedWithoutSending(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fast())
	reset := time.Now().Add(time.Hour)
	rec := serve(mt, reply{status: 200, body: contactOK, header: window("0", reset)})
	ctx := context.Background()
	_, err := c.Contacts.Get(ctx, testID)
	require.NoError(t, err)

	resp := cashfin.Response{StatusCode: -1}
	calls := map[string]func() error{
		"Get": func() error { _, err := c.Contacts.Get(ctx, testID, cashfin.WithResponseInto(&resp)); return err },
		"Create": func() error {
			_, err := c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "J"}, cashfin.WithResponseInto(&resp))
			return err
		},
		"ListAll": func() error {
			for _, err := range c.Contacts.ListAll(ctx, nil, cashfin.WithResponseInto(&resp)) {
				return err
			}
			return nil
		},
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr, name)
		assert.Less(t, time.Since(start), time.Second, "%s: refused at once", name)
		assert.ErrorIs(t, err, cashfin.ErrRateLimited, name)
		assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode, name)
		assert.InDelta(t, float64(time.Until(reset)), float64(apiErr.RetryAfter), float64(2*time.Second), name)
		assert.Contains(t, apiErr.Message, "known to be exhausted", name)
		assert.Contains(t, apiErr.Message, "not sent;", name)
		assert.Equal(t, 0, apiErr.RateLimit.Remaining, name)
		assert.Equal(t, 60, apiErr.RateLimit.Limit, name)
		assert.Equal(t, reset.Unix(), apiErr.RateLimit.Reset.Unix(), name)
		assert.Equal(t, cashfin.Response{StatusCode: -1}, resp, "%s: WithResponseInto is untouched by a refusal", name)
	}
	assert.Equal(t, 1, rec.len(), "a refused call sent a request")
}

// TestFreshWindowReplacesStaleOne: call A's response (a fresh window) arrives after call B's (an
// exhausted one): the most recently received wins, and the next call is sent.
func TestFreshWindowReplacesStaleOne(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fast())
	var mu sync.Mutex
	n := 0
	aArrived, releaseA := make(chan struct{}), make(chan struct{})
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		mu.Unlock()
		switch r.Header.Get("X-Call") {
		case "A":
			close(aArrived)
			<-releaseA
			return reply{status: 200, body: contactOK, header: window("30", time.Now().Add(time.Minute))}.response(r)
		case "B":
			return reply{status: 200, body: contactOK, header: window("0", time.Now().Add(time.Hour))}.response(r)
		}
		return reply{status: 200, body: contactOK}.response(r)
	})
	ctx := context.Background()
	done := make(chan error)
	go func() {
		_, err := c.Contacts.Get(ctx, testID, cashfin.WithHeader("X-Call", "A"))
		done <- err
	}()
	<-aArrived
	_, err := c.Contacts.Get(ctx, testID, cashfin.WithHeader("X-Call", "B"))
	require.NoError(t, err)
	_, err = c.Contacts.Get(ctx, testID)
	require.ErrorIs(t, err, cashfin.ErrRateLimited, "B's exhausted window holds")
	close(releaseA)
	require.NoError(t, <-done)

	_, err = c.Contacts.Get(ctx, testID)
	require.NoError(t, err, "A's fresh window, received last, replaced B's")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 3, n)
}

func TestContextBoundsTheWindowWait(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, cashfin.WithRetryWait(time.Millisecond, time.Minute))
	rec := serve(mt, reply{status: 200, body: contactOK, header: window("0", time.Now().Add(30*time.Second))})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)

	// A deadline before the reset: the call fails at once, without waiting or sending.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	resp := cashfin.Response{StatusCode: -1}
	_, err = c.Contacts.Get(ctx, testID, cashfin.WithResponseInto(&resp))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, -1, resp.StatusCode, "no response: WithResponseInto untouched")

	// Cancelled during the wait.
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel) // before or during the wait: Canceled either way
	_, err = c.Contacts.Get(ctx, testID)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, rec.len(), "nothing sent while the window was exhausted")
}

func TestAbsentOrUnparseableHeadersNeverExhaust(t *testing.T) {
	t.Parallel()
	future := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	for name, h := range map[string]http.Header{
		"no headers":             {},
		"remaining garbage":      {"X-Ratelimit-Remaining": {"none"}, "X-Ratelimit-Reset": {future}},
		"remaining empty":        {"X-Ratelimit-Remaining": {""}, "X-Ratelimit-Reset": {future}},
		"remaining negative":     {"X-Ratelimit-Remaining": {"-1"}, "X-Ratelimit-Reset": {future}},
		"remaining 0, no reset":  {"X-Ratelimit-Remaining": {"0"}},
		"remaining 0, bad reset": {"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"soon"}},
		"remaining 0, past":      {"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"1700000000"}},
		"only a limit":           {"X-Ratelimit-Limit": {"5"}},
	} {
		c, mt := newMockClient(t, fast())
		rec := serve(mt, reply{status: 200, body: contactOK, header: h})
		var resp cashfin.Response
		for range 3 {
			_, err := c.Contacts.Get(context.Background(), testID, cashfin.WithResponseInto(&resp))
			require.NoError(t, err, name)
		}
		assert.Equal(t, 3, rec.len(), name)
		if name == "remaining garbage" || name == "no headers" {
			assert.Zero(t, resp.RateLimit.Remaining, name)
		}
	}
}

// TestRetriesHonourTheWindow: the window is checked before every attempt, retries included. A 503
// reporting an exhausted window that resets within the call's max wait is retried after the reset;
// one beyond it is not retried: the call ends with the SDK's refusal, and sends nothing more.
func TestRetriesHonourTheWindow(t *testing.T) {
	t.Parallel()
	t.Run("within max wait", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, cashfin.WithRetryWait(time.Millisecond, 5*time.Second))
		reset := nextSecond()
		rec := serve(mt, reply{status: 503, header: window("0", reset)}, reply{status: 200, body: contactOK})
		var resp cashfin.Response
		_, err := c.Contacts.Get(context.Background(), testID, cashfin.WithResponseInto(&resp))
		require.NoError(t, err)
		reqs := rec.all()
		require.Len(t, reqs, 2)
		assert.False(t, reqs[1].At.Before(reset), "the retry was sent before the reset")
		assert.Equal(t, 2, resp.Attempts)
	})
	t.Run("beyond max wait", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, fast())
		rec := serve(mt, reply{status: 503, header: window("0", time.Now().Add(time.Hour))})
		_, err := c.Contacts.Get(context.Background(), testID)
		require.ErrorIs(t, err, cashfin.ErrRateLimited)
		assert.Equal(t, 1, rec.len(), "the retry was sent into an exhausted window")
		// One request was sent: the error must not say otherwise, and says how it ended.
		assert.Contains(t, err.Error(), "attempt 1 was answered 503, and its retry was not sent")
	})
}

func TestResponseIntoOnSuccessAndAPIError(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fast())
	reset := time.Unix(time.Now().Unix()+60, 0)
	ok := window("41", reset)
	ok.Set("X-Request-Id", "req-ok")
	notFound := window("40", reset)
	notFound.Set("X-Request-Id", "req-404")
	serve(mt, reply{status: 503}, reply{status: 200, body: contactOK, header: ok},
		reply{status: 404, body: `{"success":false,"error":"Contact not found"}`, header: notFound})
	ctx := context.Background()

	var resp cashfin.Response
	_, err := c.Contacts.Get(ctx, testID, cashfin.WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "req-ok", resp.RequestID)
	assert.Equal(t, "req-ok", resp.Header.Get("X-Request-Id"))
	assert.Equal(t, cashfin.RateLimit{Limit: 60, Remaining: 41, Reset: reset}, resp.RateLimit)
	assert.Equal(t, 2, resp.Attempts, "a 503, then the 200")

	_, err = c.Contacts.Get(ctx, testID, cashfin.WithResponseInto(&resp))
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "req-404", resp.RequestID)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, 40, resp.RateLimit.Remaining)
	assert.Equal(t, resp.RateLimit, apiErr.RateLimit, "APIError.RateLimit")

	// A transport error, or invalid parameters: no response, *dst untouched.
	mt.RegisterNoResponder(httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	before := resp
	_, err = c.Contacts.Get(ctx, testID, cashfin.WithResponseInto(&resp), cashfin.WithMaxRetries(0))
	require.Error(t, err)
	_, err = c.Contacts.Get(ctx, "not-an-id", cashfin.WithResponseInto(&resp))
	require.ErrorIs(t, err, cashfin.ErrInvalidParams)
	assert.Equal(t, before, resp)
}

// TestResponseIntoHoldsNoSecret: a response whose headers echo the secret (a gateway's debug
// header, a request ID built from it) reaches Response.Header redacted: a success, a failure by
// status, and a 2xx that is a failure (success:false).
func TestResponseIntoHoldsNoSecret(t *testing.T) {
	t.Parallel()
	echo := http.Header{
		"X-Debug-Auth": {"Authorization: " + testSecret},
		"X-Request-Id": {"rid-" + testSecret},
	}
	for name, r := range map[string]reply{
		"success":       {status: 200, body: contactOK, header: echo},
		"404":           {status: 404, body: `{"success":false,"error":"Contact not found"}`, header: echo},
		"success:false": {status: 200, body: `{"success":false,"error":"nope"}`, header: echo},
	} {
		c, mt := newMockClient(t, cashfin.WithMaxRetries(0))
		serve(mt, r)
		var resp cashfin.Response
		_, err := c.Contacts.Get(context.Background(), testID, cashfin.WithResponseInto(&resp))
		if name == "success" {
			require.NoError(t, err)
		} else {
			require.Error(t, err, name)
			requireNoSecret(t, fmt.Sprintf("%+v", err), testSecret)
		}
		requireNoSecret(t, fmt.Sprintf("%+v %#v", resp, resp.Header), testSecret)
		assert.Equal(t, "rid-[redacted]", resp.RequestID, name)
		assert.Equal(t, "Authorization: [redacted]", resp.Header.Get("X-Debug-Auth"), name)
		assert.Equal(t, r.status, resp.StatusCode, name)
	}
}

// TestResponseIntoPageByPage walks pages whose responses carry their page number as request ID.
// The loop body holds each page until the next one has been read ahead (the server has answered
// it), and *dst must still describe the page in hand: it is set only in the loop's goroutine,
// just before each yield. (The race detector would also see a write from the read-ahead.)
func TestResponseIntoPageByPage(t *testing.T) {
	t.Parallel()
	const pages = 4
	served := make(chan int, pages)
	srv := genServer(t, pages*10, 0, func(w http.ResponseWriter, r *http.Request, page int) bool {
		w.Header().Set("X-Request-Id", fmt.Sprintf("page-%d", page))
		served <- page
		return false
	})
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), fast())
	require.NoError(t, err)

	for _, walk := range []string{"ListPages", "ListAll"} {
		var resp cashfin.Response
		check := func(page int) {
			if page < pages {
				for got := range served { // wait until page+1 has been served (read ahead)
					if got == page+1 {
						break
					}
				}
			}
			assert.Equal(t, fmt.Sprintf("page-%d", page), resp.RequestID, walk)
			assert.Equal(t, http.StatusOK, resp.StatusCode, walk)
		}
		n := 0
		if walk == "ListPages" {
			for p, err := range c.Contacts.ListPages(context.Background(), &cashfin.ContactListParams{Limit: 10}, cashfin.WithResponseInto(&resp)) {
				require.NoError(t, err)
				n++
				check(p.Pagination.Page)
			}
		} else {
			i := 0
			for _, err := range c.Contacts.ListAll(context.Background(), &cashfin.ContactListParams{Limit: 10}, cashfin.WithResponseInto(&resp)) {
				require.NoError(t, err)
				if i%10 == 0 {
					n++
					check(i/10 + 1)
				}
				i++
			}
		}
		assert.Equal(t, pages, n, walk)
		for len(served) > 0 {
			<-served
		}
	}
}

func TestWindowWaitAndRefusalAreLogged(t *testing.T) {
	t.Parallel()
	logger, logs := newLogger()
	c, mt := newMockClient(t, fast(), cashfin.WithLogger(logger))
	serve(mt, reply{status: 200, body: contactOK, header: window("0", time.Now().Add(time.Hour))})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	_, err = c.Contacts.Get(context.Background(), testID)
	require.ErrorIs(t, err, cashfin.ErrRateLimited)
	assert.Contains(t, logs.String(), `"msg":"cashfin: rate limit window exhausted"`)
	assert.Contains(t, logs.String(), `"action":"refuse: longer than the call's max retry wait"`)
	requireNoSecret(t, logs.String(), testSecret)
}
