package cashfintest

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Failure is an injected failure, for FailNextWith: the answer the next Count requests get
// instead of being processed.
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
	// Count is how many requests in a row get this answer; 0 means 1.
	Count int
}

// failures is the queue of injected failures that FailNext and FailNextWith fill, in call order.
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
	}
}

// next takes the next injected failure, if any.
func (q *failures) next() (Failure, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) == 0 {
		return Failure{}, false
	}
	f := &q.queue[0]
	out := *f
	if f.Count--; f.Count == 0 {
		q.queue = q.queue[1:]
	}
	return out, true
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
