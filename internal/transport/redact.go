package transport

import (
	"bytes"
	"net/http"
	"strings"
)

// redactor keeps the client secret out of what the server sends back. A server, or a proxy in
// front of it, may echo the request's Authorization header: "invalid key cs_live_...", a gateway's
// debug page listing the headers, an X-Request-Id built from it, or net/http quoting a malformed
// answer in its error. Those become error strings and log records, which are printed and shipped
// to log stores, so Do replaces every occurrence of the secret in the responses and errors it
// hands back, and policy.log in what it logs, with "[redacted]".
type redactor struct {
	text   string
	secret []byte // text as bytes, made once: bytes.Contains on each body then allocates nothing
}

const redacted = "[redacted]"

func newRedactor(secret string) redactor { return redactor{text: secret, secret: []byte(secret)} }

// holds reports whether s holds the secret. (An empty secret, possible only in this package's
// tests, holds nothing.)
func (r redactor) holds(s string) bool { return r.text != "" && strings.Contains(s, r.text) }

// string returns s without the secret.
func (r redactor) string(s string) string {
	if !r.holds(s) {
		return s
	}
	return strings.ReplaceAll(s, r.text, redacted)
}

// bytes returns b without the secret (b itself when it does not hold it).
func (r redactor) bytes(b []byte) []byte {
	if r.text == "" || !bytes.Contains(b, r.secret) {
		return b
	}
	return bytes.ReplaceAll(b, r.secret, []byte(redacted))
}

// header returns h, or a copy without the secret when it holds it.
func (r redactor) header(h http.Header) http.Header {
	dirty := false
	for _, vs := range h {
		for _, v := range vs {
			dirty = dirty || r.holds(v)
		}
	}
	if !dirty {
		return h
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		for _, v := range vs {
			out[k] = append(out[k], r.string(v))
		}
	}
	return out
}

// err returns err, or, when its message holds the secret, an error with the same chain (for
// errors.Is and errors.As) whose message does not.
func (r redactor) err(err error) error {
	if msg := err.Error(); r.holds(msg) {
		return &redactedError{msg: r.string(msg), err: err}
	}
	return err
}

// redactedError is an error whose message has had the secret taken out.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
