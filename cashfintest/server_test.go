package cashfintest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func TestNewServer(t *testing.T) {
	srv := cashfintest.NewServer()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	assert.Equal(t, "http", u.Scheme)
	assert.Equal(t, "127.0.0.1", u.Hostname(), "loopback only")
	assert.Equal(t, cashfintest.DefaultSecret, srv.Secret)
	assert.Equal(t, "cs_test_cashfintest", cashfintest.DefaultSecret)

	hc := rawClient(t)
	r := call(t, hc, http.MethodGet, srv.URL+"/business/contact/list", "", map[string]string{"Authorization": srv.Secret})
	assert.Equal(t, http.StatusOK, r.status, "serving at once")
	srv.Close()
	_, err = hc.Get(srv.URL + "/business/contact/list")
	assert.Error(t, err, "closed")

	other := cashfintest.NewServer(cashfintest.WithSecret("cs_test_mine"))
	defer other.Close()
	assert.Equal(t, "cs_test_mine", other.Secret)
	_, err = other.Client().Contacts.List(context.Background(), nil)
	assert.NoError(t, err, "the client carries the server's secret")
}

func TestServerClient(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	var seen []string
	spy := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.URL.Path)
		return http.DefaultTransport.RoundTrip(r)
	})}
	defer http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	client := srv.Client(cashfin.WithHTTPClient(spy), cashfin.WithUserAgent("acme-tests/1.0"))
	_, err := client.Contacts.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"/business/contact/list"}, seen, "the caller's options override the server's")

	assert.PanicsWithValue(t, "cashfintest: Server.Client: cashfin: WithRetryWait: want 0 < min <= max, got 0s, 0s",
		func() { srv.Client(cashfin.WithRetryWait(0, 0)) }, "a bad option panics, as httptest does")
	assert.Panics(t, func() { srv.Client(cashfin.WithBaseURL("ftp://nope")) })
}

// TestServerClientRetriesFast checks the default retry waits: three attempts against failures
// take milliseconds, not the SDK's default half-second backoff.
func TestServerClientRetriesFast(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	srv.FailNext(2, http.StatusServiceUnavailable)
	begin := time.Now()
	_, err := srv.Client().Contacts.List(context.Background(), nil)
	require.NoError(t, err)
	// The SDK's default waits (500ms, then at least 500ms more) would take a second at least.
	assert.Less(t, time.Since(begin), 900*time.Millisecond)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestAddContacts(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	before := time.Now().UTC().Truncate(time.Millisecond)
	inactive := false
	given := time.Date(2024, 1, 15, 12, 0, 0, 123456789, time.FixedZone("EAT", 3*3600))
	stored := srv.AddContacts(
		cashfin.Contact{Name: "New One"},
		cashfin.Contact{ID: "507F1F77BCF86CD799439045", Name: "Jane", CreatedAt: given, Active: &inactive},
		cashfin.Contact{Name: "Updated", CreatedAt: given, UpdatedAt: given.Add(time.Hour)},
	)
	require.Len(t, stored, 3)

	assert.Regexp(t, objectID, stored[0].ID, "a missing ID is filled")
	assert.False(t, stored[0].CreatedAt.Before(before), "a missing CreatedAt is now")
	assert.Equal(t, time.UTC, stored[0].CreatedAt.Location())
	assert.Equal(t, stored[0].CreatedAt, stored[0].UpdatedAt, "a missing UpdatedAt is CreatedAt")
	require.NotNil(t, stored[0].Active)
	assert.True(t, *stored[0].Active, "a nil Active is stored as true")

	assert.Equal(t, "507f1f77bcf86cd799439045", stored[1].ID, "a given ID is kept, in lower case")
	assert.Equal(t, time.Date(2024, 1, 15, 9, 0, 0, 123_000_000, time.UTC), stored[1].CreatedAt, "UTC, to the millisecond")
	assert.False(t, *stored[1].Active)
	assert.Equal(t, given.Add(time.Hour).UTC().Truncate(time.Millisecond), stored[2].UpdatedAt)
	assert.Greater(t, stored[2].ID, stored[0].ID, "filled IDs increase")

	// List order is newest first by creation time, whatever the order of adding.
	got := srv.Contacts()
	assert.Equal(t, []string{"New One", "Updated", "Jane"}, contactNames(got))
	assert.Equal(t, stored[0], got[0], "Contacts returns what AddContacts stored")

	// The snapshot is a copy.
	*got[0].Active = false
	got[0].Name = "changed"
	assert.True(t, *srv.Contacts()[0].Active)
	assert.Equal(t, "New One", srv.Contacts()[0].Name)

	// Ties in creation time keep the order of adding: the later added is newer.
	tie := time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)
	srv.AddContacts(cashfin.Contact{Name: "tie-a", CreatedAt: tie}, cashfin.Contact{Name: "tie-b", CreatedAt: tie})
	assert.Equal(t, []string{"New One", "Updated", "Jane", "tie-b", "tie-a"}, contactNames(srv.Contacts()))

	page, err := srv.Client().Contacts.List(context.Background(), &cashfin.ContactListParams{Limit: 2, Page: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"Jane", "tie-b"}, contactNames(page.Data))

	assert.Empty(t, srv.AddContacts(), "nothing to add")
	assert.PanicsWithValue(t, `cashfintest: AddContacts: duplicate contact ID "507f1f77bcf86cd799439045"`,
		func() { srv.AddContacts(cashfin.Contact{ID: "507f1f77bcf86cd799439045", Name: "again"}) })
	assert.Panics(t, func() {
		srv.AddContacts(cashfin.Contact{ID: "aaaaaaaaaaaaaaaaaaaaaaaa"}, cashfin.Contact{ID: "AAAAAAAAAAAAAAAAAAAAAAAA"})
	}, "duplicates within one call")
	assert.PanicsWithValue(t, `cashfintest: AddContacts: contact ID "abc" is not 24 hexadecimal characters`,
		func() { srv.AddContacts(cashfin.Contact{ID: "abc"}) })
	assert.Len(t, srv.Contacts(), 5, "a panicking AddContacts stores nothing")
}

// contactNames and customerNames list the names of records, in order.
func contactNames(cs []cashfin.Contact) []string {
	return mapSlice(cs, func(c cashfin.Contact) string { return c.Name })
}

func customerNames(cs []cashfin.Customer) []string {
	return mapSlice(cs, func(c cashfin.Customer) string { return c.Name })
}

func mapSlice[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// TestHandlerSharesState mounts the server's handler under a prefix elsewhere: both see one store.
func TestHandlerSharesState(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	_, ok := srv.Handler().(*cashfintest.Handler)
	assert.True(t, ok)

	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", srv.Handler()))
	other := httptest.NewServer(mux)
	defer other.Close()

	client, err := cashfin.NewClient(srv.Secret, cashfin.WithBaseURL(other.URL+"/api"), cashfin.WithHTTPClient(other.Client()))
	require.NoError(t, err)
	c, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Via the mux"})
	require.NoError(t, err)
	require.Len(t, srv.Contacts(), 1)
	assert.Equal(t, c.ID, srv.Contacts()[0].ID)

	got, err := srv.Client().Contacts.Get(context.Background(), c.ID)
	require.NoError(t, err)
	assert.Equal(t, "Via the mux", got.Name)
	assert.True(t, strings.HasPrefix(other.URL, "http://127.0.0.1:"))
}
