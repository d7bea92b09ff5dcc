package cashfintest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// TestSDKRoundTrip drives the SDK through Server.Client: create, get, list, and list all.
func TestSDKRoundTrip(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	created, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{
		Name: "Jane Wanjiku", Email: "jane@acme.co.ke", Phone: "+254712345678",
		Position: "Procurement Manager", CompanyName: "Acme Corp",
	})
	require.NoError(t, err)
	assert.Len(t, created.ID, 24)
	assert.Equal(t, "Jane Wanjiku", created.Name)
	assert.False(t, created.CreatedAt.IsZero())

	got, err := client.Contacts.Get(ctx, created.ID)
	require.NoError(t, err)
	require.NotNil(t, got.Active)
	assert.True(t, *got.Active)
	assert.Equal(t, created.CreatedAt, got.CreatedAt)
	assert.Equal(t, got.CreatedAt, got.UpdatedAt)
	assert.Equal(t, "Acme Corp", got.CompanyName)

	seeded := make([]cashfin.Contact, 250)
	for i := range seeded {
		seeded[i] = cashfin.Contact{Name: "Seed"}
	}
	srv.AddContacts(seeded...)

	page, err := client.Contacts.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Data, 10)
	assert.Equal(t, cashfin.Pagination{Total: 251, Page: 1, Limit: 10, Pages: 26}, page.Pagination)

	n := 0
	for c, err := range client.Contacts.ListAll(ctx, nil) {
		require.NoError(t, err)
		_ = c
		n++
	}
	assert.Equal(t, 251, n)

	srv.FailNext(1, http.StatusServiceUnavailable)
	_, err = client.Contacts.Get(ctx, created.ID)
	require.NoError(t, err)

	_, err = client.Contacts.Get(ctx, "507f1f77bcf86cd799439045")
	assert.ErrorIs(t, err, cashfin.ErrNotFound)
}
