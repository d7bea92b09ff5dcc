// Package transport is the one place in the SDK that speaks HTTP. It builds requests (base URL,
// headers, idempotency key), runs the attempts on go-retryablehttp with the SDK's own retry policy,
// caps and buffers response bodies, and hands back the raw status, header and body, or a transport
// error, as received. It knows nothing of resources or of the typed errors users see; of the
// envelope it knows only the body's "retry_after", which it asks package envelope to read. It
// remembers the server's rate-limit window (X-RateLimit-*) and holds every attempt, retries
// included, until that window and the client's own limiter admit it (window.go).
//
// It also holds the redactor that takes the client secret out of what a server echoed: the caller
// turns a failure into an error in one place, through Response.Redacted and RedactError, and the
// attempt log records are redacted here.
package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
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
	Timeout      time.Duration // the default per attempt, body included; 0 for none
	MaxRetries   int           // the default number of retries after the first attempt
	RetryWaitMin time.Duration // the default backoff bounds
	RetryWaitMax time.Duration
	Header       http.Header  // the default extra request headers (canonical keys); nil for none
	Logger       *slog.Logger // one Debug record per attempt; nil for none
	Limiter      Limiter      // waited on before every attempt; nil for none
	// Observe, when set, is told the window of every response that reports one (X-RateLimit-*),
	// once per response, before the call returns or retries.
	Observe func(RateLimit)
	// WindowWaitMax, when longer than a call's longest retry wait (WaitMax), is how far ahead
	// the reset of a window the server reported exhausted may lie for the call to wait it out,
	// for as long as its context allows. WaitMax still bounds backoff and Retry-After.
	WindowWaitMax time.Duration
}

// Call holds the settings of one call that a caller may change per call. A Transport has its
// defaults (from Config); a Request may carry its own, resolved by the caller once per call. A Call
// is read concurrently and never modified once in use.
type Call struct {
	MaxRetries int           // retries after the first attempt
	WaitMin    time.Duration // backoff bounds; WaitMax is also the longest Retry-After or window wait
	WaitMax    time.Duration
	Timeout    time.Duration // per attempt, body included; 0 for none
	Header     http.Header   // extra request headers (canonical keys), set after the SDK's own; nil for none
}

// Request is one API call.
type Request struct {
	Method         string
	Path           string // "/business/contact/list", appended to the base URL
	Query          string // encoded query, without "?"
	Body           []byte // JSON body, nil for none
	IdempotencyKey string // sent on every attempt when non-empty
	Call           *Call  // this call's settings; nil for the Transport's defaults
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

// CleanHeader returns r's header without the secret, where a server may have echoed it (r's own
// header when it holds none).
func (r *Response) CleanHeader() http.Header {
	if r.redact == nil {
		return r.Header
	}
	return r.redact.header(r.Header)
}

// RedactString returns s without the secret, in any encoding.
func (t *Transport) RedactString(s string) string { return t.redact.string(s) }

// RedactError returns err without the secret, in any encoding, in its message or in any error
// its chain holds, keeping what errors.Is and errors.As find (see redactor.chain).
func (t *Transport) RedactError(err error) error { return t.redact.err(err) }

// Transport runs requests. It is safe for concurrent use.
type Transport struct {
	base    string
	baseURL url.URL // base, parsed
	path    string  // the base URL's path prefix, for Response.Path
	auth    []string
	ua      []string
	rc      *retryablehttp.Client
	call    Call // the defaults, for a Request without its own
	policy  policy
	limiter Limiter
	redact  redactor
	window  window
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
	hc.Timeout = 0 // the call's Timeout is enforced per attempt by bufferingTransport, at a fraction of the cost
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &bufferingTransport{base: base, limit: MaxBodySize}
	var basePath string
	var baseURL url.URL
	if u, err := url.Parse(cfg.BaseURL); err == nil { // validated by the caller
		basePath = u.EscapedPath()
		baseURL = url.URL{Scheme: u.Scheme, Host: removeEmptyPort(u.Host)}
	}
	// An API client must not follow redirects: a 3xx is reported, not chased to another host.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	rd := newRedactor(cfg.Secret)
	t := &Transport{
		base:    cfg.BaseURL,
		baseURL: baseURL,
		path:    basePath,
		auth:    []string{cfg.Secret},
		ua:      []string{cfg.UserAgent},
		limiter: cfg.Limiter,
		redact:  rd,
		call: Call{
			MaxRetries: cfg.MaxRetries,
			WaitMin:    cfg.RetryWaitMin,
			WaitMax:    cfg.RetryWaitMax,
			Timeout:    cfg.Timeout,
			Header:     cfg.Header,
		},
		policy: policy{logger: cfg.Logger, redact: rd, observe: cfg.Observe, windowWaitMax: cfg.WindowWaitMax},
	}
	t.policy.window = &t.window
	t.rc = &retryablehttp.Client{
		HTTPClient: hc,
		Logger:     nil, // never log through retryablehttp: it prints URLs to stderr
		// Each call has its own retry count, which policy.check enforces.
		RetryMax: math.MaxInt32,
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
	call := r.Call
	if call == nil {
		call = &t.call
	}
	st := &attempt{Context: ctx, method: r.Method, path: t.Path(r.Path), call: call, body: r.Body}
	req, err := t.newRequest(st, r)
	if err != nil {
		return nil, err
	}
	if err := t.admit(st, call); err != nil {
		return nil, err
	}
	out := &st.out
	out.Method, out.Path = r.Method, st.path
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

// newRequest builds the request of the call whose state is st, in st's own storage: the
// request, its URL, the retryablehttp wrapper and the first attempt's body reader cost no
// allocation of their own (retryablehttp.NewRequestWithContext would make some ten per request).
// The body is set before each attempt, by startAttempt.
func (t *Transport) newRequest(st *attempt, r *Request) (*retryablehttp.Request, error) {
	st.url = t.baseURL
	st.url.Path, st.url.RawQuery = st.path, r.Query
	u := &st.url
	if strings.ContainsAny(st.path, "%?# ") { // not a plain path (the SDK's own never are): parse it
		var err error
		if u, err = url.Parse(t.base + r.Path); err != nil {
			return nil, err
		}
		u.RawQuery = r.Query
	}
	h := make(http.Header, 6+len(st.call.Header))
	h["Authorization"] = t.auth
	h["Accept"] = acceptJSON
	h["User-Agent"] = t.ua
	if r.Body != nil {
		h["Content-Type"] = contentTypeJSON
	}
	if r.IdempotencyKey != "" {
		st.key[0] = r.IdempotencyKey
		h["Idempotency-Key"] = st.key[:]
	}
	for k, v := range st.call.Header { // checked by the caller: never one the SDK owns but Accept
		h[k] = v
	}
	req := (&http.Request{
		Method: r.Method, URL: u, Host: u.Host, Header: h,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		ContentLength: int64(len(r.Body)),
	}).WithContext(st)
	if r.Body != nil {
		req.GetBody = st.newBody
	}
	st.req.Request = req
	return &st.req, nil
}

// wait paces an attempt with the limiter, if any. A limiter's error is a *LimiterError, which
// matches the context's error too when the context has ended.
func (t *Transport) wait(ctx context.Context) error {
	if t.limiter == nil {
		return nil
	}
	if err := t.limiter.Wait(ctx); err != nil {
		return &LimiterError{Err: err, Context: ctx.Err()}
	}
	return nil
}

// admit holds an attempt until the server's window (see awaitWindow) and then the limiter, if any,
// let it go. The limiter comes last, so that an attempt is sent as soon as the limiter admits it:
// a limiter counts an attempt when it admits it. If the server's window was reported exhausted
// during the limiter's wait, the attempt waits for it again, and for the limiter again.
func (t *Transport) admit(ctx context.Context, call *Call) error {
	for {
		if err := t.awaitWindow(ctx, call); err != nil {
			return err
		}
		if err := t.wait(ctx); err != nil {
			return err
		}
		if t.limiter == nil {
			return nil
		}
		if left, _ := t.window.exhausted(time.Now()); left <= 0 {
			return nil
		}
	}
}

// LimiterError is a limiter's refusal to let an attempt go (its Wait returned Err): nothing more
// was sent. It matches Err, and Context, the context's error, when the context had ended.
type LimiterError struct {
	Err     error
	Context error // ctx.Err() when Wait returned; nil when the context had not ended
	// Attempts is how many attempts of the call were sent before a retry was refused; 0 when
	// the call's first attempt was. LastStatus is how the latest ended (0: a transport error).
	Attempts, LastStatus int
}

func (e *LimiterError) Error() string {
	msg := "rate limiter: " + e.Err.Error()
	if e.Context != nil && !errors.Is(e.Err, e.Context) {
		msg += " (" + e.Context.Error() + ")"
	}
	switch {
	case e.Attempts > 0 && e.LastStatus > 0:
		msg += fmt.Sprintf("; attempt %d was answered %d, and its retry was not sent", e.Attempts, e.LastStatus)
	case e.Attempts > 0:
		msg += fmt.Sprintf("; attempt %d failed without an answer, and its retry was not sent", e.Attempts)
	}
	return msg
}

// Unwrap returns Err, and Context when set.
func (e *LimiterError) Unwrap() []error {
	if e.Context != nil {
		return []error{e.Err, e.Context}
	}
	return []error{e.Err}
}

// prepareRetry runs before every retry: it holds the attempt like the first one. A refusal says
// how many attempts were made, and how the latest ended, since a request was sent after all.
func (t *Transport) prepareRetry(req *http.Request) error {
	ctx := req.Context()
	call := &t.call
	st, ok := ctx.Value(attemptKey{}).(*attempt)
	if ok {
		call = st.call
	}
	err := t.admit(ctx, call)
	var we *WindowError
	var le *LimiterError
	switch {
	case !ok:
	case errors.As(err, &we):
		we.Attempts, we.LastStatus = st.n, st.lastStatus
	case errors.As(err, &le):
		le.Attempts, le.LastStatus = st.n, st.lastStatus
	}
	return err
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

// startAttempt records the start of each attempt in the call's state, and gives the attempt its
// body: the first attempt reads it from the state's own reader, a retry from a new one, since the
// connection that sent the previous attempt may still be reading the old one. The body is an
// io.NopCloser over a *bytes.Reader, which net/http knows to be in memory: it then writes the
// headers and the body in one go, where a reader of another type costs a separate flush (and a
// write system call) per request.
func startAttempt(_ retryablehttp.Logger, req *http.Request, n int) {
	st, ok := req.Context().Value(attemptKey{}).(*attempt)
	if !ok {
		return
	}
	st.n = n + 1
	st.start = time.Now()
	st.unreadHeader = nil
	switch {
	case st.body == nil:
	case len(st.body) == 0:
		req.Body = http.NoBody
	case n == 0:
		st.first.Reset(st.body)
		req.Body = io.NopCloser(&st.first)
	default:
		req.Body, _ = st.newBody()
	}
}

// attempt is the state of one call across its attempts, carried in the request's context because
// retryablehttp's hooks are per client, not per call. It is that context itself (the caller's,
// answering Value(attemptKey{}) with the state): one allocation per call instead of two.
type attempt struct {
	context.Context
	method, path string
	call         *Call
	n            int // the current attempt, 1-based
	start        time.Time
	abandoned    error // why a due retry was not made; see Response.Abandoned
	lastStatus   int   // the status of the latest attempt's response; 0 for a transport error
	// unreadHeader is the header of the latest attempt's answer when its body was too large or
	// broke off (the server had answered, and counted the request); nil otherwise.
	unreadHeader http.Header

	// The call's request and response, allocated with the state (see newRequest).
	body  []byte
	first bytes.Reader // the first attempt's body reader
	key   [1]string    // the Idempotency-Key header's value
	url   url.URL
	req   retryablehttp.Request
	out   Response
}

// newBody returns a new reader of the request's body (http.Request.GetBody).
func (a *attempt) newBody() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(a.body)), nil
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

// removeEmptyPort strips the empty port of "host:", as http.NewRequest does.
func removeEmptyPort(host string) string {
	if strings.HasSuffix(host, ":") && !strings.HasSuffix(host, "::") {
		return strings.TrimSuffix(host, ":")
	}
	return host
}

// Defaults are the settings of a call whose Request carries none. They must not be modified.
func (t *Transport) Defaults() *Call { return &t.call }

// Path is the URL path a request for path is sent to: the base URL's prefix, then path.
func (t *Transport) Path(path string) string { return t.path + path }
