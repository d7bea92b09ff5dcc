package cashfintest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Handle adds a route to the fake, for an endpoint it does not serve itself (invoices, payment
// links, mobile payments, ...). pattern is a net/http.ServeMux pattern, such as
// "POST /business/invoice/create" or "GET /business/invoice/details/{id}", and r.PathValue
// works in handler, which writes the whole answer (WriteData, WriteList and WriteError write
// Cashfin's envelope).
//
// The route sits behind every layer of the fake's own routes: a request for it is recorded
// (Requests), waits out WithLatency, counts in WithPlan's windows, meets queued failures, and
// needs the secret (else 401, and handler is not called); a POST or PATCH with an
// Idempotency-Key is replayed or refused (409) as on a create; a body over MaxBodySize is 413;
// another method on a path that only added routes serve is 405 with an Allow header. handler
// reads the body as usual. A panic in handler is answered with 500 and a message naming
// the pattern.
//
// Between routes, the most specific pattern wins, as in a ServeMux: a pattern more specific
// than one of the fake's own routes takes its requests (a details route for one ID, say), a
// more general one takes only what the fake's routes do not match. A pattern that conflicts
// with one of the fake's routes or an earlier Handle, or that ServeMux refuses, makes Handle
// panic. Handle may be called while the fake is serving: each request is routed by the routes
// added by then. Routes cannot be removed, and Reset keeps them.
func (h *Handler) Handle(pattern string, handler http.Handler) {
	if handler == nil {
		panic(fmt.Sprintf("cashfintest: Handle: nil handler for %q", pattern))
	}
	defer func() {
		if v := recover(); v != nil {
			panic(fmt.Sprintf("cashfintest: Handle: %v", v))
		}
	}()
	h.extra.Handle(pattern, &extraRoute{pattern: pattern, h: handler})
	h.hasExtra.Store(true)
}

// newRouteMux returns a ServeMux holding the fake's own routes, so that Handle's patterns are
// checked against them and ranked with them as ServeMux ranks patterns.
func newRouteMux(resources []*resource) *http.ServeMux {
	mux := http.NewServeMux()
	for _, res := range resources {
		for _, rt := range res.routes {
			pattern := rt.method + " " + res.prefix + rt.path
			if strings.HasSuffix(rt.path, "/") {
				pattern += "{id}"
			}
			mux.Handle(pattern, builtinRoute{})
		}
	}
	return mux
}

// builtinRoute stands for one of the fake's own routes in the route mux; route serves them.
type builtinRoute struct{}

func (builtinRoute) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	writeError(w, http.StatusNotFound, "Not found") // not reached: route serves the fake's routes itself
}

// extraRoute is a route added by Handle.
type extraRoute struct {
	pattern string
	h       http.Handler
}

// ServeHTTP calls the route's handler, answering 500 if it panics.
func (e *extraRoute) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			writeError(w, http.StatusInternalServerError,
				fmt.Sprintf("cashfintest: the handler of %q panicked: %v", e.pattern, v))
		}
	}()
	e.h.ServeHTTP(w, r)
}

// serveExtra serves x with a route added by Handle if one is the best match for it, after the
// checks every route has (the secret, the body's size, the Idempotency-Key), and reports whether
// one was. A path that only routes added by Handle know, asked with another method, is 405 with
// an Allow header, as the fake's own paths are.
func (h *Handler) serveExtra(x *exchange) bool {
	if !h.hasExtra.Load() {
		return false
	}
	found, pattern := h.extra.Handler(x.r)
	allow := ""
	if !isExtra(found) {
		// Not a route of Handle's: perhaps the mux's 405, else a redirect for an unclean path or
		// a 404, which the fake answers itself.
		if allow = allowed(found, pattern, x.r); allow == "" || h.ownsRoute(x.r.URL.Path) {
			return false
		}
	}
	switch {
	case !h.authorized(x.r):
		writeJSON(x.w, http.StatusUnauthorized, errorBody{Message: msgUnauthorized})
	case allow != "":
		x.w.Header().Set("Allow", allow)
		writeError(x.w, http.StatusMethodNotAllowed, "Method not allowed")
	case x.bodyErr != nil:
		var tooBig *http.MaxBytesError
		if errors.As(x.bodyErr, &tooBig) {
			writeError(x.w, http.StatusRequestEntityTooLarge, "Request body too large")
		} else {
			writeError(x.w, http.StatusBadRequest, "Could not read the request body")
		}
	default:
		h.idempotent(x, func(x *exchange) {
			r := x.r.WithContext(x.r.Context()) // a shallow copy, with the body the recorder read
			r.Body = http.NoBody
			if len(x.body) > 0 {
				r.Body = io.NopCloser(bytes.NewReader(x.body))
			}
			h.extra.ServeHTTP(x.w, r) // sets r.Pattern and the path values
		})
	}
	return true
}

// allowed returns the Allow header of the mux's answer to r when that answer is 405 (found, with
// pattern "", being the mux's handler for r), and "" otherwise.
func allowed(found http.Handler, pattern string, r *http.Request) string {
	if pattern != "" {
		return ""
	}
	probe := &headerProbe{header: http.Header{}}
	found.ServeHTTP(probe, r)
	if probe.status != http.StatusMethodNotAllowed {
		return ""
	}
	return probe.header.Get("Allow")
}

// headerProbe is a ResponseWriter that keeps the header and status, and drops the body.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(status int)      { p.status = status }

// ownsRoute reports whether one of the fake's own routes, with any method, matches path.
func (h *Handler) ownsRoute(path string) bool {
	for _, res := range h.resources {
		if !res.owns(path) {
			continue
		}
		for _, rt := range res.routes {
			if _, ok := rt.match(path[len(res.prefix):]); ok {
				return true
			}
		}
	}
	return false
}

// isExtra reports whether the mux handler found is a route added by Handle.
func isExtra(found http.Handler) bool {
	_, ok := found.(*extraRoute)
	return ok
}
