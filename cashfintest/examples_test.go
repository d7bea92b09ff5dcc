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
	srv := cashfintest.NewServer(cashfintest.WithRateLimit(1)) // one request a second
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// The first request is admitted, and the fake's X-RateLimit-* headers say that no request is
	// left until the next whole second. srv.Client waits at most 10ms between attempts, so the SDK
	// refuses the next call at once, without sending it, as a 429 of its own.
	var resp cashfin.Response
	_, err := client.Contacts.List(ctx, nil, cashfin.WithResponseInto(&resp))
	fmt.Println(err, resp.RateLimit.Limit, resp.RateLimit.Remaining)
	_, err = client.Contacts.List(ctx, nil)
	var apiErr *cashfin.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, cashfin.ErrRateLimited), apiErr.RetryAfter <= 2*time.Second)
	}

	// A call allowed to wait that long waits for the reset instead.
	_, err = client.Contacts.List(ctx, nil, cashfin.WithRetryWait(time.Millisecond, 3*time.Second))
	fmt.Println(err)
	// Output:
	// <nil> 1 0
	// 429 true true
	// <nil>
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
