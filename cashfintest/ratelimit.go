package cashfintest

import (
	"math"
	"sync"
	"time"
)

// bucket is a token bucket: perSecond tokens a second, holding at most perSecond. Each request
// takes one token; a request finding none is refused.
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second, also the capacity
	tokens float64
	last   time.Time
}

func newBucket(perSecond int, now time.Time) *bucket {
	return &bucket{rate: float64(perSecond), tokens: float64(perSecond), last: now}
}

// verdict is what the bucket says about one request, in the terms of the rate-limit headers.
type verdict struct {
	ok         bool
	limit      int
	remaining  int   // whole tokens left after this request
	reset      int64 // Unix time (seconds) at which the bucket is full again
	retryAfter int   // whole seconds until a request would be admitted, at least 1; set when !ok
}

// take takes a token if there is one.
func (b *bucket) take(now time.Time) verdict {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Before(b.last) {
		now = b.last // the clock went back: time stands still until it catches up
	}
	b.tokens = min(b.rate, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	v := verdict{limit: int(b.rate)}
	if b.tokens >= 1 {
		b.tokens--
		v.ok = true
	} else {
		wait := (1 - b.tokens) / b.rate // seconds until one whole token is back
		v.retryAfter = max(int(math.Ceil(wait)), 1)
	}
	v.remaining = int(math.Floor(b.tokens))
	full := (b.rate - b.tokens) / b.rate
	v.reset = now.Add(time.Duration(full * float64(time.Second))).Add(time.Second - 1).Unix()
	return v
}
