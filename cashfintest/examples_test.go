package cashfintest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func ExampleServer_FailNext() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client(cashfin.WithMaxRetries(2))

	// Three failed attempts in a row are one too many for two retries.
	srv.FailNext(3, http.StatusBadGateway)
	_, err := client.Contacts.List(context.Background(), nil)
	fmt.Println(errors.Is(err, cashfin.ErrServer))
	// Output: true
}

func ExampleServer_AddContacts() {
	srv := cashfintest.NewServer()
	defer srv.Close()

	stored := srv.AddContacts(
		cashfin.Contact{Name: "Ama Owusu", CreatedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)},
		cashfin.Contact{ID: "507f1f77bcf86cd799439045", Name: "Jane Wanjiku"},
	)
	fmt.Println(len(stored[0].ID), stored[0].CreatedAt.Format(time.RFC3339), *stored[0].Active)
	fmt.Println(stored[1].ID)
	// Output:
	// 24 2024-03-01T09:00:00Z true
	// 507f1f77bcf86cd799439045
}

func ExampleWithRateLimit() {
	h := cashfintest.NewHandler(cashfintest.WithRateLimit(1)) // one request in each clock second

	// Requests in quick succession: the first is admitted, and one of the next few is refused
	// with a 429, as the API refuses it. (A few, not just the second: on a busy machine a second
	// may end between two requests, and a new window opens.) Its Retry-After is the whole
	// seconds, at least 1, until the window ends.
	for range 10 {
		req := httptest.NewRequest(http.MethodGet, "/business/contact/list", nil)
		req.Header.Set("Authorization", cashfintest.DefaultSecret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusTooManyRequests {
			fmt.Println(rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("X-RateLimit-Remaining"))
			fmt.Print(rec.Body)
			break
		}
	}
	// Output:
	// 429 1 0
	// {"success":false,"error":"Rate limit exceeded. Please try again later.","retry_after":1}
}

func ExampleNewHandler() {
	// The fake as a plain http.Handler: here answering in process, with no socket at all.
	h := cashfintest.NewHandler()
	h.AddContacts(cashfin.Contact{ID: "507f1f77bcf86cd799439045", Name: "Jane Wanjiku",
		CreatedAt: time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)})

	req := httptest.NewRequest(http.MethodGet, "/business/contact/details/507f1f77bcf86cd799439045", nil)
	req.Header.Set("Authorization", cashfintest.DefaultSecret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	body, _ := io.ReadAll(rec.Body)
	fmt.Println(rec.Code, strings.TrimSpace(string(body)))
	// Output:
	// 200 {"success":true,"data":{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku","active":true,"createdat":"2024-01-15T12:00:00.000Z","updatedat":"2024-01-15T12:00:00.000Z"}}
}

func ExampleWithPlan() {
	// At most 3 requests a day: every response says how many are left in the window closest to
	// exhaustion, and the fourth request is refused.
	h := cashfintest.NewHandler(cashfintest.WithPlan(0, 0, 3))
	for range 4 {
		req := httptest.NewRequest(http.MethodGet, "/business/contact/list", nil)
		req.Header.Set("Authorization", cashfintest.DefaultSecret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("X-RateLimit-Limit"), rec.Header().Get("X-RateLimit-Remaining"))
	}
	// Output:
	// 200 3 2
	// 200 3 1
	// 200 3 0
	// 429 3 0
}

func ExampleServer_Requests() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()

	srv.FailNext(1, http.StatusServiceUnavailable)
	_, _ = client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Jane Wanjiku"})

	// What the code under test sent, and what the fake answered: the SDK retried the 503 with
	// the same body and Idempotency-Key. The secret never shows.
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status, string(r.Body), r.Header.Get("Authorization"))
	}
	reqs := srv.Requests()
	fmt.Println(reqs[0].Header.Get("Idempotency-Key") == reqs[1].Header.Get("Idempotency-Key"))
	// Output:
	// POST /business/contact/create 503 {"name":"Jane Wanjiku"} [redacted]
	// POST /business/contact/create 201 {"name":"Jane Wanjiku"} [redacted]
	// true
}

func ExampleServer_FailNextWith() {
	srv := cashfintest.NewServer()
	defer srv.Close()

	// The API refuses the email: does the code under test show the field's message?
	srv.FailNextWith(cashfintest.Failure{
		Status:  http.StatusUnprocessableEntity,
		Message: "There are problems with your submission",
		Fields:  map[string]string{"email": "Email already exists"},
	})
	_, err := srv.Client().Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Jane", Email: "jane@acme.co.ke"})
	var apiErr *cashfin.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Fields["email"])
	}
	fmt.Println(len(srv.Contacts()))
	// Output:
	// 422 Email already exists
	// 0
}

func ExampleServer_Reset() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()

	for _, name := range []string{"first", "second"} {
		srv.Reset() // each case starts from an empty fake: no records, requests, failures or keys
		srv.AddCustomers(cashfin.Customer{Name: "Customer of the " + name + " case"})
		_, _ = client.Contacts.List(context.Background(), nil)
		fmt.Println(name, len(srv.Customers()), len(srv.Requests()))
	}
	// Output:
	// first 1 1
	// second 1 1
}

func ExampleServer_AddCustomers() {
	srv := cashfintest.NewServer()
	defer srv.Close()

	stored := srv.AddCustomers(cashfin.Customer{
		Name: "John Doe", Email: "john@example.com", Phone: "+254712345678",
		Country: "Kenya", Currency: "KES", Type: cashfin.CustomerIndividual,
	})
	fmt.Println(len(stored[0].ID), *stored[0].Active, srv.Customers()[0].Name)
	// Output:
	// 24 true John Doe
}
