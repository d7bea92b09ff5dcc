package cashfin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/cashfin-go/cashfin/internal/transport"

	"github.com/cashfin-go/cashfin/internal/envelope"
)

// This file holds the calls a resource file is written in, one per kind of endpoint the API has
// (/business/{module}/create, details/:id, update/:id; list is in pagination.go), so that a
// resource says which path and which types, and never builds an HTTP request itself.

// Each takes the call's settings s, resolved once by the resource's method (Client.settings).

// create posts body, JSON-encoded, to path with the Idempotency-Key key (the same on every
// retry; see callSettings.postKey), and decodes the record answered.
func create[T any, W wire[T]](ctx context.Context, c *Client, s *callSettings, path string, body any, key string) (*T, error) {
	data, err := encodeParams(body)
	if err != nil {
		return nil, err
	}
	return fetch[T, W](ctx, c, s, &transport.Request{Method: http.MethodPost, Path: path, Body: data, IdempotencyKey: key})
}

// get fetches the record at path.
func get[T any, W wire[T]](ctx context.Context, c *Client, s *callSettings, path string) (*T, error) {
	return fetch[T, W](ctx, c, s, &transport.Request{Method: http.MethodGet, Path: path})
}

// update sends body, JSON-encoded, to path as a PATCH with an Idempotency-Key (WithIdempotencyKey's,
// else a new one; the same on every retry), and returns the record as it stands afterwards: the
// answer's data when it is a whole record (an object with a non-null field named field, such as a
// customer's "name"), else what readBack reads with
// the same settings. The API's documented update answer is only {"_id": ..., "modified": n}, so
// readBack is the usual path; a whole record is taken when a server sends one. WithResponseInto
// describes the call's final response: readBack's when there is one.
//
// Once the PATCH has succeeded, every error says that the update was applied, and wraps the
// error of what failed after it (readBack's, or the answer's decoding), so that it still matches
// its kind.
func update[T any, W wire[T]](ctx context.Context, c *Client, s *callSettings, path string, body any, field string,
	readBack func(context.Context, *callSettings) (*T, error)) (*T, error) {
	key, err := s.postKey("")
	if err != nil {
		return nil, err
	}
	data, err := encodeParams(body)
	if err != nil {
		return nil, err
	}
	r := &transport.Request{Method: http.MethodPatch, Path: path, Body: data, IdempotencyKey: key}
	answer, _, resp, err := exchange[json.RawMessage](ctx, c, s, r)
	record(s.into, resp)
	if err != nil {
		return nil, err // success:false, or not an envelope: not applied, as far as anyone can tell
	}
	if wholeRecord(answer, field) {
		var w W
		if err := envelope.Unmarshal(answer, &w); err != nil { // tolerant of W's inferred fields
			return nil, applied(r, c.unexpected(resp, "unexpected response body: "+err.Error()))
		}
		v := w.value()
		return &v, nil
	}
	v, err := readBack(ctx, s) // carries no Idempotency-Key: a GET never does
	if err != nil {
		return nil, applied(r, err)
	}
	return v, nil
}

// encodeParams is a request body as JSON; params that do not encode are the caller's mistake.
func encodeParams(body any) ([]byte, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidParams, err)
	}
	return data, nil
}

// wholeRecord reports whether data, an update's answer, is a record rather than a summary such
// as {"_id": ..., "modified": 1}: an object whose member field (a field every record of the
// resource has, and a summary lacks) is there and not null.
func wholeRecord(data json.RawMessage, field string) bool {
	// The usual summary does not even mention field: skip decoding it. (A field name written with
	// escapes is missed, and the record is read back: the safe way to be wrong.)
	if !bytes.Contains(data, []byte(`"`+field+`"`)) {
		return false
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	v, ok := probe[field]
	return ok && string(v) != "null"
}

// applied wraps err, a failure after the update r succeeded, saying so.
func applied(r *transport.Request, err error) error {
	return fmt.Errorf("cashfin: %s %s succeeded (the update was applied), but reading the result failed: %w",
		r.Method, r.Path, err)
}
