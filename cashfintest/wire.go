package cashfintest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Messages the API (and the fake) answers with, whatever the resource.
const (
	msgUnauthorized = "Unauthorized access!"
	msgInvalid      = "There are problems with your submission"
	msgRateLimited  = "Rate limit exceeded. Please try again later." // the rate-limiting guide's, verbatim
)

// The JSON bodies the fake answers with, whatever the resource.
type (
	successBody struct {
		Success bool   `json:"success"` // always true
		Message string `json:"message,omitempty"`
		Data    any    `json:"data"`
	}
	listBody[I any] struct {
		Success    bool       `json:"success"`
		Data       []I        `json:"data"`
		Pagination pagination `json:"pagination"`
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
)

// readObject returns the request body as a JSON object's members, or answers why it is not one
// (413 over MaxBodySize, else 400) and returns false.
func readObject(x *exchange) (map[string]json.RawMessage, bool) {
	var tooBig *http.MaxBytesError
	switch {
	case x.r.ContentLength > MaxBodySize:
		writeError(x.w, http.StatusRequestEntityTooLarge, "Request body too large")
		return nil, false
	case !isJSON(x.r.Header.Get("Content-Type")):
		writeError(x.w, http.StatusBadRequest, "Content-Type must be application/json")
		return nil, false
	case errors.As(x.bodyErr, &tooBig):
		writeError(x.w, http.StatusRequestEntityTooLarge, "Request body too large")
		return nil, false
	case x.bodyErr != nil:
		writeError(x.w, http.StatusBadRequest, "Could not read the request body")
		return nil, false
	}
	trimmed := bytes.TrimSpace(x.body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if json.Valid(trimmed) {
			writeError(x.w, http.StatusBadRequest, "Request body must be a JSON object")
		} else {
			writeError(x.w, http.StatusBadRequest, "Request body is not valid JSON")
		}
		return nil, false
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &raw); err != nil {
		writeError(x.w, http.StatusBadRequest, "Request body is not valid JSON")
		return nil, false
	}
	return raw, true
}

// field is one string field of a resource's request bodies, F being the resource's fields.
type field[F any] struct {
	key, label string
	required   bool
	check      func(string) string // nil, or the message for an invalid value ("" when valid)
	ptr        func(*F) *string
}

// given is a value a request body gives a field.
type given[F any] struct {
	f *field[F]
	v string
}

// parseFields reads fields from a body's members and checks them: each a string or null (null
// is as good as absent). A create (update false) needs every required field not blank, and
// checks the non-empty values; an update checks every value given, and refuses a blank required
// one. It returns the values given, and the problems by field key.
func parseFields[F any](raw map[string]json.RawMessage, fields []field[F], update bool) ([]given[F], map[string]string) {
	var vals []given[F]
	problems := map[string]string{}
	for i := range fields {
		f := &fields[i]
		v, present := "", false
		if rv, ok := raw[f.key]; ok && string(rv) != "null" {
			if err := json.Unmarshal(rv, &v); err != nil {
				problems[f.key] = f.label + " must be a string"
				continue
			}
			present = true
		}
		switch {
		case f.required && strings.TrimSpace(v) == "" && (present || !update):
			problems[f.key] = f.label + " is required"
		case f.check != nil && (v != "" || update && present):
			if msg := f.check(v); msg != "" {
				problems[f.key] = msg
			}
		}
		if present {
			vals = append(vals, given[F]{f, v})
		}
	}
	return vals, problems
}

// invalid answers 400 with the API's validation envelope.
func invalid(w http.ResponseWriter, problems map[string]string) {
	writeJSON(w, http.StatusBadRequest, errorBody{Error: msgInvalid, Errors: problems})
}

// pageParams reads a list's page and limit, or answers 400 and returns false.
func pageParams(x *exchange) (page, limit int, search string, ok bool) {
	q, err := url.ParseQuery(x.r.URL.RawQuery)
	if err != nil {
		writeError(x.w, http.StatusBadRequest, "Malformed query string")
		return 0, 0, "", false
	}
	if page, ok = positiveInt(q.Get("page"), 1); !ok {
		writeError(x.w, http.StatusBadRequest, "page must be a positive integer")
		return 0, 0, "", false
	}
	if limit, ok = positiveInt(q.Get("limit"), 10); !ok {
		writeError(x.w, http.StatusBadRequest, "limit must be a positive integer")
		return 0, 0, "", false
	}
	return page, min(limit, 100), q.Get("search"), true
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

// checkEmail accepts local@domain.tld: one "@", no white space or control characters, and a dot
// inside the domain.
func checkEmail(s string) string {
	if !looksLikeEmail(s) {
		return "Email is invalid"
	}
	return ""
}

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
	writeRaw(w, status, buf.Bytes())
}

// writeRaw answers status with body, a JSON document.
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
