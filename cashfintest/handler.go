package cashfintest

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/cashfin-go/cashfin"
)

// MaxBodySize is the largest request body the fake accepts; a larger one is answered with 413.
const MaxBodySize = 1 << 20

// Handler is the fake Cashfin API as an http.Handler: the contacts and customers endpoints
// (and any others added with Handle), authentication, validation, idempotency keys, rate limits, latency, injected failures and a
// record of every request, over an in-memory store. It is safe for concurrent use. NewServer
// serves one on a loopback port; use a Handler directly to mount the fake elsewhere:
//
//	h := cashfintest.NewHandler()
//	ts := httptest.NewTLSServer(h)
//	defer ts.Close()
type Handler struct {
	secret  string
	latency time.Duration
	plan    *plan // nil: no rate limit
	now     func() time.Time

	fails     failures
	requests  *recorder
	idem      idempotency
	contacts  *store[contact]
	customers *store[customer]
	resources []*resource
	extra     *http.ServeMux // the fake's own routes, as stand-ins, and those added by Handle
	hasExtra  atomic.Bool    // whether Handle added a route
	serve     step           // the layers, outermost first, around the routes
}

// NewHandler returns the fake API with empty stores, configured by opts. It panics on an
// invalid option, as NewServer does.
func NewHandler(opts ...Option) *Handler {
	cfg := config{secret: DefaultSecret}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	h := &Handler{
		secret:    cfg.secret,
		latency:   cfg.latency,
		plan:      newPlan(cfg.perSecond, cfg.perMinute, cfg.perDay),
		now:       time.Now,
		requests:  newRecorder(cfg.secret),
		idem:      idempotency{keys: map[string]*idemEntry{}},
		contacts:  newContactStore(),
		customers: newCustomerStore(),
	}
	h.resources = []*resource{contacts(h.contacts, h), customers(h.customers, h)}
	h.extra = newRouteMux(h.resources)
	h.serve = h.record(guard(h.delay(h.limit(h.inject(h.route)))))
	return h
}

// clock is the time now, from the handler's clock (replaced in tests).
func (h *Handler) clock() time.Time { return h.now() }

// Secret returns the only Authorization value the handler accepts.
func (h *Handler) Secret() string { return h.secret }

// ServeHTTP answers one request as the Cashfin API would.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newRequestID())
	h.serve(&exchange{w: w, r: r})
}

// AddContacts stores contacts as if they had been created through the API, filling in a missing
// ID (a fresh ObjectID), CreatedAt (now) and UpdatedAt (CreatedAt); a nil Active is stored as
// true. Times are kept in UTC to the millisecond, as the API keeps them. It returns the contacts
// as stored, in the order given. It panics on an ID that is not 24 hexadecimal characters or that
// is already stored.
func (h *Handler) AddContacts(cs ...cashfin.Contact) []cashfin.Contact {
	return add(h, h.contacts, cs, contactSeed, sdkContact)
}

// Contacts returns a snapshot of every stored contact, in list order: newest first.
func (h *Handler) Contacts() []cashfin.Contact { return snapshot(h.contacts, sdkContact) }

// AddCustomers stores customers as if they had been created through the API, as AddContacts
// does for contacts: a missing ID, CreatedAt and UpdatedAt are filled in, a nil Active is stored
// as true, and it panics on a malformed or repeated ID. Fields are stored as given, unchecked, so
// a test can seed records the API itself would refuse.
func (h *Handler) AddCustomers(cs ...cashfin.Customer) []cashfin.Customer {
	return add(h, h.customers, cs, customerSeed, sdkCustomer)
}

// Customers returns a snapshot of every stored customer, in list order: newest first, with
// updates applied.
func (h *Handler) Customers() []cashfin.Customer { return snapshot(h.customers, sdkCustomer) }

// add stores the SDK values vs in s, and returns them as stored.
func add[V, F any](h *Handler, s *store[F], vs []V, in func(V) seed[F], out func(*record[F]) V) []V {
	seeds := make([]seed[F], len(vs))
	for i, v := range vs {
		seeds[i] = in(v)
	}
	recs := s.add(seeds, h.now())
	stored := make([]V, len(recs))
	for i, r := range recs {
		stored[i] = out(r)
	}
	return stored
}

// snapshot returns every record of s as SDK values, newest first.
func snapshot[V, F any](s *store[F], out func(*record[F]) V) []V {
	recs := s.all()
	vs := make([]V, len(recs))
	for i, r := range recs {
		vs[i] = out(r)
	}
	return vs
}

// FailNext makes the next n requests fail with status (200 to 599) and an error envelope, before
// they are processed: nothing is stored, and no Retry-After is sent. It is FailNextWith(Failure{
// Status: status, Count: n}), except that n <= 0 adds nothing, and shares its queue (see
// FailNextWith for the order when failures aimed at a method or path wait in it). A status of
// 200 answers {"success":false,...} with 200, as some APIs do. It panics on a status outside
// 200..599.
func (h *Handler) FailNext(n, status int) {
	f := Failure{Status: status, Count: max(n, 1)}
	f.check("FailNext")
	if n > 0 {
		h.fails.push(f, "FailNext")
	}
}

// FailNextWith queues a failure: the next f.Count requests (1 if 0) get f instead of being
// processed, so nothing is stored. With f.Method or f.Path set, the failure is aimed: it waits
// for the next f.Count requests that match (see Failure), and other requests pass it by. Each
// request gets the earliest-queued failure that matches it, whether queued by FailNext or
// FailNextWith, aimed or not: an aimed failure holds back none queued after it, and an unaimed
// one queued first is served first, to whatever request comes. It panics on a Status outside
// 200..599, a negative Count or RetryAfter, a Path that does not begin with "/" or holds "?" or
// "#", or a Method holding white space.
//
//	srv.FailNextWith(cashfintest.Failure{Status: 422, Fields: map[string]string{"email": "Email is invalid"}})
//	srv.FailNextWith(cashfintest.Failure{Status: 429, RetryAfter: 2 * time.Second, Count: 3})
//	srv.FailNextWith(cashfintest.Failure{Status: 503, Method: "GET", Path: "/business/customer/details/"})
func (h *Handler) FailNextWith(f Failure) { h.fails.push(f, "FailNextWith") }

// Requests returns every request the fake received since it started (or since Reset), in the
// order they arrived, with the secret redacted (see Request): the most recent MaxRecorded of them.
func (h *Handler) Requests() []Request { return h.requests.snapshot() }

// Reset forgets every contact and customer, the recorded requests, the queued failures, the
// idempotency keys and the rate-limit windows, as if the fake had just started: subtests can
// share one server. Requests in flight finish, and may be recorded or stored after it.
func (h *Handler) Reset() {
	for _, res := range h.resources {
		res.reset()
	}
	h.requests.reset()
	h.fails.reset()
	h.idem.reset()
	if h.plan != nil {
		h.plan.reset()
	}
}
