package transport

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// RateLimit is a rate-limit window as a response's X-RateLimit-* headers report it. Fields whose
// header is absent or unparseable are zero.
type RateLimit struct {
	Limit     int       // X-RateLimit-Limit
	Remaining int       // X-RateLimit-Remaining
	Reset     time.Time // X-RateLimit-Reset, Unix seconds
	// Drained says that X-RateLimit-Remaining was present and parsed as 0 (a zero Remaining may
	// also mean the header was absent or garbage, which never marks a window exhausted).
	Drained bool
}

// The header keys in canonical form, so that http.Header.Get does not allocate to canonicalise them.
const (
	headerLimit     = "X-Ratelimit-Limit"
	headerRemaining = "X-Ratelimit-Remaining"
	headerReset     = "X-Ratelimit-Reset"
)

// ReadRateLimit reads the X-RateLimit-* headers of h. ok is false when none of them is present:
// such a response says nothing about the window.
func ReadRateLimit(h http.Header) (rl RateLimit, ok bool) {
	limit, remaining, reset := h.Get(headerLimit), h.Get(headerRemaining), h.Get(headerReset)
	if limit == "" && remaining == "" && reset == "" {
		return rl, false
	}
	rl.Limit, _ = count(limit)
	var parsed bool
	rl.Remaining, parsed = count(remaining)
	rl.Drained = parsed && rl.Remaining == 0
	if s, err := strconv.ParseFloat(strings.TrimSpace(reset), 64); err == nil && s > 0 && s < 1e11 {
		sec := int64(s)
		rl.Reset = time.Unix(sec, int64((s-float64(sec))*1e9))
	}
	return rl, true
}

// count parses a non-negative integer header value.
func count(v string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// window is the most recent rate-limit window the server reported to one Transport, shared by
// all its calls. until (Unix nanoseconds) is when an exhausted window resets, 0 when the window
// is not exhausted: read without a lock on every attempt.
type window struct {
	until atomic.Int64
	mu    sync.Mutex
	last  RateLimit // for the error of a refusal
}

// maxUnixNano is the latest time whose Unix nanoseconds fit in an int64 (in the year 2262).
var maxUnixNano = time.Unix(0, math.MaxInt64)

// unixNano is t in Unix nanoseconds, saturated at math.MaxInt64 for a time after 2262 (which
// UnixNano would wrap into the past).
func unixNano(t time.Time) int64 {
	if t.After(maxUnixNano) {
		return math.MaxInt64
	}
	return t.UnixNano()
}

// observe records the window of a response, if it reports one: a fresh window replaces any older.
// It returns the window, and whether the response reported one.
func (w *window) observe(h http.Header) (RateLimit, bool) {
	rl, ok := ReadRateLimit(h)
	if !ok {
		return rl, false
	}
	var until int64
	if rl.Drained && !rl.Reset.IsZero() {
		until = unixNano(rl.Reset)
	}
	w.mu.Lock()
	w.last = rl
	w.until.Store(until)
	w.mu.Unlock()
	return rl, true
}

// exhausted returns how long the window stays exhausted from now (0 when it is not), and the
// window itself. A reset beyond 2262 is saturated, never wrapped: a very long wait.
func (w *window) exhausted(now time.Time) (time.Duration, RateLimit) {
	until := w.until.Load()
	if until == 0 || until <= now.UnixNano() {
		return 0, RateLimit{}
	}
	w.mu.Lock()
	rl := w.last
	w.mu.Unlock()
	return time.Duration(until - now.UnixNano()), rl
}

// WindowError is the transport's refusal to send into a window the server reported exhausted
// whose reset is further away than the call may wait: its longest retry wait, or
// Config.WindowWaitMax when longer. Nothing was sent.
type WindowError struct {
	Left      time.Duration // until the window resets
	RateLimit RateLimit     // the window as last reported
	// Attempts is how many attempts of the call were sent before a retry was refused; 0 when
	// the call's first attempt was. LastStatus is how the latest ended (0: a transport error).
	Attempts, LastStatus int
}

func (e *WindowError) Error() string {
	return "rate limit known to be exhausted: the window resets in " + FormatWait(e.Left)
}

// FormatWait writes a wait as a person reads it, and never shorter than it is: below a second in
// whole milliseconds, rounded up ("325ms", never "0s"); below a minute to the tenth of a second
// ("1.3s"); then to the second ("41m7s"); beyond a year, "more than a year".
func FormatWait(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Second:
		return CeilMillisecond(d).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	case d <= 365*24*time.Hour:
		return d.Round(time.Second).String()
	}
	return "more than a year"
}

// CeilMillisecond is d rounded up to a whole millisecond.
func CeilMillisecond(d time.Duration) time.Duration {
	if r := d % time.Millisecond; r > 0 {
		return d - r + time.Millisecond
	}
	return d
}

// awaitWindow holds an attempt until the server's window admits it: at once when it is not
// exhausted; after a wait until its reset when that is within the call's longest retry wait (or
// Config.WindowWaitMax, when longer) and the context's deadline; else it fails without waiting,
// with a *WindowError, or an error matching context.DeadlineExceeded when the deadline comes
// first.
func (t *Transport) awaitWindow(ctx context.Context, call *Call) error {
	left, rl := t.window.exhausted(time.Now())
	if left <= 0 {
		return nil
	}
	bound := t.policy.windowBound(call)
	t.policy.logWindow(ctx, left, left <= bound, t.policy.windowWaitMax > call.WaitMax)
	if left > bound {
		return &WindowError{Left: left, RateLimit: rl}
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= left {
		return &deadlineFirstError{"rate limit window resets in " + FormatWait(left) + ", after the context deadline"}
	}
	return Sleep(ctx, left)
}

// Sleep waits d, or until ctx ends (returning its error).
func Sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// windowBound is how far ahead a reset of the server's window may be for call to wait for it:
// its longest retry wait, or Config.WindowWaitMax when longer.
func (p *policy) windowBound(call *Call) time.Duration { return max(call.WaitMax, p.windowWaitMax) }

// windowRefuses reports whether the server's window is spent until further ahead than call may
// wait, so that awaitWindow will refuse its next attempt without sending it.
func (p *policy) windowRefuses(call *Call) bool {
	left, _ := p.window.exhausted(time.Now())
	return left > p.windowBound(call)
}

// deadlineFirstError is a wait not begun because the context's deadline would pass before it
// ends. It matches context.DeadlineExceeded.
type deadlineFirstError struct{ msg string }

func (e *deadlineFirstError) Error() string        { return e.msg }
func (e *deadlineFirstError) Is(target error) bool { return target == context.DeadlineExceeded }
