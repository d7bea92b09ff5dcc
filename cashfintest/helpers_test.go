package cashfintest_test

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/cashfintest"
)

// response is one answer of the fake, already checked against the rules every response follows.
type response struct {
	status int
	header http.Header
	body   []byte
	env    map[string]any // the decoded envelope
}

// str returns the envelope's string field k ("" when missing).
func (r *response) str(k string) string {
	s, _ := r.env[k].(string)
	return s
}

var requestID = regexp.MustCompile(`^req_[0-9a-f]{24}$`)

// req describes one request.
type req struct {
	method string
	target string // path and query
	body   string
	header map[string]string // "" as a value deletes the header
	noAuth bool              // send no Authorization header
}

// send serves r through h in process and checks the envelope rules: JSON content type, an
// X-Request-Id, and a JSON object with a boolean "success".
func send(t *testing.T, h http.Handler, r req) *response {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(method, r.target, body)
	if !r.noAuth {
		hr.Header.Set("Authorization", cashfintest.DefaultSecret)
	}
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, hr)
	return checkEnvelope(t, rec.Code, rec.Header(), rec.Body.Bytes())
}

// checkEnvelope checks the rules every response follows.
func checkEnvelope(t *testing.T, status int, header http.Header, body []byte) *response {
	t.Helper()
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	require.NoError(t, err, "Content-Type %q", header.Get("Content-Type"))
	assert.Equal(t, "application/json", mt)
	assert.Regexp(t, requestID, header.Get("X-Request-Id"))
	assert.NotEqual(t, http.StatusInternalServerError, status, "the fake never answers 500: %s", body)
	var env map[string]any
	require.NoError(t, json.Unmarshal(body, &env), "body %q", body)
	success, ok := env["success"].(bool)
	require.True(t, ok, "no boolean success in %s", body)
	assert.Equal(t, status < 300, success, "success matches the status %d: %s", status, body)
	return &response{status: status, header: header, body: body, env: env}
}

// errorEnvelope returns the body {"success":false,"error":msg}.
func errorEnvelope(msg string) string {
	b, _ := json.Marshal(map[string]any{"success": false, "error": msg})
	return string(b)
}

// rawClient returns a plain HTTP client whose connections are closed when the test ends.
func rawClient(t *testing.T) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 100}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// call sends one request over HTTP and checks the envelope rules.
func call(t *testing.T, hc *http.Client, method, url, body string, header map[string]string) *response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	hr, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		hr.Header.Set(k, v)
	}
	resp, err := hc.Do(hr)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return checkEnvelope(t, resp.StatusCode, resp.Header, b)
}
