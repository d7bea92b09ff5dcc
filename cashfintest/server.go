// Package cashfintest is a faithful local fake of the Cashfin Business API, for your integration
// tests and demos. Cashfin has no sandbox and no test keys, so this is the place to try things.
//
// NewServer serves the fake on a loopback port, the way net/http/httptest does, and hands you a
// client wired to it:
//
//	srv := cashfintest.NewServer()
//	defer srv.Close()
//	client := srv.Client()
//
//	srv.AddContacts(cashfin.Contact{Name: "Jane Wanjiku", Email: "jane@acme.co.ke"})
//	srv.FailNext(1, http.StatusServiceUnavailable) // the SDK retries, and succeeds
//	page, err := client.Contacts.List(ctx, nil)
//
// Then ask it what happened: Contacts and Customers return what it stored, Requests every
// request it received (the secret redacted), and Reset starts it afresh between subtests.
// FailNextWith answers with the failure of your choosing: a validation body, a Retry-After,
// aimed at one method and path if you like. Handle serves any endpoint the fake does not
// (invoices, mobile payments, ...) behind the same layers.
//
// # What the fake answers
//
// Each request goes through these layers, in order, whether it is for one of the fake's own
// routes or one added with Handle:
//
//   - Recording: the request, for Requests, and later its status.
//   - WithLatency: the wait, cut short if the client goes away.
//   - WithPlan (or WithRateLimit): fixed windows of a second, a minute and a day;
//     X-RateLimit-Limit, -Remaining and -Reset (a Unix time) on every response, and over the
//     limit 429 with Retry-After and, as the API's rate-limiting guide shows it,
//     {"success":false,"error":"Rate limit exceeded. Please try again later.","retry_after":N}.
//   - FailNext and FailNextWith: an injected failure, before anything is processed; one aimed
//     with Failure.Method and Failure.Path waits for a request that matches.
//   - Routing: a route added with Handle, when its pattern is the best match; then paths
//     outside /business/contact/ and /business/customer/ are 404. For a route of either kind
//     the Authorization header must be the secret exactly, else 401
//     {"success":false,"message":"Unauthorized access!"}. A known path with the wrong method is
//     405 with an Allow header; an unknown path is 404.
//   - Idempotency-Key, on a POST or PATCH: a key seen before with the same method, path and body
//     replays the first (successful) answer, marked Idempotent-Replayed: true, and changes
//     nothing; with another method, path or body it is 409. A request whose answer was not a
//     success does not use up its key. Keys are kept until Reset.
//   - The route: the fake's own (below), or the handler given to Handle, which writes its own
//     answer (WriteData, WriteList and WriteError write Cashfin's envelope).
//
// POST /business/contact/create takes a JSON object (Content-Type application/json, at most
// MaxBodySize, else 413). name is required and not blank, email must look like an email, and
// every field is a string or null; otherwise 400 with
// {"success":false,"error":"There are problems with your submission","errors":{"email":"Email is invalid"}}.
// Unknown fields are ignored. Success is 201 {"success":true,"message":"Contact created
// successfully","data":{...}} with a fresh, increasing 24-hex "_id" and "createdat" in the API's
// form, "2024-01-15T12:00:00.000Z".
//
// GET /business/contact/list takes page (default 1), limit (default 10, over 100 served as 100)
// and search (a case-insensitive substring of name, email, phone or company name); a page or
// limit that is not a positive integer is 400. Contacts come newest first, with a "pagination"
// block {total, page, limit, pages}. GET /business/contact/details/{id} answers the full record,
// with "active" and "updatedat"; an unknown or malformed ID is 404
// {"success":false,"error":"Contact not found"}.
//
// Customers answer alike at /business/customer/create, /list and /details/{id} ("Customer
// created successfully", "Customer not found"; search matches name, email, phone or company).
// A create needs name, email, phone, country and currency, not blank, and a valid email;
// company, address and city are optional, and type, when given, is "individual" or "business".
// PATCH /business/customer/update/{id} takes any of those fields (null leaves one as it is; ""
// clears an optional one, and is refused for a required one or type) and answers as the API
// docs' generic update example does:
// {"success":true,"message":"Customer updated successfully","data":{"_id":"...","modified":1}},
// modified being 0 when nothing changed. The customers page of the docs shows only the create
// request and part of its answer: the rest (the answer's other fields, the update answer, the
// messages) is inferred from the contacts page and the API's general guides.
//
// Every response of the fake's own routes is a JSON envelope with an X-Request-Id header, and
// nothing answers 500: a 5xx comes only from FailNext and FailNextWith, a handler given to
// Handle (or, unseen, to a client that gave up during WithLatency). All of it is safe for concurrent use, and a store of 100,000 contacts lists as
// fast as an empty one (a search reads them all).
package cashfintest

import (
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/cashfin-go/cashfin"
)

// Server is the fake API served on a loopback port. Close it when done.
type Server struct {
	URL    string // base URL to hand to cashfin.WithBaseURL, such as "http://127.0.0.1:54321"
	Secret string // the Authorization value the fake accepts

	h    *Handler
	ts   *httptest.Server
	pace cashfin.Limiter // nil: no per-second limit; else shared by Client's HTTP clients
}

// NewServer starts the fake API on a loopback port, serving at once. It panics on an invalid
// option.
func NewServer(opts ...Option) *Server {
	h := NewHandler(opts...)
	pace := h.secondPacer()
	ts := httptest.NewServer(h)
	return &Server{URL: ts.URL, Secret: h.secret, h: h, ts: ts, pace: pace}
}

// Close shuts the server down, waiting for the requests in flight.
func (s *Server) Close() { s.ts.Close() }

// Client returns a client of this server: its base URL and secret, over an HTTP client whose
// connections Close closes, with retry waits of 1 millisecond to just over a second. The short
// backoff keeps tests with FailNext fast. Under WithPlan (or WithRateLimit) with a per-second
// limit, the HTTP client waits before each attempt for room in the fake's current second, the
// same window the fake counts, shared by every client Client returns; so calls never fail
// because of the per-second window, however many run at once. A minute or day window is refused
// at once (cashfin.ErrRateLimited, nothing sent), as a client refuses any wait longer than its
// bound: a test that sets one wants to see that. Only in the last second or so of the minute
// (or day), when that window ends with the second, does the client wait for it, and the call
// is then admitted. opts come after those and override them: a cashfin.WithHTTPClient of your
// own replaces the pacing too, and a cashfin.WithRetryWait whose maximum is under a second makes
// the client refuse the per-second window as well, at once, as it refuses any wait beyond its
// bound. It panics if an option fails, as httptest does on setup errors.
//
//	client := srv.Client(cashfin.WithMaxRetries(0))
func (s *Server) Client(opts ...cashfin.Option) *cashfin.Client {
	all := append([]cashfin.Option{
		cashfin.WithBaseURL(s.URL),
		cashfin.WithHTTPClient(s.httpClient()), // its idle connections are closed by Close
		cashfin.WithRetryWait(time.Millisecond, clientRetryWaitMax),
	}, opts...)
	c, err := cashfin.NewClient(s.Secret, all...)
	if err != nil {
		panic("cashfintest: Server.Client: " + err.Error())
	}
	return c
}

// httpClient is the HTTP client of Client: httptest's, whose idle connections Close closes,
// paced to the fake's per-second window when it has one.
func (s *Server) httpClient() *http.Client {
	hc := s.ts.Client()
	if s.pace == nil {
		return hc
	}
	paced := *hc
	paced.Transport = pacedTransport{next: hc.Transport, pace: s.pace}
	return &paced
}

// pacedTransport waits on pace before each request it sends.
type pacedTransport struct {
	next http.RoundTripper
	pace cashfin.Limiter
}

// RoundTrip waits for room in the fake's per-second window, then sends req.
func (t pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.pace.Wait(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// clientRetryWaitMax is the longest wait Server.Client accepts: a per-second rate-limit window
// (which resets within a second), or a Retry-After of one second. A Failure with a RetryAfter
// of 2 seconds or more is reported at once.
const clientRetryWaitMax = time.Second + 100*time.Millisecond

// Handle adds a route to the fake, behind every layer of its own routes; see Handler.Handle.
//
//	srv.Handle("GET /business/invoice/list", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		cashfintest.WriteList(w, r, invoices)
//	}))
func (s *Server) Handle(pattern string, h http.Handler) { s.h.Handle(pattern, h) }

// AddContacts stores contacts as if they had been created through the API; see
// Handler.AddContacts.
//
//	stored := srv.AddContacts(cashfin.Contact{Name: "Jane Wanjiku"}) // stored[0].ID is set
func (s *Server) AddContacts(cs ...cashfin.Contact) []cashfin.Contact { return s.h.AddContacts(cs...) }

// Contacts returns a snapshot of every stored contact, newest first.
func (s *Server) Contacts() []cashfin.Contact { return s.h.Contacts() }

// FailNext makes the next n requests fail with status and the API's error envelope, before they
// are processed; see Handler.FailNext.
//
//	srv.FailNext(2, http.StatusBadGateway) // two failed attempts, then the SDK's third succeeds
func (s *Server) FailNext(n, status int) { s.h.FailNext(n, status) }

// Handler returns the fake itself, sharing this server's state, to mount elsewhere. Its dynamic
// type is *Handler.
func (s *Server) Handler() http.Handler { return s.h }

// AddCustomers stores customers as if they had been created through the API; see
// Handler.AddCustomers.
func (s *Server) AddCustomers(cs ...cashfin.Customer) []cashfin.Customer {
	return s.h.AddCustomers(cs...)
}

// Customers returns a snapshot of every stored customer, newest first.
func (s *Server) Customers() []cashfin.Customer { return s.h.Customers() }

// FailNextWith queues a failure with a body of your choosing; see Handler.FailNextWith.
//
//	srv.FailNextWith(cashfintest.Failure{Status: 400, Fields: map[string]string{"email": "Email is invalid"}})
func (s *Server) FailNextWith(f Failure) { s.h.FailNextWith(f) }

// Requests returns every request the fake received, in order, with the secret redacted; see
// Handler.Requests.
//
//	reqs := srv.Requests()
//	assert.Equal(t, "/business/contact/create", reqs[0].Path)
func (s *Server) Requests() []Request { return s.h.Requests() }

// Reset forgets all records, recorded requests, queued failures, idempotency keys and rate
// windows; see Handler.Reset.
func (s *Server) Reset() { s.h.Reset() }
