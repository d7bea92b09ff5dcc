package transport

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// redactor keeps the client secret out of what the SDK hands back. A server, or a proxy in front
// of it, may echo the request's Authorization header: "invalid key cs_live_...", a gateway's debug
// page listing the headers, an X-Request-Id built from it, or net/http quoting a malformed answer
// in its error. And it may echo it encoded: JSON-escaped ("cs\/x", "\u0026", any character as
// \uXXXX in either case of hex), URL-encoded ("%2F", "%2f"; a "+" for a space changes nothing,
// since a secret holds no space), Go-quoted ("\x2f", "\u00e9") or as HTML character references
// ("&#47;", "&amp;"), one encoding inside another up to two deep. The redactor finds the secret in
// any of those forms (see redact_match.go) and replaces it with "[redacted]".
//
// Only failures are scanned (the root's one error path, and the log): a success's body is the
// caller's data, and scanning every one would cost the hot path for nothing.
type redactor struct {
	text string
}

const redacted = "[redacted]"

func newRedactor(secret string) redactor { return redactor{text: secret} }

// holds reports whether s holds the secret, in any encoding. (An empty secret, possible only in
// this package's tests, holds nothing.)
func (r redactor) holds(s string) bool { return len(r.spans(s)) > 0 }

// string returns s without the secret, in any encoding.
func (r redactor) string(s string) string {
	spans := r.spans(s)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(redacted)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// bytes returns b without the secret (b itself when it does not hold it).
func (r redactor) bytes(b []byte) []byte {
	s := string(b)
	if clean := r.string(s); clean != s {
		return []byte(clean)
	}
	return b
}

// header returns h, or a copy without the secret when it holds it (in a name or a value).
func (r redactor) header(h http.Header) http.Header {
	dirty := false
	for k, vs := range h {
		dirty = dirty || r.holds(k)
		for _, v := range vs {
			dirty = dirty || r.holds(v)
		}
	}
	if !dirty {
		return h
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		k = r.string(k)
		for _, v := range vs {
			out[k] = append(out[k], r.string(v))
		}
	}
	return out
}

// err returns err with the secret taken out of it and of every error in its chain, for every
// verb it may be printed with: see redactChain.
func (r redactor) err(err error) error { return r.chain(err) }

// chain returns err unchanged when neither it nor any error in its chain holds the secret (in
// its message or, for a value, its %#v). Otherwise it returns a copy of the chain in which each
// error that errors.As or errors.Unwrap can reach is clean:
//   - the types a caller looks for keep their type, rebuilt with clean fields and causes:
//     *url.Error, *net.OpError, *net.DNSError, *os.SyscallError, and this package's own;
//   - any other error becomes a redactedError: the same message, cleaned; the same errors.Is
//     answers (context.Canceled, DeadlineExceeded, ...); net.Error still when it was one; its
//     causes, cleaned, under Unwrap.
func (r redactor) chain(err error) error {
	if err == nil || !r.dirty(err) {
		return err
	}
	switch e := err.(type) {
	case *url.Error:
		return &url.Error{Op: r.string(e.Op), URL: r.string(e.URL), Err: r.chain(e.Err)}
	case *net.OpError:
		c := *e
		c.Op, c.Net, c.Source, c.Addr, c.Err = r.string(e.Op), r.string(e.Net), r.addr(e.Source), r.addr(e.Addr), r.chain(e.Err)
		return &c
	case *net.DNSError:
		c := *e
		c.Err, c.Name, c.Server, c.UnwrapErr = r.string(e.Err), r.string(e.Name), r.string(e.Server), r.chain(e.UnwrapErr)
		return &c
	case *os.SyscallError:
		return &os.SyscallError{Syscall: r.string(e.Syscall), Err: r.chain(e.Err)}
	case *AbandonedError:
		return &AbandonedError{Err: r.chain(e.Err), Reason: r.chain(e.Reason)}
	case *attemptTimeoutError:
		return &attemptTimeoutError{limit: e.limit, err: r.chain(e.err)}
	}
	re := &redactedError{msg: r.string(err.Error()), orig: err}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		causes := u.Unwrap()
		clean := make([]error, len(causes))
		for i, c := range causes {
			clean[i] = r.chain(c)
		}
		return &redactedJoin{redactedError: re, causes: clean}
	case interface{ Unwrap() error }:
		re.cause = r.chain(u.Unwrap())
	}
	if ne, ok := err.(net.Error); ok {
		return &redactedNetError{redactedError: re, net: ne}
	}
	return re
}

// dirty reports whether err or any error in its chain holds the secret.
func (r redactor) dirty(err error) bool {
	if err == nil {
		return false
	}
	if r.holds(err.Error()) || r.holds(fmt.Sprintf("%#v", err)) {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, c := range u.Unwrap() {
			if r.dirty(c) {
				return true
			}
		}
	case interface{ Unwrap() error }:
		return r.dirty(u.Unwrap())
	}
	return false
}

// addr returns a, or a clean stand-in when its string holds the secret.
func (r redactor) addr(a net.Addr) net.Addr {
	if a == nil || !r.holds(a.String()) {
		return a
	}
	return redactedAddr{network: r.string(a.Network()), text: r.string(a.String())}
}

type redactedAddr struct{ network, text string }

func (a redactedAddr) Network() string { return a.network }
func (a redactedAddr) String() string  { return a.text }

// redactedError stands for an error whose message held the secret: it prints the message cleaned
// whatever the verb, answers errors.Is as the original did, and unwraps to its cleaned cause. The
// original is kept only for errors.Is: never printed, never reachable with errors.As or Unwrap.
type redactedError struct {
	msg   string
	orig  error
	cause error
}

func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the cleaned cause, if any.
func (e *redactedError) Unwrap() error { return e.cause }

// Is answers as the original error did (for context.Canceled, context.DeadlineExceeded, ...).
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }

// Format prints the clean message for every verb (%v, %+v, %#v, %q, ...).
func (e *redactedError) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", e.msg)
		return
	}
	io.WriteString(f, e.msg)
}

// redactedNetError is a redactedError that was a net.Error, and still is.
type redactedNetError struct {
	*redactedError
	net net.Error
}

func (e *redactedNetError) Timeout() bool { return e.net.Timeout() }

// Temporary is deprecated in net.Error, but part of it: it answers as the original did.
func (e *redactedNetError) Temporary() bool {
	t, ok := e.net.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

// redactedJoin is a redactedError with several causes (errors.Join, fmt.Errorf with two %w).
type redactedJoin struct {
	*redactedError
	causes []error
}

// Unwrap returns the cleaned causes.
func (e *redactedJoin) Unwrap() []error { return e.causes }
