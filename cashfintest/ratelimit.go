package cashfintest

import (
	"math"
	"sync"
	"time"

	"github.com/cashfin-go/cashfin"
)

// plan is a set of rate-limit windows, as Cashfin's plans have (so many requests a second, a
// minute and a day). Each window is fixed and aligned to the clock: the second window holds the
// requests of one Unix second, the minute window those of one minute, the day window those of
// one UTC day. A request is admitted only when every window has room, and then counts in each;
// a refused request counts in none.
type plan struct {
	mu      sync.Mutex
	windows []window
}

// window is one fixed window of a plan.
type window struct {
	limit int   // requests admitted per window
	span  int64 // seconds
	start int64 // Unix second at which the current window began
	count int   // requests admitted in the current window
}

// newPlan returns the plan of the given limits (0 means none), or nil when there is no limit.
func newPlan(perSecond, perMinute, perDay int) *plan {
	p := &plan{}
	for _, w := range []window{{limit: perSecond, span: 1}, {limit: perMinute, span: 60}, {limit: perDay, span: 86400}} {
		if w.limit > 0 {
			w.start = math.MinInt64
			p.windows = append(p.windows, w)
		}
	}
	if len(p.windows) == 0 {
		return nil
	}
	return p
}

// verdict is what the plan says about one request, in the terms of the rate-limit headers.
type verdict struct {
	ok         bool
	limit      int   // X-RateLimit-Limit: of the window closest to exhaustion
	remaining  int   // X-RateLimit-Remaining: after this request
	reset      int64 // X-RateLimit-Reset: Unix second from which the window admits a request
	retryAfter int   // whole seconds until reset, at least 1; set when !ok
}

// take admits a request at now if every window has room. The verdict describes the window with
// the fewest requests remaining; between windows with as few, the one that resets last, so that
// a client waiting until the reported reset finds every window with room. A refused request is
// described by the refusing window (the one that resets last, if several refuse): its reset and
// Retry-After agree.
func (p *plan) take(now time.Time) verdict {
	p.mu.Lock()
	defer p.mu.Unlock()
	sec := now.Unix()
	ok := true
	for i := range p.windows {
		w := &p.windows[i]
		if start := floorDiv(sec, w.span) * w.span; start > w.start {
			w.start, w.count = start, 0 // a clock going back keeps the current window
		}
		ok = ok && w.count < w.limit
	}
	var v verdict
	for i := range p.windows {
		w := &p.windows[i]
		if ok {
			w.count++
		}
		remaining, reset := w.limit-w.count, w.start+w.span
		if i == 0 || remaining < v.remaining || remaining == v.remaining && reset > v.reset {
			v = verdict{limit: w.limit, remaining: remaining, reset: reset}
		}
	}
	v.ok = ok
	if !ok {
		wait := time.Unix(v.reset, 0).Sub(now)
		v.retryAfter = max(int((wait+time.Second-1)/time.Second), 1)
	}
	return v
}

// reset forgets every request counted.
func (p *plan) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.windows {
		p.windows[i].start, p.windows[i].count = math.MinInt64, 0
	}
}

// floorDiv is a/b rounded down, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// secondPacer returns a limiter that keeps its users within the fake's per-second limit, on the
// clock the fake counts by, or nil when there is none.
func (h *Handler) secondPacer() cashfin.Limiter {
	if h.plan == nil {
		return nil
	}
	h.plan.mu.Lock()
	defer h.plan.mu.Unlock()
	for i := range h.plan.windows {
		if w := &h.plan.windows[i]; w.span == 1 {
			l, err := cashfin.NewPlanLimiter(cashfin.Plan{PerSecond: w.limit})
			if err != nil {
				panic("cashfintest: " + err.Error()) // w.limit > 0, so never
			}
			return l
		}
	}
	return nil
}
