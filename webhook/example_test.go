package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/webhook"
)

// payment holds the fields this receiver reads from a payment event's data. Cashfin does not
// document the payload: these names are assumptions (they mirror the mobile-payment request),
// so decode tolerantly and check what you got.
type payment struct {
	ReferenceID string  `json:"referenceid"`
	Amount      float64 `json:"amount"`
}

// A receiver: Handler checks the method, size and signature, and calls your function with each
// event. Here cashfintest.SendWebhook plays Cashfin, as it would in your tests.
func ExampleHandler() {
	secret := "example-webhook-secret" // in production: os.Getenv("CASHFIN_WEBHOOK_SECRET")

	mux := http.NewServeMux()
	mux.Handle("/webhooks/cashfin", webhook.Handler(secret, func(ctx context.Context, e *webhook.Event) error {
		switch e.Type {
		case webhook.EventPaymentCompleted:
			var p payment
			if err := json.Unmarshal(e.Data, &p); err != nil {
				return err // 500: Cashfin is expected to deliver it again
			}
			fmt.Printf("paid: %s, %.2f\n", p.ReferenceID, p.Amount) // mark the order paid, idempotently
		default:
			fmt.Println("ignored:", e.Type)
		}
		return nil
	}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	url := srv.URL + "/webhooks/cashfin"
	err := cashfintest.SendWebhook(ctx, url, secret, webhook.EventPaymentCompleted,
		map[string]any{"referenceid": "ORDER-1001", "amount": 1500})
	fmt.Println(err)
	err = cashfintest.SendWebhook(ctx, url, secret, webhook.EventOrderCreated, map[string]any{"_id": "665f1f77bcf86cd799439011"})
	fmt.Println(err)
	err = cashfintest.SendWebhook(ctx, url, "a forged secret", webhook.EventPaymentCompleted,
		map[string]any{"referenceid": "ORDER-1001", "amount": 1500})
	fmt.Println(err)
	// Output:
	// paid: ORDER-1001, 1500.00
	// <nil>
	// ignored: order.created
	// <nil>
	// cashfintest: webhook payment.completed: the receiver answered 401 Unauthorized
}

// Sign is what Cashfin puts in the X-Cashfin-Signature header: the hex HMAC-SHA256 of the raw
// body. Use it to sign test requests of your own.
func ExampleSign() {
	body := []byte(`{"type":"payment.completed","data":{"referenceid":"ORDER-1001"}}`)
	fmt.Println(webhook.Sign(body, "example-webhook-secret"))
	// Output:
	// 7175cdbdcb6ec219011104e49f0c7425cce2cf1db0980226c0a48fc986a3cdbe
}

// Parse is for receivers that read the body themselves (another router, a queue): pass the raw
// bytes as received, and the header's value.
func ExampleParse() {
	secret := "example-webhook-secret"
	body := []byte(`{"type":"payment.completed","data":{"referenceid":"ORDER-1001"}}`)
	signature := webhook.Sign(body, secret) // in a receiver: r.Header.Get(webhook.SignatureHeader)

	e, err := webhook.Parse(body, signature, secret)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Type, string(e.Data))

	forged := []byte(`{"type":"payment.completed","data":{"referenceid":"ORDER-6666"}}`)
	_, err = webhook.Parse(forged, signature, secret)
	fmt.Println(errors.Is(err, webhook.ErrInvalidSignature), err)
	// Output:
	// payment.completed {"referenceid":"ORDER-1001"}
	// true webhook: invalid signature: does not match the body
}
