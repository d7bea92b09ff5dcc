package cashfin

import (
	"fmt"

	"github.com/cashfin-go/cashfin/internal/transport"
)

// This file resolves a call's options, once per call: each service method calls Client.settings
// with its opts, and hands the result to the generic calls (request.go, pagination.go), which
// pass its transport part on to internal/transport. No method resolves precedence itself: a call's
// option overrides the client's default (NewClient's options), which overrides the SDK's default.

// callSettings are one call's settings, resolved once from the client's defaults and the call's
// options (Client.settings); the generic calls and the transport read them from here.
type callSettings struct {
	call           *transport.Call // shared with the client until an option changes it (see own)
	owned          bool            // call is this call's own copy
	into           *Response       // WithResponseInto; nil for none
	idempotencyKey string          // WithIdempotencyKey; "" for none
}

// own returns the call's transport settings, copied from the client's first if still shared.
func (s *callSettings) own() *transport.Call {
	if !s.owned {
		c := *s.call
		s.call, s.owned = &c, true
	}
	return s.call
}

// settings resolves a call's options over the client's defaults. With no options it returns the
// client's defaults themselves: a call without options allocates nothing for them.
func (c *Client) settings(opts []CallOption) (*callSettings, error) {
	if len(opts) == 0 {
		return &c.defaults, nil
	}
	s := &callSettings{call: c.defaults.call}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.applyCall(s); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidParams, err)
		}
	}
	return s, nil
}

// idempotencyKeyRule is what a caller's idempotency key must be.
const idempotencyKeyRule = "an idempotency key is 1 to 255 printable ASCII characters"

func validIdempotencyKey(key string) bool {
	return key != "" && len(key) <= 255 && printable(key)
}

// postKey is the Idempotency-Key of a POST or PATCH whose params carry paramsKey: that or
// WithIdempotencyKey's (they must agree when both are given), else a new random key.
func (s *callSettings) postKey(paramsKey string) (string, error) {
	switch {
	case paramsKey != "" && !validIdempotencyKey(paramsKey):
		return "", fmt.Errorf("%w: %s", ErrInvalidParams, idempotencyKeyRule)
	case paramsKey != "" && s.idempotencyKey != "" && paramsKey != s.idempotencyKey:
		return "", fmt.Errorf("%w: the params' IdempotencyKey and WithIdempotencyKey differ", ErrInvalidParams)
	case paramsKey != "":
		return paramsKey, nil
	case s.idempotencyKey != "":
		return s.idempotencyKey, nil
	}
	return newIdempotencyKey(), nil
}
