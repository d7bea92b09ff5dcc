// Command quickstart tours the Cashfin Contacts API with the Go SDK: create a contact, fetch it,
// list one page, walk every contact, and handle a not-found error.
//
//	go run ./examples/quickstart
//
// With no CASHFIN_CLIENT_SECRET set it starts the SDK's embedded fake API (package cashfintest)
// and runs the tour against that, so it works on a fresh machine. With the secret set it talks to
// the real API, or to CASHFIN_BASE_URL when that is set too: beware, Cashfin has no sandbox, so
// the contact it creates is real.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func main() {
	log.SetFlags(0)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	client, done, err := newClient()
	if err != nil {
		log.Fatal(err)
	}
	defer done()
	if err := tour(ctx, client); err != nil {
		log.Fatal(err)
	}
}

// newClient returns a client for the real API when a secret is set, else for an embedded fake
// seeded with a few contacts. done releases what newClient started.
func newClient() (client *cashfin.Client, done func(), err error) {
	if os.Getenv(cashfin.EnvClientSecret) != "" {
		client, err = cashfin.NewClient("", cashfin.WithUserAgent("cashfin-quickstart"))
		return client, func() {}, err
	}
	srv := cashfintest.NewServer()
	srv.AddContacts(
		cashfin.Contact{Name: "Amina Odhiambo", Email: "amina@savanna.co.ke", Phone: "+254722000111", Position: "Finance Lead", CompanyName: "Savanna Foods"},
		cashfin.Contact{Name: "Kwame Mensah", Email: "kwame@gold-coast.com.gh", Phone: "+233244000222", Position: "Buyer", CompanyName: "Gold Coast Traders"},
		cashfin.Contact{Name: "Thandiwe Nkosi", Email: "thandi@karoo.co.za", Phone: "+27821000333", Position: "CFO", CompanyName: "Karoo Logistics"},
	)
	fmt.Printf("No %s set: running against the embedded fake Cashfin API at %s\n\n", cashfin.EnvClientSecret, srv.URL)
	return srv.Client(), srv.Close, nil
}

func tour(ctx context.Context, client *cashfin.Client) error {
	// Create. The SDK gives every create an Idempotency-Key, so its retries never duplicate it.
	created, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{
		Name:        "Jane Wanjiku",
		Email:       "jane@acme.example",
		Phone:       "+254712345678",
		Position:    "Procurement Manager",
		CompanyName: "Acme Corp",
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	fmt.Printf("created  %s  %s <%s>\n", created.ID, created.Name, created.Email)

	// Get: the full record.
	got, err := client.Contacts.Get(ctx, created.ID)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	fmt.Printf("fetched  %s  %s, %s at %s (created %s)\n", got.ID, got.Name, got.Position,
		got.CompanyName, got.CreatedAt.Format(time.RFC3339))

	// List one page.
	page, err := client.Contacts.List(ctx, &cashfin.ContactListParams{Page: 1, Limit: 2})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Printf("page %d of %d (%d contacts in all):\n", page.Pagination.Page, page.Pagination.Pages, page.Pagination.Total)
	for _, c := range page.Data {
		fmt.Printf("  %s  %s\n", c.ID, c.Name)
	}

	// Walk every contact; the SDK fetches the next page while this loop works on the current one.
	n := 0
	for c, err := range client.Contacts.ListAll(ctx, nil) {
		if err != nil {
			return fmt.Errorf("list all: %w", err)
		}
		n++
		fmt.Printf("  #%d %s (%s)\n", n, c.Name, c.CompanyName)
	}
	fmt.Printf("walked %d contacts\n", n)

	// A contact that does not exist is an *APIError matching ErrNotFound.
	_, err = client.Contacts.Get(ctx, "000000000000000000000000")
	var apiErr *cashfin.APIError
	switch {
	case errors.Is(err, cashfin.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Printf("not found, as expected: HTTP %d, %q\n", apiErr.StatusCode, apiErr.Message)
	case err != nil:
		return fmt.Errorf("get missing: %w", err)
	default:
		return errors.New("get missing: expected a not-found error")
	}
	return nil
}
