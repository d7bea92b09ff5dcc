package webhook

import "time"

// SetMemoryClock makes a NewMemoryDeduper's Deduper read the time from now.
func SetMemoryClock(d Deduper, now func() time.Time) { d.(*memoryDeduper).now = now }
