package cashfintest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// importPeople is the code under test: it adds each person to the Cashfin directory unless a
// contact with that email is already there.
func importPeople(ctx context.Context, client *cashfin.Client, people []cashfin.ContactCreateParams) (added int, err error) {
	for _, p := range people {
		page, err := client.Contacts.List(ctx, &cashfin.ContactListParams{Search: p.Email})
		if err != nil {
			return added, err
		}
		if page.Pagination.Total > 0 {
			continue // already there
		}
		p.IdempotencyKey = "import-" + p.Email // re-running the whole import is safe too
		if _, err := client.Contacts.Create(ctx, &p); err != nil {
			return added, err
		}
		added++
	}
	return added, nil
}

// This is how an integration test of your own code looks with the fake: seed it, make it fail
// once the way a gateway does, run your code through srv.Client(), and check what was stored.
// In a real test, the Println calls would be testify assertions.
func Example() {
	srv := cashfintest.NewServer()
	defer srv.Close()

	// Jane is already in the directory.
	srv.AddContacts(cashfin.Contact{Name: "Jane Wanjiku", Email: "jane@acme.co.ke"})

	// The first request fails with 503, as a busy gateway would; the SDK retries it (within
	// milliseconds: srv.Client's backoff starts at 1ms).
	srv.FailNext(1, http.StatusServiceUnavailable)

	added, err := importPeople(context.Background(), srv.Client(), []cashfin.ContactCreateParams{
		{Name: "Jane Wanjiku", Email: "jane@acme.co.ke"},
		{Name: "Kwame Mensah", Email: "kwame@adinkra.com.gh", Phone: "+233241234567"},
	})
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("added:", added)
	for _, c := range srv.Contacts() { // newest first
		fmt.Println(c.Name, c.Email)
	}
	// Output:
	// added: 1
	// Kwame Mensah kwame@adinkra.com.gh
	// Jane Wanjiku jane@acme.co.ke
}
