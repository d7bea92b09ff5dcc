package cashfin

import "context"

// Limiter paces the client's attempts, retries included. A *rate.Limiter from
// golang.org/x/time/rate is one, so is the one NewPlanLimiter returns, and so is
// cashfinredis.Limiter, which every process using the same Redis key shares.
//
// A Limiter that also has a method Observe(RateLimit) is told the window of every
// response that carries one, so that it learns what the server counted.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Plan is a Cashfin plan's request allowance, counted per client secret in fixed
// windows aligned to the clock: the second, the minute and the UTC day. A zero
// field means no limit for that window.
type Plan struct {
	PerSecond, PerMinute, PerDay int
}

// The plans of Cashfin's rate-limiting guide.
var (
	PlanFree         = Plan{PerSecond: 5, PerMinute: 60, PerDay: 1_000}
	PlanStarter      = Plan{PerSecond: 10, PerMinute: 300, PerDay: 10_000}
	PlanProfessional = Plan{PerSecond: 25, PerMinute: 1_000, PerDay: 100_000}
)
