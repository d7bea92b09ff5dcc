package cashfin

import (
	"context"
	"time"
)

// WithPlanClock makes NewPlanLimiter read the time from c and sleep on it, so that tests need no
// real waits.
func WithPlanClock(c interface {
	Now() time.Time
	SleepUntil(ctx context.Context, t time.Time) error
}) PlanLimiterOption {
	return planOption(func(l *planLimiter) error {
		l.clock = c
		return nil
	})
}

// WithPlanAdmitted makes NewPlanLimiter tell f the time (Unix nanoseconds) of each admission, as
// it counts it.
func WithPlanAdmitted(f func(n int64)) PlanLimiterOption {
	return planOption(func(l *planLimiter) error {
		l.admitted = f
		return nil
	})
}
