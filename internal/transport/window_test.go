package transport

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestReadRateLimit(t *testing.T) {
	t.Parallel()
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for name, tc := range map[string]struct {
		h  http.Header
		rl RateLimit
		ok bool
	}{
		"absent":            {h(), RateLimit{}, false},
		"all three":         {h("X-RateLimit-Limit", "5", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1700000001"), RateLimit{5, 0, time.Unix(1700000001, 0), true}, true},
		"spaces":            {h("X-RateLimit-Remaining", " 3 ", "X-RateLimit-Reset", " 1700000001 "), RateLimit{0, 3, time.Unix(1700000001, 0), false}, true},
		"fractional reset":  {h("X-RateLimit-Reset", "1700000001.5"), RateLimit{Reset: time.Unix(1700000001, 5e8)}, true},
		"garbage":           {h("X-RateLimit-Limit", "many", "X-RateLimit-Remaining", "none", "X-RateLimit-Reset", "soon"), RateLimit{}, true},
		"negative":          {h("X-RateLimit-Remaining", "-1", "X-RateLimit-Reset", "-5"), RateLimit{}, true},
		"reset in millis":   {h("X-RateLimit-Reset", "1700000001000"), RateLimit{}, true},
		"remaining 0 alone": {h("X-RateLimit-Remaining", "0"), RateLimit{Drained: true}, true},
	} {
		rl, ok := ReadRateLimit(tc.h)
		assert.Equal(t, tc.ok, ok, name)
		assert.Equal(t, tc.rl, rl, name)
	}
}

func TestWindowExhausted(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	var w window
	left, _ := w.exhausted(now)
	assert.Zero(t, left, "no window yet")

	w.observe(http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"1700000002"}})
	left, rl := w.exhausted(now)
	assert.Equal(t, 2*time.Second, left)
	assert.True(t, rl.Drained)
	left, _ = w.exhausted(now.Add(3 * time.Second))
	assert.Zero(t, left, "past the reset")

	w.observe(http.Header{"Content-Type": {"application/json"}})
	left, _ = w.exhausted(now)
	assert.Equal(t, 2*time.Second, left, "a response without the headers changes nothing")

	w.observe(http.Header{"X-Ratelimit-Remaining": {"4"}, "X-Ratelimit-Reset": {"1700000060"}})
	left, _ = w.exhausted(now)
	assert.Zero(t, left, "a fresh window replaces the exhausted one")
}

// TestWindowSaturatesFarFutureResets: an exhausted window whose reset lies after 2262, where Unix
// nanoseconds overflow an int64, is exhausted for a very long time: never a wrapped, past or
// short wait.
func TestWindowSaturatesFarFutureResets(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, reset := range []string{"9999999999", "32503680000", "99999999999.5", "9223372036"} {
		var w window
		w.observe(http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}})
		left, rl := w.exhausted(now)
		assert.Greater(t, left, 200*365*24*time.Hour, reset)
		assert.True(t, rl.Drained, reset)
	}
}

func TestFormatWait(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0:                                     "0s",
		-time.Second:                          "0s",
		time.Nanosecond:                       "1ms",
		325*time.Millisecond + 123456:         "326ms",
		325 * time.Millisecond:                "325ms",
		999*time.Millisecond + 1:              "1s",
		1249 * time.Millisecond:               "1.2s",
		41*time.Second + 700*time.Millisecond: "41.7s",
		41*time.Minute + 7*time.Second + 400*time.Millisecond: "41m7s",
		366 * 24 * time.Hour:     "more than a year",
		time.Duration(1<<63 - 1): "more than a year",
	} {
		assert.Equal(t, want, FormatWait(d), "%d", int64(d))
	}
}
