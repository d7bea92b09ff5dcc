package cashfin

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cashfin-go/cashfin/internal/envelope"
	"github.com/cashfin-go/cashfin/internal/transport"
)

// Sentinel errors. Every API failure is an *APIError, and errors.Is matches it against the
// sentinel of its kind:
//
//	if errors.Is(err, cashfin.ErrNotFound) { ... }
var (
	// ErrInvalidParams reports parameters that failed the client-side checks; nothing was sent.
	ErrInvalidParams = errors.New("cashfin: invalid parameters")
	// ErrBadRequest is a 400 or 422, or a success:false answer inside a 2xx that is not a "not found".
	ErrBadRequest = errors.New("cashfin: bad request")
	// ErrUnauthorized is a 401: the client secret is wrong or revoked.
	ErrUnauthorized = errors.New("cashfin: unauthorized")
	// ErrForbidden is a 403.
	ErrForbidden = errors.New("cashfin: forbidden")
	// ErrNotFound is a 404, or a success:false answer whose message says "not found".
	ErrNotFound = errors.New("cashfin: not found")
	// ErrConflict is a 409, such as an Idempotency-Key reused with a different body.
	ErrConflict = errors.New("cashfin: conflict")
	// ErrRateLimited is a 429, or the SDK's refusal to send into a rate-limit window the server
	// reported exhausted until after the call's longest retry wait (with WithLimiter, until after
	// MaxWindowWait); APIError.RetryAfter says how long to wait.
	ErrRateLimited = errors.New("cashfin: rate limited")
	// ErrServer is any 5xx, including a gateway's HTML error page.
	ErrServer = errors.New("cashfin: server error")
	// ErrUnexpectedResponse is a 2xx whose body is not the API's envelope or cannot be decoded, or
	// any response whose body is over 10 MiB.
	ErrUnexpectedResponse = errors.New("cashfin: unexpected response")
)

// maxErrorBody is how much of a failed response's body an APIError keeps.
const maxErrorBody = 4 << 10

// APIError is a failure reported by the API (or by a gateway in front of it). Use errors.As to
// read it, and errors.Is with the sentinels to branch on its kind.
//
// See https://docs.cashfin.africa for the error format.
type APIError struct {
	StatusCode int               // HTTP status
	Message    string            // the body's "error", else its "message", else the HTTP status text
	Fields     map[string]string // the body's "errors": per-field validation messages, if any
	RequestID  string            // the X-Request-Id response header, if any
	RetryAfter time.Duration     // from Retry-After (seconds or HTTP date), else the body's "retry_after"; at most a year
	RateLimit  RateLimit         // the X-RateLimit-* response headers; zero when absent
	Method     string            // the request's method
	Path       string            // the request's URL path (base-URL prefix included): no host, no query
	Body       []byte            // the raw response body, at most 4 KiB

	kind error // the sentinel this error matches; nil means: derived from StatusCode
}

// Error reads like "cashfin: GET /business/contact/details/…: 404 Not Found: Contact not found".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("cashfin: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	b.WriteString(statusLine(e.StatusCode))
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for i, k := range envelope.SortedKeys(e.Fields) {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		if k != "" {
			b.WriteString(k + ": ")
		}
		b.WriteString(e.Fields[k])
		if i == len(e.Fields)-1 {
			b.WriteString(")")
		}
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " [retry after %s]", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" [request id " + e.RequestID + "]")
	}
	return b.String()
}

// Is reports whether target is the sentinel of this error's kind.
func (e *APIError) Is(target error) bool {
	kind := e.kind
	if kind == nil {
		kind = statusKind(e.StatusCode)
	}
	return kind != nil && target == kind
}

func statusLine(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprintf("status %d", code)
}

// statusKind maps an HTTP status to its sentinel; nil for statuses no sentinel names.
func statusKind(code int) error {
	switch {
	case code == http.StatusBadRequest, code == http.StatusUnprocessableEntity:
		return ErrBadRequest
	case code == http.StatusUnauthorized:
		return ErrUnauthorized
	case code == http.StatusForbidden:
		return ErrForbidden
	case code == http.StatusNotFound:
		return ErrNotFound
	case code == http.StatusConflict:
		return ErrConflict
	case code == http.StatusTooManyRequests:
		return ErrRateLimited
	case code >= 500 && code <= 599:
		return ErrServer
	}
	return nil
}

// newAPIError describes a failed response. f is what its envelope said (nil when the body is not an
// envelope); kind overrides the sentinel derived from the status.
func newAPIError(resp *transport.Response, f *envelope.Failure, kind error) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get("X-Request-Id"),
		RetryAfter: resp.RetryAfter,
		RateLimit:  readRateLimit(resp.Header),
		Method:     resp.Method,
		Path:       resp.Path,
		Body:       bytes.Clone(resp.Body[:min(len(resp.Body), maxErrorBody)]),
		kind:       kind,
	}
	if f != nil {
		e.Message, e.Fields = f.Message, f.Fields
		if e.RetryAfter == 0 {
			e.RetryAfter = f.RetryAfter
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Message = "unexpected redirect"
		if loc := resp.Header.Get("Location"); loc != "" {
			e.Message += " to " + redactURL(loc)
		}
	}
	return e
}

// failure is what went wrong in a call, on its way to becoming the error its caller sees.
type failure struct {
	method, path string              // the request's, for a transport failure
	err          error               // the transport failure; nil when resp is set
	resp         *transport.Response // the response that is a failure
	env          *envelope.Failure   // what its envelope said, if anything
	kind         error               // the sentinel it matches; nil: the status's
	msg          string              // the message, instead of the envelope's or the status text
}

// fail is the one place where a call's failure becomes the error its caller sees, and so the one
// place the client secret is taken out of it, in any encoding a server may have echoed it in: out
// of the *APIError describing a response (its message, fields, request ID, path and body), and
// out of a transport error and every error in its chain. Every path to an error goes through
// it, and a success never does, so the hot path scans nothing.
func (c *Client) fail(fl failure) error {
	var refused *transport.WindowError
	switch {
	case fl.resp == nil && errors.As(fl.err, &refused):
		// The SDK's own refusal to send into an exhausted window: nothing came from a server.
		return windowError(fl.method, c.t.RedactString(fl.path), refused)
	case fl.resp == nil:
		return c.t.RedactError(fmt.Errorf("cashfin: %s %s: %w", fl.method, fl.path, fl.err))
	}
	resp := fl.resp.Redacted() // the body before it is cut to 4 KiB: no half secret is left
	e := newAPIError(resp, fl.env, fl.kind)
	if fl.msg != "" {
		e.Message = fl.msg
	}
	e.Message, e.RequestID, e.Path = c.t.RedactString(e.Message), c.t.RedactString(e.RequestID), c.t.RedactString(e.Path)
	if len(e.Fields) > 0 {
		clean := make(map[string]string, len(e.Fields))
		for k, v := range e.Fields {
			clean[c.t.RedactString(k)] = c.t.RedactString(v)
		}
		e.Fields = clean
	}
	if resp.Abandoned != nil {
		// A retry was due, but the context ended: the error matches the context's error too.
		return &transport.AbandonedError{Err: e, Reason: resp.Abandoned}
	}
	return e
}

// envelopeKind is the sentinel of a success:false answer in a 2xx.
func envelopeKind(f *envelope.Failure) error {
	if f != nil && strings.Contains(strings.ToLower(f.Message), "not found") {
		return ErrNotFound
	}
	return ErrBadRequest
}

// redactURL keeps the scheme, host and path of a URL: no credentials, no query.
func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	if i := strings.Index(raw, "://"); i >= 0 {
		authority := raw[i+3:]
		if slash := strings.IndexByte(authority, '/'); slash >= 0 {
			authority = authority[:slash]
		}
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			raw = raw[:i+3] + raw[i+3+at+1:]
		}
	}
	return raw
}
