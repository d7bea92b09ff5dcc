package main

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// windowLog is an HTTP transport that notes the rate-limit window each response reports.
type windowLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []reported
}

// reported is the window one response reported.
type reported struct {
	reset     int64
	remaining int
}

// RoundTrip passes req on and notes its response's window.
func (w *windowLog) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.next.RoundTrip(req)
	if err == nil {
		reset, rerr := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		remaining, merr := strconv.Atoi(resp.Header.Get("X-RateLimit-Remaining"))
		if rerr == nil && merr == nil {
			w.mu.Lock()
			w.seen = append(w.seen, reported{reset, remaining})
			w.mu.Unlock()
		}
	}
	return resp, err
}

// exhausted is how many windows the responses reported exhausted, not counting the last
// response's window: only those can have held a request back.
func (w *windowLog) exhausted() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.seen) == 0 {
		return 0
	}
	last := w.seen[len(w.seen)-1].reset
	windows := map[int64]bool{}
	for _, r := range w.seen {
		if r.remaining == 0 && r.reset != last {
			windows[r.reset] = true
		}
	}
	return len(windows)
}

// pacedCLI is a CLI against srv whose every pause is announced, with a log of the windows the
// server reported.
func pacedCLI(t *testing.T, srv *cashfintest.Server) (*cli, *windowLog) {
	c := newCLI(t, srv)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	log := &windowLog{next: tr}
	c.opts = append(c.opts, cashfin.WithHTTPClient(&http.Client{Transport: log}))
	c.announce = time.Nanosecond
	return c, log
}

// count429 is how many requests the fake answered with a 429.
func count429(srv *cashfintest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			n++
		}
	}
	return n
}

// TestImportPacesAgainstTheWindow: an import reads the server's window and pauses the whole run
// until its reset, rather than collecting 429s: with more requests in flight than the window
// admits and no client-side rate, not one request is refused, and each pause is said once.
func TestImportPacesAgainstTheWindow(t *testing.T) {
	srv := newServer(t, cashfintest.WithPlan(3, 0, 0))
	c, log := pacedCLI(t, srv)
	res := c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(10)), "--concurrency", "4", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 10, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
	assert.Len(t, srv.Contacts(), 10)
	assert.Zero(t, count429(srv), "no request met a 429")

	pauses := strings.Count(res.stderr, "rate limit reached: waiting ")
	assert.Regexp(t, `(?m)^rate limit reached: waiting 1s for the window to reset$`, res.stderr)
	assert.GreaterOrEqual(t, pauses, 1, "11 requests at 3 a second: the import paused")
	assert.LessOrEqual(t, pauses, log.exhausted(), "one message per pause, not one per worker: %s", res.stderr)
}

// TestExportPacesAgainstTheWindow: likewise for an export's pages.
func TestExportPacesAgainstTheWindow(t *testing.T) {
	srv := newServer(t, cashfintest.WithPlan(2, 0, 0))
	seed(srv, 450)
	c, log := pacedCLI(t, srv)
	res := c.run("contacts", "export", "--concurrency", "4", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, 451, strings.Count(res.stdout, "\n"), "a header and every contact")
	assert.Zero(t, count429(srv), "no request met a 429")
	pauses := strings.Count(res.stderr, "rate limit reached: waiting ")
	assert.GreaterOrEqual(t, pauses, 1, "5 pages at 2 a second: the export paused")
	assert.LessOrEqual(t, pauses, log.exhausted(), "one message per pause: %s", res.stderr)
}
