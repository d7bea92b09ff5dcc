package cashfin_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// allocBudget is TestSDKAllocsWithinBudgetOfRaw's: the SDK may allocate at most this many times
// per call more than the hand-written client making the same requests.
const allocBudget = 15

// assertAllocsWithinBudget measures sdk and raw (each a whole call, against one loopback server)
// and holds sdk to raw + allocBudget allocations.
func assertAllocsWithinBudget(t *testing.T, sdk, raw func() error) {
	t.Helper()
	var sdkErr, rawErr error
	sdkAllocs := testing.AllocsPerRun(200, func() {
		if err := sdk(); err != nil {
			sdkErr = err
		}
	})
	rawAllocs := testing.AllocsPerRun(200, func() {
		if err := raw(); err != nil {
			rawErr = err
		}
	})
	require.NoError(t, sdkErr)
	require.NoError(t, rawErr)
	t.Logf("allocs per call: sdk %.0f, raw %.0f", sdkAllocs, rawAllocs)
	assert.LessOrEqual(t, sdkAllocs, rawAllocs+allocBudget, "the SDK allocates more than raw + %d per call", allocBudget)
}

// TestDoPageAllocsWithinBudget decodes a page of 100 records through Do into a *Page[T] of the
// caller's own type, against the hand-written client decoding the same page into the same type.
func TestDoPageAllocsWithinBudget(t *testing.T) {
	srv := benchServer(t)
	c, rc := benchSDK(t, srv), newRawClient(srv)
	ctx := context.Background()
	query := url.Values{"page": {"1"}, "limit": {"100"}}
	assertAllocsWithinBudget(t,
		func() error {
			var page cashfin.Page[rawContact]
			err := c.Do(ctx, http.MethodGet, "/business/contact/list", query, nil, &page)
			if err == nil && (len(page.Data) != 100 || page.Pagination.Pages != 10) {
				t.Fatalf("decoded %d records, %+v", len(page.Data), page.Pagination)
			}
			return err
		},
		func() error {
			_, err := rawDo[[]rawContact](ctx, rc, http.MethodGet, "/business/contact/list?page=1&limit=100", nil)
			return err
		})
}
