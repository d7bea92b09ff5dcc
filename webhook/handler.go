package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// maxBodySize is the largest body Handler reads: 1 MiB.
const maxBodySize = 1 << 20

// Handler returns an http.Handler that receives Cashfin's events and calls handle with each
// one, passing the request's context. It checks, in this order:
//
//   - the method: anything but POST is 405, with an Allow header;
//   - the size: a body over 1 MiB is 413, refused without being read whole;
//   - the signature, as Verify does: a bad one is 401, and handle is not called;
//   - the event, as Parse does: a malformed one is 400;
//   - handle's error: 500, so that Cashfin delivers the event again (assumed: Cashfin's retry
//     policy is not documented). The error itself is not sent back.
//
// Otherwise the answer is 200 {"received":true}. Every answer is JSON and none holds the secret
// or the expected signature. An empty secret verifies nothing: every event is 401. Any event
// type reaches handle, including ones this package does not name.
func Handler(secret string, handle func(ctx context.Context, e *Event) error) http.Handler {
	if handle == nil {
		panic("webhook: Handler called with a nil handle func")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			answer(w, http.StatusMethodNotAllowed, "webhook: method not allowed: use POST")
			return
		}
		body, status, msg := readBody(w, r)
		if status != 0 {
			answer(w, status, msg)
			return
		}
		e, err := Parse(body, r.Header.Get(SignatureHeader), secret)
		switch {
		case errors.Is(err, ErrInvalidSignature):
			answer(w, http.StatusUnauthorized, err.Error())
		case err != nil:
			answer(w, http.StatusBadRequest, err.Error())
		case handle(r.Context(), e) != nil:
			answer(w, http.StatusInternalServerError, "webhook: the event was not processed; deliver it again")
		default:
			writeJSON(w, http.StatusOK, received)
		}
	})
}

// readBody reads r's body, at most maxBodySize bytes of it. On failure it returns the status
// and message to answer with.
func readBody(w http.ResponseWriter, r *http.Request) (body []byte, status int, msg string) {
	const tooLarge = "webhook: body too large"
	if r.ContentLength > maxBodySize {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodySize))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	case err != nil:
		return nil, http.StatusBadRequest, "webhook: could not read the body"
	}
	return body, 0, ""
}

// answer writes {"error": msg} with status. msg is one of this package's own messages, which
// hold neither the secret nor a signature.
func answer(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg}) // a map of strings: cannot fail
	writeJSON(w, status, b)
}

// received is the answer to an event handled: Cashfin's guide shows it.
var received = []byte(`{"received":true}`)

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
