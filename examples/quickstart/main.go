// Command quickstart tours the Cashfin Contacts API with the Go SDK: create a contact, fetch it,
// list one page, walk every contact, and handle a not-found error.
//
//	go run ./examples/quickstart
//
// By default it starts the SDK's embedded fake API (package cashfintest) and runs the tour
// against that, so it works on a fresh machine and creates nothing anywhere. Cashfin has no
// sandbox and no delete endpoint, so the contact the tour creates elsewhere is permanent: to run
// it against the API (CASHFIN_CLIENT_SECRET, and CASHFIN_BASE_URL when set, for example a
// cashfin-mock), pass -live.
//
//	go run ./examples/quickstart -live
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// run is the whole command: 0 when the tour ran, 1 when it failed, 2 for a usage error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	live := fs.Bool("live", false, "run against the API named by CASHFIN_CLIENT_SECRET and CASHFIN_BASE_URL: "+
		"the contact it creates there is permanent")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	secret := getenv(cashfin.EnvClientSecret)
	if *live && secret == "" {
		fmt.Fprintf(stderr, "quickstart: -live needs %s (and %s for another API than production)\n",
			cashfin.EnvClientSecret, cashfin.EnvBaseURL)
		return 2
	}
	if !*live && secret != "" {
		fmt.Fprintf(stderr, "quickstart: %s is set, but the tour runs against the embedded fake unless you pass -live "+
			"(against a real API it creates a contact that cannot be deleted)\n\n", cashfin.EnvClientSecret)
	}
	client, done, err := newClient(*live, getenv, stdout)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	defer done()
	if err := tour(ctx, client, stdout); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// newClient returns a client for the API named by the environment when live is set, else for an
// embedded fake seeded with a few contacts. done releases what newClient started.
func newClient(live bool, getenv func(string) string, stdout io.Writer) (client *cashfin.Client, done func(), err error) {
	if live {
		base := getenv(cashfin.EnvBaseURL)
		if base == "" {
			base = cashfin.DefaultBaseURL
		}
		client, err = cashfin.NewClient(getenv(cashfin.EnvClientSecret),
			cashfin.WithBaseURL(base), cashfin.WithUserAgent("cashfin-quickstart"))
		if err == nil {
			fmt.Fprintf(stdout, "-live: running against %s; the contact created there is permanent\n\n", base)
		}
		return client, func() {}, err
	}
	srv := cashfintest.NewServer()
	srv.AddContacts(
		cashfin.Contact{Name: "Amina Odhiambo", Email: "amina@savanna.co.ke", Phone: "+254722000111", Position: "Finance Lead", CompanyName: "Savanna Foods"},
		cashfin.Contact{Name: "Kwame Mensah", Email: "kwame@gold-coast.com.gh", Phone: "+233244000222", Position: "Buyer", CompanyName: "Gold Coast Traders"},
		cashfin.Contact{Name: "Thandiwe Nkosi", Email: "thandi@karoo.co.za", Phone: "+27821000333", Position: "CFO", CompanyName: "Karoo Logistics"},
	)
	fmt.Fprintf(stdout, "Running against the embedded fake Cashfin API at %s (pass -live for a real one)\n\n", srv.URL)
	return srv.Client(), srv.Close, nil
}

func tour(ctx context.Context, client *cashfin.Client, out io.Writer) error {
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
	fmt.Fprintf(out, "created  %s  %s <%s>\n", created.ID, created.Name, created.Email)

	// Get: the full record.
	got, err := client.Contacts.Get(ctx, created.ID)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	fmt.Fprintf(out, "fetched  %s  %s, %s at %s (created %s)\n", got.ID, got.Name, got.Position,
		got.CompanyName, got.CreatedAt.Format(time.RFC3339))

	// List one page.
	page, err := client.Contacts.List(ctx, &cashfin.ContactListParams{Page: 1, Limit: 2})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Fprintf(out, "page %d of %d (%d contacts in all):\n", page.Pagination.Page, page.Pagination.Pages, page.Pagination.Total)
	for _, c := range page.Data {
		fmt.Fprintf(out, "  %s  %s\n", c.ID, c.Name)
	}

	// Walk every contact; the SDK fetches the next page while this loop works on the current one.
	n := 0
	for c, err := range client.Contacts.ListAll(ctx, nil) {
		if err != nil {
			return fmt.Errorf("list all: %w", err)
		}
		n++
		fmt.Fprintf(out, "  #%d %s (%s)\n", n, c.Name, c.CompanyName)
	}
	fmt.Fprintf(out, "walked %d contacts\n", n)

	// A contact that does not exist is an *APIError matching ErrNotFound.
	_, err = client.Contacts.Get(ctx, "000000000000000000000000")
	var apiErr *cashfin.APIError
	switch {
	case errors.Is(err, cashfin.ErrNotFound) && errors.As(err, &apiErr):
		fmt.Fprintf(out, "not found, as expected: HTTP %d, %q\n", apiErr.StatusCode, apiErr.Message)
	case err != nil:
		return fmt.Errorf("get missing: %w", err)
	default:
		return errors.New("get missing: expected a not-found error")
	}
	return nil
}
