package webhook_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/webhook"
)

// Handler de-duplicates by default: Cashfin sends no event ID, so a delivery whose body was
// handled before is answered {"received":true,"duplicate":true} and not handled again. Give
// WithDeduper a NewMemoryDeduper of your own size, cashfinredis.NewDeduper when several replicas
// receive events, or nil to turn it off.
func ExampleWithDeduper() {
	secret := "example-webhook-secret"
	h := webhook.Handler(secret, func(_ context.Context, e *webhook.Event) error {
		fmt.Println("handled", e.Type)
		return nil
	}, webhook.WithDeduper(webhook.NewMemoryDeduper(time.Hour, 10_000)))
	srv := httptest.NewServer(h)
	defer srv.Close()

	data := map[string]any{"referenceid": "ORDER-1001", "amount": 1500}
	for range 2 { // the same delivery twice: handled once
		err := cashfintest.SendWebhook(context.Background(), srv.URL, secret, webhook.EventPaymentCompleted, data)
		fmt.Println(err)
	}
	// Output:
	// handled payment.completed
	// <nil>
	// <nil>
}

// A Deduper used directly: claim an event's key before handling it, then say how it ended.
func ExampleNewMemoryDeduper() {
	d := webhook.NewMemoryDeduper(24*time.Hour, 100_000)
	ctx := context.Background()
	key := webhook.Key([]byte(`{"type":"payment.completed","data":{"referenceid":"ORDER-1001"}}`))

	s, _ := d.Claim(ctx, key)
	fmt.Println(s)
	s, _ = d.Claim(ctx, key) // another delivery while the first is being handled
	fmt.Println(s)
	_ = d.Finish(ctx, key, true)
	s, _ = d.Claim(ctx, key)
	fmt.Println(s)
	// Output:
	// Claimed
	// InProgress
	// Handled
}
