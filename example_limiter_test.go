package cashfin_test

import (
	"context"
	"fmt"
	"log"
	"sync"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// One process on a plan: NewPlanLimiter keeps every window of the plan, so that eight creates
// sent at once on a plan of 5 a second meet no 429: the last three wait for the next second.
func ExampleNewPlanLimiter() {
	srv := cashfintest.NewServer(cashfintest.WithPlan(5, 60, 1000)) // the Free plan
	defer srv.Close()

	limiter, err := cashfin.NewPlanLimiter(cashfin.PlanFree)
	if err != nil {
		log.Fatal(err)
	}
	client, err := cashfin.NewClient(srv.Secret, cashfin.WithBaseURL(srv.URL), cashfin.WithLimiter(limiter))
	if err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: fmt.Sprintf("Contact %d", i)})
			if err != nil {
				log.Print(err)
			}
		}()
	}
	wg.Wait()
	answered := map[int]int{}
	for _, r := range srv.Requests() {
		answered[r.Status]++
	}
	fmt.Println("answered:", answered)
	// Output:
	// answered: map[201:8]
}

// A limiter is shared by every client it is given to: here a CLI's contacts import and a
// customers import on one secret share a plan of 3 a second. (cashfinredis.NewLimiter shares a
// plan between processes the same way.)
func ExampleWithLimiter() {
	srv := cashfintest.NewServer(cashfintest.WithPlan(3, 0, 0))
	defer srv.Close()

	plan, err := cashfin.NewPlanLimiter(cashfin.Plan{PerSecond: 3})
	if err != nil {
		log.Fatal(err)
	}
	contacts, err := cashfin.NewClient(srv.Secret, cashfin.WithBaseURL(srv.URL), cashfin.WithLimiter(plan))
	if err != nil {
		log.Fatal(err)
	}
	customers, err := cashfin.NewClient(srv.Secret, cashfin.WithBaseURL(srv.URL), cashfin.WithLimiter(plan))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 {
		if _, err := contacts.Contacts.List(ctx, nil); err != nil {
			log.Fatal(err)
		}
		if _, err := customers.Customers.List(ctx, nil); err != nil {
			log.Fatal(err)
		}
		fmt.Println("round", i+1, "done")
	}
	answered := map[int]int{}
	for _, r := range srv.Requests() {
		answered[r.Status]++
	}
	fmt.Println("answered:", answered)
	// Output:
	// round 1 done
	// round 2 done
	// round 3 done
	// answered: map[200:6]
}
