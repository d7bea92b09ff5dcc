package webhook_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/webhook"
)

const maxBody = 1 << 20 // the contract's 1,048,576 bytes

// recorder is a handle func that counts its calls and keeps the last event.
type recorder struct {
	calls atomic.Int32
	last  atomic.Pointer[webhook.Event]
	err   error
}

func (r *recorder) handle(_ context.Context, e *webhook.Event) error {
	r.calls.Add(1)
	r.last.Store(e)
	return r.err
}

// countingBody is a request body that counts what the handler reads of it.
type countingBody struct {
	r    io.Reader
	read int64
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	return n, err
}

// eventOfSize is a well-formed event body of exactly n bytes.
func eventOfSize(t *testing.T, n int) []byte {
	t.Helper()
	const head, tail = `{"type":"payment.completed","data":"`, `"}`
	require.GreaterOrEqual(t, n, len(head)+len(tail))
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

// serve sends one request to h in process, its body counted; hideLen leaves its length unknown
// (as a chunked body's is).
func serve(h http.Handler, method string, body []byte, sig string, hideLen bool) (*httptest.ResponseRecorder, *countingBody) {
	cb := &countingBody{r: bytes.NewReader(body)}
	req := httptest.NewRequest(method, "http://127.0.0.1/webhooks", cb)
	req.ContentLength = int64(len(body))
	if hideLen {
		req.ContentLength = -1
	}
	if sig != "" {
		req.Header.Set(webhook.SignatureHeader, sig)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec, cb
}

// TestHandlerCheckOrder sends requests that break several rules at once: each is refused for
// the first rule in the contract's order (method, size, signature, event, handle), and handle
// runs only for a verified, well-formed event.
func TestHandlerCheckOrder(t *testing.T) {
	good := []byte(paymentBody)
	goodSig := webhook.Sign(good, testSecret)
	huge := eventOfSize(t, 4*maxBody)
	hugeSig := webhook.Sign(huge, testSecret)
	malformed := []byte(`{"type":""}`)
	cases := []struct {
		name      string
		method    string
		body      []byte
		sig       string
		hideLen   bool
		handleErr error
		status    int
		calls     int32
		maxRead   int64
	}{
		{"GET, too large, unsigned", http.MethodGet, huge, "", false, nil, 405, 0, 0},
		{"PUT of a good event", http.MethodPut, good, goodSig, false, nil, 405, 0, 0},
		{"too large, declared, signed", http.MethodPost, huge, hugeSig, false, nil, 413, 0, 0},
		{"too large, undeclared, signed", http.MethodPost, huge, hugeSig, true, nil, 413, 0, maxBody + 1},
		{"too large, undeclared, unsigned", http.MethodPost, huge, "", true, nil, 413, 0, maxBody + 1},
		{"bad signature, malformed event", http.MethodPost, malformed, goodSig, false, nil, 401, 0, -1},
		{"no signature, handle would fail", http.MethodPost, good, "", false, errors.New("db down"), 401, 0, -1},
		{"malformed event, handle would fail", http.MethodPost, malformed, webhook.Sign(malformed, testSecret), false, errors.New("db down"), 400, 0, -1},
		{"handle fails", http.MethodPost, good, goodSig, false, errors.New("db down"), 500, 1, -1},
		{"all good", http.MethodPost, good, goodSig, false, nil, 200, 1, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{err: tc.handleErr}
			rec, cb := serve(webhook.Handler(testSecret, r.handle), tc.method, tc.body, tc.sig, tc.hideLen)
			assert.Equal(t, tc.status, rec.Code)
			assert.Equal(t, tc.calls, r.calls.Load(), "handle calls")
			if tc.maxRead >= 0 {
				assert.LessOrEqual(t, cb.read, tc.maxRead, "bytes of the body read")
			}
			if tc.status == 405 {
				assert.Equal(t, "POST", rec.Header().Get("Allow"))
			}
			assertJSONAnswer(t, rec.Result(), tc.body)
		})
	}
}

// assertJSONAnswer checks that an answer is JSON ({"received":true} on 200, {"error":...}
// otherwise) and that neither its body nor its header holds the secret or payload's expected
// signature, in the encodings a log or proxy might show them in.
func assertJSONAnswer(t *testing.T, resp *http.Response, payload []byte) {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var answer map[string]any
	require.NoError(t, json.Unmarshal(body, &answer), "not JSON: %s", body)
	if resp.StatusCode == http.StatusOK {
		assert.Equal(t, map[string]any{"received": true}, answer)
	} else {
		assert.IsType(t, "", answer["error"], "no error message: %s", body)
	}
	var all strings.Builder
	all.Write(body)
	for k, vs := range resp.Header {
		all.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	want := webhook.Sign(payload, testSecret)
	for _, s := range []string{testSecret, want, base64.StdEncoding.EncodeToString([]byte(testSecret))} {
		assert.NotContains(t, strings.ToLower(all.String()), strings.ToLower(s))
	}
}

// TestHandlerSize: exactly 1,048,576 bytes are read and accepted; one more is 413, declared or
// not, and the handler then stops reading.
func TestHandlerSize(t *testing.T) {
	for _, tc := range []struct {
		size    int
		hideLen bool
		status  int
	}{
		{maxBody, false, 200},
		{maxBody, true, 200},
		{maxBody + 1, false, 413},
		{maxBody + 1, true, 413},
		{64 * maxBody, true, 413},
	} {
		r := &recorder{}
		body := eventOfSize(t, tc.size)
		rec, cb := serve(webhook.Handler(testSecret, r.handle), http.MethodPost, body, webhook.Sign(body, testSecret), tc.hideLen)
		assert.Equal(t, tc.status, rec.Code, "size %d, length hidden %v", tc.size, tc.hideLen)
		assert.LessOrEqual(t, cb.read, int64(maxBody+1), "size %d: read past the limit", tc.size)
		if tc.status == 413 {
			assert.Zero(t, r.calls.Load())
			assert.Contains(t, rec.Body.String(), "too large")
		}
	}
}

// TestHandlerLoopback runs the handler behind a real socket: a good event reaches handle with
// the request's context, and each refusal has its status, over HTTP/1.1 as Cashfin would send it.
func TestHandlerLoopback(t *testing.T) {
	type ctxKey struct{}
	var gotCtx atomic.Value
	var r recorder
	h := webhook.Handler(testSecret, func(ctx context.Context, e *webhook.Event) error {
		gotCtx.Store(ctx.Value(ctxKey{}))
		return r.handle(ctx, e)
	})
	withValue := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), ctxKey{}, "from the request")))
	})
	srv := httptest.NewServer(withValue)
	defer srv.Close()

	post := func(method string, body []byte, sig string) *http.Response {
		req, err := http.NewRequest(method, srv.URL, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if sig != "" {
			req.Header.Set(webhook.SignatureHeader, sig)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	body := []byte(paymentBody)
	resp := post(http.MethodPost, body, strings.ToUpper(webhook.Sign(body, testSecret)))
	assert.Equal(t, 200, resp.StatusCode)
	assertJSONAnswer(t, resp, body)
	require.EqualValues(t, 1, r.calls.Load())
	assert.Equal(t, webhook.EventPaymentCompleted, r.last.Load().Type)
	assert.JSONEq(t, `{"_id":"665f1f77bcf86cd799439011","amount":1500,"referenceid":"ORDER-1001"}`, string(r.last.Load().Data))
	assert.Equal(t, "from the request", gotCtx.Load(), "handle did not get the request's context")

	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		resp := post(m, body, webhook.Sign(body, testSecret))
		assert.Equal(t, 405, resp.StatusCode, m)
		assert.Equal(t, "POST", resp.Header.Get("Allow"), m)
	}
	resp = post(http.MethodPost, body, webhook.Sign(body, "another secret"))
	assert.Equal(t, 401, resp.StatusCode)
	assertJSONAnswer(t, resp, body)

	big := eventOfSize(t, maxBody)
	resp = post(http.MethodPost, big, webhook.Sign(big, testSecret))
	assert.Equal(t, 200, resp.StatusCode, "exactly the limit")
	assert.EqualValues(t, 2, r.calls.Load(), "only the two good events reached handle")
}

// TestHandlerHandleError: handle's error is a 500 (so Cashfin retries) whose answer does not
// repeat the error, which may hold anything (here, the secret).
func TestHandlerHandleError(t *testing.T) {
	h := webhook.Handler(testSecret, func(context.Context, *webhook.Event) error {
		return errors.New("insert failed: dsn=postgres://app:" + testSecret + "@db")
	})
	body := []byte(paymentBody)
	rec, _ := serve(h, http.MethodPost, body, webhook.Sign(body, testSecret), false)
	assert.Equal(t, 500, rec.Code)
	assert.NotContains(t, rec.Body.String(), "insert failed")
	assertJSONAnswer(t, rec.Result(), body)
}

// TestHandlerBrokenBody: a body that fails while being read (the sender went away) is a 400,
// and handle is not called.
func TestHandlerBrokenBody(t *testing.T) {
	var r recorder
	req := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(strings.NewReader(`{"type":`), errReader{}))
	req.Header.Set(webhook.SignatureHeader, strings.Repeat("0", 64))
	rec := httptest.NewRecorder()
	webhook.Handler(testSecret, r.handle).ServeHTTP(rec, req)
	assert.Equal(t, 400, rec.Code)
	assert.Zero(t, r.calls.Load())
	assertJSONAnswer(t, rec.Result(), nil)
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestHandlerNilHandle(t *testing.T) {
	assert.PanicsWithValue(t, "webhook: Handler called with a nil handle func", func() { webhook.Handler(testSecret, nil) })
}
