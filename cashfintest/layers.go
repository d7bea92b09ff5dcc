package cashfintest

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// exchange is one request on its way through the layers of the fake.
type exchange struct {
	w       http.ResponseWriter
	r       *http.Request
	body    []byte   // the request body, at most MaxBodySize bytes; nil when empty
	bodyErr error    // why the body could not be read whole: *http.MaxBytesError when too large
	id      string   // the ID in the path, for routes that take one
	allow   []string // methods that routes added by Handle serve on this path of the fake's own
}

// step serves an exchange; a layer is a step around the next one.
type step func(x *exchange)

// record reads the body, records the request, and records the status answered.
func (h *Handler) record(next step) step {
	return func(x *exchange) {
		x.body, x.bodyErr = readBody(x.r)
		e := h.requests.start(x.r, x.body)
		sw := &statusWriter{ResponseWriter: x.w}
		x.w = sw
		defer func() { h.requests.finish(e, sw.status) }()
		next(x)
		if sw.status == 0 {
			sw.status = http.StatusOK // net/http's answer to a handler (one given to Handle) that wrote nothing
		}
	}
}

// readBody reads at most MaxBodySize bytes of r's body; more is a *http.MaxBytesError.
func readBody(r *http.Request) ([]byte, error) {
	tooBig := &http.MaxBytesError{Limit: MaxBodySize}
	switch {
	case r.Body == nil || r.Body == http.NoBody:
		return nil, nil
	case r.ContentLength > MaxBodySize:
		return nil, tooBig
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBodySize+1))
	switch {
	case err != nil:
		return b, err
	case len(b) > MaxBodySize:
		return b[:MaxBodySize], tooBig
	case len(b) == 0:
		return nil, nil
	}
	return b, nil
}

// guard turns a panic into an envelope: no input should make the fake panic, and if one does,
// the client still gets an envelope, not a 500, and the recorder its status.
func guard(next step) step {
	return func(x *exchange) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				writeError(x.w, http.StatusServiceUnavailable, "cashfintest: internal error in the fake")
			}
		}()
		next(x)
	}
}

// delay waits out WithLatency, unless the client goes away first.
func (h *Handler) delay(next step) step {
	return func(x *exchange) {
		if h.latency > 0 && !sleep(x.r.Context(), h.latency) {
			// The client has gone; this answer is for in-process callers such as a ResponseRecorder.
			writeError(x.w, http.StatusServiceUnavailable, "Request cancelled")
			return
		}
		next(x)
	}
}

// limit applies the plan's windows: their headers on every response, and 429 over the limit.
func (h *Handler) limit(next step) step {
	return func(x *exchange) {
		if h.plan == nil {
			next(x)
			return
		}
		v := h.plan.take(h.now())
		hdr := x.w.Header()
		hdr.Set("X-RateLimit-Limit", strconv.Itoa(v.limit))
		hdr.Set("X-RateLimit-Remaining", strconv.Itoa(v.remaining))
		hdr.Set("X-RateLimit-Reset", strconv.FormatInt(v.reset, 10))
		if !v.ok {
			hdr.Set("Retry-After", strconv.Itoa(v.retryAfter))
			writeJSON(x.w, http.StatusTooManyRequests, errorBody{Error: msgRateLimited, RetryAfter: v.retryAfter})
			return
		}
		next(x)
	}
}

// inject answers with the next queued failure, if any, before anything is processed.
func (h *Handler) inject(next step) step {
	return func(x *exchange) {
		if f, ok := h.fails.next(x.r); ok {
			f.write(x.w)
			return
		}
		next(x)
	}
}

// route finds the resource and route of the request: a route added by Handle serves it if it is
// the best match; otherwise a path outside every resource is 404, a request without the secret
// is 401, an unknown path 404 and a known one with another method 405.
func (h *Handler) route(x *exchange) {
	if h.serveExtra(x) {
		return
	}
	path := x.r.URL.Path
	var res *resource
	for _, r := range h.resources {
		if r.owns(path) {
			res = r
		}
	}
	if res == nil {
		writeError(x.w, http.StatusNotFound, "Not found")
		return
	}
	if !h.authorized(x.r) {
		writeJSON(x.w, http.StatusUnauthorized, errorBody{Message: msgUnauthorized})
		return
	}
	rest := path[len(res.prefix):]
	var allowed []string
	for _, rt := range res.routes {
		id, ok := rt.match(rest)
		switch {
		case !ok:
		case rt.method == x.r.Method:
			x.id = id
			h.idempotent(x, rt.serve)
			return
		default:
			allowed = append(allowed, rt.method)
		}
	}
	allowed = append(allowed, x.allow...)
	if len(allowed) == 0 {
		writeError(x.w, http.StatusNotFound, "Not found")
		return
	}
	x.w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(x.w, http.StatusMethodNotAllowed, "Method not allowed")
}

// authorized reports whether r carries exactly one Authorization header, equal to the secret.
func (h *Handler) authorized(r *http.Request) bool {
	vals := r.Header.Values("Authorization")
	return len(vals) == 1 && subtle.ConstantTimeCompare([]byte(vals[0]), []byte(h.secret)) == 1
}

// idempotency holds the Idempotency-Key of every POST and PATCH that succeeded, with its answer.
// Keys are shared by every endpoint: a key is tied to one method, path and body.
type idempotency struct {
	mu   sync.Mutex
	keys map[string]*idemEntry
}

// idemEntry is what a key was first used for, and, once done is closed, its answer: kept when
// it succeeded (ok); otherwise the entry is dropped and the key is free again.
type idemEntry struct {
	digest [32]byte
	done   chan struct{}
	ok     bool
	status int
	body   []byte
}

// idempotent serves x with next unless its Idempotency-Key was used before: with the same
// method, path and body, the first answer is replayed, marked Idempotent-Replayed: true; with
// another, 409. A request arriving while the first with its key is in flight waits for it.
func (h *Handler) idempotent(x *exchange, next step) {
	key := x.r.Header.Get("Idempotency-Key")
	if key == "" || x.r.Method != http.MethodPost && x.r.Method != http.MethodPatch {
		next(x)
		return
	}
	digest := sha256.Sum256(bytes.Join([][]byte{[]byte(x.r.Method), []byte(x.r.URL.Path), x.body}, []byte{0}))
	for {
		e, mine := h.idem.claim(key, digest)
		switch {
		case e == nil:
			writeError(x.w, http.StatusConflict, "Idempotency-Key was already used with a different request body")
			return
		case mine:
			tw := &teeWriter{statusWriter: statusWriter{ResponseWriter: x.w}}
			x.w = tw
			defer func() { h.idem.settle(key, e, tw.status, tw.buf.Bytes()) }()
			next(x)
			return
		}
		select {
		case <-e.done:
		case <-x.r.Context().Done():
			writeError(x.w, http.StatusServiceUnavailable, "Request cancelled")
			return
		}
		if e.ok {
			x.w.Header().Set("Idempotent-Replayed", "true")
			writeRaw(x.w, e.status, e.body)
			return
		}
		// The first request with the key failed, which frees it: claim it again.
	}
}

// claim returns the entry of key, and whether the caller has just made it and must settle it;
// nil if the key was used with another digest.
func (t *idempotency) claim(key string, digest [32]byte) (e *idemEntry, mine bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.keys[key]; e != nil {
		if e.digest != digest {
			return nil, false
		}
		return e, false
	}
	e = &idemEntry{digest: digest, done: make(chan struct{})}
	t.keys[key] = e
	return e, true
}

// settle records the answer to the first request with key: kept if it succeeded, else the key
// is freed.
func (t *idempotency) settle(key string, e *idemEntry, status int, body []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if status >= 200 && status < 300 {
		e.ok, e.status, e.body = true, status, bytes.Clone(body)
	} else if t.keys[key] == e {
		delete(t.keys, key)
	}
	close(e.done)
}

// reset forgets every key.
func (t *idempotency) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.keys = map[string]*idemEntry{}
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader remembers the first status written, and passes it on.
func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write passes b on; a body written without WriteHeader is a 200, as net/http has it.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// teeWriter is a statusWriter that also keeps a copy of the body.
type teeWriter struct {
	statusWriter
	buf bytes.Buffer
}

// Write keeps a copy of b and passes it on.
func (w *teeWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.statusWriter.Write(b)
}
