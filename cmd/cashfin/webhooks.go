package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// envWebhookSecret names the variable holding the webhook secret (its own secret, never the
// client secret).
const envWebhookSecret = "CASHFIN_WEBHOOK_SECRET"

// webhookTimeout bounds one delivery of "webhooks send".
const webhookTimeout = 30 * time.Second

// webhooksSend is "cashfin webhooks send": post one event, signed as Cashfin signs it, to a
// receiver, for testing the receiver locally. It sends through cashfintest.SendWebhook, the one
// implementation of a delivery (body, headers, signature, no redirects) in this module.
var webhooksSend = &command{group: "webhooks", name: "send", synopsis: "--url URL --type TYPE [--data JSON|@FILE]", offline: true,
	flags: func(fs *flag.FlagSet) runFunc {
		var target, typ, data string
		fs.StringVar(&target, "url", "", "the receiver's `URL` (http or https) (required)")
		fs.StringVar(&typ, "type", "", "the event `type`, such as payment.completed (required)")
		fs.StringVar(&data, "data", "", "the event's data: JSON, or @FILE to read it from a file (@- for standard input) (default {})")
		return func(ctx context.Context, a *app, in *invocation) error {
			if err := noArgs(in, " (the event is given by flags: --url, --type, --data)"); err != nil {
				return err
			}
			ev, err := a.webhookEvent(target, typ, data)
			if err != nil {
				return err
			}
			secret := a.env(envWebhookSecret)
			if secret == "" {
				return usagef("webhooks send: no webhook secret: set %s (the webhook secret, not the client secret)", envWebhookSecret)
			}
			ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
			defer cancel()
			if err := cashfintest.SendWebhook(ctx, ev.url, secret, ev.typ, ev.data); err != nil {
				return &sendError{err}
			}
			fmt.Fprintf(a.stderr, "sent %s to %s: the receiver answered 2xx\n", term.Clean(ev.typ), term.Clean(ev.url))
			return nil
		}
	}}

// webhookEvent is the event a "webhooks send" delivers.
type webhookEvent struct {
	url, typ string
	data     json.RawMessage
}

// webhookEvent checks the flags of "webhooks send" and reads the event's data.
func (a *app) webhookEvent(target, typ, data string) (*webhookEvent, error) {
	u, err := url.Parse(target)
	switch {
	case target == "":
		return nil, usagef("webhooks send: --url is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, usagef("webhooks send: --url %q: want an absolute http or https URL", term.Clean(target))
	case strings.TrimSpace(typ) == "":
		return nil, usagef("webhooks send: --type is required (such as payment.completed)")
	}
	raw := []byte(data)
	if data == "" {
		raw = []byte("{}")
	} else if name, ok := strings.CutPrefix(data, "@"); ok {
		if raw, err = a.readData(name); err != nil {
			return nil, usagef("webhooks send: --data: %v", err)
		}
	}
	if !json.Valid(raw) {
		return nil, usagef("webhooks send: --data is not valid JSON")
	}
	return &webhookEvent{url: target, typ: strings.TrimSpace(typ), data: raw}, nil
}

// readData reads the file name, or standard input for "-".
func (a *app) readData(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(a.stdin)
	}
	return os.ReadFile(name)
}

// sendError is a failed delivery, its message without the sender's package prefix.
type sendError struct{ err error }

// Error says the delivery failed, and why.
func (e *sendError) Error() string {
	return "webhooks send: " + strings.TrimPrefix(e.err.Error(), "cashfintest: ")
}

// Unwrap returns the delivery's error.
func (e *sendError) Unwrap() error { return e.err }
