package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/cashfin-go/cashfin"
)

// TestMain fails the package's tests if any goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestFloor: the earliest moment the n-th request can go, from where in the minute a run starts.
func TestFloor(t *testing.T) {
	t.Parallel()
	minute := time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC)
	plan := cashfin.Plan{PerSecond: 5, PerMinute: 60}
	for _, tc := range []struct {
		start time.Duration // into the minute
		n     int
		want  time.Duration
	}{
		{0, 5, 0},                 // all in the first second
		{0, 6, time.Second},       // the sixth in the next
		{0, 60, 11 * time.Second}, // 12 seconds of 5
		{0, 80, 63 * time.Second}, // 60, then 20 in the next minute's first 4 seconds
		{36*time.Second + 222*time.Millisecond, 80, 26*time.Second + 778*time.Millisecond}, // 24 s of room, then the next minute
		{55 * time.Second, 80, 15 * time.Second},                                           // 25 in 5 seconds, then 55 in 11
	} {
		got := floor(plan, minute.Add(tc.start), tc.n)
		assert.Equal(t, tc.want, got, "start %s, %d requests", tc.start, tc.n)
	}
	at2301 := time.Date(2026, 12, 7, 23, 1, 0, 0, time.UTC)
	assert.Equal(t, 59*time.Minute, floor(cashfin.Plan{PerDay: 2}, at2301, 3), "the third waits for the UTC day")
}

func TestParsePlan(t *testing.T) {
	t.Parallel()
	p, err := parsePlan("5, 60,0")
	assert.NoError(t, err)
	assert.Equal(t, cashfin.Plan{PerSecond: 5, PerMinute: 60}, p)
	for _, bad := range []string{"5,60", "5,x,0", "0,0,0", "-1,60,0"} {
		_, err := parsePlan(bad)
		assert.Error(t, err, bad)
	}
}
