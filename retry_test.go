package cashfin_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cashfin-go/cashfin"
)

// assertTimeout checks that err is (or wraps) a net.Error that timed out.
func assertTimeout(t *testing.T, err error) {
	t.Helper()
	var netErr net.Error
	if assert.ErrorAs(t, err, &netErr) {
		assert.True(t, netErr.Timeout(), "not a timeout: %v", err)
	}
}

var errConnReset = errors.New("read tcp: connection reset by peer")

func TestRetriedFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    reply
	}{
		{"408", reply{status: 408, body: ``}},
		{"429", reply{status: 429, body: `{"success":false,"error":"Rate limit exceeded"}`}},
		{"500", reply{status: 500, body: `{"success":false,"error":"boom"}`}},
		{"502 html", reply{status: 502, body: `<html>Bad Gateway</html>`}},
		{"503", reply{status: 503, body: ``}},
		{"504", reply{status: 504, body: ``}},
		{"connection error", reply{err: errConnReset}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, retries := range []int{0, 1, 2, 3} {
				c, mt := newMockClient(t, fast(), cashfin.WithMaxRetries(retries))
				rec := serve(mt, tc.r)
				_, err := c.Contacts.Get(context.Background(), testID)
				require.Error(t, err)
				assert.Equal(t, retries+1, rec.len(), "attempts with WithMaxRetries(%d)", retries)
				if tc.r.err != nil {
					assert.ErrorIs(t, err, errConnReset, "the cause is kept")
					assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
				} else {
					var apiErr *cashfin.APIError
					require.ErrorAs(t, err, &apiErr)
					assert.Equal(t, tc.r.status, apiErr.StatusCode)
				}
			}

			// A failure followed by a success is a success.
			c, mt := newMockClient(t, fast())
			rec := serve(mt, tc.r, tc.r, reply{status: 200, body: contactOK})
			got, err := c.Contacts.Get(context.Background(), testID)
			require.NoError(t, err)
			assert.Equal(t, "Jane Wanjiku", got.Name)
			assert.Equal(t, 3, rec.len())
		})
	}
}

func TestDefaultMaxRetries(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 2, cashfin.DefaultMaxRetries)
	c, mt := newMockClient(t, fast())
	rec := serve(mt, reply{status: 503})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.ErrorIs(t, err, cashfin.ErrServer)
	assert.Equal(t, cashfin.DefaultMaxRetries+1, rec.len())
}

func TestNotRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    reply
	}{
		{"400", reply{status: 400, body: `{"success":false,"error":"bad"}`}},
		{"401", reply{status: 401, body: `{"success":false,"message":"Unauthorized access!"}`}},
		{"403", reply{status: 403}},
		{"404", reply{status: 404, body: `{"success":false,"error":"Contact not found"}`}},
		{"405", reply{status: 405}},
		{"409", reply{status: 409}},
		{"410", reply{status: 410}},
		{"422", reply{status: 422}},
		{"501", reply{status: 501}},
		{"505", reply{status: 505}},
		{"301", reply{status: 301, header: http.Header{"Location": {"https://elsewhere.test/"}}}},
		{"200 success false", reply{status: 200, body: `{"success":false,"error":"nope"}`}},
		{"200 not an envelope", reply{status: 200, body: `<html></html>`}},
		{"TLS unknown authority", reply{err: x509.UnknownAuthorityError{}}},
		{"TLS hostname", reply{err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "api.test"}}},
		{"unknown host", reply{err: &net.DNSError{Err: "no such host", Name: "api.test", IsNotFound: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, fast(), cashfin.WithMaxRetries(3))
			rec := serve(mt, tc.r)
			_, err := c.Contacts.Get(context.Background(), testID)
			require.Error(t, err)
			assert.Equal(t, 1, rec.len())
		})
	}
}

// gaps returns the time between consecutive requests.
func gaps(reqs []seen) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(reqs); i++ {
		out = append(out, reqs[i].At.Sub(reqs[i-1].At))
	}
	return out
}

// slack is the generous allowance for scheduling on a loaded machine.
const slack = 1500 * time.Millisecond

func TestBackoffWithinBounds(t *testing.T) {
	t.Parallel()
	const lo, hi = 30 * time.Millisecond, 60 * time.Millisecond
	c, mt := newMockClient(t, cashfin.WithRetryWait(lo, hi), cashfin.WithMaxRetries(3))
	rec := serve(mt, reply{status: 500})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.ErrorIs(t, err, cashfin.ErrServer)
	reqs := rec.all()
	require.Len(t, reqs, 4)
	for i, g := range gaps(reqs) {
		assert.GreaterOrEqual(t, g, lo, "wait %d", i+1)
		assert.LessOrEqual(t, g, hi+slack, "wait %d", i+1)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		first   func() reply
		atLeast time.Duration
	}{
		{"header seconds", func() reply {
			return reply{status: 429, header: http.Header{"Retry-After": {"1"}}}
		}, time.Second},
		{"header HTTP date", func() reply {
			// Three seconds ahead, truncated to the second by the format: at least 2 s away when
			// made, so the 900 ms asserted holds even if the client is descheduled for a second
			// before it reads the answer, and at most the 3 s maximum wait, so it is honoured.
			at := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
			return reply{status: 503, header: http.Header{"Retry-After": {at}}}
		}, 900 * time.Millisecond},
		{"body retry_after", func() reply {
			return reply{status: 429, body: `{"success":false,"error":"Rate limit exceeded","retry_after":0.3}`}
		}, 300 * time.Millisecond},
		{"body retry_after string", func() reply {
			return reply{status: 429, body: `{"success":false,"retry_after":"0.3"}`}
		}, 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The backoff alone would wait about a millisecond.
			c, mt := newMockClient(t, cashfin.WithRetryWait(time.Millisecond, 3*time.Second))
			rec := serve(mt, tc.first(), reply{status: 200, body: contactOK})
			_, err := c.Contacts.Get(context.Background(), testID)
			require.NoError(t, err)
			reqs := rec.all()
			require.Len(t, reqs, 2)
			g := gaps(reqs)[0]
			assert.GreaterOrEqual(t, g, tc.atLeast)
			assert.LessOrEqual(t, g, 3*time.Second+slack)
		})
	}
}

func TestRetryAfterLongerThanMaxWaitReturnsAtOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		r        reply
		sentinel error
		want     time.Duration
	}{
		{"429 header seconds", reply{status: 429, header: http.Header{"Retry-After": {"120"}},
			body: `{"success":false,"error":"Rate limit exceeded. Try again later."}`}, cashfin.ErrRateLimited, 120 * time.Second},
		{"503 header seconds", reply{status: 503, header: http.Header{"Retry-After": {"30"}}}, cashfin.ErrServer, 30 * time.Second},
		{"429 body retry_after", reply{status: 429,
			body: `{"success":false,"error":"Rate limit exceeded. Try again later.","retry_after":30}`}, cashfin.ErrRateLimited, 30 * time.Second},
		{"header beats body", reply{status: 429, header: http.Header{"Retry-After": {"60"}},
			body: `{"success":false,"retry_after":0.001}`}, cashfin.ErrRateLimited, 60 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, cashfin.WithRetryWait(time.Millisecond, 10*time.Millisecond), cashfin.WithMaxRetries(5))
			rec := serve(mt, tc.r)
			start := time.Now()
			_, err := c.Contacts.Get(context.Background(), testID)
			assert.Less(t, time.Since(start), slack)
			require.ErrorIs(t, err, tc.sentinel)
			var apiErr *cashfin.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.want, apiErr.RetryAfter)
			assert.Equal(t, 1, rec.len())
		})
	}

	t.Run("HTTP date", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, cashfin.WithRetryWait(time.Millisecond, 10*time.Millisecond))
		at := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
		rec := serve(mt, reply{status: 503, header: http.Header{"Retry-After": {at}}})
		_, err := c.Contacts.Get(context.Background(), testID)
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.InDelta(t, time.Hour.Seconds(), apiErr.RetryAfter.Seconds(), 5)
		assert.Equal(t, 1, rec.len())
	})
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, mt := newMockClient(t, fast())
	created := reply{status: 201, body: contactOK}
	rec := serve(mt, reply{status: 500}, reply{err: errConnReset}, created, created, created)

	params := &cashfin.ContactCreateParams{Name: "Jane Wanjiku"}
	_, err := c.Contacts.Create(ctx, params)
	require.NoError(t, err)
	_, err = c.Contacts.Create(ctx, params)
	require.NoError(t, err)
	_, err = c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane", IdempotencyKey: "import-42:row-7"})
	require.NoError(t, err)
	assert.Empty(t, params.IdempotencyKey, "the caller's params were modified")

	reqs := rec.all()
	require.Len(t, reqs, 5)
	first := reqs[0].Header.Get("Idempotency-Key")
	raw, err := hex.DecodeString(first)
	require.NoError(t, err, "generated key %q", first)
	assert.GreaterOrEqual(t, len(raw), 16, "a generated key holds at least 128 bits")
	for i := range 3 {
		assert.Equal(t, first, reqs[i].Header.Get("Idempotency-Key"), "attempt %d of the first create", i+1)
		assert.Equal(t, reqs[0].Body, reqs[i].Body, "attempt %d sent another body", i+1)
	}
	second := reqs[3].Header.Get("Idempotency-Key")
	assert.NotEmpty(t, second)
	assert.NotEqual(t, first, second, "two creates share a key")
	assert.Equal(t, "import-42:row-7", reqs[4].Header.Get("Idempotency-Key"))
}

func TestIdempotencyKeyInvalid(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	for _, key := range []string{strings.Repeat("k", 256), "a\nb", "clé"} {
		_, err := c.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "J", IdempotencyKey: key})
		assert.ErrorIs(t, err, cashfin.ErrInvalidParams, "key %q", key)
	}
	assert.Equal(t, 0, mt.GetTotalCallCount())
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, mt := newMockClient(t, cashfin.WithRetryWait(time.Minute, time.Minute))
	var calls atomic.Int32
	mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return httpmock.NewStringResponse(503, ""), nil
	})
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := c.Contacts.Get(ctx, testID)
		done <- err
	}()
	// Cancel once the first attempt has been answered and the client is waiting.
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
		assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
	case <-time.After(10 * time.Second):
		t.Fatal("the call did not return after its context was cancelled")
	}
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.EqualValues(t, 1, calls.Load())
}

func TestCancelledContextNotRetried(t *testing.T) {
	t.Parallel()
	t.Run("cancelled during an attempt", func(t *testing.T) {
		t.Parallel()
		for _, r := range []reply{{status: 503}, {err: errConnReset}} {
			ctx, cancel := context.WithCancel(context.Background())
			c, mt := newMockClient(t, fast())
			var calls atomic.Int32
			mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
				calls.Add(1)
				cancel()
				return r.response(req)
			})
			_, err := c.Contacts.Get(ctx, testID)
			require.Error(t, err)
			assert.EqualValues(t, 1, calls.Load())
			// The cancel came before the retry decision: whether the attempt's answer or the
			// cancellation reached the client first (httpmock races the two), the call says it
			// was cancelled.
			assert.ErrorIs(t, err, context.Canceled)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
			cancel()
		}
	})
	t.Run("cancelled before the call", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		c, mt := newMockClient(t, fast())
		rec := serve(mt, reply{status: 503})
		_, err := c.Contacts.Get(ctx, testID)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 0, rec.len(), "a call whose context has ended sends nothing")
	})
}

func TestDeadlineBeforeNextAttemptReturnsAtOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		wait cashfin.Option
		r    reply
	}{
		{"backoff", cashfin.WithRetryWait(5*time.Second, 5*time.Second), reply{status: 503, body: `{"success":false,"error":"down"}`}},
		{"retry-after", cashfin.WithRetryWait(time.Millisecond, time.Minute),
			reply{status: 429, header: http.Header{"Retry-After": {"10"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			c, mt := newMockClient(t, tc.wait)
			rec := serve(mt, tc.r)
			start := time.Now()
			_, err := c.Contacts.Get(ctx, testID)
			assert.Less(t, time.Since(start), 2*time.Second, "the call waited for a retry it could not make")
			require.Error(t, err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			var apiErr *cashfin.APIError
			require.ErrorAs(t, err, &apiErr, "the last response is still reported")
			assert.Equal(t, tc.r.status, apiErr.StatusCode)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
			assert.Equal(t, 1, rec.len())
		})
	}
	t.Run("connection error", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		c, mt := newMockClient(t, cashfin.WithRetryWait(5*time.Second, 5*time.Second))
		rec := serve(mt, reply{err: errConnReset})
		start := time.Now()
		_, err := c.Contacts.Get(ctx, testID)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.ErrorIs(t, err, errConnReset)
		assert.Equal(t, 1, rec.len())
	})
	t.Run("a wait that fits is made", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, mt := newMockClient(t, fast())
		rec := serve(mt, reply{status: 503}, reply{status: 200, body: contactOK})
		_, err := c.Contacts.Get(ctx, testID)
		require.NoError(t, err)
		assert.Equal(t, 2, rec.len())
	})
}

// countingStallServer is stallServer counting the requests it gets.
func countingStallServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	release := make(chan struct{})
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv, &hits
}

func TestPerAttemptTimeout(t *testing.T) {
	t.Parallel()
	srv, hits := countingStallServer(t)
	l, buf := newLogger()
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithHTTPClient(srv.Client()),
		cashfin.WithTimeout(time.Hour), cashfin.WithTimeout(50*time.Millisecond), // the later one wins
		cashfin.WithMaxRetries(1), fast(), cashfin.WithLogger(l))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Contacts.Get(context.Background(), testID)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 10*time.Second)
	assertTimeout(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
	assert.GreaterOrEqual(t, hits.Load(), int32(1))
	recs := parseLog(t, buf)
	require.Len(t, recs, 2, "a timed-out attempt is retried")
	for i, r := range recs {
		assert.EqualValues(t, i+1, r["attempt"])
		assert.NotEmpty(t, r["error"])
	}
}

func TestContextDeadlineDuringAttempt(t *testing.T) {
	t.Parallel()
	srv, hits := countingStallServer(t)
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithHTTPClient(srv.Client()), fast())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.Contacts.Get(ctx, testID)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assertTimeout(t, err)
	assert.EqualValues(t, 1, hits.Load(), "no retry once the context has ended")
}

func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		fmt.Fprint(w, contactOK)
	}))
	defer other.Close()
	for _, status := range []int{301, 302, 307, 308} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				http.Redirect(w, r, other.URL+"/steal?token=abc", status)
			}))
			defer srv.Close()
			c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithHTTPClient(srv.Client()), fast())
			require.NoError(t, err)
			_, err = c.Contacts.Get(context.Background(), testID)
			var apiErr *cashfin.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.NotContains(t, err.Error(), "token=abc", "the Location's query is not reported")
			assert.EqualValues(t, 1, hits.Load())
		})
	}
	assert.EqualValues(t, 0, elsewhere.Load(), "a redirect was followed")
}

func TestRedirectNotFollowedWithSDKTransport(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = c.Contacts.Get(context.Background(), testID)
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTemporaryRedirect, apiErr.StatusCode)
	assert.EqualValues(t, 0, elsewhere.Load())
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	const size = 10<<20 + 1
	chunk := bytes.Repeat([]byte(" "), 64<<10)
	for _, tc := range []struct {
		name          string
		status        int
		contentLength bool
	}{
		{"200 with Content-Length", 200, true},
		{"200 chunked", 200, false},
		{"503 with Content-Length", 503, true},
		{"503 chunked", 503, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if tc.contentLength {
					w.Header().Set("Content-Length", strconv.Itoa(size))
				}
				w.WriteHeader(tc.status)
				if _, err := w.Write([]byte(`{"success":true,"data":{"name":"`)); err != nil {
					return
				}
				for written := 0; written < size; written += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					if !tc.contentLength {
						w.(http.Flusher).Flush()
					}
				}
			}))
			defer srv.Close()
			c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithHTTPClient(srv.Client()), fast())
			require.NoError(t, err)
			_, err = c.Contacts.Get(context.Background(), testID)
			require.ErrorIs(t, err, cashfin.ErrUnexpectedResponse)
			var apiErr *cashfin.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.LessOrEqual(t, len(apiErr.Body), 4<<10)
			assert.EqualValues(t, 1, hits.Load(), "an oversized body was retried")
		})
	}
}

func TestBodySizeLimitIsTenMiB(t *testing.T) {
	t.Parallel()
	// Bodies that fail to decode at their first byte, so that only the size limit differs: one of
	// exactly 10 MiB is read (its start is kept in APIError.Body), one byte more is not read at all.
	for _, tc := range []struct {
		size int
		read bool
	}{{10 << 20, true}, {10<<20 + 1, false}} {
		body := append([]byte("x"), bytes.Repeat([]byte(" "), tc.size-1)...)
		c, mt := newMockClient(t)
		mt.RegisterNoResponder(httpmock.NewBytesResponder(200, body))
		_, err := c.Contacts.Get(context.Background(), testID)
		require.ErrorIs(t, err, cashfin.ErrUnexpectedResponse)
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr)
		if tc.read {
			assert.Equal(t, body[:4<<10], apiErr.Body, "size %d", tc.size)
		} else {
			assert.Empty(t, apiErr.Body, "size %d", tc.size)
			assert.Contains(t, apiErr.Message, "10 MiB")
		}
	}
}

// logRecord is one JSON log line.
type logRecord map[string]any

func parseLog(t *testing.T, buf *logBuffer) []logRecord {
	t.Helper()
	var out []logRecord
	for _, line := range buf.lines() {
		var r logRecord
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		out = append(out, r)
	}
	return out
}

func TestLoggingOneRecordPerAttempt(t *testing.T) {
	t.Parallel()
	l, buf := newLogger()
	c, mt := newMockClient(t, cashfin.WithLogger(l), fast(), cashfin.WithBaseURL("https://api.test/v1"))
	serve(mt,
		reply{status: 500, header: http.Header{"X-Request-Id": {"req-1"}}},
		reply{status: 503},
		reply{status: 200, body: listOK})
	_, err := c.Contacts.List(context.Background(), &cashfin.ContactListParams{Search: "jane@example.com"})
	require.NoError(t, err)

	recs := parseLog(t, buf)
	require.Len(t, recs, 3)
	for i, r := range recs {
		assert.Equal(t, "DEBUG", r["level"])
		assert.Equal(t, "GET", r["method"])
		assert.Equal(t, "/v1/business/contact/list", r["path"])
		assert.EqualValues(t, i+1, r["attempt"])
		assert.EqualValues(t, []int{500, 503, 200}[i], r["status"])
	}
	assert.Equal(t, "req-1", recs[0]["request_id"])
	out := buf.String()
	assert.NotContains(t, out, "jane@example.com", "the query was logged")
	assert.NotContains(t, out, "api.test", "the host was logged")
	requireNoSecret(t, out, testSecret)
}

func TestLoggingTransportErrors(t *testing.T) {
	t.Parallel()
	l, buf := newLogger()
	c, mt := newMockClient(t, cashfin.WithLogger(l), fast(), cashfin.WithMaxRetries(1))
	serve(mt, reply{err: errConnReset})
	_, err := c.Contacts.List(context.Background(), &cashfin.ContactListParams{Search: "jane@example.com"})
	require.Error(t, err)
	recs := parseLog(t, buf)
	require.Len(t, recs, 2)
	for _, r := range recs {
		assert.Contains(t, r["error"], "connection reset")
		assert.NotContains(t, r, "status")
	}
	for _, leak := range []string{"jane", "search", "api.test"} {
		assert.NotContains(t, buf.String(), leak, "the query or host was logged")
		assert.NotContains(t, err.Error(), leak, "the query or host is in the error")
	}
	requireNoSecret(t, buf.String(), testSecret)
	var urlErr *url.Error
	assert.ErrorAs(t, err, &urlErr, "the *url.Error is still in the chain")
}

func TestLoggingOffByDefaultAndAboveDebug(t *testing.T) {
	t.Parallel()
	// Without a logger the client works and retries as usual.
	c, mt := newMockClient(t, fast())
	rec := serve(mt, reply{status: 500}, reply{status: 200, body: contactOK})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	assert.Equal(t, 2, rec.len())

	// A logger above Debug gets nothing.
	buf := &logBuffer{}
	l := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, mt = newMockClient(t, cashfin.WithLogger(l), fast())
	serve(mt, reply{status: 500}, reply{status: 200, body: contactOK})
	_, err = c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	assert.Empty(t, buf.String())
}

// TestSecretNeverInErrors drives every failure path with a distinctive secret and checks what
// comes back, and what is logged.
func TestSecretNeverInErrors(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // last: after the servers have closed
	const secret = "cs_live_NEVERPRINTED99"
	ctx := context.Background()
	l, buf := newLogger()
	newClient := func(t *testing.T, rt http.RoundTripper, base string, opts ...cashfin.Option) *cashfin.Client {
		t.Helper()
		opts = append([]cashfin.Option{cashfin.WithBaseURL(base), cashfin.WithHTTPClient(&http.Client{Transport: rt}),
			cashfin.WithLogger(l), fast()}, opts...)
		c, err := cashfin.NewClient(secret, opts...)
		require.NoError(t, err)
		return c
	}
	var errs []error
	for _, r := range []reply{
		{status: 401, body: `{"success":false,"message":"Unauthorized access!"}`},
		{status: 404, body: `{"success":false,"error":"Contact not found"}`},
		{status: 422, body: `{"success":false,"error":"invalid","errors":{"email":"Email is invalid"}}`},
		{status: 500, body: `{"success":false}`},
		{status: 502, body: `<html>bad gateway</html>`},
		{status: 429, header: http.Header{"Retry-After": {"3600"}}},
		{status: 200, body: `not json`},
		{status: 200, body: `{"success":false,"error":"Contact not found"}`},
		{status: 301, header: http.Header{"Location": {"https://elsewhere.test/x"}}},
		{err: errConnReset},
		{err: x509.UnknownAuthorityError{}},
	} {
		mt := httpmock.NewMockTransport()
		serve(mt, r)
		c := newClient(t, mt, "https://api.test/p")
		_, err := c.Contacts.Get(ctx, testID)
		errs = append(errs, err)
		_, err = c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "J"})
		errs = append(errs, err)
		_, err = c.Contacts.List(ctx, &cashfin.ContactListParams{Search: "s"})
		errs = append(errs, err)
		for _, err := range c.Contacts.ListAll(ctx, nil) {
			errs = append(errs, err)
		}
	}

	// Validation errors.
	c := newClient(t, httpmock.NewMockTransport(), "https://api.test")
	_, err := c.Contacts.Get(ctx, "nope")
	errs = append(errs, err)
	_, err = c.Contacts.Create(ctx, nil)
	errs = append(errs, err)
	_, err = c.Contacts.List(ctx, &cashfin.ContactListParams{Limit: 101})
	errs = append(errs, err)

	// Cancelled, timed out, and oversized.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Contacts.Get(cctx, testID)
	errs = append(errs, err)
	srv, _ := countingStallServer(t)
	c = newClient(t, srv.Client().Transport, srv.URL, cashfin.WithTimeout(20*time.Millisecond), cashfin.WithMaxRetries(0))
	_, err = c.Contacts.Get(ctx, testID)
	errs = append(errs, err)
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(11<<20))
		w.WriteHeader(200)
	}))
	defer big.Close()
	c = newClient(t, big.Client().Transport, big.URL)
	_, err = c.Contacts.Get(ctx, testID)
	errs = append(errs, err)

	for i, err := range errs {
		require.Error(t, err, "case %d", i)
		assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), "case %d: %s", i, err)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			requireNoSecret(t, fmt.Sprintf(verb, err), secret)
		}
		var apiErr *cashfin.APIError
		if errors.As(err, &apiErr) {
			requireNoSecret(t, fmt.Sprintf("%#v", *apiErr), secret)
		}
	}
	assert.NotEmpty(t, buf.String())
	requireNoSecret(t, buf.String(), secret)
}

func TestTruncatedChunkedBodyIsRetried(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		// A chunked body cut off after its first chunk, before the terminating one.
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"10\r\n{\"success\":true,\r\n")
		buf.Flush()
	}))
	defer srv.Close()
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithHTTPClient(srv.Client()), fast())
	require.NoError(t, err)
	_, err = c.Contacts.Get(context.Background(), testID)
	require.Error(t, err)
	assert.NotErrorIs(t, err, cashfin.ErrUnexpectedResponse, "a body cut short was taken for a whole one")
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.EqualValues(t, cashfin.DefaultMaxRetries+1, hits.Load(), "a broken connection is retried")
}
