// Package cashfin is a Go client for the Cashfin Business API.
//
// A Client holds the API's base URL and your client secret, and exposes one service per
// resource:
//
//	client, err := cashfin.NewClient("") // reads CASHFIN_CLIENT_SECRET
//	contact, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane Wanjiku"})
//
// Every call takes a context, retries what is safe to retry (creates carry an Idempotency-Key, so
// they are safe too), and returns an *APIError matching one of the Err sentinels when the API says
// no. Every call also takes CallOptions last, which override the client's defaults for that call
// only, and WithResponseInto reads its request ID and rate-limit window:
//
//	var resp cashfin.Response
//	contact, err := client.Contacts.Get(ctx, id, cashfin.WithTimeout(2*time.Second), cashfin.WithResponseInto(&resp))
//
// A client honours the rate-limit window the server reports: it waits for an exhausted window to
// reset, or refuses to send into it when the reset is too far away. To keep a process within its
// whole plan (per second, per minute, per UTC day) by waiting instead, give its clients one
// limiter: WithLimiter(NewPlanLimiter(PlanFree)). Package cashfintest is a faithful local fake of
// the API to test against.
//
// See https://docs.cashfin.africa for the API itself.
package cashfin

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/cashfin-go/cashfin/internal/transport"
)

const (
	// DefaultBaseURL is the production API: Cashfin has no sandbox.
	DefaultBaseURL = "https://api.cashfin.africa"
	// DefaultMaxRetries is how many times a failed request is retried: 3 attempts in all.
	DefaultMaxRetries = 2
	// DefaultTimeout is the time limit of each attempt.
	DefaultTimeout = 30 * time.Second
	// Version is this SDK's version, sent in the User-Agent header.
	Version = "0.3.0"
)

// Environment variables read by NewClient.
const (
	// EnvClientSecret holds the client secret used when NewClient is given "".
	EnvClientSecret = "CASHFIN_CLIENT_SECRET"
	// EnvBaseURL holds the base URL used when WithBaseURL is not given.
	EnvBaseURL = "CASHFIN_BASE_URL"
)

// Client is a Cashfin Business API client. It is safe for concurrent use by many goroutines;
// create one and share it.
type Client struct {
	// Contacts is the people directory of your business.
	Contacts *ContactsService
	// Customers are the people and companies your business bills.
	Customers *CustomersService

	t        *transport.Transport // holds the secret: Format never prints it
	defaults callSettings         // every call's settings, when it has no options
}

// NewClient returns a client authenticated by secret, the "cs_..." client secret of your
// integration. An empty secret falls back to the CASHFIN_CLIENT_SECRET environment variable. The
// base URL is WithBaseURL, else CASHFIN_BASE_URL, else DefaultBaseURL.
//
// NewClient fails on a missing secret, a secret holding white space or control characters (a
// pasted newline, a "Bearer " prefix), an invalid base URL, or an option that rejects its argument.
// The secret never appears in an error, a log record or a formatted value.
func NewClient(secret string, opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt.applyClient(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.rateLimit > 0 && cfg.limiter != nil {
		return nil, errors.New("cashfin: WithRateLimit and WithLimiter: give one (NewPlanLimiter paces a whole plan)")
	}
	if secret == "" {
		secret = os.Getenv(EnvClientSecret)
	}
	if err := checkSecret(secret); err != nil {
		return nil, err
	}

	base := cfg.baseURL // parsed and checked by WithBaseURL
	if base == "" {
		raw := os.Getenv(EnvBaseURL)
		if raw == "" {
			raw = DefaultBaseURL
		}
		var err error
		if base, err = parseBaseURL(raw); err != nil { // DefaultBaseURL parses: the variable is at fault
			return nil, fmt.Errorf("%w (from %s)", err, EnvBaseURL)
		}
	}

	// The per-attempt timeout: WithTimeout, else the caller's http.Client.Timeout, else the default.
	timeout := cfg.call.Timeout
	if timeout == 0 && cfg.httpClient != nil {
		timeout = cfg.httpClient.Timeout
	}
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	tc := transport.Config{
		BaseURL:      base,
		Secret:       secret,
		UserAgent:    userAgent(cfg.userAgent),
		HTTPClient:   cfg.httpClient,
		Timeout:      timeout,
		MaxRetries:   cfg.call.MaxRetries,
		RetryWaitMin: cfg.call.WaitMin,
		RetryWaitMax: cfg.call.WaitMax,
		Header:       cfg.call.Header,
		Logger:       cfg.logger,
	}
	setLimiter(&tc, &cfg)
	c := &Client{t: transport.New(tc)}
	c.defaults = callSettings{call: c.t.Defaults()}
	c.Contacts = &ContactsService{client: c}
	c.Customers = &CustomersService{client: c}
	return c, nil
}

// setLimiter gives the transport the client's limiter, if any, and what comes with one.
func setLimiter(tc *transport.Config, cfg *config) {
	switch {
	case cfg.rateLimit > 0:
		// A burst of one spaces requests evenly, so no one-second window sees more than the limit.
		tc.Limiter = rateLimiter{rate.NewLimiter(rate.Limit(cfg.rateLimit), 1)}
	case cfg.limiter != nil:
		tc.Limiter, tc.WindowWaitMax = cfg.limiter, MaxWindowWait
		if o, ok := cfg.limiter.(RateLimitObserver); ok {
			tc.Observe = func(rl transport.RateLimit) { o.Observe(publicRateLimit(rl)) }
		}
	}
}

// Format prints the client without its secret, whatever the verb (%v, %+v, %#v, %s, %d, ...).
func (c Client) Format(f fmt.State, verb rune) {
	io.WriteString(f, clientString)
}

// clientString is what Format prints: the services, by the names of Client's exported fields,
// and never the transport, which holds the secret.
var clientString = func() string {
	var b strings.Builder
	b.WriteString("cashfin.Client{")
	t := reflect.TypeFor[Client]()
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() {
			b.WriteString(f.Name + ": ..., ")
		}
	}
	b.WriteString("secret: [redacted]}")
	return b.String()
}()

// checkSecret rejects a missing secret and one that cannot be a header value as it stands.
func checkSecret(secret string) error {
	if secret == "" {
		return fmt.Errorf("cashfin: no client secret: pass one to NewClient or set %s", EnvClientSecret)
	}
	if !utf8.ValidString(secret) {
		return errors.New("cashfin: the client secret is not valid UTF-8")
	}
	for _, r := range secret {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return errors.New("cashfin: the client secret contains white space or control characters " +
				`(a pasted newline, or a "Bearer " prefix?): pass the raw "cs_..." secret`)
		}
	}
	return nil
}

// parseBaseURL checks an absolute http(s) URL and returns it without a trailing slash.
func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("cashfin: invalid base URL: %w", errors.Unwrap(err))
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("cashfin: invalid base URL %q: want an absolute http or https URL", redactURL(raw))
	case u.Host == "":
		return "", fmt.Errorf("cashfin: invalid base URL %q: no host", redactURL(raw))
	case u.User != nil:
		return "", errors.New("cashfin: invalid base URL: it must not hold credentials")
	case u.RawQuery != "" || u.Fragment != "":
		return "", fmt.Errorf("cashfin: invalid base URL %q: it must not have a query or fragment", redactURL(raw))
	}
	return u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// userAgent is "cashfin-go/<Version> (go1.x; os/arch)", then the caller's product, if any.
func userAgent(product string) string {
	ua := "cashfin-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if product != "" {
		ua += " " + product
	}
	return ua
}
