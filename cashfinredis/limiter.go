package cashfinredis

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cashfin-go/cashfin"
)

// DefaultGuard is how long before the end of each limited window a Limiter admits nothing,
// unless Guard says otherwise: it covers a round trip on a local network.
const DefaultGuard = 20 * time.Millisecond

// observeTimeout bounds Observe's write to Redis: Observe runs on the way back from a response.
const observeTimeout = time.Second

// logEvery is the least time between two records of Redis failures.
const logEvery = time.Minute

//go:embed limiter.lua
var limiterLua string

var limiterScript = redis.NewScript(limiterLua)

// Limiter is a cashfin.Limiter shared through Redis by every process that uses the same Redis and
// key: together they keep to one plan. Create one with NewLimiter; it is safe for concurrent use.
type Limiter struct {
	rdb        redis.UniversalClient
	key        string
	plan       cashfin.Plan
	guard      time.Duration
	failClosed bool
	logger     *slog.Logger
	onAdmit    func(now time.Time) // tests: called with the Redis time of each admission
	clock      func() time.Time    // the local clock, for spacing log records

	mu         sync.Mutex
	lastLog    time.Time
	suppressed int // failures not logged since lastLog
}

// LimiterOption configures NewLimiter.
type LimiterOption func(*Limiter) error

// FailClosed makes Wait return an error when Redis cannot be reached (or answers with an error),
// instead of letting the attempt go.
func FailClosed() LimiterOption {
	return func(l *Limiter) error { l.failClosed = true; return nil }
}

// Guard sets how long before the end of each limited window the Limiter admits nothing
// (DefaultGuard unless set). A request admitted just before a window ends may reach Cashfin in
// the next window, and count there: the guard should cover the time from Redis's answer to the
// request's arrival at Cashfin, plus how far Redis's clock runs behind Cashfin's. It must be
// at least 0 and at most cashfin.MaxWindowGuard, as for NewPlanLimiter's WindowGuard.
func Guard(d time.Duration) LimiterOption {
	return func(l *Limiter) error {
		if d < 0 || d > cashfin.MaxWindowGuard {
			return fmt.Errorf("cashfinredis: Guard(%s): must be within 0..%s", d, cashfin.MaxWindowGuard)
		}
		l.guard = d
		return nil
	}
}

// Logger sets where the Limiter reports Redis failures that it let pass (slog.Default() unless
// set): at most one record a minute, counting the failures in between. nil discards them.
func Logger(lg *slog.Logger) LimiterOption {
	return func(l *Limiter) error {
		if lg == nil {
			lg = slog.New(slog.DiscardHandler)
		}
		l.logger = lg
		return nil
	}
}

// NewLimiter returns a Limiter that keeps every process using rdb and key within plan. Its
// state is one Redis hash at key, which expires on its own: no key is left behind. Give every
// process that uses one client secret the same key (derived from the secret, never the secret
// itself). It does not contact Redis. An empty key, a nil rdb, or a plan with a negative number
// or all zeros is an error.
func NewLimiter(rdb redis.UniversalClient, key string, plan cashfin.Plan, opts ...LimiterOption) (*Limiter, error) {
	switch {
	case isNil(rdb):
		return nil, errors.New("cashfinredis: NewLimiter: nil Redis client")
	case strings.TrimSpace(key) == "":
		return nil, errors.New("cashfinredis: NewLimiter: empty key")
	case plan.PerSecond < 0 || plan.PerMinute < 0 || plan.PerDay < 0:
		return nil, fmt.Errorf("cashfinredis: NewLimiter: plan %+v has a negative limit", plan)
	case plan == cashfin.Plan{}:
		return nil, errors.New("cashfinredis: NewLimiter: the plan limits nothing (all zeros)")
	}
	l := &Limiter{rdb: rdb, key: key, plan: plan, guard: DefaultGuard, logger: slog.Default(), clock: time.Now}
	for _, o := range opts {
		if err := o(l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Wait blocks until the plan admits one more attempt, and counts it, in one atomic step on the
// Redis server's clock. An attempt is admitted only when every limited window has room, is not
// in its last Guard, and no exhausted window reported through Observe is still running;
// otherwise Wait sleeps until the earliest moment that could change, and asks again. With room
// in every window it makes one Redis round trip.
//
// When the wait would outlast ctx's deadline, Wait returns at once with an error that matches
// context.DeadlineExceeded; when ctx ends during the wait, it returns ctx's error, wrapped. When
// Redis fails, Wait returns nil (the failure is logged) or, with FailClosed, the error.
func (l *Limiter) Wait(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("cashfinredis: waiting for the plan: %w", err)
		}
		wait, now, err := l.try(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return fmt.Errorf("cashfinredis: waiting for the plan: %w", ctx.Err())
		case err != nil:
			return l.failed(err)
		case wait == 0:
			if l.onAdmit != nil {
				l.onAdmit(now)
			}
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("cashfinredis: the plan admits the next attempt in %s, after the context's deadline: %w",
				wait.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("cashfinredis: waiting for the plan: %w", err)
		}
	}
}

// try runs the script once: wait is 0 when the attempt was admitted and counted, otherwise how
// long until it might be; now is the Redis server's time.
func (l *Limiter) try(ctx context.Context) (wait time.Duration, now time.Time, err error) {
	res, err := limiterScript.Run(ctx, l.rdb, []string{l.key}, "wait",
		l.plan.PerSecond, l.plan.PerMinute, l.plan.PerDay, l.guard.Microseconds()).Int64Slice()
	if err != nil {
		return 0, time.Time{}, err
	}
	if len(res) != 3 {
		return 0, time.Time{}, fmt.Errorf("cashfinredis: unexpected answer from the limiter script: %v", res)
	}
	return time.Duration(res[1]) * time.Microsecond, time.UnixMicro(res[2]), nil
}

// Observe tells the limiter the window a Cashfin response reported. A window reported exhausted
// (Remaining 0 as the server sent it, and a Reset in the future on the Redis server's clock; see
// cashfin.RateLimit.Exhausted) holds every process's Wait until it resets: it is stored in Redis
// under the key, and expires then. A Reset further ahead than cashfin.MaxWindowWait, which no
// plan's window is, is ignored, as NewPlanLimiter's Observe ignores it (the client refuses such a
// window itself). Anything else is ignored too. A Redis failure is logged as Wait's are.
func (l *Limiter) Observe(rl cashfin.RateLimit) {
	// Exhausted at the zero time: Remaining 0 as the server sent it (not a missing or garbled
	// header) and a reset given; whether the reset is still ahead is judged on Redis's clock.
	if !rl.Exhausted(time.Time{}) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), observeTimeout)
	defer cancel()
	err := limiterScript.Run(ctx, l.rdb, []string{l.key}, "observe", rl.Reset.UnixMicro(), cashfin.MaxWindowWait.Microseconds()).Err()
	if err != nil {
		l.report(err)
	}
}

// failed handles a Redis failure in Wait: nil (logged) by default, the error with FailClosed.
func (l *Limiter) failed(err error) error {
	if l.failClosed {
		return fmt.Errorf("cashfinredis: the shared plan is unreachable: %w", err)
	}
	l.report(err)
	return nil
}

// report logs a Redis failure, at most once every logEvery.
func (l *Limiter) report(err error) {
	l.mu.Lock()
	now := l.clock()
	if !l.lastLog.IsZero() && now.Sub(l.lastLog) < logEvery {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	skipped := l.suppressed
	l.lastLog, l.suppressed = now, 0
	l.mu.Unlock()
	msg := "cashfinredis: Redis failed; letting attempts go unpaced"
	if l.failClosed {
		msg = "cashfinredis: Redis failed"
	}
	l.logger.Warn(msg, "key", l.key, "error", err.Error(), "failures_not_logged", skipped)
}

// isNil reports whether rdb is nil, or a nil pointer in the interface.
func isNil(rdb redis.UniversalClient) bool {
	if rdb == nil {
		return true
	}
	v := reflect.ValueOf(rdb)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// sleep waits for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

var _ cashfin.Limiter = (*Limiter)(nil)
