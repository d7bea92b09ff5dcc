package term

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderBar(t *testing.T) {
	assert.Equal(t, "[........................] 0/1000 imported", RenderBar("imported", 0, 1000, 0))
	assert.Equal(t, "[############............] 500/1000 imported  100/s  ETA 5s",
		RenderBar("imported", 500, 1000, 5*time.Second))
	assert.Equal(t, "[########################] 1000/1000 imported  200/s",
		RenderBar("imported", 1000, 1000, 5*time.Second))
	assert.Equal(t, "[########################] 120/100 exported  60/s", RenderBar("exported", 120, 100, 2*time.Second),
		"more than expected (contacts created during an export) stays in the bar")
	assert.Equal(t, "7 exported  7/s", RenderBar("exported", 7, 0, time.Second), "no total yet")
}

func TestProgressOnTerminal(t *testing.T) {
	var b bytes.Buffer
	p := &Progress{w: &b, tty: true, verb: "imported", total: 10, start: time.Now()}
	p.Add(3)
	p.Printf("line %d: no name\n", 7)
	bar := RenderBar("imported", 3, 10, time.Since(p.start))[:40]
	assert.Contains(t, b.String(), "line 7: no name\n\r"+bar, "news, then the bar redrawn below it")
	b.Reset()
	p.Printf("again\n")
	assert.Regexp(t, `^\r +\ragain\n\r\[`, b.String(), "the bar is cleared before news")
	b.Reset()
	p.Finish()
	assert.Regexp(t, `^\r +\r$`, b.String(), "finish removes the bar")
	b.Reset()
	p.Printf("after\n")
	assert.Equal(t, "after\n", b.String(), "no bar once finished")
}

func TestProgressNotATerminal(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, false, nil, "imported", 10, time.Millisecond)
	p.Add(5)
	p.Printf("news\n")
	p.Finish()
	assert.Equal(t, "news\n", b.String(), "plain lines only, no bar")
}

func TestProgressTicks(t *testing.T) {
	var b syncBuffer
	p := NewProgress(&b, true, nil, "imported", 10, time.Millisecond)
	p.Add(4)
	require.Eventually(t, func() bool { return bytes.Contains(b.Bytes(), []byte("4/10 imported")) },
		5*time.Second, time.Millisecond, "the bar is redrawn on its own")
	p.Finish()
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in different goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p, under the lock.
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// Bytes returns a copy of what was written so far.
func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

func TestDuration(t *testing.T) {
	assert.Equal(t, "45s", Duration(45*time.Second))
	assert.Equal(t, "19 h 7 min", Duration(68819*time.Second), "never \"waiting 68819 s\"")
	assert.Equal(t, "5 min", Duration(5*time.Minute+10*time.Second))
	assert.Equal(t, "2 h", Duration(2*time.Hour))
	assert.Equal(t, "about 50 days", Duration(50*24*time.Hour+3*time.Hour))
}

func TestDailyETA(t *testing.T) {
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	reset := now.Add(18 * time.Hour)
	// 50,000 rows at 1,000 a day, 1,000 left today: today's, then 49 more days, the last of
	// which starts 18 hours + 48 days from now.
	eta := DailyETA(50000, 5, 1000, 1000, reset, now)
	assert.Equal(t, 18*time.Hour+48*24*time.Hour+200*time.Second, eta)
	assert.Equal(t, "about 49 days", Duration(eta))
	assert.Equal(t, 200*time.Second, DailyETA(1000, 5, 50000, 40000, reset, now), "within the window: the rate alone")
	assert.Equal(t, 200*time.Second, DailyETA(1000, 5, 0, 0, time.Time{}, now), "no window known")
}

func TestETAOnTheBarCountsTheDays(t *testing.T) {
	var b bytes.Buffer
	p := &Progress{w: &b, tty: true, verb: "imported", total: 50000, start: time.Now().Add(-10 * time.Second)}
	p.Add(50)
	p.SetDaily(1000, 950, time.Now().Add(20*time.Hour))
	p.Printf("x\n")
	assert.Contains(t, b.String(), "ETA about 49 days", "not the 2.8 hours the rate alone gives")
}

func TestCount(t *testing.T) {
	assert.Equal(t, "50,000", Count(50000))
	assert.Equal(t, "999", Count(999))
	assert.Equal(t, "1,234,567", Count(1234567))
}
