package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/cashfin-go/cashfin"
)

// defaultPauseMin is the pause after a 429 that does not say how long to wait.
const defaultPauseMin = time.Second

// maxFallbackPause caps the growing pause after repeated 429s that do not say how long to wait.
const maxFallbackPause = time.Minute

// pauseGate holds every worker of a bulk command back while the API asks us to wait: a 429 seen
// by one worker pauses them all, since the limit is the account's, not the request's.
type pauseGate struct {
	mu    sync.Mutex
	until time.Time
}

// wait returns once no pause is in force, or ctx's error if it ends first.
func (g *pauseGate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// pause holds the workers back for d from now (or longer, if a pause already runs longer). It
// reports whether this starts a new pause, rather than extending one in force: that is news.
func (g *pauseGate) pause(d time.Duration) (started bool) {
	now := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	started = !g.until.After(now)
	if until := now.Add(d); until.After(g.until) {
		g.until = until
	}
	return started
}

// fallbackPause is the pause after the n-th consecutive 429 (from 1) that gave no Retry-After:
// base doubled each time, at most maxFallbackPause.
func fallbackPause(base time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < maxFallbackPause; i++ {
		d *= 2
	}
	return min(d, maxFallbackPause)
}

// pacer waits out the API's 429s for a bulk command. The SDK already retries a 429 whose
// Retry-After is short; what reaches the pacer is one it gave up on (a per-minute or per-day
// limit asks for a long wait), and that pauses every worker, with a word on standard error.
type pacer struct {
	gate     pauseGate
	pauseMin time.Duration
	prog     *progress
	host     string // the API's host, named in transport errors
}

func newPacer(pauseMin time.Duration, prog *progress, host string) *pacer {
	if pauseMin <= 0 {
		pauseMin = defaultPauseMin
	}
	return &pacer{pauseMin: pauseMin, prog: prog, host: host}
}

// wait returns once no pause is in force, or ctx's error if it ends first.
func (p *pacer) wait(ctx context.Context) error { return p.gate.wait(ctx) }

// check looks at the n-th result (from 1) of a call: for a 429 it starts a pause and returns
// true, so the call is made again once p.wait lets it.
func (p *pacer) check(err error, n int) (again bool) {
	var apiErr *cashfin.APIError
	if !errors.Is(err, cashfin.ErrRateLimited) || !errors.As(err, &apiErr) {
		return false
	}
	d := apiErr.RetryAfter
	if d <= 0 {
		d = fallbackPause(p.pauseMin, n)
	}
	if p.gate.pause(d) {
		p.prog.printf("rate limited by the API: pausing all requests for %s\n", roundPause(d))
	}
	return true
}

// roundPause makes a pause readable.
func roundPause(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
