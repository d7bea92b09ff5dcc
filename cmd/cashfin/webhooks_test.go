package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/webhook"
)

const testWebhookSecret = "whsec_test_never_shown"

// receiver is a webhook receiver built on webhook.Handler, keeping the events it accepted and
// counting every request that reached it.
type receiver struct {
	*httptest.Server
	hits   atomic.Int64
	mu     sync.Mutex
	events []webhook.Event
	fail   error // what the handler answers with, nil to accept
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{}
	h := webhook.Handler(secret, func(_ context.Context, e *webhook.Event) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.fail != nil {
			return r.fail
		}
		r.events = append(r.events, *e)
		return nil
	})
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.hits.Add(1)
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) received() []webhook.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]webhook.Event(nil), r.events...)
}

// webhookCLI is a CLI with the webhook secret set and no client secret: sending needs none.
func webhookCLI(t *testing.T) *cli {
	c := newCLI(t, nil)
	c.vars = map[string]string{envWebhookSecret: testWebhookSecret}
	return c
}

// TestWebhooksSend: one event, signed with CASHFIN_WEBHOOK_SECRET, verified by webhook.Handler;
// no client secret needed.
func TestWebhooksSend(t *testing.T) {
	rcv := newReceiver(t, testWebhookSecret)
	c := webhookCLI(t)
	res := c.run("webhooks", "send", "--url", rcv.URL+"/hook", "--type", webhook.EventPaymentCompleted,
		"--data", `{"amount": 1500, "currency": "KES"}`)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "sent payment.completed to "+rcv.URL+"/hook: the receiver answered 2xx\n", res.stderr)
	got := rcv.received()
	require.Len(t, got, 1)
	assert.Equal(t, webhook.EventPaymentCompleted, got[0].Type)
	assert.JSONEq(t, `{"amount":1500,"currency":"KES"}`, string(got[0].Data))

	// --data @file, @- and the default {}.
	file := writeFile(t, "event.json", `{"order": "A-1"}`)
	require.Equal(t, exitOK, c.run("webhooks", "send", "--url", rcv.URL, "--type", "order.created", "--data", "@"+file).code)
	c.stdin = `{"from": "stdin"}`
	require.Equal(t, exitOK, c.run("webhooks", "send", "--url", rcv.URL, "--type", "order.created", "--data", "@-").code)
	require.Equal(t, exitOK, c.run("webhooks", "send", "--type", "payment.initiated", "--url", rcv.URL).code)
	got = rcv.received()
	require.Len(t, got, 4)
	assert.JSONEq(t, `{"order":"A-1"}`, string(got[1].Data))
	assert.JSONEq(t, `{"from":"stdin"}`, string(got[2].Data))
	assert.JSONEq(t, `{}`, string(got[3].Data))
}

// TestWebhooksSendFailures: a non-2xx answer or a network failure is exit 1; usage is exit 2 and
// sends nothing; the secret is never printed.
func TestWebhooksSendFailures(t *testing.T) {
	rcv := newReceiver(t, testWebhookSecret)
	other := newReceiver(t, "another-secret")
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()

	for _, tc := range []struct {
		name   string
		setup  func(c *cli)
		args   []string
		code   int
		stderr string
	}{
		{"wrong secret: 401", nil, []string{"--url", other.URL, "--type", "payment.completed"}, exitFailure,
			"cashfin: webhooks send: webhook payment.completed: the receiver answered 401 Unauthorized\n"},
		{"handler fails: 500", func(*cli) { rcv.mu.Lock(); rcv.fail = errors.New("boom"); rcv.mu.Unlock() },
			[]string{"--url", rcv.URL, "--type", "payment.completed"}, exitFailure,
			"cashfin: webhooks send: webhook payment.completed: the receiver answered 500 Internal Server Error\n"},
		{"not found: 404", nil, []string{"--url", notFound.URL, "--type", "x"}, exitFailure,
			"cashfin: webhooks send: webhook x: the receiver answered 404 Not Found\n"},
		{"network failure", nil, []string{"--url", deadURL, "--type", "payment.completed"}, exitFailure,
			"cashfin: webhooks send: webhook payment.completed: Post \"" + deadURL + "\": dial tcp " + deadURL[len("http://"):] + ": connect: connection refused\n"},
		{"no webhook secret", func(c *cli) { c.vars = nil; c.secret = "cs_client_secret_is_not_it" }, []string{"--url", rcv.URL, "--type", "x"}, exitUsage,
			"cashfin: webhooks send: no webhook secret: set CASHFIN_WEBHOOK_SECRET (the webhook secret, not the client secret)\n"},
		{"no url", nil, []string{"--type", "x"}, exitUsage, "cashfin: webhooks send: --url is required\n"},
		{"relative url", nil, []string{"--url", "/hook", "--type", "x"}, exitUsage, "cashfin: webhooks send: --url \"/hook\": want an absolute http or https URL\n"},
		{"no type", nil, []string{"--url", rcv.URL}, exitUsage, "cashfin: webhooks send: --type is required (such as payment.completed)\n"},
		{"bad data", nil, []string{"--url", rcv.URL, "--type", "x", "--data", "{nope"}, exitUsage, "cashfin: webhooks send: --data is not valid JSON\n"},
		{"missing data file", nil, []string{"--url", rcv.URL, "--type", "x", "--data", "@/no/such.json"}, exitUsage,
			"cashfin: webhooks send: --data: open /no/such.json: no such file or directory\n"},
		{"argument", nil, []string{"--url", rcv.URL, "--type", "x", "extra"}, exitUsage,
			"cashfin: webhooks send: unexpected argument \"extra\" (the event is given by flags: --url, --type, --data)\n"},
		{"no --format", nil, []string{"--url", rcv.URL, "--type", "x", "--format", "json"}, exitUsage,
			"cashfin: webhooks send: flag provided but not defined: -format (see \"cashfin webhooks send -h\")\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, hits := len(rcv.received()), rcv.hits.Load()
			defer func() { rcv.mu.Lock(); rcv.fail = nil; rcv.mu.Unlock() }()
			c := webhookCLI(t)
			if tc.setup != nil {
				tc.setup(c)
			}
			res := c.run(append([]string{"webhooks", "send"}, tc.args...)...)
			assert.Equal(t, tc.code, res.code, res.stderr)
			if tc.stderr != "" {
				assert.Equal(t, tc.stderr, res.stderr)
			}
			assert.Equal(t, 1, countLines(res.stderr), res.stderr)
			assert.Empty(t, res.stdout)
			assert.NotContains(t, res.stderr, testWebhookSecret)
			assert.Len(t, rcv.received(), before, "nothing accepted")
			if tc.code == exitUsage {
				assert.Equal(t, hits, rcv.hits.Load(), "a usage error sends nothing")
			}
		})
	}
}

func countLines(s string) int {
	n := 0
	for _, r := range s {
		if r == '\n' {
			n++
		}
	}
	return n
}

// TestWebhooksSendBody: the body is exactly {"type","data"} with the data as given.
func TestWebhooksSendBody(t *testing.T) {
	var body []byte
	var sig string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sig = r.Header.Get(webhook.SignatureHeader)
		body, _ = readAllBody(r)
	}))
	defer srv.Close()
	res := webhookCLI(t).run("webhooks", "send", "--url", srv.URL, "--type", "payment.completed", "--data", `{"a": [1, 2]}`)
	require.Equal(t, exitOK, res.code, res.stderr)
	var ev map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &ev))
	assert.Equal(t, `"payment.completed"`, string(ev["type"]))
	assert.JSONEq(t, `{"a":[1,2]}`, string(ev["data"]))
	assert.NoError(t, webhook.Verify(body, sig, testWebhookSecret))
}

func readAllBody(r *http.Request) ([]byte, error) {
	defer r.Body.Close()
	var b []byte
	buf := make([]byte, 512)
	for {
		n, err := r.Body.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			return b, nil
		}
	}
}
