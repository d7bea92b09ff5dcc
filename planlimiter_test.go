package cashfin_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// These tests hold NewPlanLimiter to its rules (scale-out.md, "The library"): fixed windows aligned
// to the Unix second, minute and UTC day; an attempt admitted only when every window has room and
// is outside the guard at each window's end; otherwise a wait for the earliest moment all could
// admit it; a wait that would outlast the deadline refused at once; Observe holding every Wait
// until a reported reset. The clock is a fake: its Sleep moves it on, so nothing really waits.

// fakeClock is a clock whose SleepUntil moves it on to the time asked (unless it is there
// already), at once, and records how far it moved.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock(now time.Time) *fakeClock { return &fakeClock{now: now} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) SleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := t.Sub(c.now); d > 0 {
		c.now = t
		c.slept = append(c.slept, d)
	}
	return nil
}

func (c *fakeClock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// at is a time an hour ahead of the real clock (so that a context's deadline set from it lies in
// the future), moved to the start of a UTC day and then by offset.
func at(offset time.Duration) time.Time {
	day := time.Now().Add(time.Hour).Truncate(24 * time.Hour).Add(24 * time.Hour)
	return day.Add(offset)
}

func newTestPlanLimiter(t *testing.T, plan cashfin.Plan, clk *fakeClock, opts ...cashfin.PlanLimiterOption) cashfin.Limiter {
	t.Helper()
	l, err := cashfin.NewPlanLimiter(plan, append([]cashfin.PlanLimiterOption{cashfin.WithPlanClock(clk)}, opts...)...)
	require.NoError(t, err)
	return l
}

// waitN calls Wait n times, each expected to succeed, and returns the clock's time after each.
func waitN(t *testing.T, l cashfin.Limiter, clk *fakeClock, n int) []time.Time {
	t.Helper()
	out := make([]time.Time, n)
	for i := range n {
		require.NoError(t, l.Wait(context.Background()), "wait %d", i)
		out[i] = clk.Now()
	}
	return out
}

// TestPlanLimiterSecondWindow: 5 a second: five attempts go at once; the sixth waits for the
// next Unix second, exactly, and no longer.
func TestPlanLimiterSecondWindow(t *testing.T) {
	t.Parallel()
	start := at(10*time.Second + 300*time.Millisecond)
	clk := newFakeClock(start)
	l := newTestPlanLimiter(t, cashfin.Plan{PerSecond: 5}, clk)
	got := waitN(t, l, clk, 11)
	for i := range 5 {
		assert.Equal(t, start, got[i], "attempt %d waits for nothing", i)
	}
	for i := 5; i < 10; i++ {
		assert.Equal(t, at(11*time.Second), got[i], "attempt %d goes at the next second", i)
	}
	assert.Equal(t, at(12*time.Second), got[10])
	assert.Equal(t, []time.Duration{700 * time.Millisecond, time.Second}, clk.sleeps())
}

// TestPlanLimiterMinuteWindow: 5 a second and 12 a minute: after 12 attempts over three seconds,
// the thirteenth waits for the next Unix minute, and then the second's limit applies again.
func TestPlanLimiterMinuteWindow(t *testing.T) {
	t.Parallel()
	clk := newFakeClock(at(20 * time.Second))
	l := newTestPlanLimiter(t, cashfin.Plan{PerSecond: 5, PerMinute: 12}, clk)
	got := waitN(t, l, clk, 18)
	assert.Equal(t, at(20*time.Second), got[4])
	assert.Equal(t, at(21*time.Second), got[5])
	assert.Equal(t, at(22*time.Second), got[11], "the twelfth")
	for i := 12; i < 17; i++ {
		assert.Equal(t, at(time.Minute), got[i], "attempt %d waits for the next minute", i)
	}
	assert.Equal(t, at(time.Minute+time.Second), got[17])
}

// TestPlanLimiterDayWindowIsTheUTCDay: 3 a day, the clock read in a zone three hours ahead of
// UTC: the fourth attempt waits until UTC midnight, not local midnight.
func TestPlanLimiterDayWindowIsTheUTCDay(t *testing.T) {
	t.Parallel()
	nairobi := time.FixedZone("EAT", 3*60*60)
	start := at(-90 * time.Minute).In(nairobi) // 22:30 UTC, 01:30 in Nairobi
	clk := newFakeClock(start)
	l := newTestPlanLimiter(t, cashfin.Plan{PerDay: 3}, clk)
	got := waitN(t, l, clk, 4)
	assert.True(t, got[2].Equal(start))
	assert.True(t, got[3].Equal(at(0)), "the fourth goes at UTC midnight: %s", got[3].UTC())
}

// TestPlanLimiterGuardAtTheEndOfEachWindow: nothing is admitted in the last DefaultWindowGuard of
// a window with a limit; WindowGuard changes it, and 0 turns it off.
func TestPlanLimiterGuardAtTheEndOfEachWindow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		plan  cashfin.Plan
		at    time.Duration // into the day
		opts  []cashfin.PlanLimiterOption
		sleep time.Duration // before the attempt is admitted
	}{
		{"before the guard", cashfin.Plan{PerSecond: 5}, 999*time.Millisecond - cashfin.DefaultWindowGuard, nil, 0},
		{"in the guard", cashfin.Plan{PerSecond: 5}, time.Second - cashfin.DefaultWindowGuard, nil, cashfin.DefaultWindowGuard},
		{"in the guard's last nanosecond", cashfin.Plan{PerSecond: 5}, time.Second - 1, nil, 1},
		{"no guard", cashfin.Plan{PerSecond: 5}, time.Second - 1, []cashfin.PlanLimiterOption{cashfin.WindowGuard(0)}, 0},
		{"a longer guard", cashfin.Plan{PerSecond: 5}, 950 * time.Millisecond, []cashfin.PlanLimiterOption{cashfin.WindowGuard(60 * time.Millisecond)}, 50 * time.Millisecond},
		{"a minute's end, no second limit", cashfin.Plan{PerMinute: 60}, time.Minute - time.Millisecond, nil, time.Millisecond},
		{"a second's end, no second limit", cashfin.Plan{PerMinute: 60}, time.Second - time.Millisecond, nil, 0},
		{"a day's end", cashfin.Plan{PerDay: 1000}, 24*time.Hour - time.Millisecond, nil, time.Millisecond},
	} {
		clk := newFakeClock(at(tc.at))
		l := newTestPlanLimiter(t, tc.plan, clk, tc.opts...)
		require.NoError(t, l.Wait(context.Background()), tc.name)
		var slept time.Duration
		for _, d := range clk.sleeps() {
			slept += d
		}
		assert.Equal(t, tc.sleep, slept, tc.name)
	}
}

// TestPlanLimiterRefusesAWaitPastTheDeadline: when room comes after the context's deadline, Wait
// returns at once, without sleeping, with an error matching context.DeadlineExceeded; when it
// comes before, Wait sleeps and admits.
func TestPlanLimiterRefusesAWaitPastTheDeadline(t *testing.T) {
	t.Parallel()
	clk := newFakeClock(at(500 * time.Millisecond))
	l := newTestPlanLimiter(t, cashfin.Plan{PerSecond: 1}, clk)
	require.NoError(t, l.Wait(context.Background()))

	ctx, cancel := context.WithDeadline(context.Background(), at(900*time.Millisecond))
	defer cancel()
	err := l.Wait(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualError(t, err, "cashfin: plan limiter: the next attempt is admitted in 500ms, after the context deadline")
	assert.Empty(t, clk.sleeps(), "it slept")

	ctx, cancel = context.WithDeadline(context.Background(), at(1100*time.Millisecond))
	defer cancel()
	require.NoError(t, l.Wait(ctx))
	assert.Equal(t, []time.Duration{500 * time.Millisecond}, clk.sleeps())
}

// TestPlanLimiterContextEndsMidWait: on the real clock, a Wait for tomorrow's window returns the
// context's error promptly when it is cancelled during the sleep; an ended context is refused at
// once.
func TestPlanLimiterContextEndsMidWait(t *testing.T) {
	t.Parallel()
	l, err := cashfin.NewPlanLimiter(cashfin.Plan{PerDay: 1})
	require.NoError(t, err)
	require.NoError(t, l.Wait(context.Background()))
	parent, cancel := context.WithCancel(context.Background())
	ctx := &doneSignal{Context: parent, asked: make(chan struct{})}
	done := make(chan error)
	go func() { done <- l.Wait(ctx) }()
	<-ctx.asked // Wait is sleeping, selecting on Done
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return after its context was cancelled")
	}
	assert.ErrorIs(t, l.Wait(ctx), context.Canceled)
}

// doneSignal is a context that closes asked the first time its Done is called.
type doneSignal struct {
	context.Context
	once  sync.Once
	asked chan struct{}
}

func (c *doneSignal) Done() <-chan struct{} {
	c.once.Do(func() { close(c.asked) })
	return c.Context.Done()
}

// TestPlanLimiterObserveHoldsUntilTheReportedReset: a window the server reports spent holds every
// Wait until its reset, even with room in the plan; a window with requests left, a reset in the
// past, or a reset further than MaxWindowWait ahead (no plan's window) holds nothing.
func TestPlanLimiterObserveHoldsUntilTheReportedReset(t *testing.T) {
	t.Parallel()
	start := at(10 * time.Second)
	for _, tc := range []struct {
		name string
		rl   cashfin.RateLimit
		hold time.Duration
	}{
		{"spent", cashfin.RateLimit{Limit: 60, Remaining: 0, Reset: at(time.Minute)}, 50 * time.Second},
		{"spent, then told of a sooner reset", cashfin.RateLimit{Limit: 60, Remaining: 0, Reset: at(time.Minute)}, 50 * time.Second},
		{"one left", cashfin.RateLimit{Limit: 60, Remaining: 1, Reset: at(time.Minute)}, 0},
		{"reset past", cashfin.RateLimit{Limit: 60, Remaining: 0, Reset: start}, 0},
		{"no reset", cashfin.RateLimit{Limit: 60, Remaining: 0}, 0},
		{"reset beyond any plan's window", cashfin.RateLimit{Remaining: 0, Reset: start.Add(cashfin.MaxWindowWait + time.Second)}, 0},
	} {
		clk := newFakeClock(start)
		l := newTestPlanLimiter(t, cashfin.PlanFree, clk)
		o, ok := l.(cashfin.RateLimitObserver)
		require.True(t, ok, "NewPlanLimiter's Limiter is a RateLimitObserver")
		o.Observe(tc.rl)
		if tc.name == "spent, then told of a sooner reset" {
			o.Observe(cashfin.RateLimit{Remaining: 0, Reset: at(11 * time.Second)})
		}
		require.NoError(t, l.Wait(context.Background()), tc.name)
		assert.Equal(t, start.Add(tc.hold), clk.Now(), tc.name)
	}
}

// TestNewPlanLimiterRejectsBadPlansAndGuards: a negative limit, a plan without limits, or a
// guard outside 0..MaxWindowGuard is an error; the plan table's plans are accepted.
func TestNewPlanLimiterRejectsBadPlansAndGuards(t *testing.T) {
	t.Parallel()
	for name, plan := range map[string]cashfin.Plan{
		"negative second": {PerSecond: -1, PerMinute: 60},
		"negative minute": {PerSecond: 5, PerMinute: -60},
		"negative day":    {PerDay: -1},
		"all zeros":       {},
	} {
		l, err := cashfin.NewPlanLimiter(plan)
		assert.Error(t, err, name)
		assert.Nil(t, l, name)
		assert.Equal(t, err, plan.Validate(), name)
		assert.Regexp(t, `^cashfin: plan `, err.Error(), name)
	}
	for _, d := range []time.Duration{-time.Millisecond, cashfin.MaxWindowGuard + 1} {
		_, err := cashfin.NewPlanLimiter(cashfin.PlanFree, cashfin.WindowGuard(d))
		assert.ErrorContains(t, err, "cashfin: WindowGuard:", d)
	}
	for _, plan := range []cashfin.Plan{cashfin.PlanFree, cashfin.PlanStarter, cashfin.PlanProfessional, {PerDay: 1}} {
		l, err := cashfin.NewPlanLimiter(plan)
		require.NoError(t, err)
		assert.NotNil(t, l)
	}
	_, err := cashfin.NewPlanLimiter(cashfin.PlanFree, nil, cashfin.WindowGuard(0), cashfin.WindowGuard(cashfin.MaxWindowGuard))
	assert.NoError(t, err, "a nil option is ignored")
}

// TestPlanLimiterConcurrentWaitsKeepEveryWindow: 8 goroutines share a limiter on 5 a second, 60 a
// minute; however their Waits interleave, no second or minute sees more than the plan, nothing is
// admitted in a guard, and each minute is used to the full: 5 a second until its 60 are spent.
func TestPlanLimiterConcurrentWaitsKeepEveryWindow(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var admitted []time.Time
	record := func(n int64) { // under the limiter's lock: in order
		mu.Lock()
		admitted = append(admitted, time.Unix(0, n))
		mu.Unlock()
	}
	clk := newFakeClock(at(55*time.Second + 500*time.Millisecond))
	l := newTestPlanLimiter(t, cashfin.Plan{PerSecond: 5, PerMinute: 60}, clk, cashfin.WithPlanAdmitted(record))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				assert.NoError(t, l.Wait(context.Background()))
			}
		}()
	}
	wg.Wait()
	require.Len(t, admitted, 160)
	perSecond, perMinute := map[int64]int{}, map[int64]int{}
	for _, a := range admitted {
		perSecond[a.Unix()]++
		perMinute[a.Unix()/60]++
		assert.Less(t, a.Sub(a.Truncate(time.Second)), time.Second-cashfin.DefaultWindowGuard, "admitted in the guard")
	}
	for s, n := range perSecond {
		assert.LessOrEqual(t, n, 5, "second %d", s)
	}
	first := at(0).Unix() / 60
	assert.Equal(t, map[int64]int{first: 25, first + 1: 60, first + 2: 60, first + 3: 15}, perMinute,
		"55.5s into a minute: 5 seconds of 5, then 60 a minute")
}

// TestPlanWindows: a plan's windows, their starts and resets, aligned to the Unix epoch.
func TestPlanWindows(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []cashfin.PlanWindow{{Span: time.Second, Limit: 5}, {Span: time.Minute, Limit: 60}, {Span: 24 * time.Hour, Limit: 1000}},
		cashfin.PlanFree.Windows())
	assert.Equal(t, []cashfin.PlanWindow{{Span: time.Minute, Limit: 7}}, cashfin.Plan{PerMinute: 7}.Windows())
	t0 := time.Date(2026, 12, 7, 6, 59, 59, 995_000_000, time.FixedZone("EAT", 3*60*60))
	for _, tc := range []struct {
		span         time.Duration
		start, reset time.Time
	}{
		{time.Second, time.Date(2026, 12, 7, 3, 59, 59, 0, time.UTC), time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)},
		{time.Minute, time.Date(2026, 12, 7, 3, 59, 0, 0, time.UTC), time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)},
		{24 * time.Hour, time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)},
	} {
		w := cashfin.PlanWindow{Span: tc.span, Limit: 1}
		assert.True(t, tc.start.Equal(w.Start(t0)), "%s: %s", tc.span, w.Start(t0))
		assert.True(t, tc.reset.Equal(w.Reset(t0)), "%s: %s", tc.span, w.Reset(t0))
	}
	before := time.Unix(-1, 500_000_000) // before the epoch: still rounded down
	assert.True(t, time.Unix(-1, 0).Equal(cashfin.PlanWindow{Span: time.Second}.Start(before)))
}

// TestPlanTable: PlanFree, PlanStarter and PlanProfessional are the table of Cashfin's
// rate-limiting guide (requests a second, a minute and a UTC day).
func TestPlanTable(t *testing.T) {
	t.Parallel()
	assert.Equal(t, cashfin.Plan{PerSecond: 5, PerMinute: 60, PerDay: 1_000}, cashfin.PlanFree)
	assert.Equal(t, cashfin.Plan{PerSecond: 10, PerMinute: 300, PerDay: 10_000}, cashfin.PlanStarter)
	assert.Equal(t, cashfin.Plan{PerSecond: 25, PerMinute: 1_000, PerDay: 100_000}, cashfin.PlanProfessional)
}
