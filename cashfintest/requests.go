package cashfintest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Request is a request the fake received, as Requests reports it.
type Request struct {
	Method string
	Path   string // the URL path, decoded
	Query  string // the raw query, without "?"
	// Header is the request's header. The secret never appears in it: an Authorization value
	// equal to the secret reads "[redacted]", and the secret inside any other value (a
	// "Bearer <secret>", say) is replaced by "[redacted]" too. A wrong value is otherwise kept,
	// so a test can see what its code sent.
	Header http.Header
	// Body is the request body, at most MaxBodySize bytes of it, with the secret redacted as in
	// Header.
	Body []byte
	// Status is the status the fake answered; 0 while the request is still being served.
	Status int
}

// Redacted is what the recorder shows in place of the secret.
const redacted = "[redacted]"

// MaxRecorded is how many requests Requests reports at most: the most recent ones. It bounds the
// memory of a fake that serves for long, such as cmd/cashfin-mock.
const MaxRecorded = 100_000

// recorder keeps the requests the fake received, in the order they arrived: the last limit.
type recorder struct {
	secrets []string // the secret in each form a request might carry it, longest first
	limit   int
	mu      sync.Mutex
	reqs    []*Request // up to 2*limit; the last limit are reported
}

func newRecorder(secret string) *recorder {
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	for _, html := range []bool{true, false} { // JSON string contents, as encoders write them
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		_ = enc.Encode(secret) // a string: Encode cannot fail
		quoted := strings.TrimSuffix(b.String(), "\n")
		quoted = quoted[1 : len(quoted)-1]
		forms = append(forms, quoted, strings.ReplaceAll(quoted, "/", `\/`))
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return &recorder{secrets: slices.Compact(forms), limit: MaxRecorded}
}

// start records the arrival of r with its body, and returns the entry to finish.
func (rc *recorder) start(r *http.Request, body []byte) *Request {
	e := &Request{
		Method: rc.redact(r.Method),
		Path:   rc.redact(r.URL.Path),
		Query:  rc.redact(r.URL.RawQuery),
		Header: make(http.Header, len(r.Header)),
		Body:   rc.redactBytes(body),
	}
	for k, vs := range r.Header {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = rc.redact(v)
		}
		e.Header[k] = out
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reqs = append(rc.reqs, e)
	if len(rc.reqs) >= 2*rc.limit { // drop the oldest, in one copy for every limit requests
		rc.reqs = append([]*Request(nil), rc.reqs[len(rc.reqs)-rc.limit:]...)
	}
	return e
}

// finish records the status answered to e.
func (rc *recorder) finish(e *Request, status int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	e.Status = status
}

// snapshot returns deep copies of the requests recorded, in order.
func (rc *recorder) snapshot() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	kept := rc.reqs[max(len(rc.reqs)-rc.limit, 0):]
	out := make([]Request, len(kept))
	for i, e := range kept {
		out[i] = *e
		out[i].Header = e.Header.Clone()
		out[i].Body = bytes.Clone(e.Body)
	}
	return out
}

// reset forgets every request recorded.
func (rc *recorder) reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reqs = nil
}

// redact replaces the secret, in each of its forms, by "[redacted]".
func (rc *recorder) redact(s string) string {
	for _, f := range rc.secrets {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, redacted)
		}
	}
	return s
}

// redactBytes is redact for a body; nil stays nil.
func (rc *recorder) redactBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	out := bytes.Clone(b)
	for _, f := range rc.secrets {
		if bytes.Contains(out, []byte(f)) {
			out = bytes.ReplaceAll(out, []byte(f), []byte(redacted))
		}
	}
	return out
}
