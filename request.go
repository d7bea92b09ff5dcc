package cashfin

import (
	"context"

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

// send runs r with the call's settings s and returns the response of a 2xx, or the error a caller
// should see. The response is returned with the error too, whenever one was received.
func (c *Client) send(ctx context.Context, s *callSettings, r *transport.Request) (*transport.Response, error) {
	r.Call = s.call
	resp, err := c.t.Do(ctx, r)
	switch {
	case err != nil:
		return nil, transportError(r.Method, c.t.Path(r.Path), err)
	case resp.TooLarge:
		return resp, tooLargeError(resp)
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		return resp, abandoned(resp, failureError(resp, envelope.DecodeError(resp.Body)))
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

// exchange is the one generic call every resource stands on: it runs r with the call's settings
// s, decodes the envelope of its 2xx into a W (and its page block, if any), and records the
// response's metadata in meta (nil for none) whenever a response was received, success or failure.
func exchange[W any](ctx context.Context, c *Client, s *callSettings, r *transport.Request, meta *Response) (W, *envelope.PageInfo, error) {
	resp, err := c.send(ctx, s, r)
	var w W
	var info *envelope.PageInfo
	if err == nil {
		w, info, err = decode[W](resp)
	}
	record(meta, resp)
	return w, info, err
}

// fetch runs r with the call's settings s and decodes the envelope's data, a single resource.
func fetch[T any, W wire[T]](ctx context.Context, c *Client, s *callSettings, r *transport.Request) (*T, error) {
	w, _, err := exchange[W](ctx, c, s, r, s.into)
	if err != nil {
		return nil, err
	}
	v := w.value()
	return &v, nil
}

// fetchPage runs r with the call's settings s and decodes the envelope's data, a list of
// resources, with its page block. hasInfo reports whether the response had a page block at all.
// The response's metadata goes to meta (not to s's WithResponseInto: see iteratePages), if set.
func fetchPage[T any, W wire[T]](ctx context.Context, c *Client, s *callSettings, r *transport.Request, meta *Response) (p *Page[T], hasInfo bool, err error) {
	ws, info, err := exchange[[]W](ctx, c, s, r, meta)
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
