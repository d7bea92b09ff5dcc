package bulk

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
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

// defaultAnnounceMin is the shortest pause said on standard error: shorter ones (the per-second
// window, met every second by a run at the plan's rate) are pacing, not news.
const defaultAnnounceMin = time.Second

// Pacer keeps a bulk command within the API's rate limits. Before each request it consults
// what the server said of its rate-limit windows (windowBook): when one is exhausted, every
// worker pauses until it resets, with a word on standard error, rather than meet a 429. What
// still reaches it as a 429 (the SDK's refusal to send into a window it knows is exhausted, or a
// 429 with a Retry-After longer than the SDK waits) pauses every worker as long as asked.
type Pacer struct {
	gate        pauseGate
	book        windowBook
	pauseMin    time.Duration
	announceMin time.Duration
	prog        *term.Progress
	host        string // the API's host, named in transport errors

	dailyMu sync.Mutex
	daily   Window // the last day-long window the server reported; zero when none
}

// PaceConfig configures a Pacer.
type PaceConfig struct {
	PauseMin    time.Duration  // pause after a 429 that has no Retry-After; 0: a second
	AnnounceMin time.Duration  // the shortest pause said on standard error; 0: a second
	Progress    *term.Progress // where pauses are said
	Host        string         // the API's host, named in messages
}

// NewPacer returns a Pacer for one bulk command.
func NewPacer(c PaceConfig) *Pacer {
	p := &Pacer{pauseMin: c.PauseMin, announceMin: c.AnnounceMin, prog: c.Progress, host: c.Host}
	if p.pauseMin <= 0 {
		p.pauseMin = defaultPauseMin
	}
	if p.announceMin <= 0 {
		p.announceMin = defaultAnnounceMin
	}
	return p
}

// Wait returns once a request may go: no pause in force and no window known to be exhausted
// (it then counts the request against the windows known, and done must follow), or ctx's error
// if it ends first.
func (p *Pacer) Wait(ctx context.Context) error {
	for {
		if err := p.gate.wait(ctx); err != nil {
			return err
		}
		d, answer := p.book.take(time.Now())
		switch {
		case answer != nil:
			select {
			case <-answer:
			case <-ctx.Done():
				return ctx.Err()
			}
		case d > 0:
			p.pauseForWindow(d)
		default:
			return nil
		}
	}
}

// Done ends a request that Wait let go, with the window the server reported on its answer
// (a zero Window when there was none).
func (p *Pacer) Done(rl Window) {
	p.book.observe(rl.reset, rl.remaining)
	if rl.limit > 0 && time.Until(rl.reset) > dayLong {
		p.dailyMu.Lock()
		p.daily = rl
		p.dailyMu.Unlock()
		p.prog.SetDaily(rl.limit, rl.remaining, rl.reset)
	}
}

// dayLong is how far off a window's reset must be for the window to count as the plan's daily
// one: the per-minute window resets within a minute, the daily one within a day.
const dayLong = time.Hour

// Daily is the plan's daily window as the server last reported it: its limit, the requests left
// and its reset; ok is false when no response has reported it (a server reports only the window
// closest to exhaustion).
func (p *Pacer) Daily() (limit, left int, reset time.Time, ok bool) {
	p.dailyMu.Lock()
	defer p.dailyMu.Unlock()
	d := p.daily
	return d.limit, d.remaining, d.reset, d.limit > 0
}

// Window is a rate-limit window as the server reported it.
type Window struct {
	reset     time.Time
	remaining int
	limit     int // 0 when not reported
}

// pauseForWindow pauses every worker for d, until a window resets, and says so when that starts
// a pause worth a word.
func (p *Pacer) pauseForWindow(d time.Duration) {
	if p.gate.pause(d) && d >= p.announceMin {
		p.prog.Printf("rate limit reached: waiting %s for the window to reset\n", term.Duration((d + time.Second - 1).Truncate(time.Second)))
	}
}

// Check looks at the n-th result (from 1) of a call: for a 429 it starts a pause and returns
// true, so the call is made again once p.wait lets it.
func (p *Pacer) Check(err error, n int) (again bool) {
	var apiErr *cashfin.APIError
	if !errors.Is(err, cashfin.ErrRateLimited) || !errors.As(err, &apiErr) {
		return false
	}
	d := apiErr.RetryAfter
	if d > 0 && windowOf(apiErr) != (Window{}) { // the window the SDK knows is exhausted, or a 429 saying when it resets
		p.pauseForWindow(d)
		return true
	}
	if d <= 0 {
		d = fallbackPause(p.pauseMin, n)
	}
	if p.gate.pause(d) {
		p.prog.Printf("rate limited by the API: pausing all requests for %s\n", roundPause(d))
	}
	return true
}

// roundPause makes a pause readable: hours and minutes past a minute.
func roundPause(d time.Duration) string {
	if d >= time.Second {
		return term.Duration(d.Round(time.Second))
	}
	return d.Round(time.Millisecond).String()
}

// windowBook is what a bulk command knows of the server's rate-limit windows (X-RateLimit-*),
// so that it pauses before a window is exhausted rather than meet a 429. The server reports, on
// each response, the window closest to exhaustion: its reset and the requests it has left. The
// book keeps, per window (by reset), the fewest requests left that anything says: a response's
// count less the requests in flight that it may not have counted yet, and one less for every
// request sent since. Every request counts in every window still open.
//
// A window that has reset is forgotten, and the next one is unknown until a response reports
// it: while the server has reported windows before and none is open, one request at a time
// goes out to learn it, so that a burst at the start of a window cannot overrun it.
type windowBook struct {
	mu       sync.Mutex
	seen     bool          // the server has reported a window: it sends the headers
	left     map[int64]int // reset (Unix nanoseconds) → requests left
	inflight int           // requests taken and not yet observed
	answered chan struct{} // closed (and replaced) when a response is observed
}

// take claims a request at now. It returns wait 0 when the request may go (it is then counted,
// and observe must follow); wait > 0, the time until the latest reset of an exhausted window,
// when one is; or a channel closed at the next observed answer, when the request must wait
// for one to learn the window.
func (b *windowBook) take(now time.Time) (wait time.Duration, answer <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.answered == nil {
		b.answered, b.left = make(chan struct{}), map[int64]int{}
	}
	open := 0
	for reset, n := range b.left {
		switch d := time.Unix(0, reset).Sub(now); {
		case d <= 0:
			delete(b.left, reset)
		case n <= 0:
			wait = max(wait, d)
		default:
			open++
		}
	}
	if wait > 0 {
		return wait, nil
	}
	if b.seen && open == 0 && b.inflight > 0 {
		return 0, b.answered
	}
	for reset := range b.left {
		b.left[reset]--
	}
	b.inflight++
	return 0, nil
}

// observe ends a request that take let go, with the window its response reported, if any (a
// zero reset for none: no response, or no headers).
func (b *windowBook) observe(reset time.Time, remaining int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inflight--
	close(b.answered)
	b.answered = make(chan struct{})
	if reset.IsZero() {
		return
	}
	b.seen = true
	key := reset.UnixNano()
	n := remaining - b.inflight // requests in flight may not be counted in it yet
	if old, ok := b.left[key]; !ok || n < old {
		b.left[key] = n
	}
}

// windowOf is the window an API error reports: the 429's own headers, or the window the SDK
// knew to be exhausted when it refused to send.
func windowOf(e *cashfin.APIError) Window {
	if e.RateLimit.Reset.IsZero() {
		return Window{}
	}
	return Window{reset: e.RateLimit.Reset, remaining: e.RateLimit.Remaining, limit: e.RateLimit.Limit}
}

// ReportedWindow is the window the answer to a call reported: its response's (filled by
// cashfin.WithResponseInto), or, when no response was received (the SDK refused to send),
// its error's. A Remaining header that is absent or not a count reports no window.
func ReportedWindow(resp *cashfin.Response, err error) Window {
	if resp.StatusCode == 0 {
		var apiErr *cashfin.APIError
		if errors.As(err, &apiErr) {
			return windowOf(apiErr)
		}
		return Window{}
	}
	if _, perr := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-RateLimit-Remaining"))); perr != nil || resp.RateLimit.Reset.IsZero() {
		return Window{}
	}
	return Window{reset: resp.RateLimit.Reset, remaining: resp.RateLimit.Remaining, limit: resp.RateLimit.Limit}
}
