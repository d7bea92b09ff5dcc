package cashfin

import (
	"context"
	"fmt"
	"reflect"

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
		return nil, c.fail(failure{method: r.Method, path: c.t.Path(r.Path), err: err})
	case resp.TooLarge:
		return resp, c.fail(failure{resp: resp, kind: ErrUnexpectedResponse,
			msg: fmt.Sprintf("response body exceeds %d MiB", transport.MaxBodySize>>20)})
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		return resp, c.fail(failure{resp: resp, env: envelope.DecodeError(resp.Body)})
	}
	return resp, nil
}

// decode reads the envelope of a 2xx response into a W, and its page block, if any.
func decode[W any](c *Client, resp *transport.Response) (W, *envelope.PageInfo, error) {
	var w W
	info, f, err := envelope.Decode(resp.Body, &w)
	switch {
	case err != nil: // json's messages quote no more than a byte; fail cleans them all the same
		return w, nil, c.unexpected(resp, "unexpected response body: "+err.Error())
	case f != nil:
		return w, nil, c.fail(failure{resp: resp, env: f, kind: envelopeKind(f)})
	}
	return w, info, nil
}

// unexpected describes a 2xx that cannot be what the call expects: ErrUnexpectedResponse.
func (c *Client) unexpected(resp *transport.Response, why string) error {
	return c.fail(failure{resp: resp, kind: ErrUnexpectedResponse, msg: why})
}

// exchange is the one generic call every resource stands on: it runs r with the call's settings
// s and decodes the envelope of its 2xx into a W (and its page block, if any). The response is
// returned whenever one was received, success or failure, for WithResponseInto (see record).
func exchange[W any](ctx context.Context, c *Client, s *callSettings, r *transport.Request) (W, *envelope.PageInfo, *transport.Response, error) {
	resp, err := c.send(ctx, s, r)
	var w W
	var info *envelope.PageInfo
	if err == nil {
		w, info, err = decode[W](c, resp)
	}
	return w, info, resp, err
}

// fetch runs r with the call's settings s and decodes the envelope's data, a single resource. A
// success with no data, null data or an empty object is ErrUnexpectedResponse: never a zero
// resource. The response goes to s's WithResponseInto, if any.
func fetch[T any, W wire[T]](ctx context.Context, c *Client, s *callSettings, r *transport.Request) (*T, error) {
	w, _, resp, err := exchange[W](ctx, c, s, r)
	record(s.into, resp)
	if err != nil {
		return nil, err
	}
	if reflect.ValueOf(&w).Elem().IsZero() {
		return nil, c.unexpected(resp, `a success without the record: "data" is missing, null or empty`)
	}
	v := w.value()
	return &v, nil
}

// fetchPage runs r with the call's settings s and decodes the envelope's data, a list of
// resources, with its page block. The result holds the response whenever one was received: its
// caller records it for WithResponseInto (in the loop's goroutine, for a walk).
func fetchPage[T any, W wire[T]](ctx context.Context, c *Client, s *callSettings, r *transport.Request) pageResult[T] {
	ws, info, resp, err := exchange[[]W](ctx, c, s, r)
	if err != nil {
		return pageResult[T]{err: err, resp: resp}
	}
	p := &Page[T]{Data: make([]T, len(ws))}
	for i := range ws {
		p.Data[i] = ws[i].value()
	}
	if info != nil {
		p.Pagination = Pagination{Total: int(info.Total), Page: int(info.Page), Limit: int(info.Limit), Pages: int(info.Pages)}
	}
	return pageResult[T]{page: p, hasInfo: info != nil, resp: resp}
}
