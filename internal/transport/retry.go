package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cashfin-go/cashfin/internal/envelope"
)

// policy decides, after each attempt, whether to try again and how long to wait first.
type policy struct {
	logger *slog.Logger
	redact redactor // for what the server put in an error or a header
	window *window  // the server's rate-limit window, updated from every response
	// windowWaitMax is Config.WindowWaitMax: how far ahead a window's reset may be for an attempt
	// to wait for it, when longer than the call's WaitMax.
	windowWaitMax time.Duration
	// observe, when set, is told the window of every response that reports one (see Config).
	observe func(RateLimit)
}

// check is retryablehttp's CheckRetry. Unlike retryablehttp's split between CheckRetry and
// Backoff, it both decides and waits: only here are the context (for its deadline), the response
// (for Retry-After) and the call's attempt count all visible. It:
//   - records the rate-limit window the response reports, if any, and tells observe of it;
//   - retries connection errors (not TLS certificate errors, unknown hosts or oversized bodies) and
//     408, 429, 500, 502, 503 and 504, at most the call's MaxRetries times;
//   - waits an exponential backoff with jitter, or the server's Retry-After when that is within
//     the call's WaitMax, and gives up at once (handing back the response) when it is longer;
//     it does not wait when the server's window is spent until further ahead than the call may
//     wait, since the retry is then refused without sending;
//   - gives up at once, recording why in st.abandoned, when a retry is due but the context has
//     ended or its deadline would pass before the next attempt starts;
//   - logs one Debug record per attempt.
func (p *policy) check(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st, _ := ctx.Value(attemptKey{}).(*attempt)
	if st == nil { // not a call made by Transport.Do
		return false, nil
	}
	st.lastStatus = 0
	if resp != nil {
		st.lastStatus = resp.StatusCode
	}
	p.observeWindow(st, resp, err)
	retry, wait := decide(st.call, st.n, resp, err)
	if retry && p.windowRefuses(st.call) {
		wait = 0 // the retry is refused without sending (see awaitWindow): no use waiting first
	}
	if retry {
		dl, ok := ctx.Deadline()
		switch {
		case ctx.Err() != nil: // ended after the attempt's answer came back
			retry, st.abandoned = false, ctx.Err()
		case ok && time.Until(dl) <= wait:
			retry, st.abandoned = false, context.DeadlineExceeded
		}
	}
	p.log(ctx, st, resp, err, retry, wait)
	if !retry {
		return false, nil
	}
	if err := Sleep(ctx, wait); err != nil {
		return false, err
	}
	return true, nil
}

// observeWindow records the window the answer to attempt st reports, if any: that of a
// response, or of one whose body was too large to read or broke off. It tells observe, once per
// such answer.
func (p *policy) observeWindow(st *attempt, resp *http.Response, err error) {
	var h http.Header
	switch {
	case resp != nil:
		h = resp.Header
	case err != nil:
		if h = st.unreadHeader; h == nil {
			return
		}
	default:
		return
	}
	if rl, ok := p.window.observe(h); ok && p.observe != nil {
		p.observe(rl)
	}
}

// decide says whether attempt n (1-based) of a call with settings c should be retried, and after
// how long, whatever the context (check looks at that).
func decide(c *Call, n int, resp *http.Response, err error) (bool, time.Duration) {
	if n > c.MaxRetries {
		return false, 0
	}
	if err != nil {
		return retryableError(err), backoff(c, n)
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return false, 0
	}
	if ra := retryAfter(resp.Header, bodyBytes(resp), time.Now()); ra > 0 {
		if ra > c.WaitMax {
			return false, ra // the caller gets the response, with RetryAfter set, at once
		}
		return true, ra
	}
	return true, backoff(c, n)
}

// backoff is the wait after attempt n: "equal jitter" over the n-th doubling of WaitMin, a random
// point in [d/2, d] for d = WaitMin<<n capped at WaitMax, and never under WaitMin. The first retry
// is jittered too (between WaitMin and twice it), so that clients failing together do not retry
// together.
func backoff(c *Call, n int) time.Duration {
	d := c.WaitMax
	if n < 32 {
		if exp := c.WaitMin << n; exp > 0 && exp < c.WaitMax {
			d = exp
		}
	}
	lo := max(d/2, c.WaitMin)
	if d <= lo {
		return lo // WaitMin == WaitMax: no room to jitter
	}
	return lo + rand.N(d-lo+1)
}

// retryableError says whether a transport error may go away on another attempt. (The caller's own
// context ending is handled by check: it never retries once ctx.Err() is set, while a per-attempt
// timeout, which leaves ctx alone, is retried.)
func retryableError(err error) bool {
	var (
		tooLarge   *tooLargeError
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalid    x509.CertificateInvalidError
		verifyErr  *tls.CertificateVerificationError
		dnsErr     *net.DNSError
		headerErr  = "invalid header"
		schemeErr  = "unsupported protocol scheme"
		errMessage = err.Error()
	)
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &tooLarge), errors.As(err, &unknownCA), errors.As(err, &hostname),
		errors.As(err, &invalid), errors.As(err, &verifyErr):
		return false
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return false
	case strings.Contains(errMessage, headerErr), strings.Contains(errMessage, schemeErr):
		return false
	}
	return true
}

// retryAfter reads how long the server asks us to wait: the Retry-After header in seconds or as an
// HTTP date, else the body's "retry_after" in seconds (read by package envelope, the one place
// that knows the body's fields). A wait however long is saturated at envelope.MaxRetryAfter, never
// read as garbage; zero, negative, past and unparseable values read as 0 (no wait asked for).
func retryAfter(h http.Header, body []byte, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if digits(v) {
			return envelope.Seconds(v) // any length of digits: ParseFloat saturates, never wraps
		}
		if v[0] == '-' && digits(v[1:]) {
			return 0
		}
		if t, err := http.ParseTime(v); err == nil {
			return min(max(t.Sub(now), 0), envelope.MaxRetryAfter) // Sub saturates too
		}
	}
	return envelope.RetryAfter(body)
}

// digits reports whether s is a non-empty run of ASCII digits, the form RFC 9110 gives seconds.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// log writes one Debug record for the attempt just made. It never records headers, the query or
// the host: only the method, the path, and what happened. What came from the server (an error
// quoting its bytes, the request ID) is redacted.
func (p *policy) log(ctx context.Context, st *attempt, resp *http.Response, err error, retry bool, wait time.Duration) {
	if p.logger == nil || !p.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("method", st.method),
		slog.String("path", st.path),
		slog.Int("attempt", st.n),
		slog.Duration("duration", time.Since(st.start)),
	)
	if err != nil {
		attrs = append(attrs, slog.String("error", p.redact.string(withoutURL(err, st.path).Error())))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if id := resp.Header.Get("X-Request-Id"); id != "" {
			attrs = append(attrs, slog.String("request_id", p.redact.string(id)))
		}
	}
	if retry {
		attrs = append(attrs, slog.Duration("retry_in", wait))
	} else if st.abandoned != nil {
		attrs = append(attrs, slog.String("retry", "abandoned: "+abandonReason(st.abandoned)))
	}
	p.logger.LogAttrs(ctx, slog.LevelDebug, "cashfin: http attempt", attrs...)
}

// logWindow writes one Debug record when an attempt meets a rate-limit window the server reported
// exhausted: it waits left for the reset, or (wait false) the call is refused without sending,
// the reset being further away than the call's longest retry wait (long: than Config.WindowWaitMax).
func (p *policy) logWindow(ctx context.Context, left time.Duration, wait, long bool) {
	if p.logger == nil || !p.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	st, _ := ctx.Value(attemptKey{}).(*attempt)
	if st == nil {
		return
	}
	action := "wait"
	switch {
	case !wait && long:
		action = "refuse: further away than any window of a plan"
	case !wait:
		action = "refuse: longer than the call's max retry wait"
	}
	p.logger.LogAttrs(ctx, slog.LevelDebug, "cashfin: rate limit window exhausted",
		slog.String("method", st.method), slog.String("path", st.path),
		slog.Duration("reset_in", left), slog.String("action", action))
}
