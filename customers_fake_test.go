package cashfin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// TestCustomersAgainstTheFake runs every Customers call against cashfintest, whose updates answer
// {"_id", "modified"} as the docs' generic example does, so that Update's read-back is exercised
// end to end.
func TestCustomersAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv := cashfintest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	ctx := context.Background()

	p := validCustomerParams()
	p.Company, p.City, p.Type = "Doe Traders", "Nairobi", cashfin.CustomerBusiness
	created, err := c.Customers.Create(ctx, &p)
	require.NoError(t, err)
	assert.Len(t, created.ID, 24)
	assert.Equal(t, "John Doe", created.Name)

	again, err := c.Customers.Create(ctx, &cashfin.CustomerCreateParams{Name: "X", Email: "x@example.com",
		Phone: "+254700000000", Country: "Kenya", Currency: "KES", IdempotencyKey: "k1"})
	require.NoError(t, err)
	replay, err := c.Customers.Create(ctx, &cashfin.CustomerCreateParams{Name: "X", Email: "x@example.com",
		Phone: "+254700000000", Country: "Kenya", Currency: "KES", IdempotencyKey: "k1"})
	require.NoError(t, err)
	assert.Equal(t, again.ID, replay.ID, "the same key creates one customer")

	got, err := c.Customers.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, "Doe Traders", got.Company)
	assert.Equal(t, "Kenya", got.Country)

	updated, err := c.Customers.Update(ctx, created.ID, &cashfin.CustomerUpdateParams{
		City: cashfin.Ptr("Mombasa"), Company: cashfin.Ptr(""), Type: cashfin.Ptr(cashfin.CustomerIndividual)})
	require.NoError(t, err)
	assert.Equal(t, "Mombasa", updated.City)
	assert.Equal(t, "", updated.Company, "Ptr(\"\") clears the field")
	assert.Equal(t, cashfin.CustomerIndividual, updated.Type)
	assert.Equal(t, "John Doe", updated.Name, "unset fields are left as they are")
	stored := srv.Customers()
	require.Len(t, stored, 2)

	_, err = c.Customers.Get(ctx, "000000000000000000000000")
	assert.ErrorIs(t, err, cashfin.ErrNotFound)
	_, err = c.Customers.Update(ctx, "000000000000000000000000", &cashfin.CustomerUpdateParams{City: cashfin.Ptr("x")})
	assert.ErrorIs(t, err, cashfin.ErrNotFound)
	assert.NotContains(t, err.Error(), "applied", "a PATCH that failed applied nothing")

	_, err = c.Customers.Create(ctx, &cashfin.CustomerCreateParams{Name: "Y", Email: "not-an-email",
		Phone: "+254700000001", Country: "Kenya", Currency: "KES"})
	assert.ErrorIs(t, err, cashfin.ErrBadRequest)

	// Paging and search, exactly as for contacts.
	for i := range 25 {
		srv.AddCustomers(cashfin.Customer{Name: "Bulk " + string(rune('A'+i)), Email: "bulk@example.com",
			Phone: "+254711111111", Country: "Kenya", Currency: "KES"})
	}
	page, err := c.Customers.List(ctx, &cashfin.CustomerListParams{Page: 2, Limit: 10})
	require.NoError(t, err)
	assert.Len(t, page.Data, 10)
	assert.Equal(t, cashfin.Pagination{Total: 27, Page: 2, Limit: 10, Pages: 3}, page.Pagination)
	pages, n := 0, 0
	for page, err := range c.Customers.ListPages(ctx, &cashfin.CustomerListParams{Limit: 10}) {
		require.NoError(t, err)
		pages++
		n += len(page.Data)
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, 27, n)
	n = 0
	for cu, err := range c.Customers.ListAll(ctx, &cashfin.CustomerListParams{Search: "bulk"}) {
		require.NoError(t, err)
		assert.Contains(t, cu.Name, "Bulk")
		n++
	}
	assert.Equal(t, 25, n)

	// The same records through Do, into a *Page[Customer].
	var viaDo cashfin.Page[cashfin.Customer]
	require.NoError(t, c.Do(ctx, http.MethodGet, "/business/customer/list", nil, nil, &viaDo))
	assert.Equal(t, 27, viaDo.Pagination.Total)
}
