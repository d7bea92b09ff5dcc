package cashfinredis_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfinredis"
	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/webhook"
)

// Every process that uses one client secret builds its limiter on the same Redis and key; here
// two "processes" share the free plan against the fake, and no request meets a 429.
func ExampleNewLimiter() {
	mr := miniredis.NewMiniRedis() // in production: your Redis
	if err := mr.Start(); err != nil {
		log.Fatal(err)
	}
	defer mr.Close()
	srv := cashfintest.NewServer(cashfintest.WithPlan(5, 60, 1000))
	defer srv.Close()

	for worker := range 2 {
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		defer rdb.Close()
		// The key names the plan's secret without holding it (say, a hash of it).
		lim, err := cashfinredis.NewLimiter(rdb, "cashfin:plan:billing", cashfin.PlanFree)
		if err != nil {
			log.Fatal(err)
		}
		client := srv.Client(cashfin.WithLimiter(lim)) // every attempt waits its turn on the shared plan
		for i := range 4 {
			_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: fmt.Sprintf("worker %d #%d", worker, i)})
			if err != nil {
				log.Fatal(err)
			}
		}
	}
	tooMany := 0
	for _, r := range srv.Requests() {
		if r.Status == 429 {
			tooMany++
		}
	}
	fmt.Println(len(srv.Contacts()), "contacts created;", tooMany, "answered 429")
	// Output:
	// 8 contacts created; 0 answered 429
}

// Replicas behind a load balancer share one Deduper: an event delivered to both is handled once.
func ExampleNewDeduper() {
	mr := miniredis.NewMiniRedis() // in production: your Redis
	if err := mr.Start(); err != nil {
		log.Fatal(err)
	}
	defer mr.Close()
	const secret = "example-webhook-secret" // in production: os.Getenv("CASHFIN_WEBHOOK_SECRET")

	var urls []string
	for replica := range 2 {
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		defer rdb.Close()
		d, err := cashfinredis.NewDeduper(rdb, "cashfin:webhook:")
		if err != nil {
			log.Fatal(err)
		}
		srv := httptest.NewServer(webhook.Handler(secret, func(_ context.Context, e *webhook.Event) error {
			fmt.Println("replica", replica, "handled", e.Type, string(e.Data))
			return nil
		}, webhook.WithDeduper(d)))
		defer srv.Close()
		urls = append(urls, srv.URL)
	}
	for _, url := range urls { // the same delivery reaches each replica
		err := cashfintest.SendWebhook(context.Background(), url, secret, webhook.EventPaymentCompleted,
			map[string]any{"referenceid": "ORDER-1001"})
		fmt.Println(err)
	}
	// Output:
	// replica 0 handled payment.completed {"referenceid":"ORDER-1001"}
	// <nil>
	// <nil>
}

// When Redis cannot be reached, a Limiter lets the attempt go by default (each client still
// honours the server's own window) and logs the failure at most once a minute; with FailClosed,
// Wait returns the error and the call sends nothing.
func ExampleFailClosed() {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		log.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1, DialerRetries: 1}) // fail fast
	defer rdb.Close()
	mr.Close() // Redis goes down

	open, err := cashfinredis.NewLimiter(rdb, "cashfin:plan:billing", cashfin.PlanFree,
		cashfinredis.Logger(nil)) // in production: a logger of your own, or slog.Default()
	if err != nil {
		log.Fatal(err)
	}
	closed, err := cashfinredis.NewLimiter(rdb, "cashfin:plan:billing", cashfin.PlanFree,
		cashfinredis.FailClosed(), cashfinredis.Logger(nil))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("fail-open, admitted:", open.Wait(context.Background()) == nil)
	fmt.Println("FailClosed, admitted:", closed.Wait(context.Background()) == nil)
	// Output:
	// fail-open, admitted: true
	// FailClosed, admitted: false
}
