package cashfintest

import (
	"strconv"
	"time"
)

// DefaultSecret is the client secret the fake accepts unless WithSecret says otherwise.
const DefaultSecret = "cs_test_cashfintest"

// Option configures the fake.
type Option func(*config)

// config is what the options set.
type config struct {
	secret                       string
	latency                      time.Duration
	perSecond, perMinute, perDay int
}

// WithSecret sets the only Authorization value the fake accepts (DefaultSecret if not set). An
// empty secret, or one holding white space or control characters, makes NewServer (and NewHandler) panic.
func WithSecret(secret string) Option {
	return func(c *config) {
		if secret == "" {
			panic("cashfintest: WithSecret: empty secret")
		}
		for _, r := range secret {
			if r <= ' ' || r == 0x7f {
				panic("cashfintest: WithSecret: the secret holds white space or control characters")
			}
		}
		c.secret = secret
	}
}

// WithLatency delays every response by d, or until the client gives up on the request. A
// negative d makes NewServer panic.
func WithLatency(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			panic("cashfintest: WithLatency: negative latency " + d.String())
		}
		c.latency = d
	}
}

// WithRateLimit admits perSecond requests in each clock second, answering 429 over it as the
// API does. It is WithPlan(perSecond, 0, 0). 0 means no limit (the default); a negative rate
// makes NewServer panic.
//
// Server.Client waits out a per-second window its calls exhausted, so its calls do not fail
// because of it; a client of your own does so if its longest retry wait (cashfin.WithRetryWait)
// is a second or more.
func WithRateLimit(perSecond int) Option { return WithPlan(perSecond, 0, 0) }

// WithPlan sets rate limits as Cashfin's plans do (the free plan is WithPlan(5, 60, 1000)): at
// most perSecond requests in each clock second, perMinute in each clock minute and perDay in
// each UTC day; 0 means no limit for that window. A request is admitted when every window has
// room, and then counts in each; a refused one counts in none. Every request counts, whatever
// its path or answer, as the API counts every request.
//
// With a limit set, every response carries X-RateLimit-Limit, X-RateLimit-Remaining (after this
// request) and X-RateLimit-Reset (a Unix time in whole seconds) for the window closest to
// exhaustion, the one with the fewest requests remaining. X-RateLimit-Reset is the end of that
// window, when it admits requests again: a client that waits until then after a Remaining of 0
// gets no 429. A refused request gets 429 with Retry-After and
// {"success":false,"error":"Rate limit exceeded. Please try again later.","retry_after":N}, N being the
// whole seconds, at least 1, until the refusing window ends. Server.Client waits out the second
// window and refuses the minute and day windows; see Server.Client. A negative limit makes
// NewServer panic.
func WithPlan(perSecond, perMinute, perDay int) Option {
	return func(c *config) {
		for _, n := range []int{perSecond, perMinute, perDay} {
			if n < 0 {
				panic("cashfintest: WithPlan: negative limit " + strconv.Itoa(n))
			}
		}
		c.perSecond, c.perMinute, c.perDay = perSecond, perMinute, perDay
	}
}
