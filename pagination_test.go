package cashfin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cashfin-go/cashfin"
)

// pager is a fake list endpoint over total contacts named c0, c1, ...
type pager struct {
	total int
	block string              // "pagination", "meta", or "" for no page block
	pages func(limit int) int // the "pages" the block reports; nil: ceil(total/limit)
	fail  map[int]reply       // pages answered with a failure instead

	mu        sync.Mutex
	requested []int
}

func contactID(i int) string { return fmt.Sprintf("%024x", i) }

func (p *pager) install(mt *httpmock.MockTransport) { mt.RegisterNoResponder(p.respond) }

func (p *pager) respond(req *http.Request) (*http.Response, error) {
	q := req.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit == 0 {
		limit = 10
	}
	p.mu.Lock()
	p.requested = append(p.requested, page)
	p.mu.Unlock()
	if r, ok := p.fail[page]; ok {
		return r.response(req)
	}
	data := []map[string]any{}
	for i := (page - 1) * limit; i < min(page*limit, p.total); i++ {
		data = append(data, map[string]any{"_id": contactID(i), "name": fmt.Sprint("c", i), "createdat": ""})
	}
	body := map[string]any{"success": true, "data": data}
	if p.block != "" {
		pages := (p.total + limit - 1) / limit
		if p.pages != nil {
			pages = p.pages(limit)
		}
		body[p.block] = map[string]int{"total": p.total, "page": page, "limit": limit, "pages": pages}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	return httpmock.NewBytesResponse(200, raw), nil
}

func (p *pager) seen() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.requested...)
}

func newPagerClient(t *testing.T, p *pager) *cashfin.Client {
	t.Helper()
	c, mt := newMockClient(t, fast())
	p.install(mt)
	return c
}

// names walks ListAll and returns the names, and the errors yielded.
func names(c *cashfin.Client, ctx context.Context, params *cashfin.ContactListParams) ([]string, []error) {
	var out []string
	var errs []error
	for contact, err := range c.Contacts.ListAll(ctx, params) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, contact.Name)
	}
	return out, errs
}

// seq is from, from+1, ..., to.
func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func want(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprint("c", i))
	}
	return out
}

func TestListPagesWalksInOrder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, block := range []string{"pagination", "meta"} {
		t.Run(block, func(t *testing.T) {
			p := &pager{total: 7, block: block}
			c := newPagerClient(t, p)
			var got []cashfin.Pagination
			var ids []string
			for page, err := range c.Contacts.ListPages(context.Background(), &cashfin.ContactListParams{Limit: 3}) {
				require.NoError(t, err)
				got = append(got, page.Pagination)
				for _, ct := range page.Data {
					ids = append(ids, ct.ID)
				}
			}
			assert.Equal(t, []cashfin.Pagination{
				{Total: 7, Page: 1, Limit: 3, Pages: 3},
				{Total: 7, Page: 2, Limit: 3, Pages: 3},
				{Total: 7, Page: 3, Limit: 3, Pages: 3},
			}, got)
			assert.Len(t, ids, 7)
			for i, id := range ids {
				assert.Equal(t, contactID(i), id)
			}
			assert.Equal(t, []int{1, 2, 3}, p.seen())
		})
	}
}

func TestListAllWalksInOrder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		name      string
		p         *pager
		params    *cashfin.ContactListParams
		names     []string
		requested []int
	}{
		{"block, several pages", &pager{total: 10, block: "pagination"}, &cashfin.ContactListParams{Limit: 4},
			want(0, 10), []int{1, 2, 3}},
		{"block, from page 2", &pager{total: 10, block: "meta"}, &cashfin.ContactListParams{Page: 2, Limit: 4},
			want(4, 10), []int{2, 3}},
		{"block, default limit 100", &pager{total: 250, block: "pagination"}, nil, want(0, 250), []int{1, 2, 3}},
		{"block, empty", &pager{total: 0, block: "pagination"}, nil, nil, []int{1}},
		{"block agrees with itself: stop at pages", &pager{total: 50, block: "pagination",
			pages: func(int) int { return 10 }}, &cashfin.ContactListParams{Limit: 5}, want(0, 50), seq(1, 10)},
		{"block says fewer pages than its total: go on while full, lose nothing", &pager{total: 50, block: "pagination",
			pages: func(int) int { return 2 }}, &cashfin.ContactListParams{Limit: 5}, want(0, 50), seq(1, 10)},
		{"block says more pages than its total: stop at the first short page", &pager{total: 12, block: "pagination",
			pages: func(int) int { return 9 }}, &cashfin.ContactListParams{Limit: 5}, want(0, 12), seq(1, 3)},
		{"block says no pages: walk to ceil(total/limit)", &pager{total: 50, block: "pagination", pages: func(int) int { return 0 }},
			&cashfin.ContactListParams{Limit: 5}, want(0, 50), seq(1, 10)},
		{"no block: stop at the first short page", &pager{total: 7}, &cashfin.ContactListParams{Limit: 3},
			want(0, 7), []int{1, 2, 3}},
		{"no block: an empty page ends it", &pager{total: 6}, &cashfin.ContactListParams{Limit: 3},
			want(0, 6), []int{1, 2, 3}},
		{"no block: one short page", &pager{total: 2}, nil, want(0, 2), []int{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newPagerClient(t, tc.p)
			got, errs := names(c, context.Background(), tc.params)
			require.Empty(t, errs)
			assert.Equal(t, tc.names, got)
			assert.Equal(t, tc.requested, tc.p.seen())
		})
	}
}

func TestListPagesReadsAtMostOnePageAhead(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := &pager{total: 50, block: "pagination"}
	c := newPagerClient(t, p)
	n := 0
	for page, err := range c.Contacts.ListPages(context.Background(), &cashfin.ContactListParams{Limit: 5}) {
		require.NoError(t, err)
		n++
		assert.Equal(t, n, page.Pagination.Page)
		for _, s := range p.seen() {
			assert.LessOrEqual(t, s, n+1, "page %d requested while the loop is on page %d", s, n)
		}
	}
	assert.Equal(t, 10, n)
	assert.Equal(t, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, p.seen())
}

func TestIteratorsEarlyBreak(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	t.Run("ListAll", func(t *testing.T) {
		p := &pager{total: 100, block: "pagination"}
		c := newPagerClient(t, p)
		var got []string
		for contact, err := range c.Contacts.ListAll(context.Background(), &cashfin.ContactListParams{Limit: 3}) {
			require.NoError(t, err)
			got = append(got, contact.Name)
			if len(got) == 4 { // on page 2
				break
			}
		}
		assert.Equal(t, want(0, 4), got)
		seen := p.seen()
		assert.GreaterOrEqual(t, len(seen), 2)
		assert.LessOrEqual(t, len(seen), 3, "more than one page read ahead: %v", seen)
		assert.Equal(t, []int{1, 2, 3}[:len(seen)], seen)
	})
	t.Run("ListPages", func(t *testing.T) {
		p := &pager{total: 100, block: "pagination"}
		c := newPagerClient(t, p)
		for page, err := range c.Contacts.ListPages(context.Background(), &cashfin.ContactListParams{Limit: 3}) {
			require.NoError(t, err)
			require.Equal(t, 1, page.Pagination.Page)
			break
		}
		seen := p.seen()
		assert.LessOrEqual(t, len(seen), 2, "more than one page read ahead: %v", seen)
		assert.Equal(t, 1, seen[0])
	})
}

// rtFunc is an http.RoundTripper made of a function, run in the caller's goroutine.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestIteratorsBreakCancelsFetchInFlight(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := &pager{total: 100, block: "pagination"}
	entered := make(chan struct{}, 1)
	var returned atomic.Bool
	// Page 2 blocks until its request's context ends. The RoundTripper runs in the fetching
	// goroutine itself, so when the loop has returned, a fetch that was waited for has returned too.
	rt := rtFunc(func(req *http.Request) (*http.Response, error) {
		if req.URL.Query().Get("page") != "2" {
			return p.respond(req)
		}
		p.mu.Lock()
		p.requested = append(p.requested, 2)
		p.mu.Unlock()
		entered <- struct{}{}
		<-req.Context().Done()
		// A transport that takes a while to unwind (not synchronisation: correct code waits for
		// it however long it takes; a loop that does not wait returns well before it).
		time.Sleep(50 * time.Millisecond)
		returned.Store(true)
		return nil, req.Context().Err()
	})
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL("https://api.test"),
		cashfin.WithHTTPClient(&http.Client{Transport: rt}), fast())
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, err := range c.Contacts.ListPages(context.Background(), &cashfin.ContactListParams{Limit: 3}) {
			if err != nil {
				t.Error(err)
			}
			// Wait until page 2 is being fetched, so that the break has a fetch to cancel.
			select {
			case <-entered:
			case <-time.After(5 * time.Second):
				t.Error("page 2 was not read ahead")
			}
			break
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("breaking out of the loop did not stop the fetch in flight")
	}
	assert.True(t, returned.Load(), "the loop returned before the fetch it cancelled")
	assert.Equal(t, []int{1, 2}, p.seen())
}

func TestIteratorsErrorYieldedOnce(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	notFound := reply{status: 404, body: `{"success":false,"error":"Page not found"}`}
	for _, failAt := range []int{1, 2, 3} {
		t.Run(fmt.Sprint("ListPages fails at page ", failAt), func(t *testing.T) {
			p := &pager{total: 30, block: "pagination", fail: map[int]reply{failAt: notFound}}
			c := newPagerClient(t, p)
			pages, errCount, afterErr := 0, 0, 0
			for page, err := range c.Contacts.ListPages(context.Background(), &cashfin.ContactListParams{Limit: 5}) {
				if errCount > 0 {
					afterErr++
				}
				if err != nil {
					errCount++
					assert.Nil(t, page)
					assert.ErrorIs(t, err, cashfin.ErrNotFound)
					continue // keep asking: the iterator must end by itself
				}
				pages++
			}
			assert.Equal(t, failAt-1, pages)
			assert.Equal(t, 1, errCount)
			assert.Equal(t, 0, afterErr)
			assert.Equal(t, failAt, len(p.seen()), "requests after the failing page: %v", p.seen())
		})
	}
	t.Run("ListAll", func(t *testing.T) {
		p := &pager{total: 30, block: "pagination", fail: map[int]reply{2: notFound}}
		c := newPagerClient(t, p)
		var got []string
		var errs []error
		for contact, err := range c.Contacts.ListAll(context.Background(), &cashfin.ContactListParams{Limit: 5}) {
			if err != nil {
				errs = append(errs, err)
				assert.Zero(t, contact)
				continue
			}
			require.Empty(t, errs, "an item after the error")
			got = append(got, contact.Name)
		}
		assert.Equal(t, want(0, 5), got)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], cashfin.ErrNotFound)
	})
	t.Run("a retried failure is not an error", func(t *testing.T) {
		p := &pager{total: 12, block: "pagination"}
		c, mt := newMockClient(t, fast())
		// Page 2 fails once with a 503, then the pager answers.
		var once sync.Once
		failed := false
		mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
			if req.URL.Query().Get("page") == "2" {
				hit := false
				once.Do(func() { hit = true; failed = true })
				if hit {
					return httpmock.NewStringResponse(503, ""), nil
				}
			}
			return p.respond(req)
		})
		got, errs := names(c, context.Background(), &cashfin.ContactListParams{Limit: 5})
		require.Empty(t, errs)
		assert.Equal(t, want(0, 12), got)
		assert.True(t, failed)
	})
}

func TestIteratorsCancelledContext(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	t.Run("cancelled in the loop", func(t *testing.T) {
		p := &pager{total: 1000, block: "pagination"}
		c := newPagerClient(t, p)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var errs []error
		items, afterErr := 0, 0
		for _, err := range c.Contacts.ListAll(ctx, &cashfin.ContactListParams{Limit: 5}) {
			if len(errs) > 0 {
				afterErr++
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			items++
			if items == 2 {
				cancel()
			}
		}
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], context.Canceled)
		assert.Equal(t, 0, afterErr)
		assert.LessOrEqual(t, items, 10, "the walk went on after the cancel")
		assert.LessOrEqual(t, len(p.seen()), 2)
	})
	t.Run("cancelled before", func(t *testing.T) {
		p := &pager{total: 10, block: "pagination"}
		c := newPagerClient(t, p)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, seq := range []func() (int, []error){
			func() (int, []error) { return drain(c.Contacts.ListPages(ctx, nil)) },
			func() (int, []error) { return drain(c.Contacts.ListAll(ctx, nil)) },
		} {
			n, errs := seq()
			assert.Equal(t, 0, n)
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], context.Canceled)
		}
		assert.Empty(t, p.seen(), "a request was sent with an ended context")
	})
}
