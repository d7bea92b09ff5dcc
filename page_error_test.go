package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// Issue 15, rule 3: an error yielded by ListAll or ListPages names the list and the page it was
// fetching, and still matches errors.Is and errors.As as the page's own error does.

// pageFailures are ways page 3 of a walk fails, each with the kind its error must match.
var pageFailures = []struct {
	name   string
	answer func(w http.ResponseWriter)
	kind   error
}{
	{"500", func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"success":false,"error":"Internal error"}`))
	}, cashfin.ErrServer},
	{"success:false not found", func(w http.ResponseWriter) {
		_, _ = w.Write([]byte(`{"success":false,"error":"Page not found"}`))
	}, cashfin.ErrNotFound},
	{"not an envelope", func(w http.ResponseWriter) {
		_, _ = w.Write([]byte(`<html>maintenance</html>`))
	}, cashfin.ErrUnexpectedResponse},
	{"another page", func(w http.ResponseWriter) {
		_, _ = w.Write([]byte(`{"success":true,"data":[{"_id":"507f1f77bcf86cd799439041","name":"X"}],` +
			`"pagination":{"total":10,"page":1,"limit":2,"pages":5}}`))
	}, cashfin.ErrUnexpectedResponse},
	{"401", func(w http.ResponseWriter) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"success":false,"message":"Unauthorized access!"}`))
	}, cashfin.ErrUnauthorized},
}

// pagedServer serves 5 pages of 2 records of any list, failing page 3 with fail.
func pagedServer(t *testing.T, fail func(w http.ResponseWriter)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		if page == "3" {
			fail(w)
			return
		}
		_, _ = fmt.Fprintf(w, `{"success":true,"data":[{"_id":"507f1f77bcf86cd7994390%s1","name":"A"},`+
			`{"_id":"507f1f77bcf86cd7994390%s2","name":"B"}],"pagination":{"total":10,"page":%s,"limit":2,"pages":5}}`, page, page, page)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// walks are the walks of every resource, each yielding only its errors.
var walks = []struct {
	list string
	all  func(c *cashfin.Client) iter.Seq2[int, error] // ListAll, records counted
	page func(c *cashfin.Client) iter.Seq2[int, error] // ListPages
}{
	{"contacts",
		func(c *cashfin.Client) iter.Seq2[int, error] {
			return count(c.Contacts.ListAll(context.Background(), &cashfin.ContactListParams{Limit: 2}))
		},
		func(c *cashfin.Client) iter.Seq2[int, error] {
			return count(c.Contacts.ListPages(context.Background(), &cashfin.ContactListParams{Limit: 2}))
		}},
	{"customers",
		func(c *cashfin.Client) iter.Seq2[int, error] {
			return count(c.Customers.ListAll(context.Background(), &cashfin.CustomerListParams{Limit: 2}))
		},
		func(c *cashfin.Client) iter.Seq2[int, error] {
			return count(c.Customers.ListPages(context.Background(), &cashfin.CustomerListParams{Limit: 2}))
		}},
}

// count numbers what seq yields, keeping its errors.
func count[V any](seq iter.Seq2[V, error]) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		n := 0
		for _, err := range seq {
			n++
			if !yield(n, err) {
				return
			}
		}
	}
}

// walkError walks seq to its end and returns how many items came before the one error it
// yielded, and that error.
func walkError(t *testing.T, seq iter.Seq2[int, error]) (int, error) {
	t.Helper()
	var errs []error
	items := 0
	for _, err := range seq {
		if err != nil {
			errs = append(errs, err)
		} else {
			items++
		}
	}
	require.Len(t, errs, 1, "one error, and the walk ends")
	return items, errs[0]
}

func TestListWalkErrorNamesThePage(t *testing.T) {
	t.Parallel()
	for _, f := range pageFailures {
		srv := pagedServer(t, f.answer)
		c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithMaxRetries(0))
		require.NoError(t, err)
		for _, w := range walks {
			for name, seq := range map[string]iter.Seq2[int, error]{"ListAll": w.all(c), "ListPages": w.page(c)} {
				items, err := walkError(t, seq)
				what := fmt.Sprintf("%s %s, page 3 %s", w.list, name, f.name)
				assert.True(t, strings.HasPrefix(err.Error(), "cashfin: list "+w.list+" page 3: "), "%s: %q", what, err)
				assert.Equal(t, 1, strings.Count(err.Error(), "cashfin: "), "%s: %q", what, err)
				assert.ErrorIs(t, err, f.kind, what)
				var apiErr *cashfin.APIError
				require.ErrorAs(t, err, &apiErr, what)
				assert.Contains(t, err.Error(), apiErr.Error()[len("cashfin: "):], "%s: the page's own error is all there", what)
				if name == "ListAll" {
					assert.Equal(t, 4, items, what)
				} else {
					assert.Equal(t, 2, items, what)
				}
			}
		}
	}
}

// TestListWalkErrorNamesThePageCancelled: a cancelled walk's error names the page too, and is
// still context.Canceled.
func TestListWalkErrorNamesThePageCancelled(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "5" {
			<-r.Context().Done() // page 5 ends only by the walk's cancellation
			return
		}
		_, _ = w.Write([]byte(`{"success":true,"data":[{"_id":"507f1f77bcf86cd799439041","name":"A"},` +
			`{"_id":"507f1f77bcf86cd799439042","name":"B"}],"pagination":{"total":10,"page":4,"limit":2,"pages":5}}`))
	}))
	t.Cleanup(srv.Close)
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got error
	for _, err := range c.Contacts.ListPages(ctx, &cashfin.ContactListParams{Page: 4, Limit: 2}) {
		if err != nil {
			got = err
			break
		}
		cancel() // page 5 is being read ahead, and waits for this
	}
	require.Error(t, got)
	assert.ErrorIs(t, got, context.Canceled)
	assert.True(t, strings.HasPrefix(got.Error(), "cashfin: list contacts page 5: "), "%q", got)
}

// TestListWalkErrorNamesThePageAgainstTheFake walks the fake's customers and contacts: through a
// proxy that fails page 3 as a flaky gateway does, and with the fake's own FailNext on page 1.
func TestListWalkErrorNamesThePageAgainstTheFake(t *testing.T) {
	t.Parallel()
	h := cashfintest.NewHandler()
	for i := range 10 {
		h.AddCustomers(cashfin.Customer{Name: fmt.Sprint("Customer ", i), Email: "c@example.com", Phone: "+254700000000",
			Country: "Kenya", Currency: "KES"})
		h.AddContacts(cashfin.Contact{Name: fmt.Sprint("Contact ", i)})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "3" {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte(`<html>502 Bad Gateway</html>`))
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := cashfin.NewClient(h.Secret(), cashfin.WithBaseURL(srv.URL), cashfin.WithMaxRetries(0))
	require.NoError(t, err)
	for _, w := range walks {
		items, err := walkError(t, w.all(c))
		assert.Equal(t, 4, items)
		assert.ErrorIs(t, err, cashfin.ErrServer)
		assert.True(t, strings.HasPrefix(err.Error(), "cashfin: list "+w.list+" page 3: GET /business/"), "%q", err)

		h.FailNext(1, http.StatusServiceUnavailable)
		items, err = walkError(t, w.all(c))
		assert.Zero(t, items)
		var apiErr *cashfin.APIError
		require.True(t, errors.As(err, &apiErr))
		assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
		assert.True(t, strings.HasPrefix(err.Error(), "cashfin: list "+w.list+" page 1: "), "%q", err)
	}
}
