package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cashfin-go/cashfin/webhook"
)

// checkSignature fails the fuzz run when Verify accepted a signature that is not payload's
// under secret (in either case of hex), or accepted anything under an empty secret.
func checkSignature(t *testing.T, payload []byte, signature, secret string) {
	t.Helper()
	if secret == "" {
		t.Fatalf("an empty secret verified %q", signature)
	}
	if strings.ToLower(signature) != webhook.Sign(payload, secret) {
		t.Fatalf("accepted %q for a body signed %s", signature, webhook.Sign(payload, secret))
	}
}

// FuzzVerify: Verify never panics and never accepts a signature that does not match; it always
// accepts the true one, in either case, and rejects it for any changed body.
//
//	go test -fuzz=FuzzVerify -fuzztime=60s ./webhook/
func FuzzVerify(f *testing.F) {
	body := []byte(paymentBody)
	sig := webhook.Sign(body, testSecret)
	f.Add(body, sig, testSecret, uint16(0))
	f.Add(body, strings.ToUpper(sig), testSecret, uint16(7))
	f.Add(body, "sha256="+sig, testSecret, uint16(1))
	f.Add(body, " "+sig[1:], testSecret, uint16(2))
	f.Add(body, webhook.Sign(body, ""), "", uint16(3))
	f.Add([]byte{}, "", "s", uint16(0))
	f.Add([]byte("\x00\xff"), strings.Repeat("g", 64), "\u00e9", uint16(65535))

	f.Fuzz(func(t *testing.T, payload []byte, signature, secret string, flip uint16) {
		if webhook.Verify(payload, signature, secret) == nil {
			checkSignature(t, payload, signature, secret)
		}
		if secret == "" {
			return
		}
		good := webhook.Sign(payload, secret)
		if err := webhook.Verify(payload, good, secret); err != nil {
			t.Fatalf("the true signature failed: %v", err)
		}
		if err := webhook.Verify(payload, strings.ToUpper(good), secret); err != nil {
			t.Fatalf("the true signature, upper case, failed: %v", err)
		}
		if len(payload) > 0 { // one bit of the body changed
			changed := bytes.Clone(payload)
			changed[int(flip)%len(changed)] ^= 1 << (flip % 8)
			if !errors.Is(webhook.Verify(changed, good, secret), webhook.ErrInvalidSignature) {
				t.Fatalf("a changed body verified")
			}
		}
	})
}

// FuzzParse: Parse never panics and never returns an event for a body whose signature does not
// match; with the true signature, it returns an event exactly when the body is a JSON object
// with a non-empty string "type", and its errors are never ErrInvalidSignature.
//
//	go test -fuzz=FuzzParse -fuzztime=60s ./webhook/
func FuzzParse(f *testing.F) {
	for _, body := range []string{paymentBody, `{"type":"order.created","data":null}`, `{"type":""}`,
		`{"type":1}`, `{"TYPE":"x"}`, `[]`, `null`, `{"type":"a","type":"b"}`, `{"type":"\ud800"}`, ``} {
		f.Add([]byte(body), webhook.Sign([]byte(body), testSecret), testSecret)
	}
	f.Add([]byte(paymentBody), "sha256="+webhook.Sign([]byte(paymentBody), testSecret), testSecret)
	f.Add([]byte(paymentBody), webhook.Sign([]byte(paymentBody), ""), "")

	f.Fuzz(func(t *testing.T, payload []byte, signature, secret string) {
		if e, err := webhook.Parse(payload, signature, secret); err == nil {
			checkSignature(t, payload, signature, secret)
			checkEvent(t, payload, e)
		}
		if secret == "" {
			return
		}
		e, err := webhook.Parse(payload, webhook.Sign(payload, secret), secret)
		if errors.Is(err, webhook.ErrInvalidSignature) {
			t.Fatalf("the true signature failed: %v", err)
		}
		if err == nil {
			checkEvent(t, payload, e)
		} else if isEvent(payload) {
			t.Fatalf("refused an event: %v", err)
		}
	})
}

// isEvent reports, independently of Parse, whether payload is a JSON object with a non-empty
// string "type" (keys matched exactly, the last duplicate winning).
func isEvent(payload []byte) bool {
	var fields map[string]any
	if json.Unmarshal(payload, &fields) != nil {
		return false
	}
	typ, ok := fields["type"].(string)
	return ok && typ != ""
}

func checkEvent(t *testing.T, payload []byte, e *webhook.Event) {
	t.Helper()
	if !isEvent(payload) || e == nil || e.Type == "" {
		t.Fatalf("accepted %q as the event %+v", payload, e)
	}
	if e.Data != nil && !json.Valid(e.Data) {
		t.Fatalf("data %q is not JSON", e.Data)
	}
}
