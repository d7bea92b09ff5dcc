package cashfin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cashfin-go/cashfin"
)

// TestUpdateAllocsWithinBudget holds Update (a PATCH answered {_id, modified}, then the
// follow-up Get) to the budget, against the hand-written client making the same two requests.
func TestUpdateAllocsWithinBudget(t *testing.T) {
	details := []byte(customerOK)
	modified := []byte(customerModified)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/business/customer/update/"):
			_, _ = w.Write(modified)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/business/customer/details/"):
			_, _ = w.Write(details)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	c, rc := benchSDK(t, srv), newRawClient(srv)
	ctx := context.Background()
	params := &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Mombasa"), Company: cashfin.Ptr("")}
	type rawCustomerUpdate struct {
		City    *string `json:"city,omitempty"`
		Company *string `json:"company,omitempty"`
	}
	type rawCustomer struct {
		ID                                                                  string `json:"_id"`
		Name, Email, Phone, Country, Currency, Company, Address, City, Type string
		Active                                                              *bool
		CreatedAt                                                           time.Time `json:"createdat"`
		UpdatedAt                                                           time.Time `json:"updatedat"`
	}
	assertAllocsWithinBudget(t,
		func() error {
			got, err := c.Customers.Update(ctx, benchID, params)
			if err == nil && got.City != "Nairobi" {
				t.Fatalf("got %+v", got)
			}
			return err
		},
		func() error {
			body, err := json.Marshal(rawCustomerUpdate{params.City, params.Company})
			if err != nil {
				return err
			}
			if _, err := rawDo[json.RawMessage](ctx, rc, http.MethodPatch, "/business/customer/update/"+benchID, body); err != nil {
				return err
			}
			_, err = rawDo[rawCustomer](ctx, rc, http.MethodGet, "/business/customer/details/"+benchID, nil)
			return err
		})
}
