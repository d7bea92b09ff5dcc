package cashfin

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestListFiltersJoinTheSharedQuery pins how a resource's own list filters (none of today's
// resources has one; invoices will, with "status") are encoded with page, limit and search.
func TestListFiltersJoinTheSharedQuery(t *testing.T) {
	t.Parallel()
	o := listParams(0, 25, "a b")
	o.filters = url.Values{"status": {"unpaid"}, "type": {""}, "channel": {"mpesa", "card"}, "page": {"9"}}
	assert.Equal(t, "channel=mpesa&channel=card&limit=25&page=3&search=a+b&status=unpaid", o.query(3))
	assert.Equal(t, "limit=25&page=3&search=a+b", listParams(0, 25, "a b").query(3), "no filters: the fast path")
}
