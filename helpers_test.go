package cashfin_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

const (
	// testID is a valid contact ID.
	testID = "507f1f77bcf86cd799439045"
	// contactOK is a Get/Create success body.
	contactOK = `{"success":true,"message":"ok","data":{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku"}}`
	// listOK is a one-item list success body without a page block.
	listOK = `{"success":true,"data":[{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku"}]}`
)

// fast are options that keep retry tests quick.
func fast() cashfin.Option { return cashfin.WithRetryWait(time.Millisecond, 2*time.Millisecond) }

// seen is one request as the server saw it.
type seen struct {
	Method string
	URL    string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	At     time.Time
}

// capture records every request a responder sees, concurrency-safe.
type capture struct {
	mu   sync.Mutex
	reqs []seen
}

func (c *capture) add(r *http.Request) int {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
	}
	s := seen{
		Method: r.Method,
		URL:    r.URL.String(),
		Path:   r.URL.Path,
		Query:  r.URL.RawQuery,
		Header: r.Header.Clone(),
		Body:   body,
		At:     time.Now(),
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, s)
	return len(c.reqs)
}

func (c *capture) all() []seen {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]seen(nil), c.reqs...)
}

func (c *capture) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.reqs)
}

// reply is one canned answer.
type reply struct {
	status int
	body   string
	header http.Header
	err    error
}

func (r reply) response(req *http.Request) (*http.Response, error) {
	if r.err != nil {
		return nil, r.err
	}
	resp := httpmock.NewStringResponse(r.status, r.body)
	for k, v := range r.header {
		resp.Header[k] = v
	}
	resp.Request = req
	return resp, nil
}

// serve answers every request on mt with replies in turn (the last one repeats), recording them.
func serve(mt *httpmock.MockTransport, replies ...reply) *capture {
	c := &capture{}
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		n := c.add(req)
		r := replies[min(n, len(replies))-1]
		return r.response(req)
	})
	return c
}

// logBuffer is a concurrency-safe buffer for a JSON slog handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) lines() []string {
	s := strings.TrimSpace(b.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// newLogger returns a Debug-level JSON logger writing to a buffer.
func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// requireNoSecret fails when s holds the secret (or its distinctive core).
func requireNoSecret(t *testing.T, s, secret string) {
	t.Helper()
	core := strings.TrimSpace(strings.TrimPrefix(secret, "Bearer "))
	require.NotContains(t, s, core, "the secret leaked")
}
