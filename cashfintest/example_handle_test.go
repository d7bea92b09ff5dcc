package cashfintest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// The README's Client.Do examples, an invoice list and an M-Pesa payment request, run against
// the fake: Handle adds the two endpoints it does not serve itself, behind its authentication,
// recorder, failure queue, latency and rate plan, and WriteList, WriteData and WriteError write
// Cashfin's envelope. (What the payment request answers is inferred from Cashfin's PHP SDK: the
// docs do not show it.)
func ExampleServer_Handle() {
	type Invoice struct {
		ID     string  `json:"_id"`
		Title  string  `json:"title"`
		Status string  `json:"status"` // draft, unpaid, partially_paid, paid, overdue, cancelled
		Amount float64 `json:"amount"`
	}
	invoices := []Invoice{
		{ID: "65a66546ca5f1e5eed000001", Title: "June retainer", Status: "unpaid", Amount: 25000},
		{ID: "65a66546ca5f1e5eed000002", Title: "May retainer", Status: "paid", Amount: 25000},
		{ID: "65a66546ca5f1e5eed000003", Title: "Site visit", Status: "unpaid", Amount: 4500},
	}

	srv := cashfintest.NewServer()
	defer srv.Close()
	srv.Handle("GET /business/invoice/list", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var matching []Invoice
		for _, inv := range invoices {
			if s := r.URL.Query().Get("status"); s == "" || inv.Status == s {
				matching = append(matching, inv)
			}
		}
		cashfintest.WriteList(w, r, matching) // pages by the request's page and limit
	}))
	srv.Handle("POST /business/payments/mobile/request", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Amount      float64 `json:"amount"`
			Phone       string  `json:"phone"`
			Channel     string  `json:"channel"`
			ReferenceID string  `json:"referenceid"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Channel != "mpesa" {
			cashfintest.WriteError(w, http.StatusBadRequest, "There are problems with your submission",
				map[string]string{"channel": "Channel must be mpesa"})
			return
		}
		cashfintest.WriteData(w, http.StatusOK, "", map[string]string{"checkoutrequestid": "ws_CO_" + req.ReferenceID})
	}))
	client := srv.Client()
	ctx := context.Background()

	// The README's invoice list.
	var page cashfin.Page[Invoice] // Data gets "data", Pagination the page block
	err := client.Do(ctx, http.MethodGet, "/business/invoice/list",
		url.Values{"page": {"1"}, "limit": {"50"}, "status": {"unpaid"}}, nil, &page)
	if err != nil {
		log.Fatal(err)
	}
	for _, inv := range page.Data {
		fmt.Println(inv.Title, inv.Status)
	}

	// The README's M-Pesa payment request (STK push).
	var push struct {
		CheckoutRequestID string `json:"checkoutrequestid"`
	}
	err = client.Do(ctx, http.MethodPost, "/business/payments/mobile/request", nil, map[string]any{
		"amount":      1500,
		"phone":       "254712345678",
		"channel":     "mpesa",
		"referenceid": "ORDER-2024-001",
	}, &push, cashfin.WithIdempotencyKey("order-2024-001-pay"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(push.CheckoutRequestID)

	// A request with another channel meets the handler's validation.
	err = client.Do(ctx, http.MethodPost, "/business/payments/mobile/request", nil, map[string]any{
		"amount": 1500, "phone": "254712345678", "channel": "card"}, nil)
	var apiErr *cashfin.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Fields["channel"])
	}

	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status, r.Header.Get("Idempotency-Key") != "")
	}
	// Output:
	// June retainer unpaid
	// Site visit unpaid
	// ws_CO_ORDER-2024-001
	// 400 Channel must be mpesa
	// GET /business/invoice/list 200 false
	// POST /business/payments/mobile/request 200 true
	// POST /business/payments/mobile/request 400 true
}

// A failure aimed at one request: here the read that follows a customer update, the README's
// "the update was applied but reading it back failed". The PATCH passes the failure by.
func ExampleFailure_aimed() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	cust := srv.AddCustomers(cashfin.Customer{Name: "John Doe", Email: "john@example.com",
		Phone: "+254712345678", Country: "Kenya", Currency: "KES"})[0]

	srv.FailNextWith(cashfintest.Failure{Status: http.StatusNotFound, Message: "Customer not found",
		Method: http.MethodGet, Path: "/business/customer/details/"}) // any ID
	_, err := srv.Client().Customers.Update(context.Background(), cust.ID,
		&cashfin.CustomerUpdateParams{City: cashfin.Ptr("Mombasa")})

	fmt.Println(errors.Is(err, cashfin.ErrNotFound))
	fmt.Println("stored city:", srv.Customers()[0].City)
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Status)
	}
	// Output:
	// true
	// stored city: Mombasa
	// PATCH 200
	// GET 404
}
