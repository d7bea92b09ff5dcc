// Package transport is the one place in the SDK that speaks HTTP. It builds requests (base URL,
// headers, idempotency key), runs the attempts on go-retryablehttp with the SDK's own retry policy,
// caps and buffers response bodies, and hands back the raw status, header and body, or a transport
// error, as received. It knows nothing of resources or of the typed errors users see; of the
// envelope it knows only the body's "retry_after", which it asks package envelope to read.
//
// It also holds the redactor that takes the client secret out of what a server echoed: the caller
// turns a failure into an error in one place, through Response.Redacted and RedactError, and the
// attempt log records are redacted here.
package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// MaxBodySize is the largest response body the SDK reads into memory.
const MaxBodySize = 10 << 20

// Limiter paces requests; golang.org/x/time/rate's *Limiter is one.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Config is everything the transport needs, resolved and validated by the caller.
type Config struct {
	BaseURL      string        // absolute, without a trailing slash; its path is kept as a prefix
	Secret       string        // sent raw in Authorization
	UserAgent    string        // the full User-Agent header
	HTTPClient   *http.Client  // the caller's client, never modified (its Timeout is not used); nil for the SDK's own
	Timeout      time.Duration // per attempt, body included; 0 for none
	MaxRetries   int           // retries after the first attempt
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	Logger       *slog.Logger // one Debug record per attempt; nil for none
	Limiter      Limiter      // waited on before every attempt; nil for none
}

// Request is one API call.
type Request struct {
	Method         string
	Path           string // "/business/contact/list", appended to the base URL
	Query          string // encoded query, without "?"
	Body           []byte // JSON body, nil for none
	IdempotencyKey string // sent on every attempt when non-empty
}

// Response is the final answer to a Request, after any retries.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte        // the whole body (at most MaxBodySize); empty when TooLarge
	TooLarge   bool          // the body was over MaxBodySize, and was not read
	Method     string        // the request's method
	Path       string        // the request URL's path, base-URL prefix included
	Attempts   int           // how many attempts were made
	RetryAfter time.Duration // from Retry-After or the body's retry_after; 0 when absent
	// Abandoned is why a retry that was due was not made: context.DeadlineExceeded when the
	// context's deadline would pass before the next attempt could start (or has passed), or the
	// context's error when it ended first. nil otherwise. Wrap the error describing the response
	// in an AbandonedError with it.
	Abandoned error

	redact *redactor // the transport's, for Redacted
}

// Redacted returns a copy of r without the secret, in any encoding, in its header and body,
// where a server may have echoed it. Only responses that become errors need it: a success's body
// is the caller's data, and scanning every one would cost the hot path for nothing.
func (r *Response) Redacted() *Response {
	c := *r
	c.Header, c.Body = r.redact.header(r.Header), r.redact.bytes(r.Body)
	return &c
}

// RedactString returns s without the secret, in any encoding.
func (t *Transport) RedactString(s string) string { return t.redact.string(s) }

// RedactError returns err without the secret, in any encoding, in its message or in any error
// its chain holds, keeping what errors.Is and errors.As find (see redactor.chain).
func (t *Transport) RedactError(err error) error { return t.redact.err(err) }

// Transport runs requests. It is safe for concurrent use.
type Transport struct {
	base    string
	path    string // the base URL's path prefix, for Response.Path
	auth    []string
	ua      []string
	rc      *retryablehttp.Client
	policy  policy
	limiter Limiter
	redact  redactor
}

var (
	acceptJSON      = []string{"application/json"}
	contentTypeJSON = []string{"application/json"}
)

// New builds a Transport from a validated Config. Everything that does not change per call
// (headers, the retry policy, the HTTP client) is prepared here, once.
func New(cfg Config) *Transport {
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient // never modify the caller's client
		hc = &copied
	} else {
		hc.Transport = newHTTPTransport()
	}
	hc.Timeout = 0 // cfg.Timeout is enforced per attempt by bufferingTransport, at a fraction of the cost
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &bufferingTransport{base: base, limit: MaxBodySize, timeout: cfg.Timeout}
	var basePath string
	if u, err := url.Parse(cfg.BaseURL); err == nil { // validated by the caller
		basePath = u.EscapedPath()
	}
	// An API client must not follow redirects: a 3xx is reported, not chased to another host.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	rd := newRedactor(cfg.Secret)
	t := &Transport{
		base:    cfg.BaseURL,
		path:    basePath,
		auth:    []string{cfg.Secret},
		ua:      []string{cfg.UserAgent},
		limiter: cfg.Limiter,
		redact:  rd,
		policy: policy{
			maxRetries: cfg.MaxRetries,
			waitMin:    cfg.RetryWaitMin,
			waitMax:    cfg.RetryWaitMax,
			logger:     cfg.Logger,
			redact:     rd,
		},
	}
	t.rc = &retryablehttp.Client{
		HTTPClient: hc,
		Logger:     nil, // never log through retryablehttp: it prints URLs to stderr
		RetryMax:   cfg.MaxRetries,
		// The wait happens in CheckRetry, where the context is visible (see policy.check).
		RetryWaitMin:   0,
		RetryWaitMax:   0,
		Backoff:        noBackoff,
		CheckRetry:     t.policy.check,
		ErrorHandler:   keepLastResponse,
		RequestLogHook: startAttempt,
		PrepareRetry:   t.prepareRetry,
	}
	return t
}

// newHTTPTransport is the SDK's own connection pool: http.DefaultTransport's settings, with more
// idle connections per host so that concurrent callers reuse connections instead of churning them.
func newHTTPTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}

// Do runs r, retrying as the policy allows. A non-nil error is a transport failure (connection,
// timeout, cancelled context) with its cause kept; any HTTP status, including 4xx and 5xx, is a
// Response, and so is an oversized body (TooLarge). A context already ended sends nothing. Both
// are as received: the caller redacts what it turns into an error.
func (t *Transport) Do(ctx context.Context, r *Request) (*Response, error) {
	if err := ctx.Err(); err != nil { // checked here: a caller's RoundTripper may not check it
		return nil, err
	}
	st := &attempt{Context: ctx, method: r.Method, path: t.Path(r.Path)}
	ctx = st

	url := t.base + r.Path + "?" + r.Query // one allocation
	if r.Query == "" {
		url = url[:len(url)-1]
	}
	var body any
	if r.Body != nil {
		body = r.Body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, url, body)
	if err != nil {
		return nil, err
	}
	h := req.Header
	h["Authorization"] = t.auth
	h["Accept"] = acceptJSON
	h["User-Agent"] = t.ua
	if r.Body != nil {
		h["Content-Type"] = contentTypeJSON
	}
	if r.IdempotencyKey != "" {
		h["Idempotency-Key"] = []string{r.IdempotencyKey}
	}

	if err := t.wait(ctx); err != nil {
		return nil, err
	}
	out := &Response{Method: r.Method, Path: st.path}
	resp, err := t.rc.Do(req)
	if err != nil {
		var tl *tooLargeError
		if !errors.As(err, &tl) {
			err = withoutURL(err, st.path)
			if st.abandoned != nil {
				err = &AbandonedError{Err: err, Reason: st.abandoned}
			}
			return nil, err
		}
		out.StatusCode, out.Header, out.TooLarge = tl.StatusCode, tl.Header, true
	} else {
		out.StatusCode, out.Header, out.Body = resp.StatusCode, resp.Header, bodyBytes(resp)
	}
	out.Attempts, out.Abandoned, out.redact = st.n, st.abandoned, &t.redact
	if out.StatusCode >= 300 {
		out.RetryAfter = retryAfter(out.Header, out.Body, time.Now())
	}
	return out, nil
}

// wait paces an attempt with the limiter, if any, giving up when the context ends first.
func (t *Transport) wait(ctx context.Context) error {
	if t.limiter == nil {
		return nil
	}
	if err := t.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// The limiter refuses a wait that would outlast the deadline without waiting for it.
		return fmt.Errorf("rate limit wait: %w", errors.Join(err, context.DeadlineExceeded))
	}
	return nil
}

// prepareRetry runs before every retry: it paces the attempt like the first one.
func (t *Transport) prepareRetry(req *http.Request) error {
	return t.wait(req.Context())
}

// noBackoff is retryablehttp's own wait between attempts: none, since policy.check has waited.
func noBackoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

// keepLastResponse replaces retryablehttp's "giving up after N attempts" error, which loses the
// status and body: the last response is handed back as it is, and a transport error keeps its cause.
func keepLastResponse(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	return resp, nil
}

// startAttempt records the start of each attempt in the call's state.
func startAttempt(_ retryablehttp.Logger, req *http.Request, n int) {
	if st, ok := req.Context().Value(attemptKey{}).(*attempt); ok {
		st.n = n + 1
		st.start = time.Now()
	}
}

// attempt is the state of one call across its attempts, carried in the request's context because
// retryablehttp's hooks are per client, not per call. It is that context itself (the caller's,
// answering Value(attemptKey{}) with the state): one allocation per call instead of two.
type attempt struct {
	context.Context
	method, path string
	n            int // the current attempt, 1-based
	start        time.Time
	abandoned    error // why a due retry was not made; see Response.Abandoned
}

// Value returns the attempt itself for attemptKey{}, and asks the caller's context otherwise.
func (a *attempt) Value(key any) any {
	if _, ok := key.(attemptKey); ok {
		return a
	}
	return a.Context.Value(key)
}

type attemptKey struct{}

// AbandonedError is a failure after which a retry was due but not made because the context ended,
// or its deadline would pass before the next attempt could start: a transport error from Do, or
// (wrapped by the caller) the error describing a Response with Abandoned set. It matches Err and
// Reason (context.DeadlineExceeded or context.Canceled), so a caller who cancels sees
// context.Canceled whether the cancel came during an attempt or between two.
type AbandonedError struct {
	Err    error
	Reason error
}

func (e *AbandonedError) Error() string {
	return e.Err.Error() + " (no retry: " + abandonReason(e.Reason) + ")"
}

// Unwrap returns Err and Reason.
func (e *AbandonedError) Unwrap() []error { return []error{e.Err, e.Reason} }

func abandonReason(reason error) string {
	if errors.Is(reason, context.DeadlineExceeded) {
		return "the context deadline comes first"
	}
	return "the context has ended: " + reason.Error()
}

// withoutURL returns err, when it is a *url.Error (net/http's wrapping of every transport failure),
// with its URL cut down to path: the host and the query (a search term may be an email address)
// stay out of errors and log records, while errors.As still finds the *url.Error.
func withoutURL(err error, path string) error {
	ue, ok := err.(*url.Error)
	if !ok {
		return err
	}
	clean := *ue
	clean.URL = path
	return &clean
}

// Path is the URL path a request for path is sent to: the base URL's prefix, then path.
func (t *Transport) Path(path string) string { return t.path + path }
