package term

import (
	"fmt"
	"math"
	"time"
)

// Duration says d for a person: seconds under a minute ("45s"), else hours and minutes
// ("19 h 7 min", "5 min"), and days past two of them ("about 50 days"), never "68819 s".
func Duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d >= 48*time.Hour:
		return fmt.Sprintf("about %d days", int(math.Round(d.Hours()/24)))
	}
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// dailyWindow is the server's daily request window, as far as it is known.
type dailyWindow struct {
	limit, left int // requests a day; left today
	reset       time.Time
}

// eta is how long n more items take at rate a second, waiting for the daily window to reset
// each time it runs out.
func (w dailyWindow) eta(n int, rate float64, now time.Time) time.Duration {
	at := func(k int) time.Duration { return time.Duration(float64(k) / rate * float64(time.Second)) }
	if w.limit <= 0 || n <= w.left || w.reset.IsZero() {
		return at(n)
	}
	rest := n - max(w.left, 0)
	days := (rest - 1) / w.limit // whole days after the first reset
	last := rest - days*w.limit
	return max(w.reset.Sub(now), 0) + time.Duration(days)*24*time.Hour + at(last)
}

// DailyETA is how long n requests take at rate a second within a daily window of limit requests,
// of which left remain until reset, or 0 when the window does not slow them down.
func DailyETA(n int, rate float64, limit, left int, reset, now time.Time) time.Duration {
	return dailyWindow{limit: limit, left: left, reset: reset}.eta(n, rate, now)
}
