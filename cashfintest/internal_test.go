package cashfintest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// clock is a fake time source for the handler: tests of the rate windows never sleep.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// TestPlanWindows drives layered windows with a fake clock, step by step: which requests are
// admitted, and the headers' figures for the window closest to exhaustion.
func TestPlanWindows(t *testing.T) {
	t0 := time.Unix(1_700_000_020, 0) // 20 s before a minute ends (1_700_000_040 is a multiple of 60)
	type step struct {
		at         time.Duration // since t0
		ok         bool
		limit      int
		remaining  int
		reset      int64 // since t0.Unix()
		retryAfter int
	}
	tests := []struct {
		name                string
		perSec, perMin, day int
		steps               []step
	}{
		{"per second only", 2, 0, 0, []step{
			{0, true, 2, 1, 1, 0},
			{300 * time.Millisecond, true, 2, 0, 1, 0},
			{600 * time.Millisecond, false, 2, 0, 1, 1}, // 0.4 s left, rounded up
			{999 * time.Millisecond, false, 2, 0, 1, 1}, // never below 1
			{time.Second, true, 2, 1, 2, 0},             // a new second: the window is fresh
			{5 * time.Second, true, 2, 1, 6, 0},
		}},
		{"the minute runs out before the second", 5, 3, 0, []step{
			{0, true, 3, 2, 20, 0}, // minute: 2 left of 3; second: 4 left of 5
			{100 * time.Millisecond, true, 3, 1, 20, 0},
			{200 * time.Millisecond, true, 3, 0, 20, 0},
			{300 * time.Millisecond, false, 3, 0, 20, 20}, // 19.7 s, rounded up
			{19 * time.Second, false, 3, 0, 20, 1},
			{20 * time.Second, true, 3, 2, 80, 0}, // the next minute
		}},
		{"the second runs out before the minute", 2, 60, 0, []step{
			{0, true, 2, 1, 1, 0},
			{0, true, 2, 0, 1, 0},
			{0, false, 2, 0, 1, 1},
			{time.Second, true, 2, 1, 2, 0},
		}},
		{"a tie goes to the window that resets last", 1, 2, 0, []step{
			{0, true, 1, 0, 1, 0},                                   // second 0 left, minute 1 left: the second
			{time.Second, true, 2, 0, 20, 0},                        // both 0 left: the minute, which resets last
			{2 * time.Second, false, 2, 0, 20, 18},                  // refused by both: the minute's wait
			{20 * time.Second, true, 1, 0, 21, 0},                   // both fresh; then second 0, minute 1
			{20*time.Second + time.Millisecond, false, 1, 0, 21, 1}, // refused by the second alone
		}},
		{"refused requests count in no window", 1, 2, 0, []step{
			{0, true, 1, 0, 1, 0},
			{0, false, 1, 0, 1, 1}, // refused by the second: the minute still has 1
			{0, false, 1, 0, 1, 1},
			{time.Second, true, 2, 0, 20, 0},
		}},
		{"per day", 0, 0, 2, []step{
			{0, true, 2, 1, 86400 - 1_700_000_020%86400, 0},
			{10 * time.Minute, true, 2, 0, 86400 - 1_700_000_020%86400, 0},
			{20 * time.Minute, false, 2, 0, 86400 - 1_700_000_020%86400, 86400 - 1_700_000_020%86400 - 1200},
			{86400*time.Second - 1_700_000_020%86400*time.Second, true, 2, 1, 2*86400 - 1_700_000_020%86400, 0},
		}},
		{"a clock going back keeps the current windows", 2, 0, 0, []step{
			{time.Second, true, 2, 1, 2, 0},
			{time.Second, true, 2, 0, 2, 0},
			{-time.Hour, false, 2, 0, 2, 3602},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPlan(tt.perSec, tt.perMin, tt.day)
			for i, s := range tt.steps {
				v := p.take(t0.Add(s.at))
				want := verdict{ok: s.ok, limit: s.limit, remaining: s.remaining, reset: t0.Unix() + s.reset, retryAfter: s.retryAfter}
				assert.Equal(t, want, v, "step %d", i)
			}
		})
	}
	assert.Nil(t, newPlan(0, 0, 0), "no limit, no plan")
}

// TestWaitingUntilResetNeverMeets429 plays clients that obey the headers against several plans,
// on a fake clock: whenever a response says Remaining 0, the client waits until
// X-RateLimit-Reset, and so never gets a 429. A client that ignores the headers gets 429s, and
// waiting out their Retry-After is always enough.
func TestWaitingUntilResetNeverMeets429(t *testing.T) {
	plans := [][3]int{{5, 60, 1000}, {1, 0, 0}, {0, 3, 0}, {3, 3, 0}, {2, 0, 5}, {10, 25, 0}, {4, 7, 30}}
	rng := rand.New(rand.NewPCG(7, 11))
	for _, pl := range plans {
		t.Run(fmt.Sprint(pl), func(t *testing.T) {
			clk := &clock{t: time.Unix(1_700_000_000, 0).Add(time.Duration(rng.IntN(1e9)))}
			h := NewHandler(WithPlan(pl[0], pl[1], pl[2]))
			h.now = clk.now
			admitted := 0
			for i := range 400 {
				w := serveList(h)
				require.Equal(t, http.StatusOK, w.Code, "request %d at %v: the obedient client met a 429", i, clk.t)
				admitted++
				if w.Header().Get("X-RateLimit-Remaining") == "0" {
					reset, err := strconv.ParseInt(w.Header().Get("X-RateLimit-Reset"), 10, 64)
					require.NoError(t, err)
					require.True(t, time.Unix(reset, 0).After(clk.t), "reset %d is in the future", reset)
					clk.t = time.Unix(reset, 0) // wait exactly until the reset
				} else {
					clk.advance(time.Duration(rng.IntN(300)) * time.Millisecond)
				}
			}
			assert.Equal(t, 400, admitted)

			h.Reset()
			for i := range 400 { // a greedy client: waits only when told to by a 429
				w := serveList(h)
				if w.Code == http.StatusTooManyRequests {
					secs, err := strconv.Atoi(w.Header().Get("Retry-After"))
					require.NoError(t, err)
					require.GreaterOrEqual(t, secs, 1)
					assert.Equal(t, w.Header().Get("X-RateLimit-Reset"),
						strconv.FormatInt(clk.t.Add(time.Duration(secs)*time.Second).Unix(), 10),
						"Retry-After reaches the refusing window's reset")
					clk.advance(time.Duration(secs) * time.Second)
					require.Equal(t, http.StatusOK, serveList(h).Code, "request %d: waiting Retry-After is enough", i)
				}
				clk.advance(time.Duration(rng.IntN(50)) * time.Millisecond)
			}
		})
	}
}

// serveList serves one authorized list request in process.
func serveList(h *Handler) *httptest.ResponseRecorder {
	hr := httptest.NewRequest(http.MethodGet, "/business/contact/list", nil)
	hr.Header.Set("Authorization", DefaultSecret)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, hr)
	return w
}

// TestRateLimitWithFakeClock checks the 429 answer as a whole, deterministically.
func TestRateLimitWithFakeClock(t *testing.T) {
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	h := NewHandler(WithRateLimit(2))
	h.now = clk.now
	assert.Equal(t, 200, serveList(h).Code)
	assert.Equal(t, 200, serveList(h).Code)
	clk.advance(250 * time.Millisecond)
	w := serveList(h)
	assert.Equal(t, 429, w.Code)
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
	assert.Equal(t, "2", w.Header().Get("X-RateLimit-Limit"))
	assert.Equal(t, "0", w.Header().Get("X-RateLimit-Remaining"))
	assert.Equal(t, "1700000001", w.Header().Get("X-RateLimit-Reset"))
	assert.JSONEq(t, `{"success":false,"error":"Rate limit exceeded. Please try again later.","retry_after":1}`, w.Body.String())

	clk.advance(750 * time.Millisecond) // the next second
	w = serveList(h)
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "1", w.Header().Get("X-RateLimit-Remaining"))
	assert.Equal(t, "1700000002", w.Header().Get("X-RateLimit-Reset"))

	var statuses []int
	for _, r := range h.Requests() {
		statuses = append(statuses, r.Status)
	}
	assert.Equal(t, []int{200, 200, 429, 200}, statuses, "refused requests are recorded too")

	h.Reset()
	w = serveList(h)
	assert.Equal(t, "1", w.Header().Get("X-RateLimit-Remaining"), "Reset forgets the windows")
}

func TestNewIDIncreases(t *testing.T) {
	var g idGen
	t0 := time.Unix(1_700_000_000, 0)
	var ids []string
	for _, at := range []time.Time{t0, t0, t0.Add(time.Second), t0.Add(-time.Hour), t0.Add(-time.Hour), time.Unix(-5, 0)} {
		ids = append(ids, g.next(at))
	}
	g.counter = 1<<24 - 2 // the counter is about to run out within this second
	ids = append(ids, g.next(t0), g.next(t0), g.next(t0))
	for i, id := range ids {
		assert.True(t, isObjectID(id), id)
		if i > 0 {
			assert.Greater(t, id, ids[i-1], "ID %d", i)
		}
	}
	assert.Equal(t, fmt.Sprintf("%08x", t0.Unix()), ids[0][:8], "an ObjectID starts with its Unix time")
}

// TestStorePageMatchesNaive compares the indexed pages with a plain filter-reverse-slice, over
// random stores, pages, limits and searches.
func TestStorePageMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"Jane", "KOFI", "ama", "Zoë", "acme", "+254", "ß", ""}
	for round := range 30 {
		s := newContactStore()
		n := rng.IntN(120)
		cs := make([]cashfin.Contact, n)
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range cs {
			cs[i] = cashfin.Contact{
				Name:        words[rng.IntN(len(words)-1)] + " " + words[rng.IntN(len(words))],
				Email:       words[rng.IntN(len(words))],
				Phone:       words[rng.IntN(len(words))],
				CompanyName: words[rng.IntN(len(words))],
				Position:    "Jane's manager",
				CreatedAt:   base.Add(time.Duration(rng.IntN(50)) * time.Minute), // ties and disorder
			}
		}
		// Add in several batches, some out of order, as tests seed.
		for len(cs) > 0 {
			k := min(len(cs), 1+rng.IntN(30))
			seeds := make([]seed[contact], k)
			for i, c := range cs[:k] {
				seeds[i] = contactSeed(c)
			}
			s.add(seeds, base)
			cs = cs[k:]
		}
		all := s.all()
		require.True(t, slices.IsSortedFunc(all, func(a, b *record[contact]) int { return olderThan(b, a) }), "round %d: newest first", round)
		for range 20 {
			page, limit := 1+rng.IntN(8), 1+rng.IntN(25)
			search := words[rng.IntN(len(words))]
			if rng.IntN(3) == 0 {
				search = strings.ToUpper(search)
			}
			got, total := s.page(page, limit, search)

			var match []*record[contact]
			for _, r := range all {
				if search == "" || r.matches(strings.ToLower(search)) {
					match = append(match, r)
				}
			}
			lo := min((page-1)*limit, len(match))
			want := match[lo:min(lo+limit, len(match))]
			assert.Equal(t, len(match), total, "round %d page %d limit %d search %q", round, page, limit, search)
			assert.Equal(t, ids(want), ids(got), "round %d page %d limit %d search %q", round, page, limit, search)
		}
	}
}

func ids[F any](rs []*record[F]) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.id)
	}
	return out
}

// TestRequestsKeepTheMostRecent checks the recorder's bound, with a small one.
func TestRequestsKeepTheMostRecent(t *testing.T) {
	h := NewHandler()
	h.requests.limit = 3
	for i := range 10 {
		hr := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/business/contact/list?page=%d", i+1), nil)
		hr.Header.Set("Authorization", DefaultSecret)
		h.ServeHTTP(httptest.NewRecorder(), hr)
		reqs := h.Requests()
		require.Len(t, reqs, min(i+1, 3))
		assert.Equal(t, fmt.Sprintf("page=%d", i+1), reqs[len(reqs)-1].Query, "the newest is last")
		assert.LessOrEqual(t, len(h.requests.reqs), 6, "memory stays bounded")
	}
	var got []string
	for _, r := range h.Requests() {
		got = append(got, r.Query)
	}
	assert.Equal(t, []string{"page=8", "page=9", "page=10"}, got)
	assert.Equal(t, 100_000, MaxRecorded)
}
