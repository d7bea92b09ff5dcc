package cashfin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// TestWithRateLimitStaysUnderTheServersLimit: 100 creates from 8 goroutines sharing a client with
// WithRateLimit(10), against a fake limited to 10 requests/s, take 10 s ± 10% and never see a 429.
// Without the client-side limit the same run meets 429s within the first second.
func TestWithRateLimitStaysUnderTheServersLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 10 s")
	}
	fake := cashfintest.NewHandler(cashfintest.WithRateLimit(10))
	var requests, limited atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		fake.ServeHTTP(rec, r)
		requests.Add(1)
		if rec.status == http.StatusTooManyRequests {
			limited.Add(1)
		}
	}))
	defer srv.Close()

	client, err := cashfin.NewClient(fake.Secret(), cashfin.WithBaseURL(srv.URL), cashfin.WithRateLimit(10))
	require.NoError(t, err)

	const creates, workers = 100, 8
	jobs := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, creates)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: fmt.Sprintf("Contact %d", i)})
				errs <- err
			}
		}()
	}
	for i := range creates {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)

	for err := range errs {
		assert.NoError(t, err)
	}
	t.Logf("%d creates at WithRateLimit(10): %s, %d requests, %d answered 429", creates, elapsed.Round(time.Millisecond), requests.Load(), limited.Load())
	assert.Zero(t, limited.Load(), "the server answered 429")
	assert.EqualValues(t, creates, requests.Load(), "every create is one request")
	assert.Len(t, fake.Contacts(), creates)
	assert.InDelta(t, 10*time.Second, elapsed, float64(time.Second), "100 requests at 10/s")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
