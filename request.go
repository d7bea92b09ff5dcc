package cashfin

import (
	"context"
	"fmt"

	"github.com/cashfin-go/cashfin/internal/envelope"
	"github.com/cashfin-go/cashfin/internal/transport"
)

// This file holds the generic calls every resource stands on: send a request, turn a failure into
// an *APIError, and decode the envelope's data into a resource. A resource file only says which
// request to make and which types to decode.

// wire is the JSON form of a resource T: decoded as it arrives (tolerating the API's loose fields,
// such as "" timestamps) and converted to T without decoding twice.
type wire[T any] interface {
	value() T
}

// send runs r and returns the response of a 2xx, or the error a caller should see.
func (c *Client) send(ctx context.Context, r *transport.Request) (*transport.Response, error) {
	resp, err := c.t.Do(ctx, r)
	switch {
	case err != nil:
		return nil, fmt.Errorf("cashfin: %s %s: %w", r.Method, c.t.Path(r.Path), err)
	case resp.TooLarge:
		return nil, tooLargeError(resp)
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		return nil, abandoned(resp, failureError(resp, envelope.DecodeError(resp.Body)))
	}
	return resp, nil
}

// abandoned marks err as matching the context's error too (context.DeadlineExceeded or
// context.Canceled) when a retry was due but the context ended, or its deadline would pass first.
func abandoned(resp *transport.Response, err *APIError) error {
	if resp.Abandoned != nil {
		return &transport.AbandonedError{Err: err, Reason: resp.Abandoned}
	}
	return err
}

// decode reads the envelope of a 2xx response into a W, and its page block, if any.
func decode[W any](resp *transport.Response) (W, *envelope.PageInfo, error) {
	var w W
	info, f, err := envelope.Decode(resp.Body, &w)
	if err == nil && f == nil {
		return w, info, nil
	}
	// The 2xx is a failure after all: describe it from its body without the secret, in case the
	// server echoed it (the transport cleans only what fails by its status).
	clean := resp.Redacted()
	if err != nil {
		return w, nil, unexpectedError(clean, err) // json's messages quote no more than a byte
	}
	_, f, _ = envelope.Decode(clean.Body, new(W))
	return w, nil, failureError(clean, f)
}

// fetch runs r and decodes the envelope's data, a single resource.
func fetch[T any, W wire[T]](ctx context.Context, c *Client, r *transport.Request) (*T, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	w, _, err := decode[W](resp)
	if err != nil {
		return nil, err
	}
	v := w.value()
	return &v, nil
}

// fetchPage runs r and decodes the envelope's data, a list of resources, with its page block.
// hasInfo reports whether the response had a page block at all.
func fetchPage[T any, W wire[T]](ctx context.Context, c *Client, r *transport.Request) (p *Page[T], hasInfo bool, err error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, false, err
	}
	ws, info, err := decode[[]W](resp)
	if err != nil {
		return nil, false, err
	}
	p = &Page[T]{Data: make([]T, len(ws))}
	for i := range ws {
		p.Data[i] = ws[i].value()
	}
	if info != nil {
		p.Pagination = Pagination(*info)
	}
	return p, info != nil, nil
}
