package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/url"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// Do calls endpoints the SDK has no typed method for, decoding into types of your own. The fake
// serves contacts and customers only, so this example lists and creates contacts the way you
// would list invoices (/business/invoice/list) or request a mobile payment.
func ExampleClient_Do() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	srv.AddContacts(cashfin.Contact{Name: "Jane Wanjiku"}, cashfin.Contact{Name: "Kwame Mensah"})
	client := srv.Client()
	ctx := context.Background()

	type person struct {
		ID   string `json:"_id"`
		Name string `json:"name"`
	}
	var page cashfin.Page[person] // Data gets "data", Pagination the page block
	err := client.Do(ctx, http.MethodGet, "/business/contact/list", url.Values{"limit": {"1"}}, nil, &page)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Data[0].Name, "of", page.Pagination.Total) // the newest first

	var created person // a POST carries an Idempotency-Key, the same on every retry
	err = client.Do(ctx, http.MethodPost, "/business/contact/create", nil, map[string]string{"name": "Amina Diallo"}, &created)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(created.Name, len(created.ID))

	err = client.Do(ctx, http.MethodGet, "/business/contact/details/000000000000000000000000", nil, nil, &created)
	fmt.Println(errors.Is(err, cashfin.ErrNotFound))
	err = client.Do(ctx, http.MethodGet, "https://elsewhere.example/business/contact/list", nil, nil, nil)
	fmt.Println(errors.Is(err, cashfin.ErrInvalidParams))
	// Output:
	// Kwame Mensah of 2
	// Amina Diallo 24
	// true
	// true
}
