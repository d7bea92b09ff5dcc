package cashfin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cashfin-go/cashfin"
)

// The Customers benchmarks are bench_test.go's for a resource whose inferred fields are decoded
// tolerantly: a well-typed answer must cost what it cost before tolerance (compare with benchstat
// as bench_test.go says), and the hand-written client is the floor.

func benchCustomerJSON(i int) string {
	return fmt.Sprintf(`{"_id":"%024x","name":"Customer %d","email":"customer%d@acme.example","phone":"+2547%08d",`+
		`"country":"Kenya","currency":"KES","company":"Acme Corp","address":"12 Moi Avenue","city":"Nairobi",`+
		`"type":"business","active":true,"createdat":"2024-01-15T12:00:00.000Z","updatedat":"2024-01-15T12:00:00.000Z"}`,
		i, i, i, i)
}

// benchCustomerServer answers canned customer envelopes: details and a page of 100.
func benchCustomerServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	items := make([]string, 100)
	for i := range items {
		items[i] = benchCustomerJSON(i)
	}
	get := []byte(`{"success":true,"data":` + benchCustomerJSON(1) + `}`)
	list := []byte(`{"success":true,"data":[` + strings.Join(items, ",") +
		`],"pagination":{"total":1000,"page":1,"limit":100,"pages":10}}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/business/customer/details/"):
			_, _ = w.Write(get)
		case r.URL.Path == "/business/customer/list":
			_, _ = w.Write(list)
		default:
			http.NotFound(w, r)
		}
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// rawCustomer is what a careful user would declare for a customer.
type rawCustomer struct {
	ID        string    `json:"_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Country   string    `json:"country"`
	Currency  string    `json:"currency"`
	Company   string    `json:"company"`
	Address   string    `json:"address"`
	City      string    `json:"city"`
	Type      string    `json:"type"`
	Active    *bool     `json:"active"`
	CreatedAt time.Time `json:"createdat"`
	UpdatedAt time.Time `json:"updatedat"`
}

var (
	benchCustomerGet = benchCall{
		sdk: func(ctx context.Context, c *cashfin.Client) error {
			_, err := c.Customers.Get(ctx, benchID)
			return err
		},
		raw: func(ctx context.Context, c *rawClient) error {
			_, err := rawDo[rawCustomer](ctx, c, http.MethodGet, "/business/customer/details/"+benchID, nil)
			return err
		},
	}
	benchCustomerList100 = benchCall{
		sdk: func(ctx context.Context, c *cashfin.Client) error {
			_, err := c.Customers.List(ctx, &cashfin.CustomerListParams{Page: 1, Limit: 100})
			return err
		},
		raw: func(ctx context.Context, c *rawClient) error {
			_, err := rawDo[[]rawCustomer](ctx, c, http.MethodGet, "/business/customer/list?page=1&limit=100", nil)
			return err
		},
	}
)

// runCustomerBench runs the sdk and raw sub-benchmarks of call against one customer server.
func runCustomerBench(b *testing.B, call benchCall) {
	srv := benchCustomerServer(b)
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		c := benchSDK(b, srv)
		benchLoop(b, func() error { return call.sdk(ctx, c) })
	})
	b.Run("raw", func(b *testing.B) {
		c := newRawClient(srv)
		benchLoop(b, func() error { return call.raw(ctx, c) })
	})
}

func BenchmarkCustomerGet(b *testing.B)     { runCustomerBench(b, benchCustomerGet) }
func BenchmarkCustomerList100(b *testing.B) { runCustomerBench(b, benchCustomerList100) }
