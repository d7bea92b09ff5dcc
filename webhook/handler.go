package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
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
//   - whether the event was seen before (see below);
//   - handle's error: 500, so that Cashfin delivers the event again (assumed: Cashfin's retry
//     policy is not documented). The error itself is not sent back.
//
// Otherwise the answer is 200 {"received":true}. Every answer is JSON and none holds the secret
// or the expected signature. Any event type reaches handle, including ones this package does
// not name. Handler panics if secret is empty (an unset environment variable would otherwise
// refuse every event, unnoticed until production) or handle is nil.
//
// Handler de-duplicates events by their Key, with NewMemoryDeduper(24*time.Hour, 100_000)
// unless WithDeduper says otherwise. Only a verified, well-formed event reaches the Deduper:
//
//   - handled before: 200 {"received":true,"duplicate":true}, and handle is not called;
//   - being handled by another receiver: 409, so that the sender delivers it again later;
//   - the Deduper fails: 503, and handle is not called, so nothing is handled twice and nothing
//     is lost;
//   - otherwise handle runs. On success the event is remembered, and if that fails the answer
//     is 503 (the sender delivers again). When handle fails or panics (the panic is recovered),
//     the event is forgotten, so that a redelivery is handled, and the answer is 500 (503 if
//     forgetting fails).
func Handler(secret string, handle func(ctx context.Context, e *Event) error, opts ...HandlerOption) http.Handler {
	if handle == nil {
		panic("webhook: Handler called with a nil handle func")
	}
	if secret == "" {
		panic("webhook: Handler called with an empty secret: set the webhook secret (CASHFIN_WEBHOOK_SECRET in the README's examples)")
	}
	cfg := handlerConfig{dedup: NewMemoryDeduper(24*time.Hour, 100_000)}
	for _, o := range opts {
		o(&cfg)
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
		case cfg.dedup != nil:
			handleOnce(r.Context(), w, cfg.dedup, Key(body), e, handle)
		case handle(r.Context(), e) != nil:
			answer(w, http.StatusInternalServerError, notProcessed)
		default:
			writeJSON(w, http.StatusOK, received)
		}
	})
}

// HandlerOption configures Handler.
type HandlerOption func(*handlerConfig)

type handlerConfig struct {
	dedup Deduper
}

// WithDeduper makes Handler de-duplicate events with d: cashfinredis.NewDeduper's shares the
// memory of handled events between replicas. nil turns de-duplication off.
func WithDeduper(d Deduper) HandlerOption {
	return func(c *handlerConfig) { c.dedup = d }
}

// finishTimeout bounds Finish, which runs even when the sender has gone away: the outcome of a
// handled event is worth recording. (A variable for tests.)
var finishTimeout = 10 * time.Second

const notProcessed = "webhook: the event was not processed; deliver it again"

// handleOnce claims e's key with d, and calls handle only when the claim is the caller's.
func handleOnce(ctx context.Context, w http.ResponseWriter, d Deduper, key string, e *Event,
	handle func(context.Context, *Event) error) {
	state, err := d.Claim(ctx, key)
	switch {
	case err != nil:
		answer(w, http.StatusServiceUnavailable, "webhook: could not check whether the event was handled before; deliver it again")
		return
	case state == Handled:
		writeJSON(w, http.StatusOK, duplicate)
		return
	case state == InProgress:
		writeJSON(w, http.StatusConflict, inProgress)
		return
	case state != Claimed:
		answer(w, http.StatusServiceUnavailable, "webhook: unknown claim state "+state.String())
		return
	}
	panicked, herr := callRecovered(ctx, e, handle)
	if herr != nil {
		ferr := finish(ctx, d, key, false)
		switch {
		case panicked == http.ErrAbortHandler:
			panic(panicked) // the handler asked net/http to abort the response
		case ferr != nil: // the claim stays until it runs out: the sender may be told 409 till then
			answer(w, http.StatusServiceUnavailable, "webhook: the event was not processed, and that could not be recorded; deliver it again")
		default:
			answer(w, http.StatusInternalServerError, notProcessed)
		}
		return
	}
	if finish(ctx, d, key, true) != nil {
		answer(w, http.StatusServiceUnavailable, "webhook: the event was processed but could not be recorded; deliver it again")
		return
	}
	writeJSON(w, http.StatusOK, received)
}

// finish calls d.Finish with finishTimeout from now, even when ctx (the request's) has ended.
func finish(ctx context.Context, d Deduper, key string, handled bool) error {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	return d.Finish(fctx, key, handled)
}

// callRecovered calls handle, turning a panic into an error; panicked is the panic's value.
func callRecovered(ctx context.Context, e *Event, handle func(context.Context, *Event) error) (panicked any, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked, err = p, errors.New("webhook: handle panicked")
		}
	}()
	return nil, handle(ctx, e)
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

// duplicate and inProgress answer an event handled before, and one being handled elsewhere.
var (
	duplicate  = []byte(`{"received":true,"duplicate":true}`)
	inProgress = []byte(`{"received":false,"error":"event is being handled"}`)
)

func writeJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
