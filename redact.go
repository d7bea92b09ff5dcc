package cashfin

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/cashfin-go/cashfin/internal/transport"
)

// redactor keeps the client secret out of what the server sends back. A server, or a proxy in
// front of it, may echo the request's Authorization header: "invalid key cs_live_...", a gateway's
// debug page listing the headers, an X-Request-Id or a redirect Location built from it. Those
// answers become error strings and log records, which are printed and shipped to log stores, so
// every occurrence of the secret in them is replaced with "[redacted]".
type redactor struct {
	secret []byte
	text   string // the secret as a string: string(secret) allocates past 32 bytes, on every response
	r      *strings.Replacer
}

const redactedSecret = "[redacted]"

func newRedactor(secret string) *redactor {
	return &redactor{secret: []byte(secret), text: secret, r: strings.NewReplacer(secret, redactedSecret)}
}

func (r *redactor) string(s string) string {
	if !strings.Contains(s, r.text) {
		return s
	}
	return r.r.Replace(s)
}

// response returns resp, or a copy without the secret in its body and headers when it holds it.
func (r *redactor) response(resp *transport.Response) *transport.Response {
	h, dirty := r.header(resp.Header)
	if !dirty && !bytes.Contains(resp.Body, r.secret) {
		return resp
	}
	out := *resp
	out.Header = h
	out.Body = bytes.ReplaceAll(resp.Body, r.secret, []byte(redactedSecret))
	return &out
}

// header returns h, or a copy without the secret, and whether it held it.
func (r *redactor) header(h http.Header) (http.Header, bool) {
	dirty := false
	for _, vs := range h {
		for _, v := range vs {
			dirty = dirty || strings.Contains(v, r.text)
		}
	}
	if !dirty {
		return h, false
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		for _, v := range vs {
			out[k] = append(out[k], r.string(v))
		}
	}
	return out, true
}

// logger wraps l so that no record it writes holds the secret, whatever the SDK logs.
func (r *redactor) logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return nil
	}
	return slog.New(&redactHandler{h: l.Handler(), r: r})
}

// redactHandler is a slog.Handler that takes the secret out of messages, keys and values.
type redactHandler struct {
	h slog.Handler
	r *redactor
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.string(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.r.attr(a))
		return true
	})
	return h.h.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.r.attr(a)
	}
	return &redactHandler{h: h.h.WithAttrs(clean), r: h.r}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{h: h.h.WithGroup(h.r.string(name)), r: h.r}
}

func (r *redactor) attr(a slog.Attr) slog.Attr {
	a.Key = r.string(a.Key)
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(r.string(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]slog.Attr, len(g))
		for i, ga := range g {
			clean[i] = r.attr(ga)
		}
		a.Value = slog.GroupValue(clean...)
	case slog.KindAny:
		if s := fmt.Sprint(v.Any()); strings.Contains(s, r.text) {
			a.Value = slog.StringValue(r.string(s))
		} else {
			a.Value = v
		}
	default:
		a.Value = v
	}
	return a
}

// err returns err, or, when its message holds the secret, an error with the same chain (for
// errors.Is and errors.As) whose message does not. net/http quotes what it received in some
// errors ("malformed HTTP status code ..."), so a server echoing the secret can put it there.
func (r *redactor) err(err error) error {
	if err == nil || !strings.Contains(err.Error(), r.text) {
		return err
	}
	return &redactedError{msg: r.string(err.Error()), err: err}
}

// redactedError is an error whose message has had the secret taken out.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
