package cashfintest

import (
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Failure is an injected failure, for FailNextWith: the answer the next Count requests get
// instead of being processed. Method and Path aim it at particular requests: it then waits in
// the queue for requests that match, and others pass it by.
type Failure struct {
	// Status is the HTTP status, 200 to 599. A 200 answers {"success":false,...}, as some APIs do.
	Status int
	// Message is the envelope's "error"; "" is the status text, such as "Service Unavailable".
	Message string
	// Fields, when set, is the envelope's "errors": a message per request field, as the API
	// answers a body that fails validation.
	Fields map[string]string
	// RetryAfter, when positive, is sent as the Retry-After header and the body's "retry_after",
	// in whole seconds rounded up.
	RetryAfter time.Duration
	// Count is how many requests get this answer (the next ones that match, for an aimed
	// failure); 0 means 1.
	Count int
	// Method, when set, aims the failure at requests with this method, compared ignoring case.
	Method string
	// Path, when set, aims the failure at requests for this URL path (decoded, as Request.Path
	// shows it), such as "/business/customer/details/507f1f77bcf86cd799439011"; one ending in
	// "/", such as "/business/customer/details/", at every path under it. It must begin with
	// "/". The query string plays no part.
	Path string
}

// matches reports whether the failure is aimed at r (an unaimed one is aimed at every request).
func (f *Failure) matches(r *http.Request) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	switch {
	case f.Path == "", f.Path == r.URL.Path:
		return true
	case strings.HasSuffix(f.Path, "/"):
		return strings.HasPrefix(r.URL.Path, f.Path)
	}
	return false
}

// failures is the queue of injected failures that FailNext and FailNextWith fill, in call order.
// A request gets the earliest-queued failure that matches it.
type failures struct {
	mu    sync.Mutex
	queue []Failure // Count >= 1 in each
}

// push queues f, checked and with its own copy of Fields.
func (q *failures) push(f Failure, caller string) {
	f.check(caller)
	f.Count = max(f.Count, 1)
	f.Fields = maps.Clone(f.Fields)
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = append(q.queue, f)
}

// check panics, naming caller, on a failure that cannot be served.
func (f *Failure) check(caller string) {
	switch {
	case f.Status < 200 || f.Status > 599:
		panic("cashfintest: " + caller + ": status " + strconv.Itoa(f.Status) + " is not between 200 and 599")
	case f.Count < 0:
		panic("cashfintest: " + caller + ": negative count " + strconv.Itoa(f.Count))
	case f.RetryAfter < 0:
		panic("cashfintest: " + caller + ": negative RetryAfter " + f.RetryAfter.String())
	case f.Path != "" && !strings.HasPrefix(f.Path, "/"):
		panic("cashfintest: " + caller + ": Path " + strconv.Quote(f.Path) + " does not begin with \"/\"")
	case strings.ContainsAny(f.Path, "?#"):
		panic("cashfintest: " + caller + ": Path " + strconv.Quote(f.Path) + " holds a query or fragment; the query plays no part")
	case strings.IndexFunc(f.Method, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0:
		panic("cashfintest: " + caller + ": Method " + strconv.Quote(f.Method) + " holds white space or control characters")
	}
}

// next takes the earliest-queued failure that matches r, if any.
func (q *failures) next(r *http.Request) (Failure, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range q.queue {
		f := &q.queue[i]
		if !f.matches(r) {
			continue
		}
		out := *f
		if f.Count--; f.Count == 0 {
			q.queue = append(q.queue[:i:i], q.queue[i+1:]...)
		}
		return out, true
	}
	return Failure{}, false
}

// reset drops every queued failure.
func (q *failures) reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = nil
}

// write answers with the failure.
func (f *Failure) write(w http.ResponseWriter) {
	body := errorBody{Error: f.Message, Errors: f.Fields}
	if body.Error == "" {
		body.Error = injectedMessage(f.Status)
	}
	if f.RetryAfter > 0 {
		body.RetryAfter = int((f.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(body.RetryAfter))
	}
	writeJSON(w, f.Status, body)
}

// injectedMessage is the error of a failure without a message.
func injectedMessage(status int) string {
	if text := http.StatusText(status); text != "" {
		return text
	}
	return "Error " + strconv.Itoa(status)
}
