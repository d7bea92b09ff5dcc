package transport

import (
	"context"
	"fmt"
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

// observe records the window of a response, if it reports one: a fresh window replaces any older.
func (w *window) observe(h http.Header) {
	rl, ok := ReadRateLimit(h)
	if !ok {
		return
	}
	var until int64
	if rl.Drained && !rl.Reset.IsZero() {
		until = rl.Reset.UnixNano()
	}
	w.mu.Lock()
	w.last = rl
	w.until.Store(until)
	w.mu.Unlock()
}

// exhausted returns how long the window stays exhausted from now (0 when it is not), and the
// window itself.
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
// whose reset is further away than the call's longest retry wait. Nothing was sent.
type WindowError struct {
	Left      time.Duration // until the window resets
	RateLimit RateLimit     // the window as last reported
	// Attempts is how many attempts of the call were sent before a retry was refused; 0 when
	// the call's first attempt was. LastStatus is how the latest ended (0: a transport error).
	Attempts, LastStatus int
}

func (e *WindowError) Error() string {
	return fmt.Sprintf("rate limit known to be exhausted: the window resets in %s", e.Left.Round(time.Millisecond))
}

// awaitWindow holds an attempt until the server's window admits it: at once when it is not
// exhausted; after a wait until its reset when that is within the call's longest retry wait (and
// the context allows it); else it fails with a *WindowError without waiting.
func (t *Transport) awaitWindow(ctx context.Context, call *Call) error {
	left, rl := t.window.exhausted(time.Now())
	if left <= 0 {
		return nil
	}
	t.policy.logWindow(ctx, left, left <= call.WaitMax)
	if left > call.WaitMax {
		return &WindowError{Left: left, RateLimit: rl}
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= left {
		return &deadlineFirstError{fmt.Sprintf("rate limit window resets in %s, after the context deadline",
			left.Round(time.Millisecond))}
	}
	timer := time.NewTimer(left)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// deadlineFirstError is a wait not begun because the context's deadline would pass before it
// ends. It matches context.DeadlineExceeded.
type deadlineFirstError struct{ msg string }

func (e *deadlineFirstError) Error() string        { return e.msg }
func (e *deadlineFirstError) Is(target error) bool { return target == context.DeadlineExceeded }
