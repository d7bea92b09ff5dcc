package cashfinredis_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfinredis"
)

// TestNewLimiterErrors: a nil client, an empty key, a plan with a negative number or all zeros,
// and a bad Guard are errors.
func TestNewLimiterErrors(t *testing.T) {
	c := deadClient(t)
	for _, tc := range []struct {
		name string
		rdb  redis.UniversalClient
		key  string
		plan cashfin.Plan
		opts []cashfinredis.LimiterOption
		want string
	}{
		{"nil client", nil, "k", cashfin.PlanFree, nil, "nil Redis client"},
		{"nil client in an interface", (*redis.Client)(nil), "k", cashfin.PlanFree, nil, "nil Redis client"},
		{"empty key", c, "", cashfin.PlanFree, nil, "empty key"},
		{"blank key", c, "  ", cashfin.PlanFree, nil, "empty key"},
		{"negative second", c, "k", cashfin.Plan{PerSecond: -1, PerMinute: 60}, nil, "negative"},
		{"negative minute", c, "k", cashfin.Plan{PerSecond: 5, PerMinute: -1}, nil, "negative"},
		{"negative day", c, "k", cashfin.Plan{PerDay: -5}, nil, "negative"},
		{"all zeros", c, "k", cashfin.Plan{}, nil, "all zeros"},
		{"negative guard", c, "k", cashfin.PlanFree, []cashfinredis.LimiterOption{cashfinredis.Guard(-time.Millisecond)}, "Guard"},
		{"guard over the maximum", c, "k", cashfin.PlanFree, []cashfinredis.LimiterOption{cashfinredis.Guard(cashfin.MaxWindowGuard + time.Nanosecond)}, "Guard"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := cashfinredis.NewLimiter(tc.rdb, tc.key, tc.plan, tc.opts...)
			require.Error(t, err)
			assert.Nil(t, l)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfinredis: "), err.Error())
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestConstructorsDoNotContactRedis: NewLimiter and NewDeduper succeed while Redis is down, and
// send nothing.
func TestConstructorsDoNotContactRedis(t *testing.T) {
	c := deadClient(t)
	var trips tripCounter
	c.AddHook(&trips)
	_, err := cashfinredis.NewLimiter(c, "k", cashfin.PlanFree, cashfinredis.FailClosed())
	require.NoError(t, err)
	_, err = cashfinredis.NewDeduper(c, "p:")
	require.NoError(t, err)
	assert.Zero(t, trips.trips.Load())
	assert.Zero(t, trips.dials.Load())
}

// TestLimiterOneRoundTrip: with room in every window, Wait makes one Redis round trip, from the
// second Wait on (the first may load the script), on one connection.
func TestLimiterOneRoundTrip(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		require.NoError(t, c.ScriptFlush(context.Background()).Err()) // the first Wait must load it
		var trips tripCounter
		c.AddHook(&trips)
		l, err := cashfinredis.NewLimiter(c, b.prefix+"plan", cashfin.Plan{PerDay: 1_000_000}, cashfinredis.Guard(0))
		require.NoError(t, err)
		ctx := context.Background()
		require.NoError(t, l.Wait(ctx))
		assert.Equal(t, []string{"evalsha", "eval"}, trips.commands(), "the first Wait loads the script")
		trips.reset()
		var conns int
		if b.mr != nil {
			conns = b.mr.TotalConnectionCount()
		}
		for range 20 {
			require.NoError(t, l.Wait(ctx))
		}
		assert.EqualValues(t, 20, trips.trips.Load(), "round trips: %v", trips.commands())
		assert.Equal(t, []string{"evalsha"}, unique(trips.commands()))
		assert.Zero(t, trips.dials.Load(), "new connections")
		if b.mr != nil {
			assert.Equal(t, conns, b.mr.TotalConnectionCount(), "connections the server accepted")
		}
	})
}

func unique(ss []string) []string {
	var out []string
	for _, s := range ss {
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

// at is a time of day on 2026-12-07 UTC.
func at(h, m, s int, frac time.Duration) time.Time {
	return time.Date(2026, 12, 7, h, m, s, 0, time.UTC).Add(frac)
}

// TestLimiterWindows: on the Redis server's clock, each window (second, minute, UTC day) admits
// its limit and then nothing until it resets, and the wait named is exactly until the reset of
// the full window (the latest, when several are full). Never early, not even by a microsecond.
func TestLimiterWindows(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		if b.mr == nil {
			t.Skip("needs a Redis whose clock the test sets (miniredis); TestLimiterRealClock covers a real one")
		}
		l, err := cashfinredis.NewLimiter(b.client(t), b.prefix+"plan", cashfin.Plan{PerSecond: 2, PerMinute: 3, PerDay: 4})
		require.NoError(t, err)
		try := func(now time.Time) time.Duration {
			t.Helper()
			b.mr.SetTime(now)
			wait, got, err := l.Try(context.Background())
			require.NoError(t, err)
			require.True(t, got.Equal(now), "the script's clock is the server's: %s, want %s", got, now)
			return wait
		}
		t0 := at(10, 0, 30, 100*time.Millisecond)
		assert.Zero(t, try(t0))
		assert.Zero(t, try(t0))
		assert.Equal(t, 900*time.Millisecond, try(t0), "second full: until its end")
		assert.Equal(t, time.Microsecond, try(at(10, 0, 30, time.Second-time.Microsecond)))
		assert.Zero(t, try(at(10, 0, 31, 0)), "a new second")
		assert.Equal(t, 29*time.Second, try(at(10, 0, 31, 0)), "minute full (second not): until the minute's end")
		assert.Equal(t, time.Microsecond, try(at(10, 0, 59, time.Second-time.Microsecond)))
		assert.Zero(t, try(at(10, 1, 0, 0)), "a new minute")
		assert.Equal(t, 14*time.Hour-time.Minute, try(at(10, 1, 0, 0)), "day full: until midnight UTC")
		assert.Equal(t, 14*time.Hour-time.Minute-time.Second, try(at(10, 1, 1, 0)))
		assert.Zero(t, try(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)), "a new UTC day")
		assert.Zero(t, try(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)))
		assert.Equal(t, time.Second, try(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)), "second and minute: the second resets first")
	})
}

// TestLimiterGuard: nothing is admitted in the last Guard of a limited window (20 ms by
// default), and the wait is until the window's end; an unlimited window has no guard.
func TestLimiterGuard(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		if b.mr == nil {
			t.Skip("needs a Redis whose clock the test sets (miniredis)")
		}
		c := b.client(t)
		try := func(l *cashfinredis.Limiter, now time.Time) time.Duration {
			t.Helper()
			b.mr.SetTime(now)
			wait, _, err := l.Try(context.Background())
			require.NoError(t, err)
			return wait
		}
		perSecond, err := cashfinredis.NewLimiter(c, b.prefix+"s", cashfin.Plan{PerSecond: 100})
		require.NoError(t, err)
		assert.Equal(t, cashfinredis.DefaultGuard, 20*time.Millisecond)
		assert.Zero(t, try(perSecond, at(10, 0, 0, 980*time.Millisecond-time.Microsecond)))
		assert.Equal(t, 20*time.Millisecond, try(perSecond, at(10, 0, 0, 980*time.Millisecond)))
		assert.Equal(t, 5*time.Millisecond, try(perSecond, at(10, 0, 0, 995*time.Millisecond)))

		short, err := cashfinredis.NewLimiter(c, b.prefix+"s2", cashfin.Plan{PerSecond: 100}, cashfinredis.Guard(3*time.Millisecond))
		require.NoError(t, err)
		assert.Zero(t, try(short, at(10, 0, 0, 995*time.Millisecond)))
		assert.Equal(t, 3*time.Millisecond, try(short, at(10, 0, 0, 997*time.Millisecond)))

		perMinute, err := cashfinredis.NewLimiter(c, b.prefix+"m", cashfin.Plan{PerMinute: 100})
		require.NoError(t, err)
		assert.Zero(t, try(perMinute, at(10, 0, 58, 995*time.Millisecond)), "the second is not limited")
		assert.Equal(t, 10*time.Millisecond, try(perMinute, at(10, 0, 59, 990*time.Millisecond)))

		perDay, err := cashfinredis.NewLimiter(c, b.prefix+"d", cashfin.Plan{PerDay: 100})
		require.NoError(t, err)
		assert.Zero(t, try(perDay, at(10, 59, 59, 995*time.Millisecond)))
		assert.Equal(t, time.Millisecond, try(perDay, at(23, 59, 59, 999*time.Millisecond)))
	})
}

// TestLimiterRealClock: on the server's own clock, limiters on separate connections sharing a
// key admit at most the plan in every second, never in a second's last Guard, and Wait sleeps
// until they may (here 10 attempts on 3 a second: at least 3 windows).
func TestLimiterRealClock(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		var mu sync.Mutex
		var admitted []time.Time
		var wg sync.WaitGroup
		for i := range 2 {
			l, err := cashfinredis.NewLimiter(b.client(t), b.prefix+"plan", cashfin.Plan{PerSecond: 3})
			require.NoError(t, err)
			l.OnAdmit(func(now time.Time) { mu.Lock(); admitted = append(admitted, now); mu.Unlock() })
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 5 {
					assert.NoError(t, l.Wait(context.Background()), "limiter %d", i)
				}
			}()
		}
		wg.Wait()
		require.Len(t, admitted, 10)
		assertWithin(t, admitted, cashfin.Plan{PerSecond: 3}, cashfinredis.DefaultGuard)
	})
}

// assertWithin checks admission times against plan: at most its limit in every window, and none
// in the last guard of a limited window.
func assertWithin(t *testing.T, admitted []time.Time, plan cashfin.Plan, guard time.Duration) {
	t.Helper()
	windows := []struct {
		limit int
		span  time.Duration
	}{{plan.PerSecond, time.Second}, {plan.PerMinute, time.Minute}, {plan.PerDay, 24 * time.Hour}}
	for _, w := range windows {
		if w.limit == 0 {
			continue
		}
		counts := map[int64]int{}
		for _, a := range admitted {
			start := a.Truncate(w.span)
			counts[start.UnixMicro()]++
			assert.Less(t, a.Sub(start), w.span-guard, "admitted at %s, in the guard of its window", a.Format(time.StampMicro))
		}
		for start, n := range counts {
			assert.LessOrEqual(t, n, w.limit, "window of %s starting %s", w.span, time.UnixMicro(start).UTC().Format(time.StampMicro))
		}
	}
}

// TestLimiterDeadline: a wait that would outlast the context's deadline returns at once (the
// context has not ended) with an error matching context.DeadlineExceeded, after one round trip.
func TestLimiterDeadline(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		var trips tripCounter
		c.AddHook(&trips)
		l, err := cashfinredis.NewLimiter(c, b.prefix+"plan", cashfin.Plan{PerDay: 1})
		require.NoError(t, err)
		if b.mr != nil {
			b.mr.SetTime(at(12, 0, 0, 0))
		}
		require.NoError(t, l.Wait(context.Background()))
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		trips.reset()
		err = l.Wait(ctx)
		require.Error(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NoError(t, ctx.Err(), "Wait slept until the deadline")
		assert.Contains(t, err.Error(), "after the context's deadline")
		assert.EqualValues(t, 1, trips.trips.Load())
	})
}

// TestLimiterContextEnds: a context that ends while Wait sleeps ends the wait promptly (here the
// wait would last until the next UTC day), with an error matching its cause; one that has ended
// already sends nothing.
func TestLimiterContextEnds(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		l, err := cashfinredis.NewLimiter(c, b.prefix+"plan", cashfin.Plan{PerDay: 1})
		require.NoError(t, err)
		if b.mr != nil {
			b.mr.SetTime(at(12, 0, 0, 0))
		}
		require.NoError(t, l.Wait(context.Background()))

		ctx, cancel := context.WithCancel(context.Background())
		answered := make(chan struct{}, 1)
		c.AddHook(afterEach(func() { answered <- struct{}{} }))
		done := make(chan error, 1)
		go func() { done <- l.Wait(ctx) }()
		<-answered // the script said to wait: Wait is about to sleep, or sleeping
		cancel()
		err = <-done
		assert.ErrorIs(t, err, context.Canceled)

		var trips tripCounter
		c.AddHook(&trips)
		assert.ErrorIs(t, l.Wait(ctx), context.Canceled)
		assert.Zero(t, trips.trips.Load(), "sent with an ended context")
	})
}

// afterEach is a hook that calls f after each command.
type afterEach func()

func (f afterEach) DialHook(next redis.DialHook) redis.DialHook { return next }
func (f afterEach) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		f()
		return err
	}
}
func (f afterEach) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// rl is a window as a Cashfin response reports it.
func rl(remaining int, reset time.Time) cashfin.RateLimit {
	return cashfin.RateLimit{Limit: 5, Remaining: remaining, Reset: reset}
}

// TestLimiterObserve: a window reported exhausted holds every limiter on the key (another
// process's too) until its reset, on the Redis clock, stored under the key with an expiry; a
// window with room, a reset already past, or no window at all stores nothing; a reset further
// ahead than any plan's window (cashfin.MaxWindowWait) is ignored, as NewPlanLimiter's Observe
// ignores it, rather than holding every process for a day on one misbehaving header.
func TestLimiterObserve(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		key := b.prefix + "plan"
		observer, err := cashfinredis.NewLimiter(c, key, cashfin.PlanFree)
		require.NoError(t, err)
		other, err := cashfinredis.NewLimiter(b.client(t), key, cashfin.Plan{PerDay: 1_000_000}, cashfinredis.Guard(0))
		require.NoError(t, err)
		if b.mr != nil {
			b.mr.SetTime(at(12, 0, 0, 250*time.Millisecond))
		}
		now := b.now(t, c)
		reset := now.Truncate(time.Second).Add(3 * time.Second)

		for _, ignored := range []cashfin.RateLimit{{}, rl(1, reset), rl(0, now.Add(-time.Second))} {
			observer.Observe(ignored)
			assert.Empty(t, b.keys(t, c), "stored for %+v", ignored)
		}
		observer.Observe(rl(0, reset))
		keys := b.keys(t, c)
		require.Len(t, keys, 1)
		assert.Positive(t, keys[key], "no expiry")
		assert.LessOrEqual(t, keys[key], reset.Sub(now)+time.Millisecond)

		wait, at, err := other.Try(context.Background())
		require.NoError(t, err)
		assert.Equal(t, reset.Sub(at), wait, "held until the reset")
		observer.Observe(rl(0, reset.Add(-time.Second))) // an earlier reset does not shorten it
		wait, at, err = other.Try(context.Background())
		require.NoError(t, err)
		assert.Equal(t, reset.Sub(at), wait)
		if b.mr != nil {
			b.mr.SetTime(reset)
			wait, _, err = other.Try(context.Background())
			require.NoError(t, err)
			assert.Zero(t, wait, "admitted at the reset")

			for _, far := range []time.Time{reset.Add(cashfin.MaxWindowWait + time.Second), time.Unix(9_999_999_999, 0)} {
				observer.Observe(rl(0, far))
				wait, _, err = other.Try(context.Background())
				require.NoError(t, err)
				assert.Zero(t, wait, "a reset beyond any plan's window (%s) held the plan", far)
			}
			observer.Observe(rl(0, reset.Add(cashfin.MaxWindowWait)))
			wait, _, err = other.Try(context.Background())
			require.NoError(t, err)
			assert.Equal(t, cashfin.MaxWindowWait, wait, "a reset as far as a plan's window can be")
		}
	})
}

// TestLimiterKeys: every key a limiter writes starts with its key (a Redis Cluster hash tag
// included) and expires on its own.
func TestLimiterKeys(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		for _, key := range []string{b.prefix + "plan", "{" + strings.TrimSuffix(b.prefix, ":") + "}:plan"} {
			l, err := cashfinredis.NewLimiter(c, key, cashfin.PlanFree)
			require.NoError(t, err)
			if b.mr != nil {
				b.mr.SetTime(at(12, 0, 0, 0))
			}
			require.NoError(t, l.Wait(context.Background()))
			l.Observe(rl(0, b.now(t, c).Add(2*time.Second)))
		}
		keys := b.keys(t, c)
		require.Len(t, keys, 2)
		for k, ttl := range keys {
			assert.True(t, strings.HasPrefix(k, b.prefix+"plan") || strings.HasPrefix(k, "{"), k)
			assert.Positive(t, ttl, "%s does not expire", k)
			assert.LessOrEqual(t, ttl, 24*time.Hour+time.Second, k)
		}
		if b.mr != nil {
			b.mr.FastForward(24 * time.Hour)
			assert.Empty(t, b.mr.Keys(), "left behind")
		}
	})
}

// TestLimiterFailOpen: with Redis down, Wait lets every attempt go and reports it through the
// logger, at most one record a minute; Observe's failures are reported the same way.
func TestLimiterFailOpen(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	l, err := cashfinredis.NewLimiter(deadClient(t), "cashfin:plan", cashfin.PlanFree, cashfinredis.Logger(logger))
	require.NoError(t, err)
	for range 10 {
		require.NoError(t, l.Wait(context.Background()))
	}
	l.Observe(rl(0, time.Now().Add(time.Second)))
	records := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, records, 1, logs.String())
	assert.Contains(t, records[0], "level=WARN")
	assert.Contains(t, records[0], "letting attempts go unpaced")
	assert.Contains(t, records[0], "key=cashfin:plan")
	assert.Contains(t, records[0], "refused")
	assert.Contains(t, records[0], "failures_not_logged=0")

	now := time.Now()
	l.SetClock(func() time.Time { return now })
	now = now.Add(time.Minute) // a minute after the first record
	require.NoError(t, l.Wait(context.Background()))
	records = strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, records, 2, logs.String())
	assert.Contains(t, records[1], "failures_not_logged=10", "9 Waits and 1 Observe not logged")
	require.NoError(t, l.Wait(context.Background()))
	assert.Len(t, strings.Split(strings.TrimSpace(logs.String()), "\n"), 2)

	quiet, err := cashfinredis.NewLimiter(deadClient(t), "k", cashfin.PlanFree, cashfinredis.Logger(nil))
	require.NoError(t, err)
	assert.NoError(t, quiet.Wait(context.Background()))
}

// TestLimiterFailClosed: with FailClosed, Wait returns Redis's failure, and the attempt must not
// be sent.
func TestLimiterFailClosed(t *testing.T) {
	l, err := cashfinredis.NewLimiter(deadClient(t), "k", cashfin.PlanFree, cashfinredis.FailClosed(), cashfinredis.Logger(nil))
	require.NoError(t, err)
	err = l.Wait(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cashfinredis: the shared plan is unreachable")
	var opErr interface{ Timeout() bool }
	assert.True(t, errors.As(err, &opErr), "the Redis error is wrapped: %v", err)
}

// TestLimiterRedisErrorReply: a Redis that answers with an error (here, the key holds another
// type) is a failure like an unreachable one: let go by default, returned with FailClosed.
func TestLimiterRedisErrorReply(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		key := b.prefix + "plan"
		require.NoError(t, c.Set(context.Background(), key, "not a hash", time.Minute).Err())
		open, err := cashfinredis.NewLimiter(c, key, cashfin.PlanFree, cashfinredis.Logger(nil))
		require.NoError(t, err)
		assert.NoError(t, open.Wait(context.Background()))
		closed, err := cashfinredis.NewLimiter(c, key, cashfin.PlanFree, cashfinredis.FailClosed())
		require.NoError(t, err)
		assert.ErrorContains(t, closed.Wait(context.Background()), "WRONGTYPE")
	})
}
