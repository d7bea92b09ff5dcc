package bulk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWindowBook: requests go while the known window has room, counted as they are sent; an
// exhausted window holds them until its reset; a response's count less the requests still in
// flight is believed only when lower; without an open window, one request at a time learns it.
func TestWindowBook(t *testing.T) {
	var b windowBook
	now := time.Unix(1000, 0)
	reset := now.Add(time.Second)

	wait, answer := b.take(now)
	require.Zero(t, wait)
	require.Nil(t, answer, "nothing known: the first request goes")
	wait, answer = b.take(now)
	require.Zero(t, wait)
	require.Nil(t, answer, "the server has not reported windows: no reason to hold back")
	b.observe(reset, 3) // one still in flight: 2 left at most
	b.observe(time.Time{}, 0)

	for range 2 {
		wait, answer = b.take(now)
		require.Zero(t, wait)
		require.Nil(t, answer)
	}
	wait, _ = b.take(now.Add(300 * time.Millisecond))
	assert.Equal(t, 700*time.Millisecond, wait, "exhausted: wait for the reset")
	b.observe(reset, 5)
	b.observe(reset, 4)
	wait, _ = b.take(now.Add(300 * time.Millisecond))
	assert.Equal(t, 700*time.Millisecond, wait, "a higher count from a late answer does not reopen the window")

	// The window resets: nothing is known of the next one, so one request learns it.
	later := reset
	wait, answer = b.take(later)
	require.Zero(t, wait)
	require.Nil(t, answer)
	wait, answer = b.take(later)
	require.Zero(t, wait)
	require.NotNil(t, answer, "a second request waits for the first one's answer")
	select {
	case <-answer:
		t.Fatal("answered before any answer")
	default:
	}
	b.observe(later.Add(time.Second), 0)
	<-answer
	wait, _ = b.take(later)
	assert.Equal(t, time.Second, wait, "the answer said the new window is exhausted")
}
