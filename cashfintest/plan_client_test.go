package cashfintest_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// count429 returns how many of reqs were answered 429.
func count429(reqs []cashfintest.Request) int {
	n := 0
	for _, r := range reqs {
		if r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// TestServerClientWaitsOutPerSecondWindow is the case: under the free plan, 12 creates
// in a row through srv.Client all succeed, the client waiting for the second window to reset
// rather than failing with ErrRateLimited.
func TestServerClientWaitsOutPerSecondWindow(t *testing.T) {
	srv := cashfintest.NewServer(cashfintest.WithPlan(5, 60, 1000))
	defer srv.Close()
	client := srv.Client()
	for i := range 12 {
		_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: fmt.Sprintf("Person %d", i)})
		require.NoError(t, err, "create %d", i)
	}
	assert.Len(t, srv.Contacts(), 12)
	t.Logf("%d requests, %d answered 429", len(srv.Requests()), count429(srv.Requests()))
}

// TestServerClientWaitsOutPerSecondWindowConcurrently runs twice the per-second limit of calls
// at once through one srv.Client: those refused with 429 wait the Retry-After and succeed.
func TestServerClientWaitsOutPerSecondWindowConcurrently(t *testing.T) {
	srv := cashfintest.NewServer(cashfintest.WithRateLimit(3))
	defer srv.Close()
	client := srv.Client()
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: fmt.Sprintf("Person %d", i)})
			assert.NoError(t, err, "create %d", i)
		}()
	}
	wg.Wait()
	assert.Len(t, srv.Contacts(), 6)
}

// TestServerClientUnderLoad: many more concurrent calls than the per-second limit, as a worker
// pool makes them, all succeed through srv.Client, which paces them to the fake's second (without
// that pacing, each second's rush leaves some calls out of retries).
func TestServerClientUnderLoad(t *testing.T) {
	t.Parallel()
	const perSecond, calls = 20, 100
	srv := cashfintest.NewServer(cashfintest.WithRateLimit(perSecond))
	defer srv.Close()
	client := srv.Client()
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: fmt.Sprintf("Person %d", i)})
			assert.NoError(t, err, "create %d", i)
		}()
	}
	wg.Wait()
	assert.Equal(t, calls, len(srv.Contacts()))
	t.Logf("%d requests, %d answered 429", len(srv.Requests()), count429(srv.Requests()))
}

// TestServerClientOwnHTTPClientIsNotPaced: a WithHTTPClient given to srv.Client replaces the
// pacing with it, so a test can still drive the fake's per-second window to a refusal.
func TestServerClientOwnHTTPClientIsNotPaced(t *testing.T) {
	srv := cashfintest.NewServer(cashfintest.WithRateLimit(1))
	defer srv.Close()
	client := srv.Client(cashfin.WithHTTPClient(&http.Client{}), cashfin.WithMaxRetries(0),
		cashfin.WithRetryWait(time.Millisecond, time.Millisecond))
	var err error
	for range 5 {
		if _, err = client.Contacts.List(context.Background(), nil); err != nil {
			break
		}
	}
	assert.ErrorIs(t, err, cashfin.ErrRateLimited)
}

// TestServerClientRefusesLongerWindows checks that srv.Client still refuses a minute or day
// window its calls exhausted, at once and without sending, as ErrRateLimited: a test that sets
// one wants to see that. In the last second of the minute (or day), the window ends with the
// second and the client waits for it, as it should: then the call must land in the next window.
func TestServerClientRefusesLongerWindows(t *testing.T) {
	for name, tc := range map[string]struct {
		opt    cashfintest.Option
		window time.Duration
	}{
		"minute": {cashfintest.WithPlan(0, 3, 0), time.Minute},
		"day":    {cashfintest.WithPlan(0, 0, 3), 24 * time.Hour},
		"both":   {cashfintest.WithPlan(10, 3, 1000), time.Minute},
	} {
		t.Run(name, func(t *testing.T) {
			srv := cashfintest.NewServer(tc.opt)
			defer srv.Close()
			client := srv.Client()
			ctx := context.Background()
			for range 3 {
				_, err := client.Contacts.List(ctx, nil)
				require.NoError(t, err)
			}
			last := time.Now()
			_, err := client.Contacts.List(ctx, nil)
			if err == nil {
				assert.NotEqual(t, last.UTC().Truncate(tc.window), time.Now().UTC().Truncate(tc.window),
					"a call past the exhausted window succeeded without waiting for the next one")
				assert.Less(t, time.Since(last), 2*time.Second,
					"the client waited out the %s window instead of refusing it", name)
				return
			}
			assert.ErrorIs(t, err, cashfin.ErrRateLimited)
			assert.Len(t, srv.Requests(), 3, "the refused call sent nothing")
			assert.Less(t, time.Since(last), time.Second, "refused at once")
		})
	}
}

// TestRateLimitBodyIsTheGuides checks the fake's 429 against the body the API's rate-limiting
// guide shows, verbatim but for the number.
func TestRateLimitBodyIsTheGuides(t *testing.T) {
	h := cashfintest.NewHandler(cashfintest.WithPlan(0, 0, 1))
	send(t, h, req{target: "/business/contact/list"})
	r := send(t, h, req{target: "/business/contact/list"})
	require.Equal(t, http.StatusTooManyRequests, r.status)
	retryAfter := r.header.Get("Retry-After")
	assert.JSONEq(t, `{"success": false, "error": "Rate limit exceeded. Please try again later.", "retry_after": `+retryAfter+`}`,
		string(r.body))
}
