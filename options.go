package cashfin

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"
)

// Option configures a Client. Options apply in order, so a later option overrides an earlier
// one, and each validates its argument: a bad one makes NewClient fail.
type Option func(*config) error

// config is everything NewClient resolves before building a Client.
type config struct {
	baseURL    string // parsed; "" means CASHFIN_BASE_URL, else DefaultBaseURL
	httpClient *http.Client
	maxRetries int
	waitMin    time.Duration
	waitMax    time.Duration
	timeout    time.Duration // 0 means: the HTTP client's own Timeout if it has one, else DefaultTimeout
	userAgent  string        // the caller's product, appended to the SDK's User-Agent
	logger     *slog.Logger
	rateLimit  float64 // requests per second; 0 means no client-side limit
}

// Default backoff bounds between retries.
const (
	// DefaultRetryWaitMin is the shortest wait before a retry; the first waits between it and twice it.
	DefaultRetryWaitMin = 500 * time.Millisecond
	// DefaultRetryWaitMax is the longest wait before a retry, and the longest Retry-After honoured.
	DefaultRetryWaitMax = 8 * time.Second
)

func defaultConfig() config {
	return config{
		maxRetries: DefaultMaxRetries,
		waitMin:    DefaultRetryWaitMin,
		waitMax:    DefaultRetryWaitMax,
	}
}

// WithBaseURL sets the API's base URL, for a proxy or a fake such as cashfintest. It must be an
// absolute http or https URL; a path prefix is kept and a trailing slash makes no difference.
// Without it, the client uses CASHFIN_BASE_URL if set, else DefaultBaseURL.
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		base, err := parseBaseURL(rawURL)
		if err != nil {
			return err
		}
		c.baseURL = base
		return nil
	}
}

// WithHTTPClient makes the client send its requests through hc, for a transport, proxy or TLS
// setting of the caller's choosing. The SDK's retries wrap it, and hc itself is never modified.
// hc.Timeout is kept as the per-attempt timeout unless WithTimeout is given too.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("cashfin: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried (DefaultMaxRetries if not set);
// 0 disables retries.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("cashfin: WithMaxRetries: %d is negative", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWait sets the bounds of the exponential backoff between retries (default 500ms to 8s).
// A server's Retry-After is honoured when it is no longer than max; a longer one is returned to
// the caller at once as an *APIError with RetryAfter set.
func WithRetryWait(min, max time.Duration) Option {
	return func(c *config) error {
		if min <= 0 || max < min {
			return fmt.Errorf("cashfin: WithRetryWait: want 0 < min <= max, got %s, %s", min, max)
		}
		c.waitMin, c.waitMax = min, max
		return nil
	}
}

// WithTimeout sets the time limit of each attempt, reading the response body included
// (DefaultTimeout if not set). Bound a whole call, retries included, with the context.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("cashfin: WithTimeout: %s is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithUserAgent adds product (such as "acme-sync/1.2") to the SDK's own User-Agent.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if product == "" || !printable(product) {
			return errors.New("cashfin: WithUserAgent: want a non-empty product of printable characters")
		}
		c.userAgent = product
		return nil
	}
}

// WithLogger makes the client write one Debug record per HTTP attempt (method, path, attempt,
// status or error, duration, request ID, the wait before a retry) to l. The secret, headers and
// query strings are never logged. By default nothing is logged; nil turns logging off.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		c.logger = l
		return nil
	}
}

// WithRateLimit keeps the client under perSecond requests per second, counting every attempt,
// retries included, across all goroutines sharing the client: each attempt waits its turn
// (giving up when its context ends). Set it to your plan's limit to avoid 429s altogether.
func WithRateLimit(perSecond float64) Option {
	return func(c *config) error {
		if !(perSecond > 0) || math.IsInf(perSecond, 0) {
			return fmt.Errorf("cashfin: WithRateLimit: %v is not a positive rate", perSecond)
		}
		c.rateLimit = perSecond
		return nil
	}
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
