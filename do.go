package cashfin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cashfin-go/cashfin/internal/envelope"
	"github.com/cashfin-go/cashfin/internal/transport"
)

// Do calls an endpoint the SDK has no method for, with the client's authentication, retries,
// errors, rate-limit handling and secret hygiene.
//
// method is GET, POST, PUT, PATCH or DELETE. path is the API path, starting with a single "/"
// ("/business/invoice/list"), appended to the base URL: an absolute URL, a "." or ".." segment
// (percent-encoded too), a "?" or "#", white space or control characters make Do fail with
// ErrInvalidParams before anything is sent, so the secret never goes to another host. Pass the
// query string as query (nil for none).
//
// body is sent JSON-encoded (a json.RawMessage as it is); nil sends no body. A GET or DELETE
// takes none: a non-nil body (even a nil pointer, which would encode as null) is ErrInvalidParams,
// and nothing is sent. out receives the
// envelope's "data" as encoding/json decodes it: a pointer to a struct, a map or a slice, or a
// *Page[T] for a list, whose Data gets the list and Pagination the page block ("pagination" or
// "meta"; zero when there is none). A nil out discards the data; out is left untouched when the
// answer has no data or a null one. A field of out's type tagged `cashfin:"inferred"` (a fact
// about the endpoint you inferred, not read in its docs) is decoded as the SDK's own inferred
// fields are: a JSON value of an unexpected type leaves it zero instead of failing the call.
//
// POST and PATCH carry an Idempotency-Key (WithIdempotencyKey's, else a generated one; the same on
// every retry), so they are retried as Create is; GET, PUT and DELETE are retried as Get is,
// without one (WithIdempotencyKey on them is ErrInvalidParams). A failure is an *APIError of the
// same kinds as every other call. The call options apply as to any call; WithResponseInto
// describes the response.
//
//	var page cashfin.Page[Invoice]
//	err := client.Do(ctx, http.MethodGet, "/business/invoice/list", url.Values{"status": {"unpaid"}}, nil, &page)
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any, opts ...CallOption) error {
	s, err := c.settings(opts)
	if err != nil {
		return err
	}
	r, err := c.newDoRequest(s, method, path, query, body)
	if err != nil {
		return err
	}
	if out != nil {
		if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
			return fmt.Errorf("%w: Do's out must be nil or a non-nil pointer, not %T", ErrInvalidParams, out)
		}
	}
	resp, err := c.send(ctx, s, r)
	if err == nil {
		err = c.decodeInto(resp, out)
	}
	record(s.into, resp)
	return err
}

// newDoRequest checks Do's arguments and builds its request; nothing is sent on an error.
func (c *Client) newDoRequest(s *callSettings, method, path string, query url.Values, body any) (*transport.Request, error) {
	r := &transport.Request{Method: method, Path: path}
	switch method {
	case http.MethodPost, http.MethodPatch:
		key, err := s.postKey("")
		if err != nil {
			return nil, err
		}
		r.IdempotencyKey = key
	case http.MethodGet, http.MethodPut, http.MethodDelete:
		if s.idempotencyKey != "" {
			return nil, fmt.Errorf("%w: WithIdempotencyKey is for POST and PATCH; a %s carries no Idempotency-Key",
				ErrInvalidParams, method)
		}
		if body != nil && method != http.MethodPut {
			return nil, fmt.Errorf("%w: a %s carries no body (Do's body must be nil): pass its parameters as Do's query",
				ErrInvalidParams, method)
		}
	default:
		return nil, fmt.Errorf("%w: Do's method must be GET, POST, PUT, PATCH or DELETE", ErrInvalidParams)
	}
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if c.t.Holds(path) || c.t.Holds(unescaped(path)) || c.queryHoldsSecret(query) {
		return nil, fmt.Errorf("%w: Do's path or query holds the client secret, which must never be sent in a URL",
			ErrInvalidParams)
	}
	r.Query = query.Encode()
	var err error
	if r.Body, err = encodeBody(body); err != nil {
		return nil, err
	}
	return r, nil
}

// checkPath enforces the rules of Do's path. Its messages do not quote the path, which might hold
// something that must not be printed.
func checkPath(path string) error {
	bad := func(why string) error { return fmt.Errorf("%w: Do's path %s", ErrInvalidParams, why) }
	switch {
	case !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//"):
		return bad(`must start with a single "/" (an API path such as /business/invoice/list, not a URL)`)
	case strings.ContainsAny(path, "?#"):
		return bad(`must not hold "?" or "#": pass the query as Do's query argument`)
	case !utf8.ValidString(path):
		return bad("is not valid UTF-8")
	}
	dec, err := url.PathUnescape(path)
	if err != nil {
		return bad("holds an invalid percent-encoding")
	}
	for _, p := range []string{path, dec} {
		if strings.IndexFunc(p, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return bad("holds white space or control characters")
		}
		for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
			if seg == "." || seg == ".." {
				return bad(`holds a "." or ".." segment`)
			}
		}
	}
	return nil
}

// unescaped is path percent-decoded, or path itself when it does not decode.
func unescaped(path string) string {
	if dec, err := url.PathUnescape(path); err == nil {
		return dec
	}
	return path
}

// queryHoldsSecret reports whether a key or value of q holds the client secret.
func (c *Client) queryHoldsSecret(q url.Values) bool {
	for k, vs := range q {
		if c.t.Holds(k) {
			return true
		}
		for _, v := range vs {
			if c.t.Holds(v) {
				return true
			}
		}
	}
	return false
}

// encodeBody is Do's body as JSON: nil for none, a json.RawMessage as it is (once checked).
func encodeBody(body any) ([]byte, error) {
	switch b := body.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		if !json.Valid(b) {
			return nil, fmt.Errorf("%w: Do's body is a json.RawMessage that is not valid JSON", ErrInvalidParams)
		}
		return b, nil
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("%w: Do's body does not encode as JSON: %w", ErrInvalidParams, err)
	}
	return data, nil
}

// decodeInto reads the envelope of a 2xx answer to Do and its data into out.
func (c *Client) decodeInto(resp *transport.Response, out any) error {
	if resp.StatusCode == http.StatusNoContent && len(resp.Body) == 0 {
		return nil // nothing to decode, and nothing that failed
	}
	data, info, err := decode[json.RawMessage](c, resp)
	if err != nil {
		return err
	}
	if out == nil || len(data) == 0 || string(data) == "null" {
		return nil
	}
	if p, ok := out.(pageTarget); ok {
		err = p.setPage(data, info)
	} else {
		err = envelope.Unmarshal(data, out) // tolerant of out's inferred fields
	}
	if err != nil {
		// A caller's UnmarshalJSON may quote what it was given, which a server may have made the
		// secret: unexpected takes it out of the message.
		return c.unexpected(resp, "unexpected response body: "+err.Error())
	}
	return nil
}

// pageTarget is implemented by *Page[T]: Do fills a page of any T through it.
type pageTarget interface {
	setPage(data json.RawMessage, info *envelope.PageInfo) error
}

// setPage decodes data, a list, into p.Data, and sets p.Pagination from info (zero when nil).
func (p *Page[T]) setPage(data json.RawMessage, info *envelope.PageInfo) error {
	var items []T
	if err := envelope.Unmarshal(data, &items); err != nil {
		return err
	}
	p.Data, p.Pagination = items, Pagination{}
	if info != nil {
		p.Pagination = Pagination{Total: int(info.Total), Page: int(info.Page), Limit: int(info.Limit), Pages: int(info.Pages)}
	}
	return nil
}
