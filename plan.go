package cashfin

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cashfin-go/cashfin/internal/transport"
)

// Limiter paces the client's attempts, retries included. A *rate.Limiter from
// golang.org/x/time/rate is one, so is the one NewPlanLimiter returns, and so is
// cashfinredis.Limiter, which every process using the same Redis key shares.
//
// A Limiter that also has a method Observe(RateLimit) (a RateLimitObserver) is told the window
// of every response that carries one, so that it learns what the server counted.
type Limiter interface {
	Wait(ctx context.Context) error
}

// RateLimitObserver is the optional half of a Limiter: a client given one with WithLimiter calls
// Observe with the window of every response that carries X-RateLimit-* headers (429s included),
// exactly once per response, before the call returns or retries. A window the server reports
// spent (see RateLimit.Exhausted) includes requests from tools that do not share the limiter.
// Observe must be safe for concurrent use and must not block.
type RateLimitObserver interface {
	Observe(RateLimit)
}

// Plan is a Cashfin plan's request allowance in three windows: the second, the minute and the
// UTC day. That the API counts it per client secret, in fixed windows aligned to the clock, is
// inferred (the rate-limiting guide gives the limits and a Unix-time X-RateLimit-Reset, not how
// it counts). A zero field means no limit for that window.
type Plan struct {
	PerSecond, PerMinute, PerDay int
}

// The plans of Cashfin's rate-limiting guide.
var (
	PlanFree         = Plan{PerSecond: 5, PerMinute: 60, PerDay: 1_000}
	PlanStarter      = Plan{PerSecond: 10, PerMinute: 300, PerDay: 10_000}
	PlanProfessional = Plan{PerSecond: 25, PerMinute: 1_000, PerDay: 100_000}
)

// Validate reports what makes p no plan: a negative limit, or no limit at all.
func (p Plan) Validate() error {
	switch {
	case p.PerSecond < 0 || p.PerMinute < 0 || p.PerDay < 0:
		return fmt.Errorf("cashfin: plan %d,%d,%d: a limit is negative", p.PerSecond, p.PerMinute, p.PerDay)
	case p.PerSecond == 0 && p.PerMinute == 0 && p.PerDay == 0:
		return errors.New("cashfin: plan 0,0,0: no window has a limit")
	}
	return nil
}

// PlanWindow is one of a plan's windows: at most Limit requests in each Span of time, the spans
// fixed and aligned to the Unix epoch, as Cashfin counts them. A window begins at each multiple of
// Span since 1970-01-01T00:00:00Z, so the day window is the UTC day.
type PlanWindow struct {
	Span  time.Duration // time.Second, time.Minute or 24 * time.Hour
	Limit int           // requests admitted per window; more than 0
}

// Windows returns p's windows that have a limit, the shortest first.
func (p Plan) Windows() []PlanWindow {
	out := make([]PlanWindow, 0, 3)
	for _, w := range [...]PlanWindow{{time.Second, p.PerSecond}, {time.Minute, p.PerMinute}, {24 * time.Hour, p.PerDay}} {
		if w.Limit > 0 {
			out = append(out, w)
		}
	}
	return out
}

// Start returns the start of the window holding t: the latest multiple of Span since the Unix
// epoch that is not after t.
func (w PlanWindow) Start(t time.Time) time.Time {
	return time.Unix(0, windowStart(t.UnixNano(), int64(w.Span)))
}

// Reset returns the end of the window holding t, when it admits requests again: Start(t) + Span,
// what the server reports as X-RateLimit-Reset.
func (w PlanWindow) Reset(t time.Time) time.Time { return w.Start(t).Add(w.Span) }

// windowStart is floor(n / span) * span.
func windowStart(n, span int64) int64 {
	q := n / span
	if n%span < 0 {
		q--
	}
	return q * span
}

// DefaultWindowGuard is how long before the end of each of its plan's windows NewPlanLimiter
// admits nothing, unless WindowGuard says otherwise. An attempt admitted near a window's end may
// reach the server in the next window, where the limiter did not count it; the guard covers the
// time from admission to the server's clock (building, sending, a LAN round trip, scheduling
// delays) so that the server's count, not only the limiter's, stays within the plan.
const DefaultWindowGuard = 10 * time.Millisecond

// MaxWindowGuard is the longest guard WindowGuard accepts: half of the shortest window.
const MaxWindowGuard = 500 * time.Millisecond

// MaxWindowWait is the furthest ahead any window of a plan can reset: a UTC day, the longest
// window, and a minute for clocks that disagree. A client given a Limiter waits out a window the
// server reported exhausted up to this far ahead (and as far as its context allows), and refuses
// one further away as ErrRateLimited; NewPlanLimiter's Observe ignores a reset further away.
const MaxWindowWait = 24*time.Hour + time.Minute

// PlanLimiterOption configures NewPlanLimiter.
type PlanLimiterOption interface {
	applyPlan(*planLimiter) error
}

// planOption is a PlanLimiterOption made of a function.
type planOption func(*planLimiter) error

func (o planOption) applyPlan(l *planLimiter) error { return o(l) }

// WindowGuard sets how long before the end of each window the limiter admits nothing
// (DefaultWindowGuard if not set): longer for a server far away or a clock that drifts from
// the server's, 0 for none. It must be at least 0 and at most MaxWindowGuard.
func WindowGuard(d time.Duration) PlanLimiterOption {
	return planOption(func(l *planLimiter) error {
		if d < 0 || d > MaxWindowGuard {
			return fmt.Errorf("cashfin: WindowGuard: %s is not within 0..%s", d, MaxWindowGuard)
		}
		l.guard = int64(d)
		return nil
	})
}

// NewPlanLimiter returns a Limiter that keeps one process within plan by waiting, never by
// failing: give it to a client with WithLimiter (and share it between the clients of one secret).
// Its windows are those of the plan, fixed and aligned to the local clock as Cashfin's are: the
// Unix second, the Unix minute and the UTC day (see PlanWindow).
//
// Wait admits an attempt only when every window of the plan has room, outside the last
// DefaultWindowGuard of each (see WindowGuard), and counts it in each; otherwise it waits until
// the earliest moment all of them could admit it, and tries again. A wait that would outlast the
// context's deadline returns at once with an error matching context.DeadlineExceeded; a context
// that ends mid-wait returns its error promptly.
//
// Its Observe (see RateLimitObserver) holds every Wait until the reset of a window the server
// reports exhausted, as when another process or tool shares the secret.
//
// A plan with a negative limit or none at all is an error (see Plan.Validate).
func NewPlanLimiter(plan Plan, opts ...PlanLimiterOption) (Limiter, error) {
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	l := &planLimiter{clock: systemClock{}, guard: int64(DefaultWindowGuard)}
	for _, w := range plan.Windows() {
		l.windows = append(l.windows, planCount{span: int64(w.Span), limit: w.Limit, start: -1 << 63})
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt.applyPlan(l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// planLimiter is NewPlanLimiter's Limiter.
type planLimiter struct {
	clock clock
	guard int64 // nanoseconds before each window's end in which nothing is admitted

	mu      sync.Mutex
	windows []planCount
	hold    int64 // Unix nanoseconds until which Observe holds every Wait; 0 for none

	admitted func(n int64) // tests: told of each admission, under mu; nil otherwise
}

// planCount is the count of one window of the plan.
type planCount struct {
	span, start  int64 // nanoseconds; start of the current window (Unix)
	limit, count int
}

// Wait admits an attempt, waiting for room in every window of the plan.
func (l *planLimiter) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now, wake, ok := l.take()
		if ok {
			return nil
		}
		until := time.Unix(0, wake)
		if dl, ok := ctx.Deadline(); ok && !dl.After(until) {
			return &waitDeadlineError{who: "plan limiter", wait: until.Sub(now)}
		}
		if err := l.clock.SleepUntil(ctx, until); err != nil {
			return err
		}
	}
}

// take counts an attempt now in every window, if each has room and now is not in the guard at
// the end of any of them nor before an observed hold's end. Otherwise it counts nothing and
// returns when to try again (Unix nanoseconds): the latest end among the windows (and the hold)
// that refused, the earliest moment all of them could admit it. The clock is read under the
// lock: a time read before it could be stale by the time the lock is held (another goroutine
// admitted meanwhile, a new window began, or the guard was entered).
func (l *planLimiter) take() (now time.Time, wake int64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now = l.clock.Now()
	n := now.UnixNano()
	if l.hold > n {
		wake = l.hold
	}
	for i := range l.windows {
		w := &l.windows[i]
		if start := windowStart(n, w.span); start > w.start {
			w.start, w.count = start, 0 // a clock that goes back keeps the current window
		}
		if end := w.start + w.span; w.count >= w.limit || n >= end-l.guard {
			wake = max(wake, end)
		}
	}
	if wake > 0 {
		return now, wake, false
	}
	for i := range l.windows {
		l.windows[i].count++
	}
	if l.admitted != nil {
		l.admitted(n)
	}
	return now, 0, true
}

// Observe holds every Wait until the reset of a window the server reports exhausted, unless the
// reset lies further ahead than MaxWindowWait, which no plan's window does.
func (l *planLimiter) Observe(rl RateLimit) {
	now := l.clock.Now()
	if !rl.Exhausted(now) || rl.Reset.Sub(now) > MaxWindowWait {
		return
	}
	until := rl.Reset.UnixNano()
	l.mu.Lock()
	l.hold = max(l.hold, until)
	l.mu.Unlock()
}

// waitDeadlineError is a limiter's refusal to begin a wait that would outlast the context's
// deadline. It matches context.DeadlineExceeded.
type waitDeadlineError struct {
	who  string
	wait time.Duration
}

func (e *waitDeadlineError) Error() string {
	return "cashfin: " + e.who + ": the next attempt is admitted in " + transport.FormatWait(e.wait) +
		", after the context deadline"
}

func (e *waitDeadlineError) Is(target error) bool { return target == context.DeadlineExceeded }

// clock is the time a limiter reads and sleeps on; tests give it a fake.
type clock interface {
	Now() time.Time
	// SleepUntil waits until t, or until ctx ends (returning its error).
	SleepUntil(ctx context.Context, t time.Time) error
}

// systemClock is the local clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) SleepUntil(ctx context.Context, t time.Time) error {
	return transport.Sleep(ctx, time.Until(t))
}
