package cashfinredis_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfinredis"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// statuses counts the fake's answers by status.
func statuses(srv *cashfintest.Server) map[int]int {
	out := map[int]int{}
	for _, r := range srv.Requests() {
		out[r.Status]++
	}
	return out
}

// TestLimiterSharedByClients: four clients in one process, each with its own Redis connection
// and limiter on one key, creating as fast as the limiter lets them, never meet a 429 from a
// fake on the same plan, and the limiter's own record (Redis clock) stays within the plan.
func TestLimiterSharedByClients(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		plan := cashfin.Plan{PerSecond: 8}
		srv := cashfintest.NewServer(cashfintest.WithPlan(plan.PerSecond, plan.PerMinute, plan.PerDay))
		defer srv.Close()
		var mu sync.Mutex
		var admitted []time.Time
		var wg sync.WaitGroup
		for i := range 4 {
			l, err := cashfinredis.NewLimiter(b.client(t), b.prefix+"plan", plan)
			require.NoError(t, err)
			l.OnAdmit(func(now time.Time) { mu.Lock(); admitted = append(admitted, now); mu.Unlock() })
			client := srv.Client()
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				for j := range 6 {
					if !assert.NoError(t, l.Wait(ctx)) {
						return
					}
					_, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: fmt.Sprintf("client %d #%d", i, j)})
					assert.NoError(t, err)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, map[int]int{http.StatusCreated: 24}, statuses(srv), "answers by status")
		assert.Len(t, srv.Contacts(), 24)
		assertWithin(t, admitted, plan, cashfinredis.DefaultGuard)
	})
}

// TestLimiterObserveFromResponse: a tool that does not share the limiter spends the fake's
// minute; the 429 a client with a limiter then meets, which the client hands to Observe, holds every limiter on the key
// until the reset the fake reported.
func TestLimiterObserveFromResponse(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		srv := cashfintest.NewServer(cashfintest.WithPlan(0, 3, 0))
		defer srv.Close()
		ctx := context.Background()
		outsider := srv.Client()
		for range 3 {
			_, err := outsider.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "outsider"})
			require.NoError(t, err)
		}
		plan := cashfin.Plan{PerSecond: 100}
		l, err := cashfinredis.NewLimiter(b.client(t), b.prefix+"plan", plan)
		require.NoError(t, err)
		other, err := cashfinredis.NewLimiter(b.client(t), b.prefix+"plan", plan, cashfinredis.Guard(0))
		require.NoError(t, err)
		// The client waits on l, meets the outsider's spent minute, and tells l (Observe).
		_, err = srv.Client(cashfin.WithLimiter(l)).Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "limited"}, cashfin.WithMaxRetries(0))
		var apiErr *cashfin.APIError
		require.True(t, errors.As(err, &apiErr), "%v", err)
		require.Equal(t, 429, apiErr.StatusCode)

		wait, now, err := other.Try(ctx)
		require.NoError(t, err)
		assert.Positive(t, wait)
		assert.Equal(t, apiErr.RateLimit.Reset.Sub(now), wait, "held until the reported reset")
	})
}

// Environment of a child process of TestLimiterProcesses (and of the measured run).
const (
	envChild     = "CASHFINREDIS_CHILD"
	envChildURL  = "CASHFINREDIS_CHILD_BASE_URL"
	envChildSec  = "CASHFINREDIS_CHILD_SECRET"
	envChildRdb  = "CASHFINREDIS_CHILD_REDIS_URL"
	envChildKey  = "CASHFINREDIS_CHILD_KEY"
	envChildPlan = "CASHFINREDIS_CHILD_PLAN"
	envChildN    = "CASHFINREDIS_CHILD_N"
)

// TestLimiterChild is a child process of TestLimiterProcesses: it creates N contacts, waiting on
// a cashfinredis limiter before each, and prints the Redis time of each admission. It does
// nothing when run directly.
func TestLimiterChild(t *testing.T) {
	if os.Getenv(envChild) == "" {
		t.Skip("a child process of TestLimiterProcesses")
	}
	var plan cashfin.Plan
	_, err := fmt.Sscanf(os.Getenv(envChildPlan), "%d,%d,%d", &plan.PerSecond, &plan.PerMinute, &plan.PerDay)
	require.NoError(t, err)
	n, err := strconv.Atoi(os.Getenv(envChildN))
	require.NoError(t, err)
	b := &backend{url: os.Getenv(envChildRdb)}
	l, err := cashfinredis.NewLimiter(b.client(t), os.Getenv(envChildKey), plan)
	require.NoError(t, err)
	var admits []int64
	l.OnAdmit(func(now time.Time) { admits = append(admits, now.UnixMicro()) })
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client, err := cashfin.NewClient(os.Getenv(envChildSec), cashfin.WithBaseURL(os.Getenv(envChildURL)),
		cashfin.WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	ctx := context.Background()
	for i := range n {
		require.NoError(t, l.Wait(ctx))
		_, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: fmt.Sprintf("pid %d #%d", os.Getpid(), i)})
		require.NoError(t, err)
	}
	for _, a := range admits {
		fmt.Printf("admit %d\n", a)
	}
}

// runChildren runs n copies of TestLimiterChild, each creating per contacts against baseURL
// with a limiter on redisURL and key, and returns the admission times they report.
func runChildren(t *testing.T, n, per int, baseURL, secret, redisURL, key string, plan cashfin.Plan) []time.Time {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	outs := make([]bytes.Buffer, n)
	errs := make(chan error, n)
	for i := range n {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLimiterChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envChild+"=1", envChildURL+"="+baseURL, envChildSec+"="+secret,
			envChildRdb+"="+redisURL, envChildKey+"="+key, envChildN+"="+strconv.Itoa(per),
			fmt.Sprintf("%s=%d,%d,%d", envChildPlan, plan.PerSecond, plan.PerMinute, plan.PerDay))
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		require.NoError(t, cmd.Start())
		go func() {
			err := cmd.Wait()
			if err != nil {
				err = fmt.Errorf("child %d: %w\n%s", i, err, outs[i].String())
			}
			errs <- err
		}()
	}
	for range n {
		assert.NoError(t, <-errs)
	}
	var admitted []time.Time
	for i := range outs {
		sc := bufio.NewScanner(&outs[i])
		count := 0
		for sc.Scan() {
			if us, ok := strings.CutPrefix(sc.Text(), "admit "); ok {
				v, err := strconv.ParseInt(us, 10, 64)
				require.NoError(t, err)
				admitted = append(admitted, time.UnixMicro(v))
				count++
			}
		}
		assert.Equal(t, per, count, "child %d:\n%s", i, outs[i].String())
	}
	return admitted
}

// TestLimiterProcesses: three OS processes (this test binary, run again) share one limiter key
// on one Redis and create contacts against one fake on the same plan: no 429, and no window of
// the Redis clock holds more than the plan.
func TestLimiterProcesses(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		plan := cashfin.Plan{PerSecond: 10}
		srv := cashfintest.NewServer(cashfintest.WithPlan(plan.PerSecond, plan.PerMinute, plan.PerDay))
		defer srv.Close()
		admitted := runChildren(t, 3, 10, srv.URL, srv.Secret, b.url, b.prefix+"plan", plan)
		assert.Len(t, admitted, 30)
		assertWithin(t, admitted, plan, cashfinredis.DefaultGuard)
		assert.Equal(t, map[int]int{http.StatusCreated: 30}, statuses(srv), "answers by status")
		assert.Len(t, srv.Contacts(), 30)
	})
}

// TestLimiterObserveIgnoresAMissingRemaining: a gateway that drops X-RateLimit-Remaining but
// keeps the limit and the reset does not report a spent window, so the client's Observe holds
// nobody; the same answer with "Remaining: 0" does, with or without X-RateLimit-Limit (as
// NewPlanLimiter's Observe does: a spent window is Remaining 0 and a reset ahead).
func TestLimiterObserveIgnoresAMissingRemaining(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		for _, tc := range []struct {
			limit, remaining string
			held             bool
		}{{"60", "", false}, {"60", "none", false}, {"60", "0", true}, {"", "0", true}} {
			reset := strconv.FormatInt(time.Now().Add(30*time.Second).Unix(), 10)
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.limit != "" {
					w.Header().Set("X-RateLimit-Limit", tc.limit)
				}
				w.Header().Set("X-RateLimit-Reset", reset)
				if tc.remaining != "" {
					w.Header().Set("X-RateLimit-Remaining", tc.remaining)
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"success":true,"data":{"_id":"65a5f0c2e4b0a1b2c3d4e5f6","name":"Jane"}}`)
			}))
			key := b.prefix + "plan-" + tc.limit + "-" + tc.remaining
			l, err := cashfinredis.NewLimiter(b.client(t), key, cashfin.Plan{PerSecond: 100}, cashfinredis.Guard(0))
			require.NoError(t, err)
			client, err := cashfin.NewClient("cs_test_observe", cashfin.WithBaseURL(api.URL), cashfin.WithLimiter(l))
			require.NoError(t, err)
			_, err = client.Contacts.Get(context.Background(), "65a5f0c2e4b0a1b2c3d4e5f6")
			require.NoError(t, err)
			api.Close()

			wait, _, err := l.Try(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tc.held, wait > 0, "Limit %q, Remaining %q: held %v", tc.limit, tc.remaining, wait)
		}
	})
}
