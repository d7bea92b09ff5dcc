// Package webhook verifies and decodes the events Cashfin posts to your server: a payment that
// started or completed (the only way to learn that an M-Pesa payment succeeded), an order
// created, and so on.
//
// Mount Handler on the HTTPS URL you registered in the Cashfin dashboard (Settings → Webhooks),
// with the webhook secret, never the client secret:
//
//	http.Handle("POST /webhooks/cashfin", webhook.Handler(os.Getenv("CASHFIN_WEBHOOK_SECRET"),
//		func(ctx context.Context, e *webhook.Event) error {
//			switch e.Type {
//			case webhook.EventPaymentCompleted:
//				// decode e.Data, mark the order paid (idempotently)
//			}
//			return nil
//		}))
//
// Handler answers a delivery it handled before as a duplicate, without calling your function
// again: Cashfin sends no event ID, so an event is known by its exact body (Key). The memory is
// in-process by default (NewMemoryDeduper); replicas behind a load balancer share one with
// WithDeduper(cashfinredis.NewDeduper(...)).
//
// Use Verify or Parse directly when your router hands you the raw body and header itself.
// cashfintest.SendWebhook posts a signed event to your receiver in tests.
//
// # What Cashfin documents, and what this package assumes
//
// Only part of Cashfin's webhook guide could be read. Documented: events are POSTed as JSON;
// the X-Cashfin-Signature header holds the hex HMAC-SHA256 of the raw body, keyed with the
// webhook secret, with no prefix and no timestamp; the body's "type" names the event and "data"
// holds its object; the guide's receiver answers 200 {"received":true}, and 401 to a bad
// signature. Assumed, and handled tolerantly:
//
//   - The hex is lower-case (as Node's digest("hex") writes it); Verify accepts either case.
//   - Other top-level keys of the body, and the fields inside "data", are not documented:
//     Event keeps "data" as sent (json.RawMessage) and ignores any other key.
//   - More event types exist than the ones named here (the guide promises subscription and
//     order-status notices without naming them): Parse and Handler accept any non-empty type.
//   - Content-Type is not checked (application/json is assumed, not relied on).
//   - Cashfin's retry policy is not documented: Handler answers 500 when your function fails,
//     assuming that a non-2xx answer makes Cashfin deliver the event again. Nothing documents
//     an event ID or ordering either, so process events idempotently, keyed on something stable
//     in "data" (such as the record's "_id" or your reference).
//   - No timestamp is signed, so a captured delivery can be replayed. Handler's de-duplication
//     refuses a replay for as long as it remembers the event (24 hours by default); idempotent
//     processing is the defence beyond that.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// SignatureHeader is the request header that carries an event's signature.
const SignatureHeader = "X-Cashfin-Signature"

// Event types named in Cashfin's docs. Others exist; their names are not documented.
const (
	EventPaymentInitiated = "payment.initiated" // a payment process has started
	EventPaymentCompleted = "payment.completed" // a payment finished successfully
	EventOrderCreated     = "order.created"     // an order was created (seen only in the docs' example)
)

// ErrInvalidSignature is returned, wrapped with the reason, when a signature is missing,
// malformed or does not match, or when the secret is empty. Test with errors.Is.
var ErrInvalidSignature = errors.New("webhook: invalid signature")

// Event is one delivery from Cashfin.
type Event struct {
	Type string          // "payment.completed", ...
	Data json.RawMessage // the event's object, as sent; nil when the body has no "data"
}

// signatureLen is the length of a signature: the hex of a SHA-256 sum.
const signatureLen = 2 * sha256.Size

// Sign returns the signature Cashfin sends for payload: the lower-case hex HMAC-SHA256 of the
// raw bytes, keyed with the webhook secret.
func Sign(payload []byte, secret string) string {
	return hex.EncodeToString(mac(payload, secret))
}

func mac(payload []byte, secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(payload)
	return m.Sum(nil)
}

// Verify reports whether signature (the X-Cashfin-Signature header) is payload's signature
// under secret, comparing in constant time. The signature must be exactly 64 hex digits, in
// either case: surrounding space or a "sha256=" prefix makes it malformed. Pass the raw body as
// received, never re-encoded JSON. Any failure, an empty secret included, is
// ErrInvalidSignature.
func Verify(payload []byte, signature, secret string) error {
	if secret == "" {
		return fmt.Errorf("%w: no webhook secret configured", ErrInvalidSignature)
	}
	if signature == "" {
		return fmt.Errorf("%w: no %s header", ErrInvalidSignature, SignatureHeader)
	}
	var got [sha256.Size]byte
	if len(signature) != signatureLen {
		return fmt.Errorf("%w: not %d hex digits", ErrInvalidSignature, signatureLen)
	}
	if _, err := hex.Decode(got[:], []byte(signature)); err != nil {
		return fmt.Errorf("%w: not %d hex digits", ErrInvalidSignature, signatureLen)
	}
	if !hmac.Equal(got[:], mac(payload, secret)) {
		return fmt.Errorf("%w: does not match the body", ErrInvalidSignature)
	}
	return nil
}

// Parse verifies payload's signature, then decodes it. After a valid signature, the body must
// be a JSON object whose "type" is a non-empty string; otherwise the error says why, and is not
// ErrInvalidSignature. Keys other than "type" and "data" are ignored.
func Parse(payload []byte, signature, secret string) (*Event, error) {
	if err := Verify(payload, signature, secret); err != nil {
		return nil, err
	}
	return decode(payload)
}

// decode reads an event from a verified body. Keys are matched exactly (encoding/json's struct
// decoding would also take "TYPE" for "type").
func decode(payload []byte) (*Event, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil || fields == nil {
		return nil, errors.New("webhook: malformed event: the body is not a JSON object")
	}
	raw, ok := fields["type"]
	if !ok {
		return nil, errors.New(`webhook: malformed event: no "type"`)
	}
	var typ string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &typ) != nil {
		return nil, errors.New(`webhook: malformed event: "type" is not a string`)
	}
	if typ == "" {
		return nil, errors.New(`webhook: malformed event: "type" is empty`)
	}
	return &Event{Type: typ, Data: fields["data"]}, nil
}
