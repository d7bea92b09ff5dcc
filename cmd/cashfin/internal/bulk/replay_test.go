package bulk

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// TestReplayState: the Idempotent-Replayed header decides, when the answer carries it, whatever
// the snapshot heuristic would say; without it, the heuristic.
func TestReplayState(t *testing.T) {
	res := &Resource[cashfin.Contact]{ID: func(c *cashfin.Contact) string { return c.ID },
		CreatedAt: func(c *cashfin.Contact) time.Time { return c.CreatedAt }}
	im := &Importer[cashfin.Contact]{cfg: ImportConfig[cashfin.Contact]{Resource: res}}
	im.snap = snapshot{known: true, empty: true} // the heuristic: an empty server replays nothing
	rec := &cashfin.Contact{ID: "a", CreatedAt: time.Now()}
	answer := func(v string) *cashfin.Response {
		r := &cashfin.Response{StatusCode: 201, Header: http.Header{}}
		if v != "" {
			r.Header.Set("Idempotent-Replayed", v)
		}
		return r
	}
	assert.Equal(t, stateReplayed, im.replayState(answer("true"), rec), "the header over the heuristic")
	assert.Equal(t, stateReplayed, im.replayState(answer(" TRUE "), rec))
	assert.Equal(t, stateCreated, im.replayState(answer("false"), rec))
	assert.Equal(t, stateCreated, im.replayState(answer(""), rec), "no header: the heuristic")

	im.snap = snapshot{known: true, at: rec.CreatedAt.Add(time.Minute), id: "z"}
	assert.Equal(t, stateReplayed, im.replayState(answer(""), rec), "no header: older than the newest before the import")
	assert.Equal(t, stateCreated, im.replayState(answer("false"), rec), "the header over the heuristic")
}

// TestPauseSaidInHoursAndMinutes: a day-window pause is said as a person would, never
// "waiting 68819 s".
func TestPauseSaidInHoursAndMinutes(t *testing.T) {
	var b bytes.Buffer
	p := NewPacer(PaceConfig{Progress: term.NewProgress(&b, false, nil, "imported", 0, 0)})
	p.pauseForWindow(68819 * time.Second)
	assert.Equal(t, "rate limit reached: waiting 19 h 7 min for the window to reset\n", b.String())
	b.Reset()
	p.gate = pauseGate{}
	p.pauseForWindow(1500 * time.Millisecond)
	assert.Equal(t, "rate limit reached: waiting 2s for the window to reset\n", b.String())
}

// TestDailyWindowKnown: a window resetting more than an hour away, with a limit, is the plan's
// daily one.
func TestDailyWindowKnown(t *testing.T) {
	p := NewPacer(PaceConfig{Progress: term.NewProgress(&bytes.Buffer{}, false, nil, "imported", 0, 0)})
	_, _, _, ok := p.Daily()
	assert.False(t, ok)
	p.book.take(time.Now())
	p.Done(Window{reset: time.Now().Add(30 * time.Second), remaining: 2, limit: 5})
	_, _, _, ok = p.Daily()
	assert.False(t, ok, "the per-second or per-minute window is not the day's")
	reset := time.Now().Add(20 * time.Hour)
	p.book.take(time.Now())
	p.Done(Window{reset: reset, remaining: 950, limit: 1000})
	limit, left, at, ok := p.Daily()
	assert.True(t, ok)
	assert.Equal(t, []int{1000, 950}, []int{limit, left})
	assert.Equal(t, reset, at)
}
