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

// statusesOf sends each request to h and returns the statuses answered.
func statusesOf(t *testing.T, h http.Handler, reqs ...req) []int {
	t.Helper()
	out := make([]int, len(reqs))
	for i, r := range reqs {
		out[i] = send(t, h, r).status
	}
	return out
}

const customerID = "507f1f77bcf86cd799439046"

var (
	listReq    = req{target: "/business/customer/list"}
	detailsReq = req{target: "/business/customer/details/" + customerID}
	updateReq  = req{method: http.MethodPatch, target: "/business/customer/update/" + customerID, body: `{"city":"Kisumu"}`}
)

// newCustomerFake returns a fake holding the customer customerID.
func newCustomerFake() *cashfintest.Handler {
	h := cashfintest.NewHandler()
	h.AddCustomers(cashfin.Customer{ID: customerID, Name: "John Doe", Email: "john@example.com",
		Phone: "+254712345678", Country: "Kenya", Currency: "KES"})
	return h
}

// TestAimedFailureWaitsForItsRequest checks that a failure with Method and Path waits in the
// queue for the first request that matches both, and that the others pass it by untouched.
func TestAimedFailureWaitsForItsRequest(t *testing.T) {
	h := newCustomerFake()
	h.FailNextWith(cashfintest.Failure{Status: 503, Method: http.MethodGet, Path: "/business/customer/details/" + customerID})
	assert.Equal(t, []int{200, 200, 404, 503, 200},
		statusesOf(t, h, listReq, updateReq, req{target: "/business/customer/details/507f1f77bcf86cd799439047"}, detailsReq, detailsReq))
	assert.Equal(t, "Kisumu", h.Customers()[0].City, "the update passed the aimed failure by")

	t.Run("method only", func(t *testing.T) {
		h := newCustomerFake()
		h.FailNextWith(cashfintest.Failure{Status: 502, Method: http.MethodPatch})
		assert.Equal(t, []int{200, 200, 502, 200}, statusesOf(t, h, listReq, detailsReq, updateReq, updateReq))
	})
	t.Run("path only", func(t *testing.T) {
		h := newCustomerFake()
		h.FailNextWith(cashfintest.Failure{Status: 502, Path: "/business/customer/list"})
		assert.Equal(t, []int{200, 502, 200}, statusesOf(t, h, detailsReq, req{target: "/business/customer/list?page=2"}, listReq),
			"the query plays no part")
	})
}

// TestAimedFailureMethodIgnoresCase checks that Method is compared ignoring case.
func TestAimedFailureMethodIgnoresCase(t *testing.T) {
	h := newCustomerFake()
	h.FailNextWith(cashfintest.Failure{Status: 503, Method: "patch", Path: "/business/customer/update/" + customerID})
	assert.Equal(t, []int{200, 503}, statusesOf(t, h, detailsReq, updateReq))
}

// TestAimedFailurePath checks Path: exact, unless it ends in "/", when it covers every path
// under it (and no path that merely begins with the same letters).
func TestAimedFailurePath(t *testing.T) {
	h := newCustomerFake()
	h.FailNextWith(cashfintest.Failure{Status: 503, Path: "/business/customer/details"})
	assert.Equal(t, []int{200, 503}, statusesOf(t, h, detailsReq, req{target: "/business/customer/details"}),
		"without a final /, the path exactly")

	h = newCustomerFake()
	h.FailNextWith(cashfintest.Failure{Status: 503, Path: "/business/customer/", Count: 2})
	assert.Equal(t, []int{404, 200, 503, 503, 200}, statusesOf(t, h,
		req{target: "/business/customers/list"}, req{target: "/business/contact/list"}, detailsReq, listReq, listReq),
		"with a final /, every path under it, and no other")

	h = newCustomerFake()
	h.FailNextWith(cashfintest.Failure{Status: 503, Path: "/business/customer/details/"})
	assert.Equal(t, []int{200, 503}, statusesOf(t, h, listReq, detailsReq), "any ID")
}

// TestAimedFailureCount checks that Count counts the matching requests only.
func TestAimedFailureCount(t *testing.T) {
	h := newCustomerFake()
	h.FailNextWith(cashfintest.Failure{Status: 503, Method: http.MethodGet, Path: "/business/customer/details/", Count: 2})
	assert.Equal(t, []int{200, 503, 200, 503, 200}, statusesOf(t, h, listReq, detailsReq, listReq, detailsReq, detailsReq))
}

// TestFailureQueueOrder checks the order of a queue mixing aimed and unaimed failures: each
// request gets the earliest-queued failure that matches it, so an aimed failure holds back none
// queued after it, and an unaimed one queued before an aimed one is served first, whatever the
// request.
func TestFailureQueueOrder(t *testing.T) {
	h := newCustomerFake()
	h.FailNextWith(cashfintest.Failure{Status: 502, Method: http.MethodGet, Path: "/business/customer/details/"})
	h.FailNextWith(cashfintest.Failure{Status: 503})
	h.FailNext(1, 504)
	assert.Equal(t, []int{503, 502, 504, 200}, statusesOf(t, h, listReq, detailsReq, detailsReq, detailsReq))

	h = newCustomerFake()
	h.FailNext(1, 503)
	h.FailNextWith(cashfintest.Failure{Status: 502, Method: http.MethodGet, Path: "/business/customer/details/"})
	assert.Equal(t, []int{503, 502, 200}, statusesOf(t, h, detailsReq, detailsReq, detailsReq))

	h = newCustomerFake()
	h.FailNextWith(cashfintest.Failure{Status: 502, Path: "/business/customer/list"})
	h.Reset()
	assert.Equal(t, []int{200}, statusesOf(t, h, listReq), "Reset drops aimed failures too")
}

// TestAimedFailureRefusesBadAim checks that an aim that can never match panics at once.
func TestAimedFailureRefusesBadAim(t *testing.T) {
	for name, f := range map[string]cashfintest.Failure{
		"relative path":   {Status: 503, Path: "business/customer/list"},
		"query":           {Status: 503, Path: "/business/customer/list?page=2"},
		"fragment":        {Status: 503, Path: "/business/customer/list#x"},
		"space in method": {Status: 503, Method: "GET "},
	} {
		assert.Panics(t, func() { cashfintest.NewHandler().FailNextWith(f) }, name)
	}
}

// TestUpdateAppliedButReadBackFailed is the README's case: a customer update whose PATCH
// succeeds, and whose read back (Update's GET) fails. A failure aimed at the GET lets the PATCH
// through; Update's error then says the update was applied, and matches the read's kind.
func TestUpdateAppliedButReadBackFailed(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	cust := srv.AddCustomers(cashfin.Customer{Name: "John Doe", Email: "john@example.com",
		Phone: "+254712345678", Country: "Kenya", Currency: "KES"})[0]
	ctx := context.Background()
	update := &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Mombasa")}

	srv.FailNextWith(cashfintest.Failure{Status: 503, Method: http.MethodGet,
		Path: "/business/customer/details/" + cust.ID, Count: 3}) // the read and its two retries
	_, err := srv.Client().Customers.Update(ctx, cust.ID, update)
	require.Error(t, err)
	assert.ErrorIs(t, err, cashfin.ErrServer)
	assert.ErrorContains(t, err, "the update was applied")
	assert.Equal(t, "Mombasa", srv.Customers()[0].City, "the PATCH was applied")
	reqs := srv.Requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, http.MethodPatch, reqs[0].Method)
	assert.Equal(t, []int{200, 503, 503, 503}, statuses(reqs))

	t.Run("not found on the read", func(t *testing.T) {
		srv.Reset()
		cust := srv.AddCustomers(cust)[0]
		srv.FailNextWith(cashfintest.Failure{Status: 404, Message: "Customer not found", Method: "get",
			Path: "/business/customer/details/"})
		_, err := srv.Client().Customers.Update(ctx, cust.ID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Kisumu")})
		assert.ErrorIs(t, err, cashfin.ErrNotFound)
		assert.ErrorContains(t, err, "the update was applied")
		assert.Equal(t, "Kisumu", srv.Customers()[0].City)
		assert.Equal(t, []int{200, 404}, statuses(srv.Requests()))
	})
}
