package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderBar(t *testing.T) {
	assert.Equal(t, "[........................] 0/1000 imported", renderBar("imported", 0, 1000, 0))
	assert.Equal(t, "[############............] 500/1000 imported  100/s  ETA 5s",
		renderBar("imported", 500, 1000, 5*time.Second))
	assert.Equal(t, "[########################] 1000/1000 imported  200/s",
		renderBar("imported", 1000, 1000, 5*time.Second))
	assert.Equal(t, "[########################] 120/100 exported  60/s", renderBar("exported", 120, 100, 2*time.Second),
		"more than expected (contacts created during an export) stays in the bar")
	assert.Equal(t, "7 exported  7/s", renderBar("exported", 7, 0, time.Second), "no total yet")
}

func TestProgressOnTerminal(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, tty: true, verb: "imported", total: 10, start: time.Now()}
	p.add(3)
	p.printf("line %d: no name\n", 7)
	bar := renderBar("imported", 3, 10, time.Since(p.start))[:40]
	assert.Contains(t, b.String(), "line 7: no name\n\r"+bar, "news, then the bar redrawn below it")
	b.Reset()
	p.printf("again\n")
	assert.Regexp(t, `^\r +\ragain\n\r\[`, b.String(), "the bar is cleared before news")
	b.Reset()
	p.finish()
	assert.Regexp(t, `^\r +\r$`, b.String(), "finish removes the bar")
	b.Reset()
	p.printf("after\n")
	assert.Equal(t, "after\n", b.String(), "no bar once finished")
}

func TestProgressNotATerminal(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, false, nil, "imported", 10, time.Millisecond)
	p.add(5)
	p.printf("news\n")
	p.finish()
	assert.Equal(t, "news\n", b.String(), "plain lines only, no bar")
}

func TestProgressTicks(t *testing.T) {
	var b syncBuffer
	p := newProgress(&b, true, nil, "imported", 10, time.Millisecond)
	p.add(4)
	require.Eventually(t, func() bool { return bytes.Contains(b.Bytes(), []byte("4/10 imported")) },
		5*time.Second, time.Millisecond, "the bar is redrawn on its own")
	p.finish()
}

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
