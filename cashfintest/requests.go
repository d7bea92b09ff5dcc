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
	// equal to the secret reads "[redacted]", and the secret inside any other value is replaced
	// by "[redacted]" too ("Bearer [redacted]", "[redacted]\n"). A value that is not the secret
	// but comes close to it reads "[redacted: near the secret]": ignoring case, fewer edits from
	// the secret than half its length (the secret in other case, cut short, with a typo), or more
	// than half of it (and more than 8 characters) in a row. Any other wrong value is kept, so a
	// test can see what its code sent.
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
	secret  string
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
	slices.SortFunc(forms, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	return &recorder{secret: secret, secrets: slices.Compact(forms), limit: MaxRecorded}
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
			out[i] = rc.redactHeader(v)
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

// nearMiss is what the recorder shows in place of a header value close to the secret.
const nearMiss = "[redacted: near the secret]"

// redactHeader is redact for a header value, which also hides a value close to the secret.
func (rc *recorder) redactHeader(v string) string {
	v = rc.redact(v)
	a, b := strings.ToLower(v), strings.ToLower(rc.secret)
	if len(a) > 8<<10 { // no header value is that long; compare its start
		a = a[:8<<10]
	}
	if edits, common := compare(a, b); 2*edits < len(b) || 2*common > len(b) && common > 8 {
		return nearMiss
	}
	return v
}

// compare returns the edit (Levenshtein) distance between a and b, in bytes, and the length of
// their longest common substring.
func compare(a, b string) (edits, common int) {
	// prevD, curD: edit distances; prevC, curC: lengths of common substrings ending here.
	n := len(b) + 1
	rows := make([]int, 4*n)
	prevD, curD, prevC, curC := rows[:n], rows[n:2*n], rows[2*n:3*n], rows[3*n:]
	for j := range prevD {
		prevD[j] = j
	}
	for i := 1; i <= len(a); i++ {
		curD[0] = i
		for j := 1; j <= len(b); j++ {
			same := a[i-1] == b[j-1]
			curD[j] = min(prevD[j]+1, curD[j-1]+1, prevD[j-1]+boolInt(!same))
			curC[j] = 0
			if same {
				curC[j] = prevC[j-1] + 1
				common = max(common, curC[j])
			}
		}
		prevD, curD, prevC, curC = curD, prevD, curC, prevC
	}
	return prevD[len(b)], common
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
