package cashfintest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/cashfin-go/cashfin"
)

// MaxBodySize is the largest create body the fake accepts; a larger one is answered with 413.
const MaxBodySize = 1 << 20

// The API's paths.
const (
	pathPrefix  = "/business/contact"
	pathCreate  = pathPrefix + "/create"
	pathList    = pathPrefix + "/list"
	pathDetails = pathPrefix + "/details/"
)

// Messages the API (and the fake) answers with.
const (
	msgUnauthorized = "Unauthorized access!"
	msgCreated      = "Contact created successfully"
	msgInvalid      = "There are problems with your submission"
	msgNotFound     = "Contact not found"
	msgRateLimited  = "Rate limit exceeded. Try again later."
)

// Handler is the fake Cashfin API as an http.Handler: the contacts endpoints, authentication,
// validation, idempotency keys, rate limiting, latency and injected failures, over an in-memory
// store. It is safe for concurrent use. NewServer serves one on a loopback port; use a Handler
// directly to mount the fake elsewhere:
//
//	h := cashfintest.NewHandler()
//	ts := httptest.NewTLSServer(h)
//	defer ts.Close()
type Handler struct {
	secret  string
	latency time.Duration
	limiter *bucket // nil: no rate limit
	store   *store
	now     func() time.Time

	failMu sync.Mutex
	fails  []failure // injected failures, in order
}

// failure is a run of injected failures: the next n requests get status.
type failure struct {
	n      int
	status int
}

// NewHandler returns the fake API with an empty store, configured by opts. It panics on an
// invalid option, as NewServer does.
func NewHandler(opts ...Option) *Handler {
	cfg := config{secret: DefaultSecret}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	h := &Handler{
		secret:  cfg.secret,
		latency: cfg.latency,
		store:   newStore(),
		now:     time.Now,
	}
	if cfg.rateLimit > 0 {
		h.limiter = newBucket(cfg.rateLimit, h.now())
	}
	return h
}

// Secret returns the only Authorization value the handler accepts.
func (h *Handler) Secret() string { return h.secret }

// AddContacts stores contacts as if they had been created through the API, filling in a missing
// ID (a fresh ObjectID), CreatedAt (now) and UpdatedAt (CreatedAt); a nil Active is stored as
// true. Times are kept in UTC to the millisecond, as the API keeps them. It returns the contacts
// as stored, in the order given. It panics on an ID that is not 24 hexadecimal characters or that
// is already stored.
func (h *Handler) AddContacts(cs ...cashfin.Contact) []cashfin.Contact {
	recs := h.store.add(cs, h.now())
	out := make([]cashfin.Contact, len(recs))
	for i, r := range recs {
		out[i] = r.contact()
	}
	return out
}

// Contacts returns a snapshot of every stored contact, in list order: newest first.
func (h *Handler) Contacts() []cashfin.Contact {
	recs := h.store.all()
	out := make([]cashfin.Contact, len(recs))
	for i, r := range recs {
		out[i] = r.contact()
	}
	return out
}

// FailNext makes the next n requests fail with status (200 to 599) and an error envelope, before
// they are processed: nothing is stored, and no Retry-After is sent. Calls queue up:
// FailNext(1, 503) then FailNext(1, 502) fails one request with 503, then one with 502. A status
// of 200 answers {"success":false,...} with 200, as some APIs do. It panics on a status outside
// 200..599; n <= 0 adds nothing.
func (h *Handler) FailNext(n, status int) {
	if status < 200 || status > 599 {
		panic("cashfintest: FailNext: status " + strconv.Itoa(status) + " is not between 200 and 599")
	}
	if n <= 0 {
		return
	}
	h.failMu.Lock()
	defer h.failMu.Unlock()
	h.fails = append(h.fails, failure{n: n, status: status})
}

// nextFailure takes the next injected failure, if any.
func (h *Handler) nextFailure() (status int, ok bool) {
	h.failMu.Lock()
	defer h.failMu.Unlock()
	if len(h.fails) == 0 {
		return 0, false
	}
	f := &h.fails[0]
	status = f.status
	if f.n--; f.n == 0 {
		h.fails = h.fails[1:]
	}
	return status, true
}

// ServeHTTP answers one request as the Cashfin API would.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newRequestID())
	defer func() {
		// No input should get here; if one does, the client still gets an envelope, not a 500.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			writeError(w, http.StatusServiceUnavailable, "cashfintest: internal error in the fake")
		}
	}()

	if h.latency > 0 && !sleep(r.Context(), h.latency) {
		// The client has gone; this answer is for in-process callers such as a ResponseRecorder.
		writeError(w, http.StatusServiceUnavailable, "Request cancelled")
		return
	}
	if h.limiter != nil {
		v := h.limiter.take(h.now())
		hdr := w.Header()
		hdr.Set("X-RateLimit-Limit", strconv.Itoa(v.limit))
		hdr.Set("X-RateLimit-Remaining", strconv.Itoa(v.remaining))
		hdr.Set("X-RateLimit-Reset", strconv.FormatInt(v.reset, 10))
		if !v.ok {
			hdr.Set("Retry-After", strconv.Itoa(v.retryAfter))
			writeJSON(w, http.StatusTooManyRequests, errorBody{Error: msgRateLimited, RetryAfter: v.retryAfter})
			return
		}
	}
	if status, ok := h.nextFailure(); ok {
		writeError(w, status, injectedMessage(status))
		return
	}

	path := r.URL.Path
	if path != pathPrefix && !strings.HasPrefix(path, pathPrefix+"/") {
		writeError(w, http.StatusNotFound, "Not found")
		return
	}
	if !h.authorized(r) {
		writeJSON(w, http.StatusUnauthorized, errorBody{Message: msgUnauthorized})
		return
	}
	switch {
	case path == pathCreate:
		if allow(w, r, http.MethodPost) {
			h.create(w, r)
		}
	case path == pathList:
		if allow(w, r, http.MethodGet) {
			h.list(w, r)
		}
	case strings.HasPrefix(path, pathDetails):
		if allow(w, r, http.MethodGet) {
			h.details(w, strings.TrimPrefix(path, pathDetails))
		}
	default:
		writeError(w, http.StatusNotFound, "Not found")
	}
}

// authorized reports whether r carries exactly one Authorization header, equal to the secret.
func (h *Handler) authorized(r *http.Request) bool {
	vals := r.Header.Values("Authorization")
	return len(vals) == 1 && subtle.ConstantTimeCompare([]byte(vals[0]), []byte(h.secret)) == 1
}

// allow answers 405 unless r uses method.
func allow(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method {
		return true
	}
	w.Header().Set("Allow", method)
	writeError(w, http.StatusMethodNotAllowed, "Method not allowed")
	return false
}

// createFields are the fields of a create body, in the order errors are reported.
var createFields = [...]struct{ key, label string }{
	{"name", "Name"},
	{"email", "Email"},
	{"phone", "Phone"},
	{"position", "Position"},
	{"companyname", "Company name"},
}

// create serves POST /business/contact/create.
func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > MaxBodySize {
		writeError(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return
	}
	if !isJSON(r.Header.Get("Content-Type")) {
		writeError(w, http.StatusBadRequest, "Content-Type must be application/json")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodySize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "Request body too large")
		} else {
			writeError(w, http.StatusBadRequest, "Could not read the request body")
		}
		return
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if json.Valid(trimmed) {
			writeError(w, http.StatusBadRequest, "Request body must be a JSON object")
		} else {
			writeError(w, http.StatusBadRequest, "Request body is not valid JSON")
		}
		return
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &raw); err != nil {
		writeError(w, http.StatusBadRequest, "Request body is not valid JSON")
		return
	}

	var vals [len(createFields)]string
	problems := map[string]string{}
	for i, f := range createFields {
		v, ok := raw[f.key]
		if !ok || string(v) == "null" {
			continue
		}
		if err := json.Unmarshal(v, &vals[i]); err != nil {
			problems[f.key] = f.label + " must be a string"
		}
	}
	if _, bad := problems["name"]; !bad && strings.TrimSpace(vals[0]) == "" {
		problems["name"] = "Name is required"
	}
	if _, bad := problems["email"]; !bad && vals[1] != "" && !looksLikeEmail(vals[1]) {
		problems["email"] = "Email is invalid"
	}
	if len(problems) > 0 {
		writeJSON(w, http.StatusBadRequest, errorBody{Error: msgInvalid, Errors: problems})
		return
	}

	c := cashfin.Contact{Name: vals[0], Email: vals[1], Phone: vals[2], Position: vals[3], CompanyName: vals[4]}
	key := r.Header.Get("Idempotency-Key")
	rec, replay, conflict := h.store.create(c, key, sha256.Sum256(body), h.now())
	if conflict {
		writeError(w, http.StatusConflict, "Idempotency-Key was already used with a different request body")
		return
	}
	if replay {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, http.StatusCreated, successBody{Success: true, Message: msgCreated, Data: item(rec)})
}

// list serves GET /business/contact/list.
func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Malformed query string")
		return
	}
	page, ok := positiveInt(q.Get("page"), 1)
	if !ok {
		writeError(w, http.StatusBadRequest, "page must be a positive integer")
		return
	}
	limit, ok := positiveInt(q.Get("limit"), 10)
	if !ok {
		writeError(w, http.StatusBadRequest, "limit must be a positive integer")
		return
	}
	limit = min(limit, 100)
	recs, total := h.store.page(page, limit, q.Get("search"))
	items := make([]contactItem, len(recs))
	for i, rec := range recs {
		items[i] = item(rec)
	}
	writeJSON(w, http.StatusOK, listBody{
		Success:    true,
		Data:       items,
		Pagination: pagination{Total: total, Page: page, Limit: limit, Pages: ceilDiv(total, limit)},
	})
}

// details serves GET /business/contact/details/:id.
func (h *Handler) details(w http.ResponseWriter, id string) {
	rec := h.store.get(id)
	if rec == nil {
		writeError(w, http.StatusNotFound, msgNotFound)
		return
	}
	writeJSON(w, http.StatusOK, successBody{Success: true, Data: contactDetails{
		contactFields: fields(rec),
		Active:        rec.active,
		CreatedAt:     formatTime(rec.createdAt),
		UpdatedAt:     formatTime(rec.updatedAt),
	}})
}

// positiveInt parses a query parameter made only of decimal digits, with a value from 1 to
// 1<<31-1; "" is def.
func positiveInt(s string, def int) (int, bool) {
	if s == "" {
		return def, true
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > 1<<31-1 {
			return 0, false
		}
	}
	return n, n > 0
}

// isJSON reports whether a Content-Type is JSON: application/json or application/...+json.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// looksLikeEmail accepts local@domain.tld: one "@", no white space or control characters, and a
// dot inside the domain.
func looksLikeEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return false
		}
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1 && !strings.Contains(domain, "..") &&
		!strings.HasPrefix(domain, ".")
}

// injectedMessage is the error of a FailNext failure.
func injectedMessage(status int) string {
	if text := http.StatusText(status); text != "" {
		return text
	}
	return "Error " + strconv.Itoa(status)
}

// sleep waits d, or until ctx ends; it reports whether the whole wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newRequestID returns a random request ID, as the API sends in X-Request-Id.
func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail on supported platforms
	return "req_" + hex.EncodeToString(b[:])
}

// formatTime renders t as the API does: "2024-01-15T12:00:00.000Z".
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// The JSON bodies the fake answers with.
type (
	successBody struct {
		Success bool   `json:"success"` // always true
		Message string `json:"message,omitempty"`
		Data    any    `json:"data"`
	}
	listBody struct {
		Success    bool          `json:"success"`
		Data       []contactItem `json:"data"`
		Pagination pagination    `json:"pagination"`
	}
	pagination struct {
		Total int `json:"total"`
		Page  int `json:"page"`
		Limit int `json:"limit"`
		Pages int `json:"pages"`
	}
	errorBody struct {
		Success    bool              `json:"success"` // always false
		Error      string            `json:"error,omitempty"`
		Errors     map[string]string `json:"errors,omitempty"`
		Message    string            `json:"message,omitempty"`
		RetryAfter int               `json:"retry_after,omitempty"`
	}
	// contactFields are the fields every view of a contact shows, in the API's order.
	contactFields struct {
		ID          string `json:"_id"`
		Name        string `json:"name"`
		Email       string `json:"email,omitempty"`
		Phone       string `json:"phone,omitempty"`
		Position    string `json:"position,omitempty"`
		CompanyName string `json:"companyname,omitempty"`
	}
	// contactItem is a contact as the create response and list items show it.
	contactItem struct {
		contactFields
		CreatedAt string `json:"createdat"`
	}
	// contactDetails is a contact as the details response shows it.
	contactDetails struct {
		contactFields
		Active    bool   `json:"active"`
		CreatedAt string `json:"createdat"`
		UpdatedAt string `json:"updatedat"`
	}
)

func fields(r *record) contactFields {
	return contactFields{
		ID:          r.id,
		Name:        r.name,
		Email:       r.email,
		Phone:       r.phone,
		Position:    r.position,
		CompanyName: r.companyName,
	}
}

func item(r *record) contactItem {
	return contactItem{contactFields: fields(r), CreatedAt: formatTime(r.createdAt)}
}

// writeError answers status with {"success":false,"error":msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // cannot happen: every body is plain strings and numbers
		buf.Reset()
		buf.WriteString(`{"success":false,"error":"cashfintest: cannot encode the response"}` + "\n")
		status = http.StatusServiceUnavailable
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
