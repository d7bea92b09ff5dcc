package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// The examples run against cashfintest, the SDK's local fake of the Cashfin API. In your code,
// NewClient("") reads the secret from CASHFIN_CLIENT_SECRET and talks to the real API.

func ExampleNewClient() {
	srv := cashfintest.NewServer() // stands in for https://api.cashfin.africa
	defer srv.Close()

	client, err := cashfin.NewClient(srv.Secret,
		cashfin.WithBaseURL(srv.URL),
		cashfin.WithTimeout(10*time.Second),
		cashfin.WithMaxRetries(3),
		cashfin.WithUserAgent("acme-sync/1.0"),
	)
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.Contacts.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Data), "contacts")
	// Output: 0 contacts
}

func ExampleContactsService_Create() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()

	contact, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{
		Name:        "Jane Wanjiku",
		Email:       "jane@acme.example",
		Phone:       "+254712345678",
		Position:    "Procurement Manager",
		CompanyName: "Acme Corp",
		// Optional: a key of your own makes re-running a whole job safe, not just retries.
		IdempotencyKey: "crm-record-8812",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(contact.Name, "at", contact.CompanyName, "has an ID:", len(contact.ID) == 24)
	// Output: Jane Wanjiku at Acme Corp has an ID: true
}

func ExampleContactsService_Get() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	stored := srv.AddContacts(cashfin.Contact{Name: "Kwame Mensah", CompanyName: "Gold Coast Traders"})
	client := srv.Client()

	contact, err := client.Contacts.Get(context.Background(), stored[0].ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(contact.Name, *contact.Active)

	_, err = client.Contacts.Get(context.Background(), "000000000000000000000000")
	fmt.Println(errors.Is(err, cashfin.ErrNotFound))
	// Output:
	// Kwame Mensah true
	// true
}

func ExampleContactsService_List() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	for _, name := range []string{"Amina", "Kwame", "Thandiwe", "Chidi", "Wanjiru"} {
		srv.AddContacts(cashfin.Contact{Name: name})
	}
	client := srv.Client()

	page, err := client.Contacts.List(context.Background(), &cashfin.ContactListParams{Page: 1, Limit: 2})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range page.Data {
		fmt.Println(c.Name)
	}
	fmt.Printf("page %d of %d, more: %v\n", page.Pagination.Page, page.Pagination.Pages, page.Pagination.HasNext())
	// Output:
	// Wanjiru
	// Chidi
	// page 1 of 3, more: true
}

func ExampleContactsService_ListAll() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	for _, name := range []string{"Amina", "Kwame", "Thandiwe"} {
		srv.AddContacts(cashfin.Contact{Name: name})
	}
	client := srv.Client()

	// Every contact, page after page (the next page is fetched while this loop runs).
	for contact, err := range client.Contacts.ListAll(context.Background(), nil) {
		if err != nil {
			log.Fatal(err) // an error ends the walk
		}
		fmt.Println(contact.Name)
	}
	// Output:
	// Thandiwe
	// Kwame
	// Amina
}

func ExampleContactsService_ListPages() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	for i := 1; i <= 5; i++ {
		srv.AddContacts(cashfin.Contact{Name: fmt.Sprintf("Contact %d", i)})
	}
	client := srv.Client()

	params := &cashfin.ContactListParams{Limit: 2, Search: "contact"}
	for page, err := range client.Contacts.ListPages(context.Background(), params) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("page %d: %d contacts\n", page.Pagination.Page, len(page.Data))
	}
	// Output:
	// page 1: 2 contacts
	// page 2: 2 contacts
	// page 3: 1 contacts
}

func ExampleAPIError() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()

	_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{
		Name:  "Jane Wanjiku",
		Email: "not-an-email",
	})
	var apiErr *cashfin.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, cashfin.ErrBadRequest))
		fmt.Println("email:", apiErr.Fields["email"] != "")
	}
	// Output:
	// 400 true
	// email: true
}

func ExampleAPIError_retries() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client(cashfin.WithMaxRetries(2))

	// Two gateway failures, then success: the SDK retries with the same Idempotency-Key, so
	// exactly one contact is created.
	srv.FailNext(2, 503)
	_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Jane Wanjiku"})
	fmt.Println(err, len(srv.Contacts()))

	// Three failures are one too many.
	srv.FailNext(3, 503)
	_, err = client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Chidi Okeke"})
	fmt.Println(errors.Is(err, cashfin.ErrServer), len(srv.Contacts()))
	// Output:
	// <nil> 1
	// true 1
}

func ExampleWithResponseInto() {
	srv := cashfintest.NewServer(cashfintest.WithRateLimit(100)) // reports X-RateLimit-* headers
	defer srv.Close()
	client := srv.Client()

	// resp receives the metadata of the response that ended the call: for your logs and support
	// tickets (the request ID) and for capacity planning (the rate-limit window).
	var resp cashfin.Response
	_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Jane Wanjiku"},
		cashfin.WithResponseInto(&resp))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", resp.StatusCode, "attempts:", resp.Attempts, "request ID set:", resp.RequestID != "")
	fmt.Println("window:", resp.RateLimit.Remaining, "of", resp.RateLimit.Limit, "left, reset time set:",
		!resp.RateLimit.Reset.IsZero())
	// Output:
	// status: 201 attempts: 1 request ID set: true
	// window: 99 of 100 left, reset time set: true
}
