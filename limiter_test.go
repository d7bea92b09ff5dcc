package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/cashfin-go/cashfin"
)

// These tests hold a client given WithLimiter to scale-out.md ("The library"): every attempt,
// retries included, waits on the limiter after the server's window; a limiter's error fails the
// call without sending; an observing limiter is told each response's window exactly once, before
// the call returns or retries; an exhausted window is waited out beyond the longest retry wait.
// They also hold issue 15's window edges: far-future resets and refusals stating true waits.

// events is a concurrency-safe log of what a limiter and a server saw, in order.
type events struct {
	mu  sync.Mutex
	log []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, s)
}

func (e *events) all() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.log...)
}

// loggingLimiter logs each Wait and each Observe, and returns err from Wait.
type loggingLimiter struct {
	ev  *events
	err error
}

func (l *loggingLimiter) Wait(context.Context) error {
	l.ev.add("wait")
	return l.err
}

func (l *loggingLimiter) Observe(rl cashfin.RateLimit) {
	l.ev.add(fmt.Sprintf("observe %d/%d", rl.Remaining, rl.Limit))
}

// limiterFunc is a Limiter made of a function (it does not observe).
type limiterFunc func(ctx context.Context) error

func (f limiterFunc) Wait(ctx context.Context) error { return f(ctx) }

// logSends answers each request with replies in turn (the last repeats), logging "send".
func logSends(mt *httpmock.MockTransport, ev *events, replies ...reply) *capture {
	c := &capture{}
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		ev.add("send")
		n := c.add(req)
		return replies[min(n, len(replies))-1].response(req)
	})
	return c
}

// limitHeader is X-RateLimit-* headers: remaining of limit, resetting at reset.
func limitHeader(limit, remaining string, reset time.Time) http.Header {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", limit)
	h.Set("X-RateLimit-Remaining", remaining)
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(reset.UnixNano())/1e9, 'f', 3, 64))
	return h
}

// TestWithLimiterWaitsBeforeEveryAttemptAndObservesEachWindowOnce: a 503 without a window, a 429
// with one, then a 200 with one: the limiter is waited on before each of the three attempts, and
// told each window once, after the attempt that carried it and before the next Wait or the
// call's return.
func TestWithLimiterWaitsBeforeEveryAttemptAndObservesEachWindowOnce(t *testing.T) {
	t.Parallel()
	ev := &events{}
	c, mt := newMockClient(t, fast(), cashfin.WithLimiter(&loggingLimiter{ev: ev}))
	reset := time.Now().Add(time.Minute)
	logSends(mt, ev, reply{status: 503}, reply{status: 429, header: limitHeader("60", "1", reset)},
		reply{status: 200, body: contactOK, header: limitHeader("60", "7", reset)})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	assert.Equal(t, []string{"wait", "send", "wait", "send", "observe 1/60", "wait", "send", "observe 7/60"}, ev.all())
}

// TestWithLimiterObservesEveryResponseWithAWindow: Observe is called once for each response that
// carries X-RateLimit-* headers, whatever its status or body, and never for one without.
func TestWithLimiterObservesEveryResponseWithAWindow(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(time.Minute)
	garbled := http.Header{"X-Ratelimit-Remaining": {"none"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)}}
	for _, tc := range []struct {
		name    string
		reply   reply
		observe []string
	}{
		{"200 without a window", reply{status: 200, body: contactOK}, nil},
		{"200", reply{status: 200, body: contactOK, header: limitHeader("5", "4", reset)}, []string{"observe 4/5"}},
		{"404", reply{status: 404, body: `{"success":false,"error":"Contact not found"}`, header: limitHeader("5", "3", reset)}, []string{"observe 3/5"}},
		{"success:false", reply{status: 200, body: `{"success":false,"error":"no"}`, header: limitHeader("5", "2", reset)}, []string{"observe 2/5"}},
		{"HTML 502, not retried", reply{status: 502, body: "<html>", header: limitHeader("5", "1", reset)}, []string{"observe 1/5"}},
		{"garbled remaining", reply{status: 200, body: contactOK, header: garbled}, []string{"observe 0/0"}},
	} {
		ev := &events{}
		c, mt := newMockClient(t, cashfin.WithMaxRetries(0), cashfin.WithLimiter(&loggingLimiter{ev: ev}))
		serve(mt, tc.reply)
		_, _ = c.Contacts.Get(context.Background(), testID)
		got := ev.all()[1:] // after the one Wait
		assert.Equal(t, tc.observe, append([]string(nil), got...), tc.name)
	}

	// A body too large to read: its window is observed all the same.
	ev := &events{}
	c, mt := newMockClient(t, cashfin.WithMaxRetries(0), cashfin.WithLimiter(&loggingLimiter{ev: ev}))
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: limitHeader("5", "4", reset), Request: r,
			Body: io.NopCloser(strings.NewReader("")), ContentLength: 11 << 20}, nil
	})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.ErrorIs(t, err, cashfin.ErrUnexpectedResponse)
	assert.Equal(t, []string{"wait", "observe 4/5"}, ev.all())
}

// TestObservedWindowExhausted: what an observer is told says whether the window is spent; a
// Remaining header that is absent or garbled never says so.
func TestObservedWindowExhausted(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(time.Minute)
	for name, tc := range map[string]struct {
		h    http.Header
		want bool
	}{
		"spent":             {limitHeader("5", "0", reset), true},
		"one left":          {limitHeader("5", "1", reset), false},
		"spent, reset past": {limitHeader("5", "0", time.Now().Add(-time.Second)), false},
		"remaining garbled": {http.Header{"X-Ratelimit-Remaining": {"none"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)}}, false},
		"remaining absent":  {http.Header{"X-Ratelimit-Limit": {"5"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)}}, false},
	} {
		var seen []cashfin.RateLimit
		var mu sync.Mutex
		obs := observerFunc(func(rl cashfin.RateLimit) { mu.Lock(); seen = append(seen, rl); mu.Unlock() })
		c, mt := newMockClient(t, fast(), cashfin.WithLimiter(obs))
		serve(mt, reply{status: 200, body: contactOK, header: tc.h})
		_, err := c.Contacts.Get(context.Background(), testID)
		require.NoError(t, err, name)
		mu.Lock()
		require.Len(t, seen, 1, name)
		assert.Equal(t, tc.want, seen[0].Exhausted(time.Now()), name)
		mu.Unlock()
	}
	assert.True(t, cashfin.RateLimit{Limit: 5, Remaining: 0, Reset: reset}.Exhausted(time.Now()), "a RateLimit built by hand")
	assert.False(t, cashfin.RateLimit{}.Exhausted(time.Now()))
}

// observerFunc is an observing limiter that never waits.
type observerFunc func(cashfin.RateLimit)

func (observerFunc) Wait(context.Context) error     { return nil }
func (f observerFunc) Observe(rl cashfin.RateLimit) { f(rl) }

// TestWithLimiterErrorFailsTheCallWithoutSending: a limiter's error fails the call, sends nothing
// (more), and is wrapped; the call's error matches the context's only when it ended.
func TestWithLimiterErrorFailsTheCallWithoutSending(t *testing.T) {
	t.Parallel()
	down := errors.New("store down")
	t.Run("limiter error", func(t *testing.T) {
		t.Parallel()
		ev := &events{}
		c, mt := newMockClient(t, cashfin.WithLimiter(&loggingLimiter{ev: ev, err: down}))
		rec := logSends(mt, ev, reply{status: 200, body: contactOK})
		_, err := c.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Jane"})
		require.ErrorIs(t, err, down)
		assert.NotErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, context.DeadlineExceeded)
		assert.EqualError(t, err, "cashfin: POST /business/contact/create: rate limiter: store down")
		assert.Zero(t, rec.len())
	})
	t.Run("limiter error before a retry", func(t *testing.T) {
		t.Parallel()
		n := 0
		var mu sync.Mutex
		lim := limiterFunc(func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			if n++; n > 1 {
				return down
			}
			return nil
		})
		c, mt := newMockClient(t, fast(), cashfin.WithLimiter(lim))
		rec := serve(mt, reply{status: 503})
		_, err := c.Contacts.Get(context.Background(), testID)
		require.ErrorIs(t, err, down)
		assert.Contains(t, err.Error(), "rate limiter: store down; attempt 1 was answered 503, and its retry was not sent")
		assert.Equal(t, 1, rec.len())
	})
	t.Run("context cancelled mid-wait", func(t *testing.T) {
		t.Parallel()
		gave := errors.New("gave up waiting")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		lim := limiterFunc(func(ctx context.Context) error {
			cancel()
			<-ctx.Done()
			return gave
		})
		c, mt := newMockClient(t, cashfin.WithLimiter(lim))
		rec := serve(mt, reply{status: 200, body: contactOK})
		_, err := c.Contacts.Get(ctx, testID)
		require.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, gave, "the limiter's own error is wrapped too")
		assert.Zero(t, rec.len())
	})
	t.Run("plan limiter refuses a wait past the deadline", func(t *testing.T) {
		t.Parallel()
		lim, err := cashfin.NewPlanLimiter(cashfin.Plan{PerDay: 1})
		require.NoError(t, err)
		require.NoError(t, lim.Wait(context.Background())) // the day's one request
		c, mt := newMockClient(t, cashfin.WithLimiter(lim))
		rec := serve(mt, reply{status: 200, body: contactOK})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		start := time.Now()
		_, err = c.Contacts.Get(ctx, testID)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "plan limiter: the next attempt is admitted in ")
		assert.Less(t, time.Since(start), 5*time.Second, "returned at once")
		assert.Zero(t, rec.len())
	})
	t.Run("rate.Limiter refuses a wait past the deadline", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, cashfin.WithLimiter(rate.NewLimiter(rate.Every(time.Hour), 1)))
		rec := serve(mt, reply{status: 200, body: contactOK})
		_, err := c.Contacts.Get(context.Background(), testID)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err = c.Contacts.Get(ctx, testID)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, rec.len())
	})
}

// TestWithLimiterWaitsOutAWindowBeyondTheMaxRetryWait: with a 2ms longest retry wait, a window
// resetting a second or more ahead is refused without a limiter and waited out with one; the
// context's deadline still bounds the wait, a reset beyond any plan's window is still refused,
// and Retry-After is still bounded by the longest retry wait.
func TestWithLimiterWaitsOutAWindowBeyondTheMaxRetryWait(t *testing.T) {
	t.Parallel()
	nop := limiterFunc(func(context.Context) error { return nil })
	reset := time.Now().Add(1200 * time.Millisecond).Truncate(time.Millisecond) // the header carries milliseconds
	spent := reply{status: 200, body: contactOK, header: limitHeader("5", "0", reset)}
	fresh := reply{status: 200, body: contactOK, header: limitHeader("5", "4", reset.Add(time.Second))}
	ctx := context.Background()

	without, mt := newMockClient(t, fast())
	rec := serve(mt, spent, fresh)
	_, err := without.Contacts.Get(ctx, testID)
	require.NoError(t, err)
	_, err = without.Contacts.Get(ctx, testID)
	require.ErrorIs(t, err, cashfin.ErrRateLimited, "without a limiter, nothing changes")
	assert.Equal(t, 1, rec.len())

	var mu sync.Mutex
	var waited []time.Time
	stamp := limiterFunc(func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		waited = append(waited, time.Now())
		return nil
	})
	with, mt := newMockClient(t, fast(), cashfin.WithLimiter(stamp))
	rec = serve(mt, spent, fresh)
	_, err = with.Contacts.Get(ctx, testID)
	require.NoError(t, err)
	short, cancel := context.WithDeadline(ctx, reset.Add(-100*time.Millisecond))
	defer cancel()
	_, err = with.Contacts.Get(short, testID)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the deadline comes before the reset")
	assert.Equal(t, 1, rec.len())
	_, err = with.Contacts.Get(ctx, testID)
	require.NoError(t, err, "a client with a limiter waits for the reset")
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.False(t, reqs[1].At.Before(reset), "sent at %s, before the reset at %s", reqs[1].At, reset)
	mu.Lock()
	require.Len(t, waited, 2, "the call refused at its deadline did not reach the limiter")
	assert.False(t, waited[1].Before(reset), "the limiter was waited on before the server's window reset")
	mu.Unlock()

	far, mt := newMockClient(t, fast(), cashfin.WithLimiter(nop))
	rec = serve(mt, reply{status: 200, body: contactOK, header: limitHeader("1000", "0", time.Now().Add(25*time.Hour))})
	_, err = far.Contacts.Get(ctx, testID)
	require.NoError(t, err)
	_, err = far.Contacts.Get(ctx, testID)
	require.ErrorIs(t, err, cashfin.ErrRateLimited, "a reset further than any plan's window")
	assert.Contains(t, err.Error(), "the window resets in 25h0m0s")
	assert.Equal(t, 1, rec.len())

	ra, mt := newMockClient(t, fast(), cashfin.WithLimiter(nop))
	rec = serve(mt, reply{status: 429, header: http.Header{"Retry-After": {"30"}}})
	start := time.Now()
	_, err = ra.Contacts.Get(ctx, testID)
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 30*time.Second, apiErr.RetryAfter)
	assert.Less(t, time.Since(start), 5*time.Second, "a Retry-After beyond the max wait is not waited")
	assert.Equal(t, 1, rec.len())
}

// TestWithLimiterWindowReportedDuringTheLimitersWait: call B waits on the limiter while call A's
// answer reports the window spent: B waits for the reset too (and for the limiter again) before
// it is sent.
func TestWithLimiterWindowReportedDuringTheLimitersWait(t *testing.T) {
	t.Parallel()
	inWait, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	waits := 0
	lim := limiterFunc(func(context.Context) error {
		mu.Lock()
		waits++
		first := waits == 1
		mu.Unlock()
		if first { // B's
			close(inWait)
			<-release
		}
		return nil
	})
	c, mt := newMockClient(t, fast(), cashfin.WithLimiter(lim))
	reset := time.Now().Add(time.Second).Truncate(time.Millisecond) // the header carries milliseconds
	rec := serve(mt, reply{status: 200, body: contactOK, header: limitHeader("5", "0", reset)},
		reply{status: 200, body: contactOK, header: limitHeader("5", "4", reset.Add(time.Second))})
	done := make(chan error)
	go func() {
		_, err := c.Contacts.Get(context.Background(), testID, cashfin.WithHeader("X-Call", "B"))
		done <- err
	}()
	<-inWait
	_, err := c.Contacts.Get(context.Background(), testID, cashfin.WithHeader("X-Call", "A"))
	require.NoError(t, err)
	close(release)
	require.NoError(t, <-done)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "B", reqs[1].Header.Get("X-Call"))
	assert.False(t, reqs[1].At.Before(reset), "B was sent into the window A's answer reported spent")
	mu.Lock()
	assert.Equal(t, 3, waits, "B waited on the limiter again after the reset")
	mu.Unlock()
}

// TestWithLimiterOptionErrors: nil is an error, and so is WithRateLimit given too, in either order.
func TestWithLimiterOptionErrors(t *testing.T) {
	t.Parallel()
	lim, err := cashfin.NewPlanLimiter(cashfin.PlanFree)
	require.NoError(t, err)
	for name, opts := range map[string][]cashfin.Option{
		"nil":                      {cashfin.WithLimiter(nil)},
		"nil *rate.Limiter":        {cashfin.WithLimiter((*rate.Limiter)(nil))},
		"WithRateLimit first":      {cashfin.WithRateLimit(5), cashfin.WithLimiter(lim)},
		"WithLimiter first":        {cashfin.WithLimiter(lim), cashfin.WithRateLimit(5)},
		"WithLimiter, nil, and -5": {cashfin.WithLimiter(lim), cashfin.WithRateLimit(5), nil},
	} {
		c, err := cashfin.NewClient(testSecret, opts...)
		assert.Nil(t, c, name)
		require.Error(t, err, name)
		assert.Regexp(t, `^cashfin: (WithLimiter: nil|WithRateLimit and WithLimiter: give one)`, err.Error(), name)
	}
	c, err := cashfin.NewClient(testSecret, cashfin.WithLimiter(lim), cashfin.WithLimiter(lim))
	require.NoError(t, err)
	assert.NotNil(t, c)
}

// TestFarFutureResetIsRefusedWithoutSending (issue 15): an exhausted window whose reset lies
// after 2262, where Unix nanoseconds overflow, is refused at once as ErrRateLimited, with or
// without a limiter, and says so truly.
func TestFarFutureResetIsRefusedWithoutSending(t *testing.T) {
	t.Parallel()
	for _, reset := range []string{"9999999999", "32503680000"} {
		for _, limited := range []bool{false, true} {
			name := fmt.Sprintf("reset %s, limiter %v", reset, limited)
			opts := []cashfin.Option{cashfin.WithRetryWait(time.Millisecond, time.Hour)}
			if limited {
				opts = append(opts, cashfin.WithLimiter(limiterFunc(func(context.Context) error { return nil })))
			}
			c, mt := newMockClient(t, opts...)
			h := http.Header{"X-Ratelimit-Limit": {"5"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}}
			rec := serve(mt, reply{status: 200, body: contactOK, header: h})
			_, err := c.Contacts.Get(context.Background(), testID)
			require.NoError(t, err, name)
			start := time.Now()
			_, err = c.Contacts.Get(context.Background(), testID)
			var apiErr *cashfin.APIError
			require.ErrorAs(t, err, &apiErr, name)
			assert.ErrorIs(t, err, cashfin.ErrRateLimited, name)
			assert.Less(t, time.Since(start), time.Second, name)
			assert.Equal(t, 1, rec.len(), "%s: sent into the exhausted window", name)
			assert.Contains(t, apiErr.Message, "the window resets in more than a year", name)
			assert.Equal(t, 365*24*time.Hour, apiErr.RetryAfter, name)
		}
	}
}

// TestSpentWindowIn429IsRefusedWithoutWaitingFirst (issue 15): a 429 that reports its window
// spent until further ahead than the call may wait (centuries, or only a minute) ends the call at
// once, as ErrRateLimited: the retry would be refused without sending, so the Retry-After or
// backoff is not slept first. Against a loopback server, as a real one answers.
func TestSpentWindowIn429IsRefusedWithoutWaitingFirst(t *testing.T) {
	t.Parallel()
	for _, reset := range []string{"9999999999", "32503680000", strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10)} {
		var sent atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			sent.Add(1)
			h := w.Header()
			h.Set("X-RateLimit-Limit", "5")
			h.Set("X-RateLimit-Remaining", "0")
			h.Set("X-RateLimit-Reset", reset)
			h.Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"success": false, "error": "Rate limit exceeded. Please try again later.", "retry_after": 3}`))
		}))
		c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithRetryWait(time.Millisecond, 5*time.Second))
		require.NoError(t, err)
		start := time.Now()
		_, err = c.Contacts.Get(context.Background(), testID)
		elapsed := time.Since(start)
		srv.Close()
		require.ErrorIs(t, err, cashfin.ErrRateLimited, reset)
		assert.Contains(t, err.Error(), "attempt 1 was answered 429, and its retry was not sent", reset)
		assert.Equal(t, int32(1), sent.Load(), reset)
		assert.Less(t, elapsed, time.Second, "%s: the Retry-After was slept before a refusal that was certain", reset)
	}
}

// TestRefusalStatesSubSecondWaitInMilliseconds (issue 15): a refusal for a window resetting in
// under a second says how many milliseconds, never "resets in 0s", and its RetryAfter is whole
// milliseconds.
func TestRefusalStatesSubSecondWaitInMilliseconds(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, cashfin.WithRetryWait(time.Millisecond, 50*time.Millisecond))
	reset := time.Now().Add(700 * time.Millisecond).Truncate(time.Millisecond) // the header carries milliseconds
	serve(mt, reply{status: 200, body: contactOK, header: limitHeader("5", "0", reset)})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	_, err = c.Contacts.Get(context.Background(), testID)
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	msg := err.Error()
	assert.NotContains(t, msg, " 0s")
	m := regexp.MustCompile(`the window resets in (\d+)ms \[retry after (\d+)ms\]$`).FindStringSubmatch(msg)
	require.NotNil(t, m, msg)
	assert.Equal(t, m[1], m[2], "the message and RetryAfter agree")
	ms, _ := strconv.Atoi(m[1])
	assert.True(t, ms > 50 && ms <= 700, msg)
	assert.Zero(t, apiErr.RetryAfter%time.Millisecond)
}

// brokenBody is a body that gives a few bytes, then fails as a connection cut mid-body does.
type brokenBody struct{ sent bool }

func (b *brokenBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, `{"success":`), nil
	}
	return 0, io.ErrUnexpectedEOF
}

func (*brokenBody) Close() error { return nil }

// TestWindowOfAnAnswerWhoseBodyBreaksIsObserved: the server answered with its window, then the
// connection broke mid-body. The server counted the request, so its window is observed (once,
// before the retry) and honoured like any other: here it is spent until far beyond the longest
// retry wait, so the retry is refused without sending.
func TestWindowOfAnAnswerWhoseBodyBreaksIsObserved(t *testing.T) {
	t.Parallel()
	reset := time.Now().Add(time.Minute)
	ev := &events{}
	c, mt := newMockClient(t, fast(), cashfin.WithLimiter(&loggingLimiter{ev: ev}),
		cashfin.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		ev.add("send")
		return &http.Response{StatusCode: 200, Header: limitHeader("5", "0", reset), Request: r,
			Body: &brokenBody{}, ContentLength: 100}, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := c.Contacts.Get(ctx, testID)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the retry waits for the reported reset, after the deadline")
	assert.Equal(t, []string{"wait", "send", "observe 0/5"}, ev.all(), "observed once, and nothing more sent")

	without, mt := newMockClient(t, fast())
	rec := &capture{}
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		rec.add(r)
		return &http.Response{StatusCode: 200, Header: limitHeader("5", "0", reset), Request: r,
			Body: &brokenBody{}, ContentLength: 100}, nil
	})
	_, err = without.Contacts.Get(context.Background(), testID)
	require.ErrorIs(t, err, cashfin.ErrRateLimited, "the retry is refused: the window resets in a minute")
	assert.Contains(t, err.Error(), "attempt 1 failed without an answer, and its retry was not sent")
	assert.Equal(t, 1, rec.len())
}
