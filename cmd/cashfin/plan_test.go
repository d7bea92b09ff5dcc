package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
)

// TestParsePlan: --plan takes a plan's name in any case, or PS,PM,PD with spaces allowed; any
// other form, a negative number or no limit at all is refused.
func TestParsePlan(t *testing.T) {
	for in, want := range map[string]cashfin.Plan{
		"free":          cashfin.PlanFree,
		"Starter":       cashfin.PlanStarter,
		"PROFESSIONAL":  cashfin.PlanProfessional,
		"10,0,0":        {PerSecond: 10},
		" 5, 60, 1000 ": {PerSecond: 5, PerMinute: 60, PerDay: 1000},
		"0,0,500":       {PerDay: 500},
	} {
		got, err := parsePlan(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "gold", "5,60", "5,60,1000,1", "a,b,c", "5.5,0,0", "-1,0,0", "0,0,0"} {
		_, err := parsePlan(in)
		assert.Error(t, err, "%q", in)
	}
}

// TestPlanUsageErrors: a bad --plan, --redis without --plan, --rate with --plan and a bad Redis
// URL are usage errors (exit 2), for import and export alike, and nothing is sent.
func TestPlanUsageErrors(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "people.csv", bigCSV(3))
	for name, args := range map[string][]string{
		"bad plan":             {"--plan", "5,60"},
		"negative plan":        {"--plan", "-5,0,0"},
		"redis without plan":   {"--redis", "redis://127.0.0.1:1/0"},
		"rate with plan":       {"--rate", "2", "--plan", "free"},
		"redis URL not a URL":  {"--plan", "free", "--redis", "http://127.0.0.1/"},
		"plan of all no limit": {"--plan", "0,0,0"},
	} {
		for _, verb := range [][]string{{"contacts", "import", in}, {"customers", "export"}} {
			res := newCLI(t, srv).run(append(verb, args...)...)
			assert.Equal(t, exitUsage, res.code, "%s %s: %s", name, verb[1], res.stderr)
			assert.Contains(t, res.stderr, "cashfin: ", name)
		}
	}
	assert.Empty(t, srv.Requests(), "a usage error sends nothing")
}

// TestRedisURLAloneChangesNothing: $CASHFIN_REDIS_URL is read only with --plan, so an import
// without --plan is paced by --rate as before, even when the variable names no Redis at all.
func TestRedisURLAloneChangesNothing(t *testing.T) {
	srv := newServer(t)
	c := newCLI(t, srv)
	c.vars = map[string]string{envRedisURL: "redis://127.0.0.1:1/0"}
	res := c.run("contacts", "import", writeFile(t, "people.csv", bigCSV(3)), "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, srv.Contacts(), 3)
}

// TestImportKeepsToPlan: with --plan, one process with 8 rows in flight keeps inside the API's
// per-second window, below --rate's default, by waiting: every row is created and no request
// meets a 429. The API sits behind a gateway that drops the X-RateLimit-* headers, so the plan
// is all the command knows of the window (the CLI's test client has no patience for a 429: one
// would fail its row).
func TestImportKeepsToPlan(t *testing.T) {
	api := cashfintest.NewHandler(cashfintest.WithPlan(3, 0, 0))
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.ServeHTTP(dropRateHeaders{w}, r)
	}))
	t.Cleanup(gateway.Close)
	c := newCLI(t, nil)
	c.baseURL, c.secret = gateway.URL, cashfintest.DefaultSecret
	in := writeFile(t, "people.csv", bigCSV(9))
	startEarlyInASecond()
	res := c.run("contacts", "import", in, "--plan", "3,0,0", "--concurrency", "8")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, api.Contacts(), 9)
	for _, r := range api.Requests() {
		assert.NotEqual(t, http.StatusTooManyRequests, r.Status, "no request met a 429")
	}
}

// TestExportKeepsToPlan: export takes --plan too: its pages keep inside the API's per-second
// window behind the same header-dropping gateway, and every record is written.
func TestExportKeepsToPlan(t *testing.T) {
	api := cashfintest.NewHandler(cashfintest.WithPlan(2, 0, 0))
	for i := range 5 * bulk.PageSize {
		api.AddContacts(cashfin.Contact{Name: fmt.Sprintf("Person %d", i)})
	}
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.ServeHTTP(dropRateHeaders{w}, r)
	}))
	t.Cleanup(gateway.Close)
	c := newCLI(t, nil)
	c.baseURL, c.secret = gateway.URL, cashfintest.DefaultSecret
	startEarlyInASecond()
	res := c.run("contacts", "export", "--plan", "2,0,0", "--concurrency", "4", "--format", "jsonl")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, 5*bulk.PageSize, strings.Count(res.stdout, "\n"))
	for _, r := range api.Requests() {
		assert.NotEqual(t, http.StatusTooManyRequests, r.Status, "no request met a 429")
	}
}

// dropRateHeaders is a gateway's response writer that drops the X-RateLimit-* headers.
type dropRateHeaders struct{ http.ResponseWriter }

// WriteHeader drops the rate-limit headers, then writes the status.
func (d dropRateHeaders) WriteHeader(status int) {
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		d.Header().Del(h)
	}
	d.ResponseWriter.WriteHeader(status)
}

// Write writes b, after the headers if they were not written yet.
func (d dropRateHeaders) Write(b []byte) (int, error) {
	if d.Header().Get("X-RateLimit-Limit") != "" {
		d.WriteHeader(http.StatusOK)
	}
	return d.ResponseWriter.Write(b)
}

// TestImportsShareAPlanThroughRedis: two imports at once, one given --redis and one finding the
// Redis in $CASHFIN_REDIS_URL, share the fake's plan: every row of both is created, no request
// meets a 429, and the one key they share in Redis is named by a hash of the secret, never the
// secret.
func TestImportsShareAPlanThroughRedis(t *testing.T) {
	mr := miniredis.RunT(t)
	srv := newServer(t, cashfintest.WithPlan(4, 0, 0))
	files := []string{writeFile(t, "a.csv", bigCSV(6)), writeFile(t, "b.csv", strings.NewReplacer("Person", "Other", "person", "other").Replace(bigCSV(6)))}
	startEarlyInASecond()
	var wg sync.WaitGroup
	results := make([]result, len(files))
	for i, f := range files {
		c := newCLI(t, srv)
		args := []string{"contacts", "import", f, "--plan", "4,0,0", "--concurrency", "4"}
		if i == 0 {
			args = append(args, "--redis", "redis://"+mr.Addr()+"/0")
		} else {
			c.vars = map[string]string{envRedisURL: "redis://" + mr.Addr() + "/0"}
		}
		wg.Go(func() { results[i] = c.run(args...) })
	}
	wg.Wait()
	for _, res := range results {
		require.Equal(t, exitOK, res.code, res.stderr)
	}
	assert.Len(t, srv.Contacts(), 12)
	assert.Zero(t, count429(srv), "no request met a 429")
	keys := mr.Keys()
	require.Len(t, keys, 1, "%v", keys)
	assert.Equal(t, planKey(srv.Secret), keys[0])
	assert.True(t, strings.HasPrefix(keys[0], "cashfin:plan:"))
	assert.NotContains(t, keys[0], srv.Secret)
}

// TestImportGoesOnWhenRedisIsDown: a Redis that does not answer lets the rows go (the client
// still honours the server's own window), and says so on standard error.
func TestImportGoesOnWhenRedisIsDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := l.Addr().String()
	require.NoError(t, l.Close())
	srv := newServer(t)
	res := newCLI(t, srv).run("contacts", "import", writeFile(t, "people.csv", bigCSV(2)),
		"--plan", "free", "--redis", fmt.Sprintf("redis://%s/0?dial_timeout=100ms&max_retries=-1", dead), "--concurrency", "1")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, srv.Contacts(), 2)
	assert.Contains(t, res.stderr, "level=", "the limiter's report that Redis did not answer")
}

// startEarlyInASecond returns early in a clock second, so that the first requests a test admits
// are far from the second's end and reach the fake in the second they were admitted in.
func startEarlyInASecond() {
	if now := time.Now(); now.Nanosecond() > int(600*time.Millisecond) {
		time.Sleep(time.Until(now.Truncate(time.Second).Add(time.Second)))
	}
}
