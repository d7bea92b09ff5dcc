package cashfin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// invoice is a resource the SDK does not have yet, written as a resource file would write it: a
// wire type whose inferred fields are tagged, and nothing else.
type invoice struct {
	ID, Title, Status string
	Active            *bool
}

type invoiceJSON struct {
	ID     string `json:"_id"`
	Title  string `json:"title"`
	Status string `json:"status" cashfin:"inferred"`
	Active *bool  `json:"active" cashfin:"inferred"`
}

func (w invoiceJSON) value() invoice { return invoice(w) }

// TestNewResourceGetsTolerantDecodingByItsTags (issue 15): a resource gets tolerant decoding of
// its inferred fields from the generic calls (get, list, listPages) by tagging them, with no code
// of its own; its untagged fields stay strict. Against a loopback server answering as one whose
// conventions were guessed wrong.
func TestNewResourceGetsTolerantDecodingByItsTags(t *testing.T) {
	t.Parallel()
	odd := `{"_id":"i1","title":"June","status":{"code":2},"active":"true"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/business/invoice/details/i1":
			_, _ = w.Write([]byte(`{"success":true,"data":` + odd + `}`))
		case "/business/invoice/details/broken":
			_, _ = w.Write([]byte(`{"success":true,"data":{"_id":"i2","title":7,"status":"paid"}}`))
		default:
			_, _ = w.Write([]byte(`{"success":true,"data":[` + odd + `,{"_id":"i2","title":"May","status":"paid","active":true}],` +
				`"pagination":{"total":2,"page":1,"limit":100,"pages":1}}`))
		}
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient("cs_test_resource", WithBaseURL(srv.URL), WithMaxRetries(0))
	require.NoError(t, err)
	s, err := c.settings(nil)
	require.NoError(t, err)
	ctx := context.Background()

	one, err := get[invoice, invoiceJSON](ctx, c, s, "/business/invoice/details/i1")
	require.NoError(t, err)
	assert.Equal(t, invoice{ID: "i1", Title: "June"}, *one, "the odd inferred fields are left zero, never converted")

	yes := true
	want := []invoice{{ID: "i1", Title: "June"}, {ID: "i2", Title: "May", Status: "paid", Active: &yes}}
	page, err := list[invoice, invoiceJSON](ctx, c, "/business/invoice/list", listOptions{}, nil)
	require.NoError(t, err)
	assert.Equal(t, want, page.Data, "the rest of the page decodes")
	var walked []invoice
	for p, err := range listPages[invoice, invoiceJSON](ctx, c, "invoices", "/business/invoice/list", listOptions{}, nil) {
		require.NoError(t, err)
		walked = append(walked, p.Data...)
	}
	assert.Equal(t, want, walked)

	_, err = get[invoice, invoiceJSON](ctx, c, s, "/business/invoice/details/broken")
	assert.ErrorIs(t, err, ErrUnexpectedResponse, "an untagged field of the wrong type still fails")
}
