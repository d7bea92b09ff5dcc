package cashfin_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// These tests hold the SDK's handling of the server's rate-limit window against the fake's plans
// (cashfintest.WithPlan), whose X-RateLimit-* headers follow the API's, and check what the fake's
// recorder shows of the SDK's requests.

// statuses counts the fake's recorded answers by status.
func statuses(reqs []cashfintest.Request) map[int]int {
	out := map[int]int{}
	for _, r := range reqs {
		out[r.Status]++
	}
	return out
}

// TestPlanWindowIsWaitedOutWithoutA429: 12 calls in a row against 5 requests a second, with a max
// retry wait of 2 s: the SDK waits for each window to reset instead of meeting a 429, so the fake
// answers 12 requests, all 200, spread over at least two window resets.
func TestPlanWindowIsWaitedOutWithoutA429(t *testing.T) {
	t.Parallel()
	srv := cashfintest.NewServer(cashfintest.WithPlan(5, 0, 0))
	t.Cleanup(srv.Close)
	client := srv.Client(cashfin.WithRetryWait(time.Millisecond, 2*time.Second))
	ctx := context.Background()

	start := time.Now()
	for i := range 12 {
		_, err := client.Contacts.List(ctx, nil)
		require.NoError(t, err, "call %d", i)
	}
	elapsed := time.Since(start)
	reqs := srv.Requests()
	assert.Equal(t, map[int]int{http.StatusOK: 12}, statuses(reqs), "one request per call, none refused")
	assert.Greater(t, elapsed, time.Second, "12 requests at 5 a second span at least two resets")
}

// TestPlanWindowBeyondMaxWaitIsRefused: a per-minute window of 3 is exhausted by 3 calls; with
// srv.Client's 10ms max wait, the next call is refused without sending; a call allowed to wait
// longer than the reset but whose context ends first fails at once with DeadlineExceeded.
func TestPlanWindowBeyondMaxWaitIsRefused(t *testing.T) {
	t.Parallel()
	srv := cashfintest.NewServer(cashfintest.WithPlan(0, 3, 0))
	t.Cleanup(srv.Close)
	client := srv.Client()
	ctx := context.Background()

	var resp cashfin.Response
	for range 3 {
		_, err := client.Contacts.List(ctx, nil, cashfin.WithResponseInto(&resp))
		require.NoError(t, err)
	}
	assert.Equal(t, 3, resp.RateLimit.Limit)
	assert.Equal(t, 0, resp.RateLimit.Remaining)
	left := time.Until(resp.RateLimit.Reset)
	if left < time.Second {
		t.Skipf("the clock minute ends in %s: the window is about to reset", left)
	}

	_, err := client.Contacts.List(ctx, nil)
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, cashfin.ErrRateLimited)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.InDelta(t, float64(left), float64(apiErr.RetryAfter), float64(time.Second))
	assert.Contains(t, apiErr.Message, "known to be exhausted")

	short, cancel := context.WithTimeout(ctx, left/2)
	defer cancel()
	_, err = client.Contacts.List(short, nil, cashfin.WithRetryWait(time.Millisecond, 2*time.Minute))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Len(t, srv.Requests(), 3, "nothing was sent into the exhausted window")
	assert.Equal(t, map[int]int{http.StatusOK: 3}, statuses(srv.Requests()))
}

// TestPlanLayeredWindows: with 2 a second and 4 a minute, the headers report whichever window has
// fewer requests left; the SDK waits out the per-second one and refuses the per-minute one, and
// the fake never answers 429.
func TestPlanLayeredWindows(t *testing.T) {
	t.Parallel()
	srv := cashfintest.NewServer(cashfintest.WithPlan(2, 4, 0))
	t.Cleanup(srv.Close)
	client := srv.Client(cashfin.WithRetryWait(time.Millisecond, 2*time.Second))
	ctx := context.Background()

	var resp cashfin.Response
	var limits []string
	for range 4 {
		_, err := client.Contacts.List(ctx, nil, cashfin.WithResponseInto(&resp))
		require.NoError(t, err)
		limits = append(limits, fmt.Sprintf("%d/%d", resp.RateLimit.Remaining, resp.RateLimit.Limit))
	}
	if time.Until(resp.RateLimit.Reset) < 3*time.Second {
		t.Skip("the clock minute ends within the test: the per-minute window is about to reset")
	}
	// Within one clock minute: the first answer reports the second's window (1 of 2 left, against
	// 3 of 4 for the minute), and the fourth the minute's (0 of 4). In between, the second's window
	// runs out (the SDK then waits for the next second) unless a second ends between two calls.
	assert.Equal(t, "1/2", limits[0], "%v", limits)
	assert.Equal(t, "0/4", limits[3], "%v", limits)
	_, err := client.Contacts.List(ctx, nil)
	require.ErrorIs(t, err, cashfin.ErrRateLimited, "the minute window resets beyond the max wait")
	assert.Equal(t, map[int]int{http.StatusOK: 4}, statuses(srv.Requests()), "no 429, nothing sent when refused")
}

// TestRecorderNeverShowsTheSecret sends every kind of SDK request, including one with the secret in
// a header of the caller's (where only a careless caller would put it), and checks that the fake's
// recorder holds it nowhere, while a wrong secret is shown as sent.
func TestRecorderNeverShowsTheSecret(t *testing.T) {
	t.Parallel()
	const secret = "cs_live_recorder_canary_7f3a9c"
	srv := cashfintest.NewServer(cashfintest.WithSecret(secret))
	t.Cleanup(srv.Close)
	client := srv.Client(cashfin.WithMaxRetries(0))
	ctx := context.Background()

	created, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane " + secret},
		cashfin.WithIdempotencyKey("key-"+secret))
	require.NoError(t, err)
	_, err = client.Contacts.Get(ctx, created.ID, cashfin.WithHeader("X-Debug", "auth="+secret))
	require.NoError(t, err)
	_, err = client.Contacts.List(ctx, &cashfin.ContactListParams{Search: secret})
	require.NoError(t, err)
	for range client.Contacts.ListAll(ctx, nil) {
	}
	cust, err := client.Customers.Create(ctx, &cashfin.CustomerCreateParams{Name: "C " + secret, Email: "c@x.test",
		Phone: "+254700000000", Country: "Kenya", Currency: "KES"})
	require.NoError(t, err)
	_, err = client.Customers.Update(ctx, cust.ID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr(secret)}) // PATCH, then GET
	require.NoError(t, err)
	require.NoError(t, client.Do(ctx, http.MethodPost, "/business/customer/create", nil, map[string]string{"name": "D " + secret,
		"email": "d@x.test", "phone": "+254700000001", "country": "Kenya", "currency": "KES"}, nil))
	wrong, err := cashfin.NewClient("cs_wrong_secret", cashfin.WithBaseURL(srv.URL), cashfin.WithMaxRetries(0))
	require.NoError(t, err)
	_, err = wrong.Contacts.List(ctx, nil)
	require.ErrorIs(t, err, cashfin.ErrUnauthorized)

	reqs := srv.Requests()
	require.Len(t, reqs, 9)
	dump := fmt.Sprintf("%+v %#v", reqs, reqs)
	for _, r := range reqs {
		dump += string(r.Body) + r.Query + fmt.Sprint(r.Header)
	}
	requireNoSecret(t, dump, secret)
	assert.Equal(t, "[redacted]", reqs[0].Header.Get("Authorization"))
	assert.Equal(t, http.MethodPatch, reqs[5].Method)
	assert.Equal(t, "cs_wrong_secret", reqs[8].Header.Get("Authorization"), "a wrong secret is shown as sent")
	assert.Equal(t, http.StatusUnauthorized, reqs[8].Status)
}
