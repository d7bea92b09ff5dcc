package cashfin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// These tests hold the performance work to its word: the list query built by hand is byte for
// byte what url.Values.Encode produced, read-ahead overlaps the caller's work with the next fetch,
// early exits leave nothing running, and a walk of 100,000 contacts runs in bounded memory.

// TestListQueryMatchesURLValuesEncode pins the hand-built list query to url.Values.Encode, which
// it replaced: same keys, same order (sorted), same escaping.
func TestListQueryMatchesURLValuesEncode(t *testing.T) {
	t.Parallel()
	queries := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries <- r.URL.RawQuery
		_, _ = w.Write([]byte(`{"success":true,"data":[]}`))
	}))
	t.Cleanup(srv.Close)
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL))
	require.NoError(t, err)

	for _, p := range []cashfin.ContactListParams{
		{},
		{Page: 7},
		{Page: 123456, Limit: 100},
		{Limit: 1, Search: "Jane Wanjiku"},
		{Page: 2, Limit: 25, Search: "a&b=c+d/é?#%20 \t\"<>"},
	} {
		_, err := c.Contacts.List(context.Background(), &p)
		require.NoError(t, err)
		want := url.Values{"page": {strconv.Itoa(max(p.Page, 1))}}
		if p.Limit > 0 {
			want.Set("limit", strconv.Itoa(p.Limit))
		}
		if p.Search != "" {
			want.Set("search", p.Search)
		}
		assert.Equal(t, want.Encode(), <-queries, "params %+v", p)
	}
}
