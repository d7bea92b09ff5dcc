package bulk

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPauseGate(t *testing.T) {
	var g pauseGate
	require.NoError(t, g.wait(context.Background()), "no pause: no wait")
	assert.True(t, g.pause(30*time.Millisecond), "a new pause is news")
	assert.False(t, g.pause(10*time.Millisecond), "a pause within one in force is not")
	start := time.Now()
	require.NoError(t, g.wait(context.Background()))
	assert.GreaterOrEqual(t, time.Since(start), 25*time.Millisecond, "waits out the longer pause")

	g.pause(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, g.wait(ctx), context.Canceled, "an interrupt ends the wait")
}

func TestFallbackPause(t *testing.T) {
	assert.Equal(t, time.Second, fallbackPause(time.Second, 1))
	assert.Equal(t, 4*time.Second, fallbackPause(time.Second, 3))
	assert.Equal(t, maxFallbackPause, fallbackPause(time.Second, 30))
}
