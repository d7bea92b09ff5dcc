package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/iotest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/cashfin-go/cashfin/internal/envelope"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	p := &Call{WaitMin: 100 * time.Millisecond, WaitMax: time.Second}
	for _, tc := range []struct {
		n      int
		lo, hi time.Duration
	}{
		{1, 100 * time.Millisecond, 200 * time.Millisecond}, // jittered like the others
		{2, 200 * time.Millisecond, 400 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{4, 500 * time.Millisecond, time.Second},
		{5, 500 * time.Millisecond, time.Second},
		{10, 500 * time.Millisecond, time.Second},
		{33, 500 * time.Millisecond, time.Second},
		{64, 500 * time.Millisecond, time.Second},
		{1000, 500 * time.Millisecond, time.Second},
	} {
		seen := map[time.Duration]bool{}
		for range 500 {
			d := backoff(p, tc.n)
			require.GreaterOrEqual(t, d, tc.lo, "attempt %d", tc.n)
			require.LessOrEqual(t, d, tc.hi, "attempt %d", tc.n)
			seen[d] = true
		}
		if tc.hi > tc.lo {
			assert.Greater(t, len(seen), 10, "attempt %d: no jitter", tc.n)
		}
	}

	same := &Call{WaitMin: time.Second, WaitMax: time.Second}
	for n := 1; n < 10; n++ {
		assert.Equal(t, time.Second, backoff(same, n))
	}
	huge := &Call{WaitMin: time.Hour, WaitMax: 100 * time.Hour}
	for n := 1; n < 100; n++ {
		d := backoff(huge, n)
		require.GreaterOrEqual(t, d, time.Hour)
		require.LessOrEqual(t, d, 100*time.Hour)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	body := []byte(`{"success":false,"retry_after":12}`)
	for _, tc := range []struct {
		name   string
		header string
		body   []byte
		want   time.Duration
	}{
		{"seconds", "3", nil, 3 * time.Second},
		{"seconds with space", " 3 ", nil, 3 * time.Second},
		{"zero", "0", nil, 0},
		{"negative", "-1", nil, 0},
		{"30 days", "2592000", nil, 30 * 24 * time.Hour},
		{"past the ceiling: saturated", "99999999999", nil, envelope.MaxRetryAfter},
		{"10^18 seconds: saturated", "1000000000000000000", nil, envelope.MaxRetryAfter},
		{"past int64: saturated", "99999999999999999999999999999", nil, envelope.MaxRetryAfter},
		{"negative past int64", "-99999999999999999999999999999", body, 0},
		{"fraction is not seconds", "1.5", nil, 0},
		{"date in 9999: saturated", "Fri, 31 Dec 9999 23:59:59 GMT", nil, envelope.MaxRetryAfter},
		{"date 30 days ahead", now.Add(30 * 24 * time.Hour).Format(http.TimeFormat), nil, 30 * 24 * time.Hour},
		{"body huge: saturated", "", []byte(`{"retry_after":1e30}`), envelope.MaxRetryAfter},
		{"HTTP date", now.Add(90 * time.Second).Format(http.TimeFormat), nil, 90 * time.Second},
		{"RFC 850 date", now.Add(time.Minute).Format(time.RFC850), nil, time.Minute},
		{"past date", now.Add(-time.Hour).Format(http.TimeFormat), nil, 0},
		{"garbage", "soon", nil, 0},
		{"header beats body", "3", body, 3 * time.Second},
		{"body when no header", "", body, 12 * time.Second},
		{"body when the header is garbage", "soon", body, 12 * time.Second},
		{"body fraction", "", []byte(`{"retry_after":0.25}`), 250 * time.Millisecond},
		{"body string", "", []byte(`{"retry_after":"7"}`), 7 * time.Second},
		{"body zero", "", []byte(`{"retry_after":0}`), 0},
		{"body negative", "", []byte(`{"retry_after":-3}`), 0},
		{"body garbage", "", []byte(`{"retry_after":"later"}`), 0},
		{"body not JSON", "", []byte(`<html>retry_after</html>`), 0},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Retry-After", tc.header)
		}
		assert.Equal(t, tc.want, retryAfter(h, tc.body, now), tc.name)
	}
}

func TestRetryableError(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return &url.Error{Op: "Get", URL: "https://api.test/x", Err: err} }
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection reset", wrap(syscall.ECONNRESET), true},
		{"connection refused", wrap(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		{"unexpected EOF", wrap(io.ErrUnexpectedEOF), true},
		{"EOF", wrap(io.EOF), true},
		{"per-attempt timeout", wrap(context.DeadlineExceeded), true},
		{"temporary DNS failure", wrap(&net.DNSError{Err: "server misbehaving", IsTemporary: true}), true},
		{"cancelled", wrap(context.Canceled), false},
		{"unknown authority", wrap(x509.UnknownAuthorityError{}), false},
		{"hostname mismatch", wrap(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "x"}), false},
		{"invalid certificate", wrap(x509.CertificateInvalidError{Reason: x509.Expired}), false},
		{"certificate verification", wrap(&tls.CertificateVerificationError{Err: errors.New("bad")}), false},
		{"no such host", wrap(&net.DNSError{Err: "no such host", IsNotFound: true}), false},
		{"too large", wrap(&tooLargeError{Limit: MaxBodySize}), false},
		{"unsupported scheme", errors.New(`unsupported protocol scheme "ftp"`), false},
		{"invalid header", errors.New(`net/http: invalid header field value for "Authorization"`), false},
	} {
		assert.Equal(t, tc.want, retryableError(tc.err), tc.name)
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	p := &Call{MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: 10 * time.Millisecond}
	resp := func(status int, h http.Header) *http.Response {
		if h == nil {
			h = http.Header{}
		}
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(""))}
	}
	for status, want := range map[int]bool{
		200: false, 201: false, 301: false, 400: false, 401: false, 403: false, 404: false, 405: false,
		409: false, 410: false, 422: false, 501: false, 505: false,
		408: true, 429: true, 500: true, 502: true, 503: true, 504: true,
	} {
		retry, wait := decide(p, 1, resp(status, nil), nil)
		assert.Equal(t, want, retry, "status %d", status)
		if want {
			assert.GreaterOrEqual(t, wait, p.WaitMin)
			assert.LessOrEqual(t, wait, p.WaitMax)
		}
	}

	retry, _ := decide(p, 3, resp(503, nil), nil)
	assert.False(t, retry, "past maxRetries")
	retry, _ = decide(p, 2, resp(503, nil), nil)
	assert.True(t, retry, "the last retry")

	retry, wait := decide(p, 1, resp(429, http.Header{"Retry-After": {"1"}}), nil)
	assert.False(t, retry, "Retry-After over the maximum wait")
	assert.Equal(t, time.Second, wait)

	long := &Call{MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: time.Minute}
	retry, wait = decide(long, 1, resp(429, http.Header{"Retry-After": {"2"}}), nil)
	assert.True(t, retry)
	assert.Equal(t, 2*time.Second, wait, "Retry-After replaces the backoff")

	retry, _ = decide(p, 1, nil, syscall.ECONNRESET)
	assert.True(t, retry)
	retry, _ = decide(p, 1, nil, context.Canceled)
	assert.False(t, retry, "a cancelled attempt")
}

func TestCheckStopsWhenTheContextHasEnded(t *testing.T) {
	t.Parallel()
	p := &policy{window: &window{}}
	call := &Call{MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: 10 * time.Millisecond}
	resp := func(status int) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(""))}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		resp   *http.Response
		err    error
		reason error // nil: no retry was due
	}{
		{"cancelled after a 503", cancelled, resp(503), nil, context.Canceled},
		{"cancelled after a connection reset", cancelled, nil, syscall.ECONNRESET, context.Canceled},
		{"deadline passed after a 503", expired, resp(503), nil, context.DeadlineExceeded},
		{"cancelled after a 404: no retry was due", cancelled, resp(404), nil, nil},
		{"the attempt itself was cancelled", cancelled, nil, context.Canceled, nil},
	} {
		st := &attempt{Context: tc.ctx, n: 1, call: call}
		retry, err := p.check(st, tc.resp, tc.err)
		assert.False(t, retry, tc.name)
		assert.NoError(t, err, tc.name)
		assert.Equal(t, tc.reason, st.abandoned, tc.name)
	}
}

func TestCheckOutsideDo(t *testing.T) {
	t.Parallel()
	// A context without a call's state (not from Do) is never retried.
	p := &policy{window: &window{}}
	retry, err := p.check(context.Background(), nil, syscall.ECONNRESET)
	assert.False(t, retry)
	assert.NoError(t, err)
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func respond(status int, body io.Reader, length int64) roundTripFunc {
	return func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"X-Request-Id": {"r1"}},
			Body: io.NopCloser(body), ContentLength: length, Request: r}, nil
	}
}

func TestBufferingTransport(t *testing.T) {
	t.Parallel()
	const limit = 1 << 10
	req, err := http.NewRequest(http.MethodGet, "https://api.test/x", nil)
	require.NoError(t, err)
	exact := strings.Repeat("a", limit)
	over := exact + "b"

	for _, tc := range []struct {
		name     string
		body     io.Reader
		length   int64
		want     string
		tooLarge bool
		err      error
	}{
		{"known length", strings.NewReader("hello"), 5, "hello", false, nil},
		{"unknown length", strings.NewReader("hello"), -1, "hello", false, nil},
		{"empty, known", strings.NewReader(""), 0, "", false, nil},
		{"empty, unknown", strings.NewReader(""), -1, "", false, nil},
		{"exactly the limit, known", strings.NewReader(exact), limit, exact, false, nil},
		{"exactly the limit, unknown", strings.NewReader(exact), -1, exact, false, nil},
		{"one byte reads", iotest.OneByteReader(strings.NewReader(exact)), -1, exact, false, nil},
		{"over, known", strings.NewReader(over), limit + 1, "", true, nil},
		{"over, unknown", strings.NewReader(over), -1, "", true, nil},
		{"longer than its Content-Length", strings.NewReader(over), 3, over[:3], false, nil},
		{"truncated, known", strings.NewReader("hel"), 5, "", false, io.ErrUnexpectedEOF},
		{"truncated, unknown", io.MultiReader(strings.NewReader("hel"), iotest.ErrReader(io.ErrUnexpectedEOF)), -1, "", false, io.ErrUnexpectedEOF},
		{"reset, unknown", io.MultiReader(strings.NewReader("hel"), iotest.ErrReader(syscall.ECONNRESET)), -1, "", false, syscall.ECONNRESET},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bt := &bufferingTransport{base: respond(200, tc.body, tc.length), limit: limit}
			resp, err := bt.RoundTrip(req)
			switch {
			case tc.tooLarge:
				var tl *tooLargeError
				require.ErrorAs(t, err, &tl)
				assert.Equal(t, 200, tl.StatusCode)
				assert.Equal(t, "r1", tl.Header.Get("X-Request-Id"))
				assert.Nil(t, resp)
			case tc.err != nil:
				require.ErrorIs(t, err, tc.err)
				assert.Nil(t, resp)
			default:
				require.NoError(t, err)
				assert.Equal(t, tc.want, string(bodyBytes(resp)))
				assert.Equal(t, tc.want, string(bodyBytes(resp)), "a second read")
				data, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				assert.Equal(t, tc.want, string(data))
			}
		})
	}
}

func TestTooLargeErrorMessage(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "response body exceeds 10 MiB", (&tooLargeError{Limit: MaxBodySize}).Error())
}

// newTestTransport returns a Transport over an httpmock transport answering with replies in turn.
func newTestTransport(t *testing.T, cfg Config, basePath string, replies ...func(*http.Request) (*http.Response, error)) (*Transport, *[]*http.Request) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	var seen []*http.Request
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r)
		n := len(seen)
		mu.Unlock()
		return replies[min(n, len(replies))-1](r)
	})
	cfg.HTTPClient = &http.Client{Transport: mt}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.test" + basePath
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	}
	return New(cfg), &seen
}

func text(status int, body string, header ...string) func(*http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	}
}

func TestDoRequestAndResponse(t *testing.T) {
	t.Parallel()
	tr, seen := newTestTransport(t, Config{Secret: "cs_x", UserAgent: "ua/1", MaxRetries: 2}, "/v1",
		text(503, "busy"), text(201, `{"ok":true}`, "X-Request-Id", "rid"))
	resp, err := tr.Do(context.Background(), &Request{Method: http.MethodPost, Path: "/business/contact/create",
		Query: "a=1&b=2", Body: []byte(`{"name":"J"}`), IdempotencyKey: "k1"})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, `{"ok":true}`, string(resp.Body))
	assert.Equal(t, "rid", resp.Header.Get("X-Request-Id"))
	assert.Equal(t, http.MethodPost, resp.Method)
	assert.Equal(t, "/v1/business/contact/create", resp.Path)
	assert.Equal(t, 2, resp.Attempts)
	assert.Nil(t, resp.Abandoned)
	assert.Zero(t, resp.RetryAfter)

	require.Len(t, *seen, 2)
	for _, r := range *seen {
		assert.Equal(t, "https://api.test/v1/business/contact/create?a=1&b=2", r.URL.String())
		assert.Equal(t, []string{"cs_x"}, r.Header.Values("Authorization"))
		assert.Equal(t, []string{"application/json"}, r.Header.Values("Accept"))
		assert.Equal(t, []string{"application/json"}, r.Header.Values("Content-Type"))
		assert.Equal(t, []string{"ua/1"}, r.Header.Values("User-Agent"))
		assert.Equal(t, []string{"k1"}, r.Header.Values("Idempotency-Key"))
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		assert.Equal(t, `{"name":"J"}`, string(body), "the body is sent again on a retry")
	}
	assert.Equal(t, "/v1/x", tr.Path("/x"))
}

func TestDoGetHasNoBodyHeaders(t *testing.T) {
	t.Parallel()
	tr, seen := newTestTransport(t, Config{Secret: "cs_x", UserAgent: "ua/1"}, "", text(429, `{"retry_after":3}`))
	resp, err := tr.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, 3*time.Second, resp.RetryAfter)
	assert.Equal(t, 1, resp.Attempts, "a Retry-After over the maximum wait is not waited for")
	require.Len(t, *seen, 1)
	r := (*seen)[0]
	assert.Equal(t, "https://api.test/x", r.URL.String())
	assert.Empty(t, r.Header.Get("Content-Type"))
	assert.Empty(t, r.Header.Get("Idempotency-Key"))
}

func TestDoKeepsTransportErrors(t *testing.T) {
	t.Parallel()
	tr, seen := newTestTransport(t, Config{Secret: "cs_x", MaxRetries: 1}, "",
		func(*http.Request) (*http.Response, error) { return nil, syscall.ECONNRESET })
	_, err := tr.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.ErrorIs(t, err, syscall.ECONNRESET)
	assert.NotContains(t, err.Error(), "giving up", "retryablehttp's wrapping replaced the cause")
	assert.Len(t, *seen, 2)
}

func TestDoAbandonedBeforeDeadline(t *testing.T) {
	t.Parallel()
	tr, seen := newTestTransport(t, Config{Secret: "cs_x", MaxRetries: 3, RetryWaitMin: time.Hour, RetryWaitMax: time.Hour}, "",
		text(503, ""))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := tr.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	assert.Equal(t, context.DeadlineExceeded, resp.Abandoned)
	assert.Len(t, *seen, 1)

	tr, _ = newTestTransport(t, Config{Secret: "cs_x", MaxRetries: 3, RetryWaitMin: time.Hour, RetryWaitMax: time.Hour}, "",
		func(*http.Request) (*http.Response, error) { return nil, syscall.ECONNRESET })
	_, err = tr.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, syscall.ECONNRESET)
}

func TestDoRateLimiter(t *testing.T) {
	t.Parallel()
	lim := &countingLimiter{}
	tr, seen := newTestTransport(t, Config{Secret: "cs_x", MaxRetries: 2, Limiter: lim}, "", text(500, ""))
	_, err := tr.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	assert.Len(t, *seen, 3)
	assert.Equal(t, 3, lim.count(), "every attempt, retries included, waits its turn")

	// A limiter's error, the context alive (a shared limiter's store down, say): the call fails
	// with it, sends nothing, and does not pretend the context ended.
	refused := errors.New("store unreachable")
	lim = &countingLimiter{err: refused}
	tr, seen = newTestTransport(t, Config{Secret: "cs_x", Limiter: lim}, "", text(200, ""))
	_, err = tr.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	assert.ErrorIs(t, err, refused)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, context.Canceled)
	assert.EqualError(t, err, "rate limiter: store unreachable")
	assert.Empty(t, *seen)
}

// TestLimiterErrorWrapsTheLimitersAndTheContexts: a limiter returns its own error when the
// context ends mid-wait (cancelled, or past its deadline): the call's error wraps it and matches
// the context's error too, and nothing is sent.
func TestLimiterErrorWrapsTheLimitersAndTheContexts(t *testing.T) {
	t.Parallel()
	gave := errors.New("limiter gave up")
	for _, end := range []error{context.Canceled, context.DeadlineExceeded} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		if end == context.DeadlineExceeded {
			ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
		}
		lim := limiterFunc(func(ctx context.Context) error {
			if end == context.Canceled {
				cancel()
			}
			<-ctx.Done()
			return gave
		})
		tr, seen := newTestTransport(t, Config{Secret: "cs_x", Limiter: lim}, "", text(200, ""))
		_, err := tr.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
		cancel()
		require.Error(t, err, end)
		assert.ErrorIs(t, err, gave, end)
		assert.ErrorIs(t, err, end, end)
		assert.Empty(t, *seen, end)
	}
}

// limiterFunc is a Limiter made of a function.
type limiterFunc func(ctx context.Context) error

func (f limiterFunc) Wait(ctx context.Context) error { return f(ctx) }

type countingLimiter struct {
	mu  sync.Mutex
	n   int
	err error
}

func (l *countingLimiter) Wait(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return l.err
}

func (l *countingLimiter) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

func TestNewDoesNotModifyCallerClient(t *testing.T) {
	t.Parallel()
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })
	redirect := func(*http.Request, []*http.Request) error { return nil }
	hc := &http.Client{Transport: base, CheckRedirect: redirect, Timeout: 3 * time.Second}
	New(Config{HTTPClient: hc, Timeout: time.Second, BaseURL: "https://api.test"})
	assert.Equal(t, fmt.Sprintf("%p", base), fmt.Sprintf("%p", hc.Transport))
	assert.Equal(t, 3*time.Second, hc.Timeout)
	assert.Equal(t, fmt.Sprintf("%p", redirect), fmt.Sprintf("%p", hc.CheckRedirect))
}

func TestLogRecords(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	l := newTestLogger(&buf, &mu)
	tr, _ := newTestTransport(t, Config{Secret: "cs_secret_x", MaxRetries: 1, Logger: l}, "/p",
		text(500, "", "X-Request-Id", "rid-1"), text(200, ""))
	_, err := tr.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x", Query: "search=needle"})
	require.NoError(t, err)
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2, out)
	assert.Contains(t, lines[0], `"attempt":1`)
	assert.Contains(t, lines[0], `"status":500`)
	assert.Contains(t, lines[0], `"request_id":"rid-1"`)
	assert.Contains(t, lines[0], `"retry_in"`)
	assert.Contains(t, lines[1], `"attempt":2`)
	assert.Contains(t, lines[1], `"path":"/p/x"`)
	assert.NotContains(t, out, "needle")
	assert.NotContains(t, out, "cs_secret_x")
	assert.NotContains(t, out, "api.test")
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newTestLogger(w io.Writer, mu *sync.Mutex) *slog.Logger {
	return slog.New(slog.NewJSONHandler(lockedWriter{mu, w}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestRetryablehttpNeverLogs(t *testing.T) {
	t.Parallel()
	// retryablehttp's own logger prints URLs to stderr: it must stay off, with or without a logger.
	for _, l := range []*slog.Logger{nil, slog.New(slog.NewTextHandler(io.Discard, nil))} {
		tr := New(Config{BaseURL: "https://api.test", Logger: l})
		assert.Nil(t, tr.rc.Logger)
	}
}

// TestDoRedactsTheLog: Do hands back what it received (the root's one error path cleans it),
// but the attempt log records, written here, never show the secret.
func TestDoRedactsTheLog(t *testing.T) {
	t.Parallel()
	const secret = "cs_live_ECHOED42"
	var buf bytes.Buffer
	var mu sync.Mutex
	l := newTestLogger(&buf, &mu)
	echo := func(r *http.Request) (*http.Response, error) {
		auth := r.Header.Get("Authorization")
		resp := httpmock.NewStringResponse(502, "<pre>Authorization: "+auth+"</pre>")
		resp.Header.Set("X-Request-Id", "rid-"+strings.ReplaceAll(auth, "_", `\u005F`))
		resp.Header.Set("X-Other", "untouched")
		return resp, nil
	}
	quote := func(r *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("malformed HTTP status code %q: %w", r.Header.Get("Authorization"), syscall.ECONNRESET)
	}
	tr, seen := newTestTransport(t, Config{Secret: secret, MaxRetries: 1, Logger: l}, "", echo, quote)
	_, err := tr.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.Error(t, err)
	require.Len(t, *seen, 2)
	clean := tr.RedactError(err)
	assert.NotContains(t, clean.Error(), secret)
	assert.Contains(t, clean.Error(), "malformed HTTP status code \"[redacted]\"")
	assert.ErrorIs(t, clean, syscall.ECONNRESET, "the chain is kept")

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	assert.Contains(t, out, `"request_id":"rid-[redacted]"`)
	assert.Contains(t, out, `[redacted]`)
	assert.NotContains(t, out, secret)
}

// TestDoHandsBackWhatItReceived: Do scans nothing for the secret, success or failure; Redacted
// returns a clean copy, for the one place that turns a response into an error.
func TestDoHandsBackWhatItReceived(t *testing.T) {
	t.Parallel()
	const secret = "cs_live_ECHOED42"
	for _, status := range []int{200, 502} {
		echo := func(r *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(status, `{"success":false,"error":"key `+r.Header.Get("Authorization")+`"}`)
			resp.Header.Set("X-Request-Id", "rid-"+r.Header.Get("Authorization"))
			resp.Header.Set("X-Other", "untouched")
			return resp, nil
		}
		tr, _ := newTestTransport(t, Config{Secret: secret}, "", echo)
		resp, err := tr.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
		require.NoError(t, err)
		assert.Contains(t, string(resp.Body), secret, "the response is handed back as received")

		clean := resp.Redacted()
		assert.Equal(t, `{"success":false,"error":"key [redacted]"}`, string(clean.Body))
		assert.Equal(t, "rid-[redacted]", clean.Header.Get("X-Request-Id"))
		assert.Equal(t, "untouched", clean.Header.Get("X-Other"))
		assert.Contains(t, string(resp.Body), secret, "Redacted returns a copy")
	}
}

func TestDoTooLargeIsAResponse(t *testing.T) {
	t.Parallel()
	const secret = "cs_live_ECHOED42"
	big := func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 429, Body: io.NopCloser(strings.NewReader("")), ContentLength: MaxBodySize + 1,
			Header: http.Header{"Retry-After": {"7"}, "X-Request-Id": {r.Header.Get("Authorization")}}, Request: r}, nil
	}
	tr, seen := newTestTransport(t, Config{Secret: secret, MaxRetries: 2}, "", big)
	resp, err := tr.Do(context.Background(), &Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, err)
	assert.True(t, resp.TooLarge)
	assert.Empty(t, resp.Body)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, 7*time.Second, resp.RetryAfter)
	assert.Equal(t, "[redacted]", resp.Redacted().Header.Get("X-Request-Id"))
	assert.Len(t, *seen, 1, "an oversized body is not retried")
}

func TestDoEndedContextSendsNothing(t *testing.T) {
	t.Parallel()
	// httpmock, like many a caller's RoundTripper, does not check the context itself.
	tr, seen := newTestTransport(t, Config{Secret: "cs_x"}, "", text(200, ""))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := tr.Do(ctx, &Request{Method: http.MethodGet, Path: "/x"})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, *seen)
}
