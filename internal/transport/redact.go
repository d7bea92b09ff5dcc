package transport

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// redactor keeps the client secret out of what the SDK hands back. A server, or a proxy in front
// of it, may echo the request's Authorization header: "invalid key cs_live_...", a gateway's debug
// page listing the headers, an X-Request-Id built from it, or net/http quoting a malformed answer
// in its error. And it may echo it encoded: JSON-escaped ("cs\/x", "\u0026", any character as
// \uXXXX in either case of hex), URL-encoded ("%2F", "%2f", "+" for a space), Go-quoted ("\x2f",
// "\u00e9") or as HTML character references ("&#47;", "&amp;"), one encoding inside another up to
// two deep. The redactor finds the secret in any of those forms and replaces it with "[redacted]".
//
// Only failures are scanned (the root's one error path, and the log): a success's body is the
// caller's data, and scanning every one would cost the hot path for nothing.
type redactor struct {
	text string
}

const (
	redacted = "[redacted]"
	// depth is how many encodings inside one another the redactor sees through.
	depth = 2
)

func newRedactor(secret string) redactor { return redactor{text: secret} }

// holds reports whether s holds the secret, in any encoding. (An empty secret, possible only in
// this package's tests, holds nothing.)
func (r redactor) holds(s string) bool {
	start, _ := r.find(s, 0)
	return start >= 0
}

// string returns s without the secret, in any encoding.
func (r redactor) string(s string) string {
	start, end := r.find(s, 0)
	if start < 0 {
		return s
	}
	var b strings.Builder
	for start >= 0 {
		b.WriteString(s[:start])
		b.WriteString(redacted)
		s = s[end:]
		start, end = r.find(s, 0)
	}
	b.WriteString(s)
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

// find returns where the first occurrence of the secret at or after from starts and ends in s;
// start is -1 when there is none.
func (r redactor) find(s string, from int) (start, end int) {
	if r.text == "" {
		return -1, -1
	}
	first := r.text[0]
	for i := from; i < len(s); i++ {
		if c := s[i]; c != first && !starter(c) {
			continue // no reading of the secret's first character starts here
		}
		if end := r.matchAt(s, i); end > i {
			return i, end
		}
	}
	return -1, -1
}

// matchAt returns the end of the longest reading of the whole secret starting at s[i], or -1.
func (r redactor) matchAt(s string, i int) int {
	type state struct{ pos, j int }
	var seen map[state]bool // made at the first escape: a literal match needs none
	stack := []state{{i, 0}}
	best := -1
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch {
		case st.j == len(r.text):
			best = max(best, st.pos)
			continue
		case st.pos >= len(s):
			continue
		case !starter(s[st.pos]): // only the byte itself
			if s[st.pos] == r.text[st.j] {
				stack = append(stack, state{st.pos + 1, st.j + 1})
			}
			continue
		}
		if seen == nil {
			seen = map[state]bool{}
		}
		for _, rd := range read(s, st.pos, depth) {
			if strings.HasPrefix(r.text[st.j:], rd.text) {
				next := state{rd.end, st.j + len(rd.text)}
				if !seen[next] {
					seen[next] = true
					stack = append(stack, next)
				}
			}
		}
	}
	return best
}

// starter reports whether an escape, or a "+" for a space, may start at c.
func starter(c byte) bool { return c == '\\' || c == '%' || c == '&' || c == '+' }

// reading is one way to read the characters at a position: they decode to text and end at end.
type reading struct {
	text string
	end  int
}

// read returns every reading of the character at s[pos] through up to d layers of encoding: the
// byte itself, and each escape that starts there, whose own characters are read through d-1.
func read(s string, pos, d int) []reading {
	if pos >= len(s) {
		return nil
	}
	out := []reading{{s[pos : pos+1], pos + 1}}
	if d == 0 || !starter(s[pos]) {
		return out
	}
	if s[pos] == '+' {
		out = append(out, reading{" ", pos + 1}) // a space, URL-encoded
	}
	out = appendBackslash(out, s, pos, d-1)
	out = appendPercent(out, s, pos, d-1)
	return appendEntity(out, s, pos, d-1)
}

// chars reads one character at pos through d layers that is an ASCII byte, returning each
// (byte, end) reading.
func chars(s string, pos, d int, each func(c byte, end int)) {
	for _, rd := range read(s, pos, d) {
		if len(rd.text) == 1 {
			each(rd.text[0], rd.end)
		}
	}
}

// hexes reads n hexadecimal digits from pos through d layers, calling each with their value.
func hexes(s string, pos, d, n int, acc rune, each func(v rune, end int)) {
	if n == 0 {
		each(acc, pos)
		return
	}
	chars(s, pos, d, func(c byte, end int) {
		if h := unhex(c); h >= 0 {
			hexes(s, end, d, n-1, acc<<4|h, each)
		}
	})
}

func unhex(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

// appendBackslash adds the readings of JSON and Go escapes at pos: \/ \\ \" \' \xHH \uHHHH
// (surrogate pairs too) and \UHHHHHHHH, their characters read through d layers.
func appendBackslash(out []reading, s string, pos, d int) []reading {
	chars(s, pos, d, func(c byte, p int) {
		if c != '\\' {
			return
		}
		chars(s, p, d, func(kind byte, q int) {
			switch kind {
			case '/', '\\', '"', '\'':
				out = append(out, reading{string(kind), q})
			case 'x':
				hexes(s, q, d, 2, 0, func(v rune, end int) { out = append(out, reading{string([]byte{byte(v)}), end}) })
			case 'U':
				hexes(s, q, d, 8, 0, func(v rune, end int) { out = appendRune(out, v, end) })
			case 'u':
				hexes(s, q, d, 4, 0, func(v rune, end int) {
					if !utf16.IsSurrogate(v) {
						out = appendRune(out, v, end)
						return
					}
					// A high surrogate: the low one follows as \uHHHH.
					chars(s, end, d, func(c byte, e1 int) {
						if c != '\\' {
							return
						}
						chars(s, e1, d, func(u byte, e2 int) {
							if u == 'u' {
								hexes(s, e2, d, 4, 0, func(lo rune, e3 int) {
									out = appendRune(out, utf16.DecodeRune(v, lo), e3)
								})
							}
						})
					})
				})
			}
		})
	})
	return out
}

// appendPercent adds the readings of URL escapes at pos: %HH, either case, read through d layers.
func appendPercent(out []reading, s string, pos, d int) []reading {
	chars(s, pos, d, func(c byte, p int) {
		if c == '%' {
			hexes(s, p, d, 2, 0, func(v rune, end int) { out = append(out, reading{string([]byte{byte(v)}), end}) })
		}
	})
	return out
}

// appendEntity adds the readings of HTML character references at pos: &#NN; &#xHH; and named
// ones (&amp; &sol; ...), as html.UnescapeString reads them. Their characters are read literally.
func appendEntity(out []reading, s string, pos, _ int) []reading {
	if s[pos] != '&' {
		return out
	}
	semi := strings.IndexByte(s[pos:min(len(s), pos+34)], ';')
	if semi < 2 {
		return out
	}
	ref := s[pos : pos+semi+1]
	if text := html.UnescapeString(ref); text != ref {
		out = append(out, reading{text, pos + semi + 1})
	}
	return out
}

func appendRune(out []reading, v rune, end int) []reading {
	if !utf8.ValidRune(v) {
		return out
	}
	return append(out, reading{string(v), end})
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
