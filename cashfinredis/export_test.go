package cashfinredis

import (
	"context"
	"time"
)

// Try runs the limiter's script once, as Wait does: wait is 0 when an attempt was admitted.
func (l *Limiter) Try(ctx context.Context) (wait time.Duration, now time.Time, err error) {
	return l.try(ctx)
}

// OnAdmit makes Wait call f with the Redis server's time of each attempt it admits.
func (l *Limiter) OnAdmit(f func(now time.Time)) { l.onAdmit = f }

// SetClock makes the limiter read the local time (for spacing its log records) from now.
func (l *Limiter) SetClock(now func() time.Time) { l.clock = now }
