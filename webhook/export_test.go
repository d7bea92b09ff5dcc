package webhook

import "time"

// SetMemoryClock makes a NewMemoryDeduper's Deduper read the time from now.
func SetMemoryClock(d Deduper, now func() time.Time) { d.(*memoryDeduper).now = now }

// SetFinishTimeout sets how long Handler gives Deduper.Finish, until restore is called.
func SetFinishTimeout(d time.Duration) (restore func()) {
	old := finishTimeout
	finishTimeout = d
	return func() { finishTimeout = old }
}

// SetNewMemoryClock makes the Dedupers NewMemoryDeduper returns from now on (Handler's default
// included) read the time from now, until restore is called.
func SetNewMemoryClock(now func() time.Time) (restore func()) {
	old := memoryNow
	memoryNow = now
	return func() { memoryNow = old }
}
