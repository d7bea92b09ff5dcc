package cashfin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// flakyGateway fails 1 request in every 20, as a flaky load balancer would: half of those with a
// 503 before they reach the fake, half with a 504 after the fake has answered. It never fails the retry of a request it failed (known by its
// Idempotency-Key, or its URL for reads), so every call can succeed within the SDK's default two
// retries and any error the callers see is a real one.
type flakyGateway struct {
	next     http.Handler
	requests atomic.Int64
	injected atomic.Int64
	mu       sync.Mutex
	failed   map[string]bool // requests failed once, whose retry must pass
}

func (g *flakyGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := g.requests.Add(1)
	id := r.Header.Get("Idempotency-Key")
	if id == "" {
		id = r.URL.RequestURI()
	}
	g.mu.Lock()
	retry := g.failed[id]
	delete(g.failed, id)
	fail := !retry && n%20 == 0
	if fail {
		g.failed[id] = true
	}
	g.mu.Unlock()
	if fail {
		status := http.StatusServiceUnavailable
		if g.injected.Add(1)%2 == 0 {
			// Every other failure comes after the fake has done the work: the answer is lost, as
			// when a gateway times out on a backend that committed. Only the Idempotency-Key
			// keeps the retry of a create from storing it twice.
			g.next.ServeHTTP(httptest.NewRecorder(), r)
			status = http.StatusGatewayTimeout
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", status, http.StatusText(status))
		return
	}
	g.next.ServeHTTP(w, r)
}

// TestLoad: 64 goroutines share one client against the fake behind a gateway that fails 5% of
// requests with 503 or 504, creating, reading back and listing contacts. No caller may see an error, no
// create may be lost or duplicated (every returned ID is distinct, and the fake holds exactly
// those), and the race detector watches it all. It runs 2 seconds, or 10 with CASHFIN_LOAD=1, and
// logs calls a second and latency percentiles.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	duration := 2 * time.Second
	if os.Getenv("CASHFIN_LOAD") == "1" {
		duration = 10 * time.Second
	}
	const workers = 64

	fake := cashfintest.NewHandler()
	gw := &flakyGateway{next: fake, failed: map[string]bool{}}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	client, err := cashfin.NewClient(fake.Secret(), cashfin.WithBaseURL(srv.URL),
		cashfin.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)

	type result struct {
		created   []string // IDs returned by Create
		latencies []time.Duration
		errs      []error
		ops       [3]int // creates, gets, lists
	}
	results := make([]result, workers)
	ctx, cancel := context.WithTimeout(context.Background(), duration+30*time.Second)
	defer cancel()
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := &results[w]
			for i := 0; time.Now().Before(deadline); i++ {
				began := time.Now()
				var err error
				switch {
				case i%10 < 5 || len(r.created) == 0: // half the calls create
					var c *cashfin.Contact
					c, err = client.Contacts.Create(ctx, &cashfin.ContactCreateParams{
						Name: fmt.Sprintf("Load %d-%d", w, i), Email: fmt.Sprintf("load%d.%d@example.com", w, i)})
					if err == nil {
						r.created = append(r.created, c.ID)
					}
					r.ops[0]++
				case i%10 < 8: // read back one of ours
					want := r.created[i%len(r.created)]
					var c *cashfin.Contact
					c, err = client.Contacts.Get(ctx, want)
					if err == nil && c.ID != want {
						err = fmt.Errorf("get %s returned %s", want, c.ID)
					}
					r.ops[1]++
				default:
					// A limit of its own gives each goroutine its own list URLs (which the gateway
					// tells retries by); a page within its own creates is never empty.
					limit := w + 1
					page := 1 + i%max(1, len(r.created)/limit)
					var p *cashfin.Page[cashfin.Contact]
					p, err = client.Contacts.List(ctx, &cashfin.ContactListParams{Page: page, Limit: limit})
					if err == nil && len(p.Data) == 0 {
						err = fmt.Errorf("list page %d of %d is empty", page, limit)
					}
					r.ops[2]++
				}
				r.latencies = append(r.latencies, time.Since(began))
				if err != nil {
					r.errs = append(r.errs, err)
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)

	var (
		all     []time.Duration
		ids     = map[string]bool{}
		ops     [3]int
		errs    []error
		creates int
	)
	for _, r := range results {
		all = append(all, r.latencies...)
		errs = append(errs, r.errs...)
		for i := range ops {
			ops[i] += r.ops[i]
		}
		for _, id := range r.created {
			assert.False(t, ids[id], "create returned ID %s twice", id)
			ids[id] = true
			creates++
		}
	}
	for i, err := range errs {
		if i == 10 {
			t.Errorf("... and %d more errors", len(errs)-10)
			break
		}
		t.Errorf("unexpected error: %v", err)
	}
	stored := fake.Contacts()
	assert.Len(t, stored, creates, "the fake holds %d contacts for %d successful creates", len(stored), creates)
	var strays []string
	for _, c := range stored {
		if !ids[c.ID] {
			strays = append(strays, c.ID)
		}
	}
	assert.Empty(t, strays[:min(len(strays), 5)], "%d stored contacts were never returned to a caller (duplicate creates)", len(strays))
	requests, injected := gw.requests.Load(), gw.injected.Load()
	assert.GreaterOrEqual(t, injected*25, requests, "the gateway injected too few failures (%d of %d)", injected, requests)

	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	require.NotEmpty(t, all)
	t.Logf("load: %d goroutines, %s, race detector %v: %d calls (%d creates, %d gets, %d lists), %.0f calls/s, "+
		"%d HTTP requests (%.0f/s), %d injected 503/504s (%.1f%%); latency p50 %s, p90 %s, p99 %s, max %s; "+
		"%d errors, %d contacts stored for %d creates",
		workers, elapsed.Round(time.Millisecond), raceDetector(), len(all), ops[0], ops[1], ops[2],
		float64(len(all))/elapsed.Seconds(), requests, float64(requests)/elapsed.Seconds(), injected,
		100*float64(injected)/float64(requests), pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond),
		pct(0.99).Round(time.Microsecond), all[len(all)-1].Round(time.Microsecond), len(errs), len(stored), creates)
}

// raceDetector reports whether this test binary was built with -race.
func raceDetector() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}
