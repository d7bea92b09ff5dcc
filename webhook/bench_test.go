package webhook_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cashfin-go/cashfin/webhook"
)

// rawHandler is the receiver a careful user would write by hand with net/http alone, following
// Cashfin's guide: the baseline Handler is measured against.
func rawHandler(secret string, handle func(context.Context, *webhook.Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(r.Header.Get("X-Cashfin-Signature"))) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var e webhook.Event
		var env struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(body, &env) != nil || env.Type == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		e.Type, e.Data = env.Type, env.Data
		if handle(r.Context(), &e) != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"received":true}`))
	})
}

// BenchmarkHandler serves one signed event in process with Handler without de-duplication
// (impl=sdk) and with the hand-written rawHandler (impl=raw); compare the two with benchstat, as
// ratios. impl=sdk-duplicate is Handler's default answering a delivery it handled before.
func BenchmarkHandler(b *testing.B) {
	body := []byte(paymentBody)
	sig := webhook.Sign(body, testSecret)
	handle := func(context.Context, *webhook.Event) error { return nil }
	for _, impl := range []struct {
		name string
		h    http.Handler
	}{
		{"sdk", webhook.Handler(testSecret, handle, webhook.WithDeduper(nil))},
		{"sdk-duplicate", webhook.Handler(testSecret, handle)},
		{"raw", rawHandler(testSecret, handle)},
	} {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
				req.Header.Set(webhook.SignatureHeader, sig)
				rec := httptest.NewRecorder()
				impl.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkHandlerNewEvents serves distinct signed events with Handler's default in-memory
// de-duplication: each one is claimed, handled and remembered.
func BenchmarkHandlerNewEvents(b *testing.B) {
	handle := func(context.Context, *webhook.Event) error { return nil }
	h := webhook.Handler(testSecret, handle)
	bodies := make([][]byte, b.N)
	sigs := make([]string, b.N)
	for i := range bodies {
		bodies[i] = []byte(fmt.Sprintf(`{"type":"payment.completed","data":{"referenceid":"ORDER-%d"}}`, i))
		sigs[i] = webhook.Sign(bodies[i], testSecret)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(bodies[i]))
		req.Header.Set(webhook.SignatureHeader, sigs[i])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkVerify checks one signature with Verify (impl=sdk) and by hand (impl=raw).
func BenchmarkVerify(b *testing.B) {
	body := []byte(paymentBody)
	sig := webhook.Sign(body, testSecret)
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if webhook.Verify(body, sig, testSecret) != nil {
				b.Fatal("rejected")
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m := hmac.New(sha256.New, []byte(testSecret))
			m.Write(body)
			if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(sig)) {
				b.Fatal("rejected")
			}
		}
	})
}
