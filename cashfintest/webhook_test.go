package cashfintest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/webhook"
)

const webhookSecret = "cashfin_webhook_SECRET_CANARY_1f2e3d"

// received is one request as a receiver saw it.
type received struct {
	method, contentType, signature string
	body                           []byte
}

// capture starts a loopback receiver that records each request and answers status.
func capture(t *testing.T, status int) (*httptest.Server, chan received) {
	t.Helper()
	got := make(chan received, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- received{r.Method, r.Header.Get("Content-Type"), r.Header.Get(webhook.SignatureHeader), body}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// TestSendWebhookWire: the request is a POST of {"type","data"} exactly as encoding/json
// marshals it, JSON-typed, signed with the lower-case hex of webhook.Sign.
func TestSendWebhookWire(t *testing.T) {
	srv, got := capture(t, http.StatusOK)
	data := map[string]any{"referenceid": "ORDER-1001", "amount": 1500, "note": "<&>"}
	require.NoError(t, cashfintest.SendWebhook(context.Background(), srv.URL, webhookSecret, webhook.EventPaymentCompleted, data))

	r := <-got
	assert.Equal(t, http.MethodPost, r.method)
	assert.Equal(t, "application/json", r.contentType)
	want, err := json.Marshal(struct {
		Type string `json:"type"`
		Data any    `json:"data"`
	}{"payment.completed", data})
	require.NoError(t, err)
	assert.Equal(t, string(want), string(r.body))
	assert.True(t, strings.HasPrefix(string(r.body), `{"type":"payment.completed","data":{`), "type first, then data: %s", r.body)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{64}$`), r.signature)
	assert.Equal(t, webhook.Sign(r.body, webhookSecret), r.signature)

	for _, tc := range []struct {
		data any
		want string
	}{
		{nil, `{"type":"order.created","data":null}`},
		{json.RawMessage(` {"_id": "a1"} `), `{"type":"order.created","data":{"_id":"a1"}}`},
		{struct {
			ID string `json:"_id"`
		}{"a1"}, `{"type":"order.created","data":{"_id":"a1"}}`},
	} {
		require.NoError(t, cashfintest.SendWebhook(context.Background(), srv.URL, webhookSecret, webhook.EventOrderCreated, tc.data))
		r := <-got
		assert.Equal(t, tc.want, string(r.body))
		assert.Equal(t, webhook.Sign(r.body, webhookSecret), r.signature)
	}
}

// TestSendWebhookToHandler: what SendWebhook posts, webhook.Handler accepts, with the data intact;
// with another secret, the handler's 401 is SendWebhook's error.
func TestSendWebhookToHandler(t *testing.T) {
	var got atomic.Pointer[webhook.Event]
	srv := httptest.NewServer(webhook.Handler(webhookSecret, func(_ context.Context, e *webhook.Event) error {
		got.Store(e)
		return nil
	}))
	defer srv.Close()

	ctx := context.Background()
	require.NoError(t, cashfintest.SendWebhook(ctx, srv.URL, webhookSecret, "payment.completed", map[string]int{"amount": 1500}))
	require.NotNil(t, got.Load())
	assert.Equal(t, "payment.completed", got.Load().Type)
	assert.JSONEq(t, `{"amount":1500}`, string(got.Load().Data))

	err := cashfintest.SendWebhook(ctx, srv.URL, "another secret", "payment.completed", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "401")
}

// TestSendWebhookStatus: any 2xx is success, anything else an error naming the status.
func TestSendWebhookStatus(t *testing.T) {
	for status, ok := range map[int]bool{200: true, 201: true, 202: true, 204: true, 299: true,
		301: false, 304: false, 400: false, 401: false, 404: false, 410: false, 500: false, 503: false} {
		srv, _ := capture(t, status)
		err := cashfintest.SendWebhook(context.Background(), srv.URL, webhookSecret, "payment.completed", nil)
		if ok {
			assert.NoError(t, err, "%d", status)
		} else {
			require.Error(t, err, "%d", status)
			assert.Contains(t, err.Error(), fmt.Sprintf("answered %d %s", status, http.StatusText(status)))
		}
	}
}

// TestSendWebhookNoRedirect: a redirect is an error, and its target gets nothing.
func TestSendWebhookNoRedirect(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer other.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/hook", status)
		}))
		err := cashfintest.SendWebhook(context.Background(), srv.URL, webhookSecret, "payment.completed", nil)
		srv.Close()
		require.Error(t, err, "%d", status)
		assert.Contains(t, err.Error(), "answered")
	}
	assert.Zero(t, hits.Load(), "a redirect was followed")
}

// TestSendWebhookSecretNeverInError: a receiver that knows the secret and echoes it in its
// body, its headers, its reason phrase or a malformed answer does not get it into the error.
func TestSendWebhookSecretNeverInError(t *testing.T) {
	raw := map[string]string{
		"body and headers": "HTTP/1.1 401 Unauthorized\r\nX-Debug: " + webhookSecret + "\r\nContent-Length: 52\r\n\r\n" +
			`{"error":"expected ` + webhookSecret + `"}`,
		"reason phrase":    "HTTP/1.1 403 bad secret " + webhookSecret + "\r\nContent-Length: 0\r\n\r\n",
		"malformed status": "HTTP/1.1 " + webhookSecret + "\r\n\r\n",
		"malformed header": "HTTP/1.1 200 OK\r\n" + webhookSecret + "\r\n\r\n",
	}
	for name, answer := range raw {
		t.Run(name, func(t *testing.T) {
			srv := rawServer(t, answer)
			err := cashfintest.SendWebhook(context.Background(), srv.URL, webhookSecret, "payment.completed", nil)
			require.Error(t, err)
			for e := err; e != nil; e = errors.Unwrap(e) { // the whole chain errors.As can reach
				for _, s := range []string{e.Error(), strings.ReplaceAll(e.Error(), `\`, "")} {
					assert.NotContains(t, s, webhookSecret, "%T", e)
				}
			}
		})
	}
}

// rawServer answers every request with exactly answer, written on the hijacked connection.
func rawServer(t *testing.T, answer string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = buf.WriteString(answer)
		_ = buf.Flush()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSendWebhookBadInput: nothing is sent for an empty secret or type, data that does not
// marshal, or a URL that does not parse.
func TestSendWebhookBadInput(t *testing.T) {
	srv, got := capture(t, http.StatusOK)
	ctx := context.Background()
	for name, send := range map[string]func() error{
		"empty secret":   func() error { return cashfintest.SendWebhook(ctx, srv.URL, "", "payment.completed", nil) },
		"empty type":     func() error { return cashfintest.SendWebhook(ctx, srv.URL, webhookSecret, "", nil) },
		"data a channel": func() error { return cashfintest.SendWebhook(ctx, srv.URL, webhookSecret, "x", make(chan int)) },
		"bad raw JSON":   func() error { return cashfintest.SendWebhook(ctx, srv.URL, webhookSecret, "x", json.RawMessage("{")) },
		"bad URL":        func() error { return cashfintest.SendWebhook(ctx, "http://[::1", webhookSecret, "x", nil) },
	} {
		err := send()
		require.Error(t, err, name)
		assert.True(t, strings.HasPrefix(err.Error(), "cashfintest: "), "%s: %v", name, err)
		assert.NotContains(t, err.Error(), webhookSecret, name)
	}
	assert.Empty(t, got, "something was sent")
}

// TestSendWebhookContext: a cancelled context sends nothing; cancelling while the receiver
// holds the request returns at once with context.Canceled.
func TestSendWebhookContext(t *testing.T) {
	srv, got := capture(t, http.StatusOK)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := cashfintest.SendWebhook(ctx, srv.URL, webhookSecret, "payment.completed", nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, got)

	arrived := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // net/http notices a closed connection once the body is read
		close(arrived)
		<-r.Context().Done() // held until the sender goes away
	}))
	defer slow.Close()
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go func() { <-arrived; cancel() }()
	err = cashfintest.SendWebhook(ctx, slow.URL, webhookSecret, "payment.completed", nil)
	require.ErrorIs(t, err, context.Canceled)
}

// TestSendWebhookClosesBodies: after answers with a body, 2xx or not, no connection goroutine
// is left behind (an unclosed body would keep its reader waiting).
func TestSendWebhookClosesBodies(t *testing.T) {
	before := goleak.IgnoreCurrent()
	for _, status := range []int{200, 500} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			bw := bufio.NewWriter(w)
			_, _ = bw.WriteString(strings.Repeat(`{"received":true}`, 10000))
			_ = bw.Flush()
		}))
		_ = cashfintest.SendWebhook(context.Background(), srv.URL, webhookSecret, "payment.completed", nil)
		srv.Close()
	}
	goleak.VerifyNone(t, before)
}

// Test your webhook receiver by letting SendWebhook play Cashfin: it signs the event with the
// secret your receiver is configured with, and fails unless the receiver answers 2xx.
func ExampleSendWebhook() {
	const secret = "test-webhook-secret" // your receiver reads CASHFIN_WEBHOOK_SECRET
	receiver := httptest.NewServer(webhook.Handler(secret, func(_ context.Context, e *webhook.Event) error {
		fmt.Println("received", e.Type, string(e.Data))
		return nil
	}))
	defer receiver.Close()

	err := cashfintest.SendWebhook(context.Background(), receiver.URL, secret, webhook.EventPaymentInitiated,
		map[string]any{"referenceid": "ORDER-1001"})
	fmt.Println(err)
	// Output:
	// received payment.initiated {"referenceid":"ORDER-1001"}
	// <nil>
}
