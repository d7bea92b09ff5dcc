package cashfin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// The tests of this file run the SDK against real loopback servers that misbehave the way real
// ones do: caches that ignore the query string, stale page blocks, blocks without "pages" or with
// numbers as strings, successes without a record, and huge Retry-After values.

// loopback starts an httptest server answering with handle, closed when t ends, and a client of it.
func loopback(t *testing.T, handle http.HandlerFunc, opts ...cashfin.Option) *cashfin.Client {
	t.Helper()
	srv := httptest.NewServer(handle)
	t.Cleanup(srv.Close)
	opts = append([]cashfin.Option{cashfin.WithBaseURL(srv.URL + "/v1"), fast()}, opts...)
	c, err := cashfin.NewClient(testSecret, opts...)
	require.NoError(t, err)
	return c
}

// pageLog records the page numbers a server was asked for.
type pageLog struct {
	mu    sync.Mutex
	pages []int
}

func (l *pageLog) add(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pages = append(l.pages, n)
	return n
}

func (l *pageLog) seen() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.pages...)
}

// contactsJSON is a JSON list of the contacts from..to-1.
func contactsJSON(from, to int) string {
	items := make([]map[string]string, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		items = append(items, map[string]string{"_id": contactID(i), "name": fmt.Sprint("c", i)})
	}
	raw, _ := json.Marshal(items)
	return string(raw)
}

// walk drains ListAll, stopping after limit items so that a walk that would never end fails the
// test instead of hanging it.
func walk(c *cashfin.Client, params *cashfin.ContactListParams, limit int) (names []string, errs []error) {
	for contact, err := range c.Contacts.ListAll(context.Background(), params) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		names = append(names, contact.Name)
		if len(names) >= limit {
			break
		}
	}
	return names, errs
}

// wantInconsistent checks that err is the walk's ErrUnexpectedResponse for the list request.
func wantInconsistent(t *testing.T, errs []error, contains string) {
	t.Helper()
	require.Len(t, errs, 1, "want one error, and the walk to end")
	require.ErrorIs(t, errs[0], cashfin.ErrUnexpectedResponse)
	apiErr := wantAPIError(t, errs[0], http.StatusOK, cashfin.ErrUnexpectedResponse)
	assert.Equal(t, http.MethodGet, apiErr.Method)
	assert.Equal(t, "/v1/business/contact/list", apiErr.Path)
	assert.Contains(t, apiErr.Error(), contains)
}

func TestWalkNeverLoops(t *testing.T) {
	t.Parallel()
	// The documented list example, served whatever ?page= says (an OpenAPI mock, or a cache that
	// ignores the query string): its block says page 1 of 50.
	t.Run("a server that ignores the page, echoing its block", func(t *testing.T) {
		t.Parallel()
		var log pageLog
		c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
			log.add(r)
			fmt.Fprintf(w, `{"success":true,"data":%s,"pagination":{"total":500,"page":1,"limit":10,"pages":50}}`, contactsJSON(0, 10))
		})
		names, errs := walk(c, &cashfin.ContactListParams{Limit: 10}, 100)
		assert.Equal(t, want(0, 10), names, "the first page only, never repeated")
		wantInconsistent(t, errs, "asked for page 2, the answer is page 1")
		assert.Equal(t, []int{1, 2}, log.seen(), "the walk asks for the page after the one it asked for")
	})
	t.Run("a server that ignores the page, echoing the page asked for", func(t *testing.T) {
		t.Parallel()
		var log pageLog
		c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
			n := log.add(r)
			fmt.Fprintf(w, `{"success":true,"data":%s,"pagination":{"total":500,"page":%d,"limit":10,"pages":50}}`, contactsJSON(0, 10), n)
		})
		names, errs := walk(c, &cashfin.ContactListParams{Limit: 10}, 100)
		assert.Equal(t, want(0, 10), names)
		wantInconsistent(t, errs, "page 2 holds the same records as page 1")
		assert.Equal(t, []int{1, 2}, log.seen())
	})
	t.Run("a server that ignores the page, without a block", func(t *testing.T) {
		t.Parallel()
		var log pageLog
		c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
			log.add(r)
			fmt.Fprintf(w, `{"success":true,"data":%s}`, contactsJSON(0, 10))
		})
		names, errs := walk(c, &cashfin.ContactListParams{Limit: 10}, 100)
		assert.Equal(t, want(0, 10), names)
		wantInconsistent(t, errs, "page 2 holds the same records as page 1")
	})
	t.Run("a stale page block on fresh records", func(t *testing.T) {
		t.Parallel()
		var log pageLog
		c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
			n := log.add(r)
			fmt.Fprintf(w, `{"success":true,"data":%s,"meta":{"total":30,"page":1,"limit":10,"pages":3}}`, contactsJSON((n-1)*10, n*10))
		})
		names, errs := walk(c, &cashfin.ContactListParams{Limit: 10}, 100)
		assert.Equal(t, want(0, 10), names)
		wantInconsistent(t, errs, "asked for page 2, the answer is page 1")
	})
	t.Run("a block without page (unknown, not different)", func(t *testing.T) {
		t.Parallel()
		var log pageLog
		c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
			n := log.add(r)
			fmt.Fprintf(w, `{"success":true,"data":%s,"pagination":{"total":25,"page":0,"limit":10,"pages":3}}`, contactsJSON((n-1)*10, min(n*10, 25)))
		})
		names, errs := walk(c, &cashfin.ContactListParams{Limit: 10}, 100)
		require.Empty(t, errs)
		assert.Equal(t, want(0, 25), names)
		assert.Equal(t, []int{1, 2, 3}, log.seen())
	})
	t.Run("a contradicting block over an endless list still ends", func(t *testing.T) {
		t.Parallel()
		var log pageLog
		c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
			n := log.add(r)
			// Fresh, full pages forever; the block says 2 pages, and its total says 4.
			fmt.Fprintf(w, `{"success":true,"data":%s,"pagination":{"total":20,"page":%d,"limit":5,"pages":2}}`, contactsJSON((n-1)*5, n*5), n)
		})
		names, errs := walk(c, &cashfin.ContactListParams{Limit: 5}, 1000)
		require.Empty(t, errs)
		assert.Equal(t, want(0, 20), names, "the larger count is walked, and no further")
		assert.Equal(t, []int{1, 2, 3, 4}, log.seen())
	})
}

func TestWalkReadsTheBlockAsSent(t *testing.T) {
	t.Parallel()
	// 62 contacts, 10 a page, the block's numbers as the server chooses to send them.
	serve62 := func(log *pageLog, block func(n int) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			n := log.add(r)
			fmt.Fprintf(w, `{"success":true,"data":%s,"pagination":%s}`, contactsJSON((n-1)*10, min(n*10, 62)), block(n))
		}
	}
	for _, tc := range []struct {
		name  string
		block func(n int) string
	}{
		{"no pages", func(n int) string { return fmt.Sprintf(`{"total":62,"page":%d,"limit":10}`, n) }},
		{"zero pages", func(n int) string { return fmt.Sprintf(`{"total":62,"page":%d,"limit":10,"pages":0}`, n) }},
		{"null pages", func(n int) string { return fmt.Sprintf(`{"total":62,"page":%d,"limit":10,"pages":null}`, n) }},
		{"string numbers", func(n int) string { return fmt.Sprintf(`{"total":"62","page":"%d","limit":"10","pages":"7"}`, n) }},
		{"string numbers, no pages", func(n int) string { return fmt.Sprintf(`{"total":"62","page":"%d","limit":"10"}`, n) }},
		{"whole floats", func(n int) string { return fmt.Sprintf(`{"total":62.0,"page":%d,"limit":10,"pages":7}`, n) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var log pageLog
			c := loopback(t, serve62(&log, tc.block))
			names, errs := walk(c, &cashfin.ContactListParams{Limit: 10}, 1000)
			require.Empty(t, errs)
			assert.Equal(t, want(0, 62), names)
			assert.Equal(t, seq(1, 7), log.seen())
		})
	}
	for _, tc := range []struct{ name, block string }{
		{"a word for a number", `{"total":"sixty","page":1,"limit":10,"pages":7}`},
		{"a fraction", `{"total":62,"page":1.5,"limit":10,"pages":7}`},
		{"a string for the block", `"page 1 of 7"`},
		{"an object for a number", `{"total":{"n":62},"page":1,"limit":10,"pages":7}`},
	} {
		t.Run("unreadable: "+tc.name, func(t *testing.T) {
			t.Parallel()
			var log pageLog
			c := loopback(t, serve62(&log, func(int) string { return tc.block }))
			names, errs := walk(c, &cashfin.ContactListParams{Limit: 10}, 1000)
			assert.Empty(t, names)
			require.Len(t, errs, 1)
			wantAPIError(t, errs[0], http.StatusOK, cashfin.ErrUnexpectedResponse)
		})
	}
}

func TestSuccessWithoutRecord(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"success":true}`,
		`{"success":true,"data":null}`,
		`{"success":true,"message":"Contact created","data":{}}`,
	} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusCreated)
				fmt.Fprint(w, body)
			})
			ctx := context.Background()
			got, err := c.Contacts.Get(ctx, testID)
			assert.Nil(t, got)
			apiErr := wantAPIError(t, err, http.StatusCreated, cashfin.ErrUnexpectedResponse)
			assert.Equal(t, "/v1/business/contact/details/"+testID, apiErr.Path)
			assert.Equal(t, http.MethodGet, apiErr.Method)

			created, err := c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane"})
			assert.Nil(t, created)
			apiErr = wantAPIError(t, err, http.StatusCreated, cashfin.ErrUnexpectedResponse)
			assert.Equal(t, http.MethodPost, apiErr.Method)
			assert.Equal(t, "/v1/business/contact/create", apiErr.Path)
		})
	}
	t.Run("an empty list is a valid empty page", func(t *testing.T) {
		t.Parallel()
		c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"success":true,"data":[],"pagination":{"total":0,"page":1,"limit":10,"pages":0}}`)
		})
		page, err := c.Contacts.List(context.Background(), nil)
		require.NoError(t, err)
		assert.Empty(t, page.Data)
		names, errs := walk(c, nil, 10)
		assert.Empty(t, names)
		assert.Empty(t, errs)
	})
}

func TestHugeRetryAfterReturnsAtOnce(t *testing.T) {
	t.Parallel()
	const month = 30 * 24 * time.Hour
	const ceiling = 365 * 24 * time.Hour // documented on APIError.RetryAfter
	fixed := func(s string) func() string { return func() string { return s } }
	for _, tc := range []struct {
		name   string
		header func() string // made when the server answers
		status int
		want   time.Duration
	}{
		{"30 days in seconds", fixed("2592000"), http.StatusTooManyRequests, month},
		{"10^18 seconds", fixed("1000000000000000000"), http.StatusTooManyRequests, ceiling},
		{"past int64", fixed("123456789012345678901234567890"), http.StatusServiceUnavailable, ceiling},
		{"a date 30 days ahead", func() string { return time.Now().Add(month).UTC().Format(http.TimeFormat) },
			http.StatusServiceUnavailable, month},
		{"a date in 9999", fixed("Fri, 31 Dec 9999 23:59:59 GMT"), http.StatusTooManyRequests, ceiling},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var log pageLog
			c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
				log.add(r)
				w.Header().Set("Retry-After", tc.header())
				w.WriteHeader(tc.status)
				fmt.Fprint(w, `{"success":false,"error":"slow down"}`)
			}, cashfin.WithMaxRetries(3))
			_, err := c.Contacts.Get(context.Background(), testID)
			apiErr := wantAPIError(t, err, tc.status, nil)
			// A date is whole seconds, read a moment after it was made: a minute's slack for a
			// loaded machine, against a month.
			assert.InDelta(t, tc.want.Seconds(), apiErr.RetryAfter.Seconds(), 60)
			assert.Positive(t, apiErr.RetryAfter, "no overflow")
			assert.Len(t, log.seen(), 1, "returned at once, not retried")
		})
	}
	for _, header := range []string{"0", "-30", "-99999999999999999999999", "soon", "1.5"} {
		t.Run("backoff for "+header, func(t *testing.T) {
			t.Parallel()
			var log pageLog
			c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
				if len(log.seen()) == 0 {
					log.add(r)
					w.Header().Set("Retry-After", header)
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				log.add(r)
				fmt.Fprint(w, contactOK)
			}, cashfin.WithMaxRetries(1))
			_, err := c.Contacts.Get(context.Background(), testID)
			require.NoError(t, err)
			assert.Len(t, log.seen(), 2, "retried after the backoff")
		})
	}
}

func TestWalkEndsOnACycle(t *testing.T) {
	t.Parallel()
	for _, block := range []bool{false, true} {
		t.Run(fmt.Sprint("block ", block), func(t *testing.T) {
			t.Parallel()
			var log pageLog
			c := loopback(t, func(w http.ResponseWriter, r *http.Request) {
				n := log.add(r)
				data := contactsJSON((n+1)%2*10, (n+1)%2*10+10) // page 1: c0..c9, page 2: c10..c19, page 3: c0..c9, ...
				if block {
					fmt.Fprintf(w, `{"success":true,"data":%s,"pagination":{"total":10000000,"page":%d,"limit":10,"pages":1000000}}`, data, n)
					return
				}
				fmt.Fprintf(w, `{"success":true,"data":%s}`, data)
			})
			names, errs := walk(c, &cashfin.ContactListParams{Limit: 10}, 1000)
			assert.Equal(t, want(0, 20), names)
			wantInconsistent(t, errs, "page 3 holds the same records as page 1")
			assert.Equal(t, []int{1, 2, 3}, log.seen())
		})
	}
}
