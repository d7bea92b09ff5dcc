package webhook_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/webhook"
)

// TestKey: the key is the lower-case hex SHA-256 of the raw body as received: bodies that decode
// alike but differ by a byte have different keys.
func TestKey(t *testing.T) {
	sum := sha256.Sum256([]byte(paymentBody))
	assert.Equal(t, hex.EncodeToString(sum[:]), webhook.Key([]byte(paymentBody)))
	assert.Equal(t, strings.ToLower(webhook.Key([]byte(paymentBody))), webhook.Key([]byte(paymentBody)))
	assert.NotEqual(t, webhook.Key([]byte(paymentBody)), webhook.Key([]byte(paymentBody+"\n")))
	assert.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", webhook.Key(nil))
}

func claim(t *testing.T, d webhook.Deduper, key string) webhook.ClaimState {
	t.Helper()
	s, err := d.Claim(context.Background(), key)
	require.NoError(t, err)
	return s
}

func finish(t *testing.T, d webhook.Deduper, key string, handled bool) {
	t.Helper()
	require.NoError(t, d.Finish(context.Background(), key, handled))
}

// TestMemoryDeduperStates: a first claim is Claimed, a second InProgress; after Finish(true) it
// is Handled; after Finish(false) the next claim is Claimed again.
func TestMemoryDeduperStates(t *testing.T) {
	d := webhook.NewMemoryDeduper(time.Hour, 10)
	assert.Equal(t, webhook.Claimed, claim(t, d, "a"))
	assert.Equal(t, webhook.InProgress, claim(t, d, "a"))
	finish(t, d, "a", true)
	assert.Equal(t, webhook.Handled, claim(t, d, "a"))
	assert.Equal(t, webhook.Claimed, claim(t, d, "b"))
	finish(t, d, "b", false)
	assert.Equal(t, webhook.Claimed, claim(t, d, "b"))
	assert.Equal(t, "Handled", webhook.Handled.String())
	assert.Equal(t, "ClaimState(7)", webhook.ClaimState(7).String())
}

// TestMemoryDeduperRemember: a handled key is remembered for the remember duration from its
// Finish, then forgotten; an unfinished claim lapses after remember too.
func TestMemoryDeduperRemember(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := webhook.NewMemoryDeduper(time.Hour, 10)
	webhook.SetMemoryClock(d, func() time.Time { return now })
	claim(t, d, "a")
	claim(t, d, "stuck")
	now = now.Add(time.Minute)
	finish(t, d, "a", true)
	now = now.Add(time.Hour - time.Nanosecond)
	assert.Equal(t, webhook.Handled, claim(t, d, "a"))
	now = now.Add(time.Nanosecond)
	assert.Equal(t, webhook.Claimed, claim(t, d, "a"), "remembered past remember")
	assert.Equal(t, webhook.Claimed, claim(t, d, "stuck"), "an unfinished claim did not lapse")
}

// TestMemoryDeduperEvictsEarliestClaimed: when max keys are held, the earliest-claimed one is
// forgotten, whether handled or in progress, and a key's Finish does not move it.
func TestMemoryDeduperEvictsEarliestClaimed(t *testing.T) {
	d := webhook.NewMemoryDeduper(time.Hour, 3)
	for _, k := range []string{"a", "b", "c"} {
		claim(t, d, k)
	}
	finish(t, d, "a", true) // handled last, but claimed first
	assert.Equal(t, webhook.Claimed, claim(t, d, "d"))
	assert.Equal(t, webhook.InProgress, claim(t, d, "b"))
	assert.Equal(t, webhook.InProgress, claim(t, d, "c"))
	assert.Equal(t, webhook.Claimed, claim(t, d, "a"), "a, claimed first, was not the one evicted")
	assert.Equal(t, webhook.Claimed, claim(t, d, "b"), "b is the earliest claimed after a's eviction")
	assert.Equal(t, webhook.InProgress, claim(t, d, "d"))
}

// TestMemoryDeduperConcurrent: of many goroutines claiming one key at once, exactly one holds
// the claim.
func TestMemoryDeduperConcurrent(t *testing.T) {
	d := webhook.NewMemoryDeduper(time.Hour, 100)
	var claimed atomic.Int32
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if s, _ := d.Claim(context.Background(), fmt.Sprint("k", i)); s == webhook.Claimed {
					claimed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 20, claimed.Load())
}

func TestMemoryDeduperBadArguments(t *testing.T) {
	assert.Panics(t, func() { webhook.NewMemoryDeduper(0, 10) })
	assert.Panics(t, func() { webhook.NewMemoryDeduper(time.Hour, 0) })
}

// fakeDeduper answers Claim with state and claimErr and Finish with finishErr, recording calls.
type fakeDeduper struct {
	state       webhook.ClaimState
	claimErr    error
	finishErr   error
	mu          sync.Mutex
	calls       []string
	finishCtx   error     // the Finish context's error when Finish ran
	finishUntil time.Time // the Finish context's deadline
}

func (f *fakeDeduper) Claim(_ context.Context, key string) (webhook.ClaimState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "claim "+key)
	return f.state, f.claimErr
}

func (f *fakeDeduper) Finish(ctx context.Context, key string, handled bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("finish %s %v", key, handled))
	f.finishCtx = ctx.Err()
	f.finishUntil, _ = ctx.Deadline()
	return f.finishErr
}

// TestHandlerDedupOutcomes: each Claim answer and each outcome of handle gives the contract's
// status and body, calling handle and Finish as it says.
func TestHandlerDedupOutcomes(t *testing.T) {
	body := []byte(paymentBody)
	key := webhook.Key(body)
	storeDown := errors.New("store down")
	cases := []struct {
		name      string
		state     webhook.ClaimState
		claimErr  error
		finishErr error
		handle    func(context.Context, *webhook.Event) error
		status    int
		answer    string
		calls     []string
		handled   bool
	}{
		{"handled before", webhook.Handled, nil, nil, nil, 200, `{"received":true,"duplicate":true}`,
			[]string{"claim " + key}, false},
		{"in progress", webhook.InProgress, nil, nil, nil, 409, `{"received":false,"error":"event is being handled"}`,
			[]string{"claim " + key}, false},
		{"claim fails", webhook.Claimed, storeDown, nil, nil, 503, "", []string{"claim " + key}, false},
		{"unknown state", webhook.ClaimState(9), nil, nil, nil, 503, "", []string{"claim " + key}, false},
		{"handled", webhook.Claimed, nil, nil, nil, 200, `{"received":true}`,
			[]string{"claim " + key, "finish " + key + " true"}, true},
		{"handled, not recorded", webhook.Claimed, nil, storeDown, nil, 503, "",
			[]string{"claim " + key, "finish " + key + " true"}, true},
		{"handle fails", webhook.Claimed, nil, nil, func(context.Context, *webhook.Event) error { return storeDown },
			500, "", []string{"claim " + key, "finish " + key + " false"}, true},
		{"handle panics", webhook.Claimed, nil, nil, func(context.Context, *webhook.Event) error { panic("boom") },
			500, "", []string{"claim " + key, "finish " + key + " false"}, true},
		{"handle fails, not forgotten", webhook.Claimed, nil, storeDown, func(context.Context, *webhook.Event) error { return storeDown },
			503, "", []string{"claim " + key, "finish " + key + " false"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeDeduper{state: tc.state, claimErr: tc.claimErr, finishErr: tc.finishErr}
			var called atomic.Int32
			h := webhook.Handler(testSecret, func(ctx context.Context, e *webhook.Event) error {
				called.Add(1)
				if tc.handle != nil {
					return tc.handle(ctx, e)
				}
				return nil
			}, webhook.WithDeduper(f))
			rec, _ := serve(h, http.MethodPost, body, webhook.Sign(body, testSecret), false)
			assert.Equal(t, tc.status, rec.Code)
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			if tc.answer != "" {
				assert.JSONEq(t, tc.answer, rec.Body.String())
			} else {
				assert.Contains(t, rec.Body.String(), `"error":`)
				assert.NotContains(t, rec.Body.String(), "store down")
			}
			assert.Equal(t, tc.calls, f.calls)
			assert.Equal(t, tc.handled, called.Load() == 1, "handle called")
		})
	}
}

// TestHandlerDedupOnlyChecked: a request refused for its method, size, signature or event never
// reaches the Deduper.
func TestHandlerDedupOnlyChecked(t *testing.T) {
	f := &fakeDeduper{state: webhook.Claimed}
	h := webhook.Handler(testSecret, func(context.Context, *webhook.Event) error { return nil }, webhook.WithDeduper(f))
	good := []byte(paymentBody)
	huge := eventOfSize(t, maxBody+1)
	malformed := []byte(`{"type":""}`)
	for _, r := range []struct {
		method string
		body   []byte
		sig    string
		status int
	}{
		{http.MethodGet, good, webhook.Sign(good, testSecret), 405},
		{http.MethodPost, huge, webhook.Sign(huge, testSecret), 413},
		{http.MethodPost, good, webhook.Sign(good, "another"), 401},
		{http.MethodPost, good, "", 401},
		{http.MethodPost, malformed, webhook.Sign(malformed, testSecret), 400},
	} {
		rec, _ := serve(h, r.method, r.body, r.sig, false)
		assert.Equal(t, r.status, rec.Code)
	}
	assert.Empty(t, f.calls)
}

// TestHandlerFinishOutlivesRequest: the outcome is recorded even when the request's context
// ended while handle ran (the sender gave up), so that a redelivery is not handled again.
func TestHandlerFinishOutlivesRequest(t *testing.T) {
	f := &fakeDeduper{state: webhook.Claimed}
	ctx, cancel := context.WithCancel(context.Background())
	h := webhook.Handler(testSecret, func(context.Context, *webhook.Event) error { cancel(); return nil }, webhook.WithDeduper(f))
	body := []byte(paymentBody)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1/", strings.NewReader(paymentBody))
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(body, testSecret))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, 200, rec.Code)
	assert.NoError(t, f.finishCtx, "Finish got an ended context")
}

// TestHandlerDedupByDefault: without options, a second delivery of one event is answered as a
// duplicate and not handled; a failed one is handled again on redelivery.
func TestHandlerDedupByDefault(t *testing.T) {
	var r recorder
	h := webhook.Handler(testSecret, r.handle)
	body := []byte(paymentBody)
	sig := webhook.Sign(body, testSecret)
	rec, _ := serve(h, http.MethodPost, body, sig, false)
	assert.JSONEq(t, `{"received":true}`, rec.Body.String())
	rec, _ = serve(h, http.MethodPost, body, sig, false)
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, `{"received":true,"duplicate":true}`, rec.Body.String())
	assert.EqualValues(t, 1, r.calls.Load())

	other := []byte(paymentBody + " ") // another body is another event
	rec, _ = serve(h, http.MethodPost, other, webhook.Sign(other, testSecret), false)
	assert.JSONEq(t, `{"received":true}`, rec.Body.String())
	assert.EqualValues(t, 2, r.calls.Load())

	failing := &recorder{err: errors.New("db down")}
	h = webhook.Handler(testSecret, failing.handle)
	rec, _ = serve(h, http.MethodPost, body, sig, false)
	assert.Equal(t, 500, rec.Code)
	failing.err = nil
	rec, _ = serve(h, http.MethodPost, body, sig, false)
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, `{"received":true}`, rec.Body.String())
	assert.EqualValues(t, 2, failing.calls.Load(), "the redelivery of a failed event was not handled")
}

// TestHandlerDedupRemembersADayByDefault: without options, Handler remembers a handled event
// for 24 hours (NewMemoryDeduper(24*time.Hour, 100_000)): a redelivery a nanosecond short of
// that is a duplicate, one at 24 hours is handled again.
func TestHandlerDedupRemembersADayByDefault(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	defer webhook.SetNewMemoryClock(func() time.Time { return now })()
	var r recorder
	h := webhook.Handler(testSecret, r.handle)
	body := []byte(paymentBody)
	sig := webhook.Sign(body, testSecret)
	rec, _ := serve(h, http.MethodPost, body, sig, false)
	assert.JSONEq(t, `{"received":true}`, rec.Body.String())
	now = now.Add(24*time.Hour - time.Nanosecond)
	rec, _ = serve(h, http.MethodPost, body, sig, false)
	assert.JSONEq(t, `{"received":true,"duplicate":true}`, rec.Body.String(), "forgotten before 24 hours")
	now = now.Add(time.Nanosecond)
	rec, _ = serve(h, http.MethodPost, body, sig, false)
	assert.JSONEq(t, `{"received":true}`, rec.Body.String(), "remembered beyond 24 hours")
	assert.EqualValues(t, 2, r.calls.Load())
}

// TestHandlerWithDeduperNil: de-duplication off, every delivery is handled and answered as
// before.
func TestHandlerWithDeduperNil(t *testing.T) {
	var r recorder
	h := webhook.Handler(testSecret, r.handle, webhook.WithDeduper(nil))
	body := []byte(paymentBody)
	for range 3 {
		rec, _ := serve(h, http.MethodPost, body, webhook.Sign(body, testSecret), false)
		assert.JSONEq(t, `{"received":true}`, rec.Body.String())
	}
	assert.EqualValues(t, 3, r.calls.Load())
	h = webhook.Handler(testSecret, func(context.Context, *webhook.Event) error { panic("boom") }, webhook.WithDeduper(nil))
	assert.PanicsWithValue(t, "boom", func() { serve(h, http.MethodPost, body, webhook.Sign(body, testSecret), false) },
		"a panic is not recovered without a Deduper, as before")
}

// TestHandlerConcurrentDeliveries: one delivery sent 100 times at once to one Handler is handled
// once; the others are told it is in progress (409) or a duplicate (200).
func TestHandlerConcurrentDeliveries(t *testing.T) {
	var r recorder
	h := webhook.Handler(testSecret, r.handle)
	body := []byte(paymentBody)
	sig := webhook.Sign(body, testSecret)
	var wg sync.WaitGroup
	codes := make([]int, 100)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _ := serve(h, http.MethodPost, body, sig, false)
			codes[i] = rec.Code
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, r.calls.Load())
	for _, c := range codes {
		assert.Contains(t, []int{200, 409}, c)
	}
}

// TestHandlerEmptySecretPanics: an empty secret (an unset environment variable) is refused when
// the handler is built, with a message that says so.
func TestHandlerEmptySecretPanics(t *testing.T) {
	var r recorder
	assert.PanicsWithValue(t,
		"webhook: Handler called with an empty secret: set the webhook secret (CASHFIN_WEBHOOK_SECRET in the README's examples)",
		func() { webhook.Handler("", r.handle) })
}

// TestHandlerDedupAbortHandler: handle panicking with http.ErrAbortHandler still forgets the
// event (so a redelivery is handled), and the panic goes on to net/http, which aborts the
// response as that value asks.
func TestHandlerDedupAbortHandler(t *testing.T) {
	f := &fakeDeduper{state: webhook.Claimed}
	h := webhook.Handler(testSecret, func(context.Context, *webhook.Event) error { panic(http.ErrAbortHandler) },
		webhook.WithDeduper(f))
	body := []byte(paymentBody)
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() {
		serve(h, http.MethodPost, body, webhook.Sign(body, testSecret), false)
	})
	key := webhook.Key(body)
	assert.Equal(t, []string{"claim " + key, "finish " + key + " false"}, f.calls)
}

// TestHandlerFinishAfterSlowHandle: Finish's time is counted from when handle returns, not from
// when it started, so that an event whose handle ran longer than that time is still recorded
// (else it is answered 503 and, once its lease lapses, handled again). handle sleeps to be slower
// than the (shortened) finish time: the sleep is the slowness under test, not synchronisation.
func TestHandlerFinishAfterSlowHandle(t *testing.T) {
	const timeout = 20 * time.Millisecond
	defer webhook.SetFinishTimeout(timeout)()
	for _, fail := range []bool{false, true} {
		f := &fakeDeduper{state: webhook.Claimed}
		var returned time.Time
		h := webhook.Handler(testSecret, func(context.Context, *webhook.Event) error {
			time.Sleep(2 * timeout)
			returned = time.Now()
			if fail {
				return errors.New("db down")
			}
			return nil
		}, webhook.WithDeduper(f))
		body := []byte(paymentBody)
		rec, _ := serve(h, http.MethodPost, body, webhook.Sign(body, testSecret), false)
		assert.Equal(t, map[bool]int{false: 200, true: 500}[fail], rec.Code, "handle failed: %v", fail)
		assert.True(t, f.finishUntil.After(returned), "handle failed: %v: Finish's deadline %s passed before handle returned (%s)",
			fail, f.finishUntil.Format(time.StampMicro), returned.Format(time.StampMicro))
	}
}
