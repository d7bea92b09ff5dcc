package cashfintest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cashfin-go/cashfin/webhook"
)

// SendWebhook posts one signed event to url the way Cashfin delivers it, for testing a receiver
// such as webhook.Handler: the body is {"type": eventType, "data": data} as encoding/json
// marshals it, with Content-Type application/json and the lower-case hex webhook.Sign of the
// body in the X-Cashfin-Signature header. (What Cashfin sends beyond that is not documented, so
// nothing more is sent.) secret is the webhook secret, not the client secret.
//
// It follows no redirect. An answer other than 2xx is an error naming the status; the answer's
// body is not read into the error, and no error, at any depth of its chain, holds the secret. An
// empty secret or eventType, or data that does not marshal, is an error and nothing is sent. ctx
// bounds the whole call.
func SendWebhook(ctx context.Context, url, secret, eventType string, data any) error {
	if secret == "" || eventType == "" {
		return errors.New("cashfintest: SendWebhook needs a webhook secret and an event type")
	}
	body, err := json.Marshal(struct {
		Type string `json:"type"`
		Data any    `json:"data"`
	}{eventType, data})
	if err != nil {
		return fmt.Errorf("cashfintest: webhook %s: encoding data: %w", eventType, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("cashfintest: webhook %s: %w", eventType, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(body, secret))
	req.Close = true // no idle connection outlives the call (goleak-friendly)

	resp, err := webhookClient.Do(req)
	if err != nil {
		return redactWebhookSecret(fmt.Errorf("cashfintest: webhook %s: %w", eventType, err), secret)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The status text is Go's, not the server's reason phrase, which could hold anything.
		return fmt.Errorf("cashfintest: webhook %s: the receiver answered %d %s",
			eventType, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}

// webhookClient is SendWebhook's client: the default transport, and no redirect followed.
var webhookClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// redactWebhookSecret returns err, or, when some error in its chain holds the secret (net/http
// quotes a malformed answer in its errors, and a receiver knows the secret), an error whose message
// has it taken out and whose chain reaches only the context's error, if the call ended with one
// (for errors.Is(err, context.Canceled)): the causes that quote the answer are dropped.
func redactWebhookSecret(err error, secret string) error {
	holds := false
	for e := err; e != nil && !holds; e = errors.Unwrap(e) {
		holds = strings.Contains(e.Error(), secret)
	}
	if !holds {
		return err
	}
	r := &webhookRedactedError{msg: strings.ReplaceAll(err.Error(), secret, "[redacted]")}
	for _, c := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, c) {
			r.cause = c
		}
	}
	return r
}

// webhookRedactedError is an error whose message has had the webhook secret taken out.
type webhookRedactedError struct {
	msg   string
	cause error // context.Canceled, context.DeadlineExceeded or nil
}

func (e *webhookRedactedError) Error() string { return e.msg }
func (e *webhookRedactedError) Unwrap() error { return e.cause }
