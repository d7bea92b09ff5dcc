package cashfin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/internal/redacttest"
)

// TestSecretSweepCustomersAndDo runs the echo scenarios of TestSecretNeverLeaksInAnyEncoding
// through Customers.Get, Customers.Update (whose PATCH and follow-up Get both meet the
// scenario), Customers.Create, Customers.ListAll and Do, for every secret and encoding; and
// passes the secret, in each encoding, in Do's path and query, which must be refused unsent.
func TestSecretSweepCustomersAndDo(t *testing.T) {
	t.Parallel()
	sweepEchoes(t, func(c *faultConn, enc string) bool {
		switch path := c.req.URL.Path; {
		case strings.HasSuffix(path, "/list"):
			c.reply(http.StatusOK, "application/json", `{"success":true,"message":"`+enc+`","data":{"not":"a list"}}`,
				"X-Request-Id", enc)
		case strings.HasSuffix(path, "/create"):
			c.reply(http.StatusUnprocessableEntity, "application/json",
				`{"success":false,"error":"`+enc+`","errors":{"email":"`+enc+`"}}`, "X-Request-Id", enc)
		default:
			return false
		}
		return true
	}, func(t *testing.T, secret, enc string, client *cashfin.Client, logs *faultLogs) {
		ctx := context.Background()
		for i, sc := range echoScenarios {
			_, err := client.Customers.Get(ctx, contactID(i))
			require.Error(t, err, sc.name)
			assertNoForm(t, secret, "Get: "+sc.name, err)
			_, err = client.Customers.Update(ctx, contactID(i), &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Nairobi")})
			require.Error(t, err, sc.name)
			assertNoForm(t, secret, "Update: "+sc.name, err)
			var out map[string]any
			err = client.Do(ctx, http.MethodPost, "/business/invoice/update/"+contactID(i), nil, map[string]int{"a": 1}, &out)
			assertNoForm(t, secret, "Do: "+sc.name, err) // "200 data:null" is a success for Do
		}
		p := validCustomerParams()
		_, err := client.Customers.Create(ctx, &p)
		require.ErrorIs(t, err, cashfin.ErrBadRequest)
		assertNoForm(t, secret, "Create", err)
		_, errs := drain(client.Customers.ListAll(ctx, nil))
		require.Len(t, errs, 1)
		assertNoForm(t, secret, "ListAll", errs[0])
		var page cashfin.Page[cashfin.Customer]
		err = client.Do(ctx, http.MethodGet, "/business/customer/list", nil, nil, &page)
		require.ErrorIs(t, err, cashfin.ErrUnexpectedResponse)
		assertNoForm(t, secret, "Do into a page", err)

		for name, call := range map[string]func() error{
			"path": func() error { return client.Do(ctx, http.MethodGet, "/business/x/"+enc, nil, nil, nil) },
			"query": func() error {
				return client.Do(ctx, http.MethodGet, "/business/x/list", url.Values{"k": {enc}}, nil, nil)
			},
		} {
			err := call()
			require.ErrorIs(t, err, cashfin.ErrInvalidParams, "Do's %s with the secret was sent", name)
			assertNoForm(t, secret, "Do's "+name, err)
		}
		assert.Empty(t, redacttest.Shows(secret, "log", logs.String()))
	})
}
