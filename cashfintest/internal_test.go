package cashfintest

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// TestBucket drives the token bucket with a fake clock.
func TestBucket(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	b := newBucket(5, t0)
	type step struct {
		at         time.Duration // since t0
		ok         bool
		remaining  int
		retryAfter int
		reset      int64 // since t0.Unix()
	}
	steps := []step{
		{0, true, 4, 0, 1}, // 1 token short of full: full again in 200ms, rounded up to a second
		{0, true, 3, 0, 1},
		{0, true, 2, 0, 1},
		{0, true, 1, 0, 1},
		{0, true, 0, 0, 1},
		{0, false, 0, 1, 1},                            // empty: a token comes back in 200ms, which is 1s rounded up
		{100 * time.Millisecond, false, 0, 1, 1},       // half a token; full again in 0.9s
		{200 * time.Millisecond, true, 0, 0, 2},        // one token back, taken at once
		{1200 * time.Millisecond, true, 4, 0, 2},       // refilled to 5, one taken: full at 1.4s, rounded up to 2s
		{10 * time.Second, true, 4, 0, 11},             // never more than the burst
		{10 * time.Second, true, 3, 0, 11},             //
		{10*time.Second - time.Minute, true, 2, 0, 11}, // a clock going back refills nothing
	}
	for i, s := range steps {
		v := b.take(t0.Add(s.at))
		assert.Equal(t, s.ok, v.ok, "step %d", i)
		assert.Equal(t, 5, v.limit, "step %d", i)
		assert.Equal(t, s.remaining, v.remaining, "step %d", i)
		assert.Equal(t, s.retryAfter, v.retryAfter, "step %d", i)
		assert.Equal(t, t0.Unix()+s.reset, v.reset, "step %d", i)
	}

	slow := newBucket(1, t0)
	require.True(t, slow.take(t0).ok)
	v := slow.take(t0.Add(10 * time.Millisecond))
	assert.False(t, v.ok)
	assert.Equal(t, 1, v.retryAfter, "0.99s rounds up to 1s")
	v = slow.take(t0.Add(999 * time.Millisecond))
	assert.False(t, v.ok)
	assert.Equal(t, 1, v.retryAfter, "never below 1s")
}

// TestRateLimitWithFakeClock checks the 429 answer as a whole, deterministically.
func TestRateLimitWithFakeClock(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	h := NewHandler(WithRateLimit(2))
	h.now = func() time.Time { return now }
	h.limiter = newBucket(2, now)
	list := func() *httptest.ResponseRecorder {
		hr := httptest.NewRequest(http.MethodGet, "/business/contact/list", nil)
		hr.Header.Set("Authorization", DefaultSecret)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, hr)
		return w
	}
	assert.Equal(t, 200, list().Code)
	assert.Equal(t, 200, list().Code)
	w := list()
	assert.Equal(t, 429, w.Code)
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
	assert.Equal(t, "0", w.Header().Get("X-RateLimit-Remaining"))
	assert.Equal(t, "1700000001", w.Header().Get("X-RateLimit-Reset"))
	assert.JSONEq(t, `{"success":false,"error":"Rate limit exceeded. Try again later.","retry_after":1}`, w.Body.String())

	now = now.Add(500 * time.Millisecond) // one token back
	w = list()
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "0", w.Header().Get("X-RateLimit-Remaining"))
}

func TestNewIDIncreases(t *testing.T) {
	s := newStore()
	t0 := time.Unix(1_700_000_000, 0)
	var ids []string
	for _, at := range []time.Time{t0, t0, t0.Add(time.Second), t0.Add(-time.Hour), t0.Add(-time.Hour), time.Unix(-5, 0)} {
		ids = append(ids, s.newID(at))
	}
	s.idCounter = 1<<24 - 2 // the counter is about to run out within this second
	ids = append(ids, s.newID(t0), s.newID(t0), s.newID(t0))
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
		s := newStore()
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
			s.add(cs[:k], base)
			cs = cs[k:]
		}
		all := s.all()
		require.True(t, slices.IsSortedFunc(all, func(a, b *record) int { return olderThan(b, a) }), "round %d: newest first", round)
		for range 20 {
			page, limit := 1+rng.IntN(8), 1+rng.IntN(25)
			search := words[rng.IntN(len(words))]
			if rng.IntN(3) == 0 {
				search = strings.ToUpper(search)
			}
			got, total := s.page(page, limit, search)

			var match []*record
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

func ids(rs []*record) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.id)
	}
	return out
}
