package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func ExampleCustomersService_Create() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()

	customer, err := client.Customers.Create(context.Background(), &cashfin.CustomerCreateParams{
		Name:     "John Doe",
		Email:    "john@example.com",
		Phone:    "+254712345678",
		Country:  "Kenya",
		Currency: "KES",
		Type:     cashfin.CustomerBusiness,
		Company:  "Doe Traders",
		// Optional: a key of your own makes re-running a whole job safe, not just retries.
		IdempotencyKey: "crm-customer-8812",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(customer.Name, customer.Currency, customer.Type, len(customer.ID) == 24)

	// Checked before anything is sent: the API has no delete, so a wrong customer would stay.
	_, err = client.Customers.Create(context.Background(), &cashfin.CustomerCreateParams{Name: "No Email"})
	fmt.Println(errors.Is(err, cashfin.ErrInvalidParams))
	// Output:
	// John Doe KES business true
	// true
}

func ExampleCustomersService_Update() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	stored := srv.AddCustomers(cashfin.Customer{Name: "John Doe", Email: "john@example.com", Phone: "+254712345678",
		Country: "Kenya", Currency: "KES", Company: "Doe Traders", City: "Nairobi"})
	client := srv.Client()

	// Only the fields set are sent: City changes, Company is cleared, the rest stays.
	customer, err := client.Customers.Update(context.Background(), stored[0].ID, &cashfin.CustomerUpdateParams{
		City:    cashfin.Ptr("Mombasa"),
		Company: cashfin.Ptr(""),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s, %s, company %q\n", customer.Name, customer.City, customer.Company)
	// Output: John Doe, Mombasa, company ""
}

func ExampleCustomersService_ListAll() {
	srv := cashfintest.NewServer()
	defer srv.Close()
	srv.AddCustomers(
		cashfin.Customer{Name: "Amina Diallo", Email: "amina@example.com", Phone: "+221770000001", Country: "Senegal", Currency: "XOF"},
		cashfin.Customer{Name: "John Doe", Email: "john@example.com", Phone: "+254712345678", Country: "Kenya", Currency: "KES"},
		cashfin.Customer{Name: "Jane Doe", Email: "jane@example.com", Phone: "+254712345679", Country: "Kenya", Currency: "KES"},
	)
	client := srv.Client()

	n := 0
	for customer, err := range client.Customers.ListAll(context.Background(), &cashfin.CustomerListParams{Search: "doe"}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
		fmt.Println(customer.Currency, customer.Country)
	}
	fmt.Println(n, "customers")
	// Output:
	// KES Kenya
	// KES Kenya
	// 2 customers
}
