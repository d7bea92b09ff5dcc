package cashfin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// TestCustomerUpdateCallOptions: the follow-up Get of an Update runs with the call's options (its
// headers, its retry count), without the Idempotency-Key, and WithResponseInto describes the Get.
func TestCustomerUpdateCallOptions(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, fast())
	rec := serve(mt,
		reply{status: 200, body: customerModified, header: http.Header{"X-Request-Id": {"patch-1"}}},
		reply{status: 200, body: customerOK, header: http.Header{"X-Request-Id": {"get-1"}}})
	var resp cashfin.Response
	got, err := c.Customers.Update(context.Background(), testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Nairobi")},
		cashfin.WithIdempotencyKey("upd-1"), cashfin.WithHeader("X-Trace", "t-9"), cashfin.WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Equal(t, "John Doe", got.Name)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "upd-1", reqs[0].Header.Get("Idempotency-Key"))
	assert.Empty(t, reqs[1].Header.Values("Idempotency-Key"), "the follow-up Get carries no key")
	for _, r := range reqs {
		assert.Equal(t, "t-9", r.Header.Get("X-Trace"), "%s without the call's header", r.Method)
	}
	assert.Equal(t, "get-1", resp.RequestID, "WithResponseInto describes the call's final response")
	assert.Equal(t, 200, resp.StatusCode)

	// WithMaxRetries(0) holds for the follow-up Get too: its 503 is not retried.
	c, mt = newMockClient(t, fast())
	rec = serve(mt, reply{status: 200, body: customerModified}, reply{status: 503, header: http.Header{"X-Request-Id": {"get-2"}}},
		reply{status: 200, body: customerOK})
	_, err = c.Customers.Update(context.Background(), testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Nairobi")},
		cashfin.WithMaxRetries(0), cashfin.WithResponseInto(&resp))
	require.ErrorIs(t, err, cashfin.ErrServer)
	assert.Contains(t, err.Error(), "the update was applied")
	assert.Equal(t, 2, rec.len())
	assert.Equal(t, "get-2", resp.RequestID)
	assert.Equal(t, 503, resp.StatusCode)

	// A whole record in the PATCH's answer: no Get, and the response is the PATCH's.
	c, mt = newMockClient(t)
	serve(mt, reply{status: 200, body: customerOK, header: http.Header{"X-Request-Id": {"patch-3"}}})
	_, err = c.Customers.Update(context.Background(), testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Nairobi")},
		cashfin.WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Equal(t, "patch-3", resp.RequestID)
}

func TestCustomerCallOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 201, body: customerOK, header: http.Header{"X-Request-Id": {"r-1"}}})
	p := validCustomerParams()
	var resp cashfin.Response
	_, err := c.Customers.Create(ctx, &p, cashfin.WithIdempotencyKey("cust-1"), cashfin.WithResponseInto(&resp))
	require.NoError(t, err)
	assert.Equal(t, "cust-1", rec.all()[0].Header.Get("Idempotency-Key"))
	assert.Equal(t, "r-1", resp.RequestID)

	p.IdempotencyKey = "cust-2"
	_, err = c.Customers.Create(ctx, &p, cashfin.WithIdempotencyKey("other"))
	require.ErrorIs(t, err, cashfin.ErrInvalidParams, "two different keys")
	assert.Equal(t, 1, rec.len())

	resp = cashfin.Response{}
	_, err = c.Customers.Get(ctx, testID, cashfin.WithResponseInto(&resp), cashfin.WithHeader("X-Trace", "g"))
	require.NoError(t, err)
	assert.Equal(t, "g", rec.all()[1].Header.Get("X-Trace"))
	assert.Equal(t, 1, resp.Attempts)

	// A bad option fails every method at once, sending nothing.
	bad := cashfin.WithHeader("Authorization", "x")
	_, err1 := c.Customers.Create(ctx, &p, bad)
	_, err2 := c.Customers.Get(ctx, testID, bad)
	_, err3 := c.Customers.Update(ctx, testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("x")}, bad)
	_, err4 := c.Customers.List(ctx, nil, bad)
	_, errs5 := drain(c.Customers.ListPages(ctx, nil, bad))
	_, errs6 := drain(c.Customers.ListAll(ctx, nil, bad))
	for i, err := range []error{err1, err2, err3, err4, errs5[0], errs6[0]} {
		assert.ErrorIs(t, err, cashfin.ErrInvalidParams, "call %d", i+1)
	}
	assert.Equal(t, 2, rec.len(), "a call with a bad option sent something")
}

func TestDoCallOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		c, mt := newMockClient(t)
		rec := serve(mt, reply{status: 200, body: `{"success":true}`})
		err := c.Do(ctx, method, "/business/invoice/details/1", nil, nil, nil, cashfin.WithIdempotencyKey("k"))
		assert.ErrorIs(t, err, cashfin.ErrInvalidParams, "%s with an Idempotency-Key", method)
		assert.Zero(t, rec.len())
	}
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		c, mt := newMockClient(t, fast())
		rec := serve(mt, reply{status: 503}, reply{status: 200, body: `{"success":true,"data":{"checkoutrequestid":"ws_CO_1"}}`,
			header: http.Header{"X-Request-Id": {"do-1"}}})
		var resp cashfin.Response
		var out struct {
			ID string `json:"checkoutrequestid"`
		}
		err := c.Do(ctx, method, "/business/payments/mobile/request", nil, map[string]any{"amount": 1500},
			&out, cashfin.WithIdempotencyKey("order-1"), cashfin.WithResponseInto(&resp), cashfin.WithHeader("X-Trace", "d"))
		require.NoError(t, err)
		assert.Equal(t, "ws_CO_1", out.ID)
		reqs := rec.all()
		require.Len(t, reqs, 2)
		for _, r := range reqs {
			assert.Equal(t, "order-1", r.Header.Get("Idempotency-Key"))
			assert.Equal(t, "d", r.Header.Get("X-Trace"))
		}
		assert.Equal(t, cashfin.Response{StatusCode: 200, Header: resp.Header, RequestID: "do-1", Attempts: 2}, resp)
	}

	// WithResponseInto on an API error, and a bad option sending nothing.
	c, mt := newMockClient(t, cashfin.WithMaxRetries(0))
	rec := serve(mt, reply{status: 404, body: `{"success":false,"error":"Invoice not found"}`})
	var resp cashfin.Response
	err := c.Do(ctx, http.MethodGet, "/business/invoice/details/1", nil, nil, nil, cashfin.WithResponseInto(&resp))
	require.ErrorIs(t, err, cashfin.ErrNotFound)
	assert.Equal(t, 404, resp.StatusCode)
	err = c.Do(ctx, http.MethodGet, "/business/invoice/list", nil, nil, nil, cashfin.WithTimeout(-1))
	assert.ErrorIs(t, err, cashfin.ErrInvalidParams)
	assert.Equal(t, 1, rec.len())
}
