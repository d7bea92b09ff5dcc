package cashfin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/cashfin-go/cashfin/internal/transport"
)

// Option configures a Client (NewClient). Options apply in order, so a later option overrides an
// earlier one, and each validates its argument: a bad one makes NewClient fail. Every CallOption
// is an Option too.
type Option interface {
	applyClient(*config) error
}

// CallOption configures one call: every service method takes them last. Given to NewClient, a
// CallOption sets the client's default for every call (except WithIdempotencyKey and
// WithResponseInto, which only make sense per call). A call's options override the client's
// defaults for that call only; among a call's options, a later one overrides an earlier one.
// A call option with a bad argument makes the call fail at once with an error matching
// ErrInvalidParams, and nothing is sent. A nil option is ignored.
type CallOption interface {
	Option
	applyCall(*callSettings) error
}

// config is everything NewClient resolves before building a Client.
type config struct {
	baseURL    string // parsed; "" means CASHFIN_BASE_URL, else DefaultBaseURL
	httpClient *http.Client
	call       transport.Call // the defaults of every call; Timeout 0 means: hc.Timeout, else DefaultTimeout
	userAgent  string         // the caller's product, appended to the SDK's User-Agent
	logger     *slog.Logger
	rateLimit  float64 // requests per second; 0 means no client-side limit
	limiter    Limiter // WithLimiter; nil for none
}

// Default backoff bounds between retries.
const (
	// DefaultRetryWaitMin is the shortest wait before a retry; the first waits between it and twice it.
	DefaultRetryWaitMin = 500 * time.Millisecond
	// DefaultRetryWaitMax is the longest wait before a retry, and the longest Retry-After (or wait
	// for the server's rate-limit window to reset, without WithLimiter) honoured.
	DefaultRetryWaitMax = 8 * time.Second
)

func defaultConfig() config {
	return config{call: transport.Call{
		MaxRetries: DefaultMaxRetries,
		WaitMin:    DefaultRetryWaitMin,
		WaitMax:    DefaultRetryWaitMax,
	}}
}

// clientOption is an option only NewClient takes.
type clientOption func(*config) error

func (o clientOption) applyClient(c *config) error { return o(c) }

// settingOption changes a call's settings: the client's defaults when given to NewClient, one
// call's when given to a call. Its errors name the option without the "cashfin: " prefix, which
// NewClient adds (a call wraps them in ErrInvalidParams instead).
type settingOption func(*transport.Call) error

func (o settingOption) applyClient(c *config) error {
	if err := o(&c.call); err != nil {
		return fmt.Errorf("cashfin: %w", err)
	}
	return nil
}

func (o settingOption) applyCall(s *callSettings) error { return o(s.own()) }

// WithBaseURL sets the API's base URL, for a proxy or a fake such as cashfintest. It must be an
// absolute http or https URL; a path prefix is kept and a trailing slash makes no difference.
// Without it, the client uses CASHFIN_BASE_URL if set, else DefaultBaseURL.
func WithBaseURL(rawURL string) Option {
	return clientOption(func(c *config) error {
		base, err := parseBaseURL(rawURL)
		if err != nil {
			return err
		}
		c.baseURL = base
		return nil
	})
}

// WithHTTPClient makes the client send its requests through hc, for a transport, proxy or TLS
// setting of the caller's choosing. The SDK's retries wrap it, and hc itself is never modified.
// hc.Timeout is kept as the per-attempt timeout unless WithTimeout is given too.
func WithHTTPClient(hc *http.Client) Option {
	return clientOption(func(c *config) error {
		if hc == nil {
			return errors.New("cashfin: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	})
}

// WithMaxRetries sets how many times a failed request is retried (DefaultMaxRetries if not set);
// 0 disables retries. Per client or per call.
func WithMaxRetries(n int) CallOption {
	return settingOption(func(c *transport.Call) error {
		if n < 0 {
			return fmt.Errorf("WithMaxRetries: %d is negative", n)
		}
		c.MaxRetries = n
		return nil
	})
}

// WithRetryWait sets the bounds of the exponential backoff between retries (default 500ms to 8s).
// max is also the longest wait the SDK accepts from the server: a Retry-After, or the reset of a
// rate-limit window the server reported exhausted. A longer one is returned to the caller at once
// as an *APIError with RetryAfter set; a client given WithLimiter waits out a window's reset all
// the same, up to MaxWindowWait. Per client or per call.
func WithRetryWait(min, max time.Duration) CallOption {
	return settingOption(func(c *transport.Call) error {
		if min <= 0 || max < min {
			return fmt.Errorf("WithRetryWait: want 0 < min <= max, got %s, %s", min, max)
		}
		c.WaitMin, c.WaitMax = min, max
		return nil
	})
}

// WithTimeout sets the time limit of each attempt, reading the response body included
// (DefaultTimeout if not set). Bound a whole call, retries included, with the context. Per client
// or per call.
func WithTimeout(d time.Duration) CallOption {
	return settingOption(func(c *transport.Call) error {
		if d <= 0 {
			return fmt.Errorf("WithTimeout: %s is not positive", d)
		}
		c.Timeout = d
		return nil
	})
}

// WithHeader adds a request header, per client or per call: a later one with the same key
// (compared case-insensitively) replaces an earlier one, and a call's replaces the client's. The
// headers the SDK owns are refused: Authorization, Content-Type, Content-Length, Host,
// Idempotency-Key (use WithIdempotencyKey or the params' IdempotencyKey) and User-Agent (use
// WithUserAgent); so are keys that are not RFC 9110 tokens and values holding CR, LF or NUL.
// Accept may be overridden.
func WithHeader(key, value string) CallOption {
	return settingOption(func(c *transport.Call) error {
		if err := checkHeader(key, value); err != nil {
			return err
		}
		h := make(http.Header, len(c.Header)+1) // c.Header may be shared: never modify it
		for k, v := range c.Header {
			h[k] = v
		}
		h[http.CanonicalHeaderKey(key)] = []string{value}
		c.Header = h
		return nil
	})
}

// ownedHeaders are the headers the SDK sets itself, canonical.
var ownedHeaders = map[string]string{
	"Authorization":   "the client secret is set by NewClient",
	"Content-Type":    "the SDK sends JSON",
	"Content-Length":  "the SDK sets it from the body",
	"Host":            "use WithBaseURL",
	"Idempotency-Key": "use WithIdempotencyKey or the params' IdempotencyKey",
	"User-Agent":      "use WithUserAgent",
}

// checkHeader accepts a key that is an RFC 9110 token the SDK does not own, and a value without
// CR, LF or NUL. Its messages never quote the key or the value: a caller who swapped WithHeader's
// arguments would otherwise see the client secret in the error (NewClient applies its options
// before it knows the secret, so it could not take it out). Only an owned name, one of the SDK's
// own, is named.
func checkHeader(key, value string) error {
	if key == "" || strings.IndexFunc(key, func(r rune) bool { return !isTokenChar(r) }) >= 0 {
		return errors.New("WithHeader: the header name is not an RFC 9110 token (letters, digits and !#$%&'*+-.^_`|~)")
	}
	if why, owned := ownedHeaders[http.CanonicalHeaderKey(key)]; owned {
		return fmt.Errorf("WithHeader: %s is set by the SDK (%s)", http.CanonicalHeaderKey(key), why)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return errors.New("WithHeader: a header value holds CR, LF or NUL")
	}
	return nil
}

// isTokenChar reports whether r may appear in an RFC 9110 token.
func isTokenChar(r rune) bool {
	return r < 0x7f && ('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' ||
		strings.ContainsRune("!#$%&'*+-.^_`|~", r))
}

// WithIdempotencyKey sets the Idempotency-Key of one POST or PATCH call (such as a create): 1 to
// 255 printable ASCII characters, under the same rules as ContactCreateParams.IdempotencyKey.
// Giving both with different values is an error matching ErrInvalidParams. Get and List ignore
// it; Do refuses it on a GET, PUT or DELETE, which carries no Idempotency-Key. It is per call
// only: NewClient refuses it.
func WithIdempotencyKey(key string) CallOption {
	return perCallOption{name: "WithIdempotencyKey", apply: func(s *callSettings) error {
		if !validIdempotencyKey(key) {
			return errors.New("WithIdempotencyKey: " + idempotencyKeyRule)
		}
		s.idempotencyKey = key
		return nil
	}}
}

// WithResponseInto makes a call fill *dst with the metadata of the response that ended it (status,
// header, request ID, rate-limit window, attempts), on success and on an *APIError alike. dst is
// left untouched when no response was received: a transport error, invalid parameters, or the
// SDK's own refusal to send into an exhausted rate-limit window. For ListPages and ListAll, *dst
// holds the response of the page being yielded, set in the loop's goroutine just before it: the
// loop body may read it. It is per call only: NewClient refuses it.
func WithResponseInto(dst *Response) CallOption {
	return responseInto{dst}
}

// responseInto is WithResponseInto's option: one pointer, so that it costs no allocation.
type responseInto struct{ dst *Response }

func (responseInto) applyClient(*config) error {
	return errors.New("cashfin: WithResponseInto is a per-call option: pass it to a call, not to NewClient")
}

func (o responseInto) applyCall(s *callSettings) error {
	if o.dst == nil {
		return errors.New("WithResponseInto: nil *Response")
	}
	s.into = o.dst
	return nil
}

// perCallOption is an option that only a call takes.
type perCallOption struct {
	name  string
	apply func(*callSettings) error
}

func (o perCallOption) applyClient(*config) error {
	return fmt.Errorf("cashfin: %s is a per-call option: pass it to a call, not to NewClient", o.name)
}

func (o perCallOption) applyCall(s *callSettings) error { return o.apply(s) }

// WithUserAgent adds product (such as "acme-sync/1.2") to the SDK's own User-Agent.
func WithUserAgent(product string) Option {
	return clientOption(func(c *config) error {
		if product == "" || !printable(product) {
			return errors.New("cashfin: WithUserAgent: want a non-empty product of printable characters")
		}
		c.userAgent = product
		return nil
	})
}

// WithLogger makes the client write one Debug record per HTTP attempt (method, path, attempt,
// status or error, duration, request ID, the wait before a retry) to l. The secret, headers and
// query strings are never logged. By default nothing is logged; nil turns logging off.
func WithLogger(l *slog.Logger) Option {
	return clientOption(func(c *config) error {
		c.logger = l
		return nil
	})
}

// WithRateLimit spaces the client's attempts evenly, perSecond a second, counting every attempt,
// retries included, across all goroutines sharing the client: each attempt waits its turn (giving
// up when its context ends). It paces the per-second window only: a plan's per-minute and per-day
// windows, and other processes sharing the secret, are not counted, so 429s remain possible; use
// WithLimiter(NewPlanLimiter(plan)) to keep one process within a whole plan. The server's own
// window (X-RateLimit-*) is honoured as well, with or without it. It cannot be given with
// WithLimiter.
func WithRateLimit(perSecond float64) Option {
	return clientOption(func(c *config) error {
		if !(perSecond > 0) || math.IsInf(perSecond, 0) {
			return fmt.Errorf("cashfin: WithRateLimit: %v is not a positive rate", perSecond)
		}
		c.rateLimit = perSecond
		return nil
	})
}

// WithLimiter makes every attempt of the client's calls, retries included, wait on l before it is
// sent, after any wait for the server's own window: NewPlanLimiter's for one process,
// cashfinredis's for many sharing a plan, or a *rate.Limiter. An error from l.Wait fails the call
// without sending; the call's error wraps it, and matches context.Canceled or
// context.DeadlineExceeded when the context has ended (or l refused a wait that would outlast
// its deadline).
//
// A client given a limiter has chosen to wait: it waits out a window the server reported
// exhausted for as long as the context allows (up to MaxWindowWait), instead of refusing a wait
// longer than its longest retry wait, which still bounds backoff and Retry-After. If l is a
// RateLimitObserver, the client tells it the window of every response that reports one.
// nil is an error, and so is WithRateLimit given too.
func WithLimiter(l Limiter) Option {
	return clientOption(func(c *config) error {
		if l == nil {
			return errors.New("cashfin: WithLimiter: nil Limiter")
		}
		if rl, ok := l.(*rate.Limiter); ok {
			if rl == nil {
				return errors.New("cashfin: WithLimiter: nil *rate.Limiter")
			}
			l = rateLimiter{rl}
		}
		c.limiter = l
		return nil
	})
}

// rateLimiter is a *rate.Limiter whose refusal of a wait that would outlast the context's
// deadline matches context.DeadlineExceeded (rate's own error matches nothing).
type rateLimiter struct{ lim *rate.Limiter }

func (l rateLimiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := l.lim.Reserve()
	if !r.OK() {
		return errors.New("cashfin: rate limiter: its burst is 0, so it admits nothing")
	}
	wait := r.Delay()
	if wait <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
		r.Cancel()
		return &waitDeadlineError{who: "rate limiter", wait: wait}
	}
	if err := transport.Sleep(ctx, wait); err != nil {
		r.Cancel()
		return err
	}
	return nil
}

// printable reports whether s is all printable ASCII: no control characters, nothing past '~'.
// It does not check emptiness: callers that need a value check that themselves.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
