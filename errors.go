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
	// reported exhausted until after the call's longest retry wait; APIError.RetryAfter says how
	// long to wait.
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
	RetryAfter time.Duration     // from Retry-After (seconds or HTTP date), else the body's "retry_after"
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

// failureError describes a response that is not a success: a non-2xx status, or a 2xx with
// success:false.
func failureError(resp *transport.Response, f *envelope.Failure) *APIError {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		kind := ErrBadRequest
		if f != nil && strings.Contains(strings.ToLower(f.Message), "not found") {
			kind = ErrNotFound
		}
		return newAPIError(resp, f, kind)
	}
	return newAPIError(resp, f, nil)
}

// unexpectedError describes a 2xx body that is not an envelope or does not decode.
func unexpectedError(resp *transport.Response, cause error) *APIError {
	e := newAPIError(resp, nil, ErrUnexpectedResponse)
	e.Message = "unexpected response body: " + cause.Error()
	return e
}

// tooLargeError describes a response whose body was over the limit and not read.
func tooLargeError(resp *transport.Response) *APIError {
	e := newAPIError(resp, nil, ErrUnexpectedResponse)
	e.Message = fmt.Sprintf("response body exceeds %d MiB", transport.MaxBodySize>>20)
	return e
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
