package cashfin_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// This file is the fault matrix: the SDK against real loopback servers that misbehave in every way
// we can produce on one machine. Each row asserts the error and its kind, the number of attempts
// the server saw, the time taken, and what the server stored: a Create never leaves more than one
// record, because every attempt carries the same Idempotency-Key.

// faultSecret is the client secret of the fault tests; no error or log record may show it.
const faultSecret = "cs_live_FAULT_SECRET_5a4b3c"

const createPath = "/business/contact/create"

// faultStore is the server side of Create: one record per Idempotency-Key, as the API keeps them.
// A request without a key creates a record every time.
type faultStore struct {
	mu      sync.Mutex
	byKey   map[string]string // Idempotency-Key → record ID
	records []string          // record IDs, in creation order
	keys    map[string]bool   // every key seen
}

func (s *faultStore) create(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey == nil {
		s.byKey, s.keys = map[string]string{}, map[string]bool{}
	}
	s.keys[key] = true
	if id, ok := s.byKey[key]; ok && key != "" {
		return id
	}
	id := fmt.Sprintf("65a5%020x", len(s.records)+1)
	s.records = append(s.records, id)
	if key != "" {
		s.byKey[key] = id
	}
	return id
}

func (s *faultStore) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKey, s.records, s.keys = nil, nil, nil
}

// snapshot returns the stored record IDs and how many distinct keys arrived.
func (s *faultStore) snapshot() (records []string, keys int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.records...), len(s.keys)
}

// faultServer is a raw HTTP/1.1 server on a loopback port whose every answer is written by hand,
// so that a test can stall, trickle or break the connection at any byte. It counts the requests it
// reads (attempts) and the connections it accepts, keeps every byte it received, and stores a
// record for every create it reads before answering (the harshest case for idempotency: the
// request was processed, the answer lost).
type faultServer struct {
	URL      string
	respond  func(c *faultConn)
	store    faultStore
	attempts atomic.Int32
	accepts  atomic.Int32

	ln    net.Listener
	done  chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	raw   bytes.Buffer // every byte received
}

// newFaultServer starts a server answering every request with respond, closed when t ends.
func newFaultServer(t testing.TB, respond func(c *faultConn)) *faultServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &faultServer{
		URL:     "http://" + ln.Addr().String(),
		respond: respond,
		ln:      ln,
		done:    make(chan struct{}),
		conns:   map[net.Conn]struct{}{},
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.close)
	return s
}

func (s *faultServer) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.accepts.Add(1)
		s.mu.Lock()
		select {
		case <-s.done:
			s.mu.Unlock()
			conn.Close()
			return
		default:
		}
		s.conns[conn] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.handle(conn)
	}
}

func (s *faultServer) handle(conn net.Conn) {
	defer s.wg.Done()
	defer func() {
		conn.Close()
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
	}()
	br := bufio.NewReader(io.TeeReader(conn, rawRecorder{s}))
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		c := &faultConn{srv: s, conn: conn.(*net.TCPConn), req: req, body: body, n: int(s.attempts.Add(1))}
		if req.Method == http.MethodPost && req.URL.Path == createPath {
			c.id = s.store.create(req.Header.Get("Idempotency-Key"))
		}
		s.respond(c)
		if c.closed {
			return
		}
	}
}

// received returns every byte the server has read.
func (s *faultServer) received() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.raw.Bytes())
}

func (s *faultServer) close() {
	s.mu.Lock()
	close(s.done)
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

type rawRecorder struct{ s *faultServer }

func (r rawRecorder) Write(p []byte) (int, error) {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return r.s.raw.Write(p)
}

// faultConn is one request read by a faultServer, and the means to answer it (or not).
type faultConn struct {
	srv    *faultServer
	conn   *net.TCPConn
	req    *http.Request
	body   []byte
	n      int    // attempt number, counted over the whole server
	id     string // the record a create stored
	closed bool
}

// write sends raw bytes; a failure (the client gave up) ends the connection.
func (c *faultConn) write(s string) bool { return c.writeBytes([]byte(s)) }

func (c *faultConn) writeBytes(p []byte) bool {
	if _, err := c.conn.Write(p); err != nil {
		c.closed = true
		return false
	}
	return true
}

// head writes a status line and headers (Content-Length too unless length < 0).
func (c *faultConn) head(status int, contentType string, length int, extra ...string) bool {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n", status, http.StatusText(status), contentType)
	if !slices.Contains(extra, "X-Request-Id") {
		fmt.Fprintf(&b, "X-Request-Id: req-%d\r\n", c.n)
	}
	if length >= 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", length)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", extra[i], extra[i+1])
	}
	b.WriteString("\r\n")
	return c.write(b.String())
}

// reply sends a whole response, keeping the connection open.
func (c *faultConn) reply(status int, contentType, body string, extra ...string) {
	if c.head(status, contentType, len(body), extra...) {
		c.write(body)
	}
}

// jsonError replies with the API's error envelope.
func (c *faultConn) jsonError(status int, message string, extra ...string) {
	c.reply(status, "application/json", fmt.Sprintf(`{"success":false,"error":%q}`, message), extra...)
}

// created replies as the API does to a successful create.
func (c *faultConn) created() {
	c.reply(http.StatusCreated, "application/json", createdBody(c.id))
}

func createdBody(id string) string {
	return fmt.Sprintf(`{"success":true,"message":"Contact created successfully","data":`+
		`{"_id":%q,"name":"Jane Wanjiku","createdat":"2024-01-15T12:00:00.000Z"}}`, id)
}

// reset aborts the connection with a TCP RST.
func (c *faultConn) reset() {
	_ = c.conn.SetLinger(0)
	c.conn.Close()
	c.closed = true
}

// hang answers nothing until the client hangs up or the server closes.
func (c *faultConn) hang() {
	_, _ = io.Copy(io.Discard, c.conn)
	c.closed = true
}

// trickle writes s one byte per interval, until done or the connection breaks.
func (c *faultConn) trickle(s string, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for i := 0; i < len(s); i++ {
		if !c.write(s[i : i+1]) {
			return
		}
		select {
		case <-c.srv.done:
			c.closed = true
			return
		case <-tick.C:
		}
	}
}

// faultLogs is a slog handler keeping every record, and rendering each (with any attributes and
// groups added by With) as text, with an optional hook to act on one: say, cancel the context the
// moment the SDK decides to back off.
type faultLogs struct {
	*faultLogState
	text slog.Handler
}

type faultLogState struct {
	mu       sync.Mutex
	records  []slog.Record
	onRecord func(r slog.Record)
	rendered bytes.Buffer
}

func newFaultLogs() *faultLogs {
	st := &faultLogState{}
	return &faultLogs{faultLogState: st, text: slog.NewTextHandler(lockedWriter{st}, &slog.HandlerOptions{Level: slog.LevelDebug})}
}

type lockedWriter struct{ st *faultLogState }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.st.mu.Lock()
	defer w.st.mu.Unlock()
	return w.st.rendered.Write(p)
}

func (h *faultLogs) Enabled(context.Context, slog.Level) bool { return true }
func (h *faultLogs) WithAttrs(as []slog.Attr) slog.Handler {
	return &faultLogs{faultLogState: h.faultLogState, text: h.text.WithAttrs(as)}
}
func (h *faultLogs) WithGroup(name string) slog.Handler {
	return &faultLogs{faultLogState: h.faultLogState, text: h.text.WithGroup(name)}
}
func (h *faultLogs) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	h.records = append(h.records, r.Clone())
	hook := h.onRecord
	h.mu.Unlock()
	if err := h.text.Handle(ctx, r); err != nil {
		return err
	}
	if hook != nil {
		hook(r)
	}
	return nil
}

func (h *faultLogs) setHook(f func(slog.Record)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onRecord = f
}

// text returns every record rendered by slog's TextHandler.
func (h *faultLogs) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rendered.String()
}

// attempts counts the SDK's per-attempt records.
func (h *faultLogs) attempts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, r := range h.records {
		if r.Message == "cashfin: http attempt" {
			n++
		}
	}
	return n
}

// hasAttr reports whether r carries an attribute named key.
func hasAttr(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}

// faultEnv is what a row's hooks can reach: the server, the call's context, the logs, the client.
type faultEnv struct {
	secret string
	srv    *faultServer
	other  *faultServer // a second host, for redirects
	ctx    context.Context
	cancel context.CancelFunc
	logs   *faultLogs
	client *cashfin.Client
	count  func() int // attempts, when the fault server is not the one to ask
}

// faultCase is one row of the matrix. Every row calls Contacts.Create.
type faultCase struct {
	name    string
	serial  bool // run alone (memory is measured)
	respond func(e *faultEnv, c *faultConn)
	base    func(t *testing.T, e *faultEnv) string // base URL when not the fault server's
	opts    []cashfin.Option
	envOpts func(t *testing.T, e *faultEnv) []cashfin.Option // options that need the row's environment
	setup   func(t *testing.T, e *faultEnv)                  // before the call
	// expectations
	attempts         int
	minTime, maxTime time.Duration
	maxHeapGrowth    int64 // with serial: HeapAlloc growth bound over the call
	check            func(t *testing.T, e *faultEnv, got *cashfin.Contact, err error)
}

// faultResult is a row of the printed table.
type faultResult struct {
	name, outcome string
	attempts      int
	took          time.Duration
	records       int
}

// bigChunk is written over and over by the 60 MiB bodies; allocated once, before any measurement.
var bigChunk = bytes.Repeat([]byte("x"), 64<<10)

// bigChunked is bigChunk as one chunk of a chunked body.
var bigChunked = []byte(fmt.Sprintf("%x\r\n%s\r\n", len(bigChunk), bigChunk))

const bigBody = 60 << 20

func TestFaults(t *testing.T) {
	var (
		mu      sync.Mutex
		results []faultResult
	)
	t.Cleanup(func() {
		sort.Slice(results, func(i, j int) bool { return results[i].name < results[j].name })
		var b strings.Builder
		fmt.Fprintf(&b, "\n%-52s | %-58s | %8s | %8s | %s\n", "fault", "outcome", "attempts", "time", "records")
		for _, r := range results {
			fmt.Fprintf(&b, "%-52s | %-58s | %8d | %8s | %d\n", r.name, r.outcome, r.attempts,
				r.took.Round(time.Millisecond), r.records)
		}
		t.Log(b.String())
	})

	for _, tc := range faultCases() {
		if !tc.serial {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			r, _, _ := runFault(t, tc, faultSecret)
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		})
	}
	for _, tc := range faultCases() {
		if tc.serial {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, _, _ := runFault(t, tc, faultSecret)
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		})
	}
}

// runFault runs one row with a client holding secret, checks what every row must hold, and returns
// the table line, the row's environment and the call's error.
func runFault(t *testing.T, tc faultCase, secret string) (faultResult, *faultEnv, error) {
	respond := tc.respond
	if respond == nil {
		respond = func(_ *faultEnv, c *faultConn) { c.created() }
	}
	e := &faultEnv{secret: secret, logs: newFaultLogs()}
	e.srv = newFaultServer(t, func(c *faultConn) { respond(e, c) })
	e.count = func() int { return int(e.srv.attempts.Load()) }
	e.ctx, e.cancel = context.WithCancel(context.Background())
	t.Cleanup(func() { e.cancel() })

	base := e.srv.URL
	if tc.base != nil {
		base = tc.base(t, e)
	}
	opts := append([]cashfin.Option{
		cashfin.WithBaseURL(base),
		cashfin.WithRetryWait(5*time.Millisecond, 50*time.Millisecond),
		cashfin.WithTimeout(5 * time.Second),
		cashfin.WithLogger(slog.New(e.logs)),
	}, tc.opts...)
	if tc.envOpts != nil {
		opts = append(opts, tc.envOpts(t, e)...)
	}
	client, err := cashfin.NewClient(secret, opts...)
	require.NoError(t, err)
	e.client = client
	if tc.setup != nil {
		tc.setup(t, e)
	}

	var before, after runtime.MemStats
	if tc.maxHeapGrowth > 0 {
		runtime.GC()
		runtime.ReadMemStats(&before)
	}
	start := time.Now()
	got, err := client.Contacts.Create(e.ctx, &cashfin.ContactCreateParams{Name: "Jane Wanjiku"})
	took := time.Since(start)
	if tc.maxHeapGrowth > 0 {
		runtime.ReadMemStats(&after)
		growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		t.Logf("heap growth %d KiB, allocated %d KiB", growth>>10, (after.TotalAlloc-before.TotalAlloc)>>10)
		assert.Less(t, growth, tc.maxHeapGrowth, "HeapAlloc grew too much: the body was read into memory")
		assert.Less(t, int64(after.TotalAlloc-before.TotalAlloc), tc.maxHeapGrowth,
			"allocated too much: the body was read into memory")
	}

	attempts := e.count()
	records, keys := e.srv.store.snapshot()
	assert.Equal(t, tc.attempts, attempts, "attempts")
	assert.GreaterOrEqual(t, took, tc.minTime, "returned too early")
	assert.LessOrEqual(t, took, tc.maxTime, "returned too late")
	assert.LessOrEqual(t, len(records), 1, "a create stored more than one record")
	assert.LessOrEqual(t, keys, 1, "the attempts of one create carried different idempotency keys")
	if err == nil {
		require.NotNil(t, got)
		require.Len(t, records, 1)
		assert.Equal(t, records[0], got.ID, "the returned contact is not the stored one")
	} else {
		assert.Nil(t, got)
		assert.NotContains(t, err.Error(), secret)
	}
	tc.check(t, e, got, err)
	r := faultResult{name: tc.name, outcome: outcome(err), attempts: attempts, took: took, records: len(records)}
	return r, e, err
}

// outcome summarises an error for the table: its sentinels, status and cause.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var parts []string
	for _, s := range []struct {
		err  error
		name string
	}{
		{cashfin.ErrBadRequest, "ErrBadRequest"}, {cashfin.ErrNotFound, "ErrNotFound"},
		{cashfin.ErrRateLimited, "ErrRateLimited"}, {cashfin.ErrServer, "ErrServer"},
		{cashfin.ErrUnexpectedResponse, "ErrUnexpectedResponse"}, {cashfin.ErrInvalidParams, "ErrInvalidParams"},
		{context.Canceled, "context.Canceled"}, {context.DeadlineExceeded, "DeadlineExceeded"},
		{syscall.ECONNREFUSED, "ECONNREFUSED"}, {syscall.ECONNRESET, "ECONNRESET"},
		{io.ErrUnexpectedEOF, "ErrUnexpectedEOF"}, {io.EOF, "EOF"},
	} {
		if errors.Is(err, s.err) {
			parts = append(parts, s.name)
		}
	}
	var apiErr *cashfin.APIError
	if errors.As(err, &apiErr) {
		s := fmt.Sprintf("APIError %d", apiErr.StatusCode)
		if apiErr.RetryAfter > 0 {
			s += fmt.Sprintf(" RetryAfter=%s", apiErr.RetryAfter)
		}
		parts = append(parts, s)
	}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		parts = append(parts, fmt.Sprintf("DNSError notfound=%v", dnsErr.IsNotFound))
	case errors.As(err, &unknownCA):
		parts = append(parts, "x509 unknown authority")
	case errors.As(err, &netErr) && netErr.Timeout():
		parts = append(parts, "net timeout")
	}
	return strings.Join(parts, ", ")
}

// Checks shared by rows.

func wantAPIError(t *testing.T, err error, status int, kind error) *cashfin.APIError {
	t.Helper()
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, status, apiErr.StatusCode)
	if kind != nil {
		assert.ErrorIs(t, err, kind)
	}
	return apiErr
}

// wantTransportError checks a failure that is not an API answer and keeps a net.Error cause.
func wantTransportError(t *testing.T, err error) net.Error {
	t.Helper()
	require.Error(t, err)
	var apiErr *cashfin.APIError
	assert.False(t, errors.As(err, &apiErr), "a transport failure is not an *APIError: %v", err)
	var netErr net.Error
	require.ErrorAs(t, err, &netErr, "the cause is lost: %v", err)
	return netErr
}

// wantBrokenConnection checks an error caused by a connection the server broke.
func wantBrokenConnection(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	var apiErr *cashfin.APIError
	assert.False(t, errors.As(err, &apiErr), "a transport failure is not an *APIError: %v", err)
	assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF),
		"want a connection reset or EOF cause, got %v", err)
	assert.NotErrorIs(t, err, context.Canceled)
}

func wantCanceled(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled, "got %v", err)
}

// Responders shared by rows.

func gatewayPage(status int) string {
	return fmt.Sprintf("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"+
		"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", status, http.StatusText(status), status, http.StatusText(status))
}

// failFirst answers the first attempt with status and Retry-After, and creates on the next.
func failFirst(status int, retryAfter func() string) func(e *faultEnv, c *faultConn) {
	return func(_ *faultEnv, c *faultConn) {
		if c.n == 1 {
			c.jsonError(status, "try again later", "Retry-After", retryAfter())
			return
		}
		c.created()
	}
}

func always(status int, retryAfter string) func(e *faultEnv, c *faultConn) {
	return func(_ *faultEnv, c *faultConn) { c.jsonError(status, "try again later", "Retry-After", retryAfter) }
}

func httpDate(d time.Duration) func() string {
	return func() string { return time.Now().Add(d).UTC().Format(http.TimeFormat) }
}

func seconds(s string) func() string { return func() string { return s } }

// cancelOnBackoff cancels the call's context the moment the SDK logs that it will back off.
func cancelOnBackoff(after time.Duration) func(t *testing.T, e *faultEnv) {
	return func(t *testing.T, e *faultEnv) {
		var once sync.Once
		e.logs.setHook(func(r slog.Record) {
			if hasAttr(r, "retry_in") {
				once.Do(func() {
					if after == 0 {
						e.cancel()
						return
					}
					timer := time.AfterFunc(after, e.cancel)
					t.Cleanup(func() { timer.Stop() })
				})
			}
		})
	}
}

func faultCases() []faultCase {
	const second = time.Second
	return []faultCase{
		{
			name: "connection refused",
			base: func(t *testing.T, e *faultEnv) string {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				require.NoError(t, err)
				addr := ln.Addr().String()
				require.NoError(t, ln.Close())
				e.count = e.logs.attempts
				return "http://" + addr
			},
			attempts: 3, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				wantTransportError(t, err)
				assert.ErrorIs(t, err, syscall.ECONNREFUSED)
			},
		},
		{
			name:     "reset before the response",
			respond:  func(_ *faultEnv, c *faultConn) { c.reset() },
			attempts: 3, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantBrokenConnection(t, err) },
		},
		{
			name: "reset mid-body",
			respond: func(_ *faultEnv, c *faultConn) {
				body := createdBody(c.id)
				if c.head(http.StatusCreated, "application/json", len(body)) && c.write(body[:len(body)/2]) {
					c.reset()
				}
			},
			attempts: 3, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantBrokenConnection(t, err) },
		},
		{
			name:     "accepts and never answers (200ms attempts)",
			respond:  func(_ *faultEnv, c *faultConn) { c.hang() },
			opts:     []cashfin.Option{cashfin.WithTimeout(200 * time.Millisecond)},
			attempts: 3, minTime: 600 * time.Millisecond, maxTime: 4 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				netErr := wantTransportError(t, err)
				assert.True(t, netErr.Timeout(), "want a timeout, got %v", err)
				assert.NotErrorIs(t, err, context.Canceled)
			},
		},
		{
			name: "body trickles 1 byte/s (300ms attempts)",
			respond: func(_ *faultEnv, c *faultConn) {
				body := createdBody(c.id)
				if c.head(http.StatusCreated, "application/json", len(body)) {
					c.trickle(body, time.Second)
				}
			},
			opts:     []cashfin.Option{cashfin.WithTimeout(300 * time.Millisecond)},
			attempts: 3, minTime: 900 * time.Millisecond, maxTime: 5 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				netErr := wantTransportError(t, err)
				assert.True(t, netErr.Timeout(), "want a timeout, got %v", err)
			},
		},
		{
			name: "status line trickles 1 byte/s (300ms attempts)",
			respond: func(_ *faultEnv, c *faultConn) {
				c.trickle("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}", time.Second)
			},
			opts:     []cashfin.Option{cashfin.WithTimeout(300 * time.Millisecond)},
			attempts: 3, minTime: 900 * time.Millisecond, maxTime: 5 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				netErr := wantTransportError(t, err)
				assert.True(t, netErr.Timeout(), "want a timeout, got %v", err)
			},
		},
		{
			name: "no fault: 201, chunked body (control)",
			respond: func(_ *faultEnv, c *faultConn) {
				body := createdBody(c.id)
				if c.head(http.StatusCreated, "application/json", -1, "Transfer-Encoding", "chunked") {
					c.write(fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body))
				}
			},
			attempts: 1, maxTime: time.Second,
			check: func(t *testing.T, _ *faultEnv, got *cashfin.Contact, err error) {
				require.NoError(t, err)
				assert.Equal(t, "Jane Wanjiku", got.Name)
			},
		},
		{
			name: "truncated JSON (200, short Content-Length)",
			respond: func(_ *faultEnv, c *faultConn) {
				body := createdBody(c.id)
				c.reply(http.StatusOK, "application/json", body[:len(body)/2])
			},
			attempts: 1, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				wantAPIError(t, err, http.StatusOK, cashfin.ErrUnexpectedResponse)
			},
		},
		{
			name: "HTML 502 from a gateway",
			respond: func(_ *faultEnv, c *faultConn) {
				c.reply(http.StatusBadGateway, "text/html", gatewayPage(http.StatusBadGateway))
			},
			attempts: 3, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				apiErr := wantAPIError(t, err, http.StatusBadGateway, cashfin.ErrServer)
				assert.Equal(t, "Bad Gateway", apiErr.Message)
				assert.Contains(t, string(apiErr.Body), "nginx")
			},
		},
		{
			name: "HTML 504 from a gateway",
			respond: func(_ *faultEnv, c *faultConn) {
				c.reply(http.StatusGatewayTimeout, "text/html", gatewayPage(http.StatusGatewayTimeout))
			},
			attempts: 3, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				wantAPIError(t, err, http.StatusGatewayTimeout, cashfin.ErrServer)
			},
		},
		{
			name:     "503 Retry-After: 1 (honoured), then 201",
			respond:  failFirst(http.StatusServiceUnavailable, seconds("1")),
			opts:     []cashfin.Option{cashfin.WithRetryWait(5*time.Millisecond, 3*second)},
			attempts: 2, minTime: second, maxTime: 4 * second,
			check: func(t *testing.T, _ *faultEnv, got *cashfin.Contact, err error) { require.NoError(t, err) },
		},
		{
			name:     "429 Retry-After: 1 (honoured), then 201",
			respond:  failFirst(http.StatusTooManyRequests, seconds("1")),
			opts:     []cashfin.Option{cashfin.WithRetryWait(5*time.Millisecond, 3*second)},
			attempts: 2, minTime: second, maxTime: 4 * second,
			check: func(t *testing.T, _ *faultEnv, got *cashfin.Contact, err error) { require.NoError(t, err) },
		},
		{
			name:     "503 Retry-After: HTTP date +2s (honoured), then 201",
			respond:  failFirst(http.StatusServiceUnavailable, httpDate(2*second)),
			opts:     []cashfin.Option{cashfin.WithRetryWait(5*time.Millisecond, 3*second)},
			attempts: 2, minTime: 900 * time.Millisecond, maxTime: 5 * second,
			check: func(t *testing.T, _ *faultEnv, got *cashfin.Contact, err error) { require.NoError(t, err) },
		},
		{
			name:     "429 Retry-After: HTTP date +2s (honoured), then 201",
			respond:  failFirst(http.StatusTooManyRequests, httpDate(2*second)),
			opts:     []cashfin.Option{cashfin.WithRetryWait(5*time.Millisecond, 3*second)},
			attempts: 2, minTime: 900 * time.Millisecond, maxTime: 5 * second,
			check: func(t *testing.T, _ *faultEnv, got *cashfin.Contact, err error) { require.NoError(t, err) },
		},
		{
			name:     "503 Retry-After: 120 (over max wait)",
			respond:  always(http.StatusServiceUnavailable, "120"),
			attempts: 1, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				apiErr := wantAPIError(t, err, http.StatusServiceUnavailable, cashfin.ErrServer)
				assert.Equal(t, 120*time.Second, apiErr.RetryAfter)
			},
		},
		{
			name: "429 Retry-After: HTTP date +1h (over max wait)",
			respond: func(_ *faultEnv, c *faultConn) {
				c.jsonError(http.StatusTooManyRequests, "Rate limit exceeded. Try again later.", "Retry-After", httpDate(time.Hour)())
			},
			attempts: 1, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				apiErr := wantAPIError(t, err, http.StatusTooManyRequests, cashfin.ErrRateLimited)
				assert.InDelta(t, time.Hour.Seconds(), apiErr.RetryAfter.Seconds(), 2)
			},
		},
		{
			name:     "503 Retry-After: garbage (backoff 20-40ms)",
			respond:  always(http.StatusServiceUnavailable, "soon, maybe"),
			opts:     []cashfin.Option{cashfin.WithRetryWait(20*time.Millisecond, 40*time.Millisecond)},
			attempts: 3, minTime: 40 * time.Millisecond, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				apiErr := wantAPIError(t, err, http.StatusServiceUnavailable, cashfin.ErrServer)
				assert.Zero(t, apiErr.RetryAfter)
			},
		},
		{
			name:     "429 Retry-After: garbage (backoff 20-40ms)",
			respond:  always(http.StatusTooManyRequests, "-1"),
			opts:     []cashfin.Option{cashfin.WithRetryWait(20*time.Millisecond, 40*time.Millisecond)},
			attempts: 3, minTime: 40 * time.Millisecond, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				apiErr := wantAPIError(t, err, http.StatusTooManyRequests, cashfin.ErrRateLimited)
				assert.Zero(t, apiErr.RetryAfter)
			},
		},
		{
			name: "200 with success:false",
			respond: func(_ *faultEnv, c *faultConn) {
				c.reply(http.StatusOK, "application/json", `{"success":false,"error":"Contact limit reached for your plan"}`)
			},
			attempts: 1, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				apiErr := wantAPIError(t, err, http.StatusOK, cashfin.ErrBadRequest)
				assert.Equal(t, "Contact limit reached for your plan", apiErr.Message)
				assert.NotErrorIs(t, err, cashfin.ErrNotFound)
			},
		},
		redirectCase(http.StatusMovedPermanently),
		redirectCase(http.StatusTemporaryRedirect),
		{
			name:   "60 MiB body with Content-Length",
			serial: true,
			respond: func(_ *faultEnv, c *faultConn) {
				if !c.head(http.StatusOK, "application/json", bigBody) {
					return
				}
				for n := 0; n < bigBody && c.writeBytes(bigChunk); n += len(bigChunk) {
				}
				c.closed = true
			},
			attempts: 1, maxTime: 3 * second, maxHeapGrowth: 20 << 20,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				wantAPIError(t, err, http.StatusOK, cashfin.ErrUnexpectedResponse)
			},
		},
		{
			name:   "60 MiB body, chunked (no Content-Length)",
			serial: true,
			respond: func(_ *faultEnv, c *faultConn) {
				if !c.head(http.StatusOK, "application/json", -1, "Transfer-Encoding", "chunked") {
					return
				}
				for n := 0; n < bigBody && c.writeBytes(bigChunked); n += len(bigChunk) {
				}
				c.write("0\r\n\r\n")
				c.closed = true
			},
			attempts: 1, maxTime: 3 * second, maxHeapGrowth: 20 << 20,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				wantAPIError(t, err, http.StatusOK, cashfin.ErrUnexpectedResponse)
			},
		},
		{
			name: "DNS name does not resolve (cashfin.invalid)",
			base: func(_ *testing.T, e *faultEnv) string {
				e.count = e.logs.attempts
				return "http://cashfin.invalid"
			},
			attempts: 1, maxTime: 5 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				wantTransportError(t, err)
				var dnsErr *net.DNSError
				require.ErrorAs(t, err, &dnsErr)
				if !dnsErr.IsNotFound {
					t.Skipf("this machine's resolver did not answer NXDOMAIN (%v): not the fault under test", dnsErr)
				}
			},
		},
		{
			name: "TLS with an untrusted certificate",
			base: func(t *testing.T, e *faultEnv) string {
				var conns atomic.Int32
				srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					t.Error("the handshake must fail")
				}))
				srv.Config.ErrorLog = log.New(io.Discard, "", 0)
				srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
					if s == http.StateNew {
						conns.Add(1)
					}
				}
				srv.StartTLS()
				t.Cleanup(srv.Close)
				e.count = func() int { return int(conns.Load()) }
				return srv.URL
			},
			attempts: 1, maxTime: 2 * second,
			check: func(t *testing.T, e *faultEnv, _ *cashfin.Contact, err error) {
				require.Error(t, err)
				var unknownCA x509.UnknownAuthorityError
				assert.ErrorAs(t, err, &unknownCA, "the x509 cause is lost: %v", err)
				assert.Equal(t, 1, e.logs.attempts())
			},
		},
		{
			name:     "context cancelled before sending",
			setup:    func(_ *testing.T, e *faultEnv) { e.cancel() },
			attempts: 0, maxTime: second, // attempts: 0 is the point; the time only bounds a hang
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantCanceled(t, err) },
		},
		{
			name: "context cancelled while connecting",
			envOpts: func(t *testing.T, e *faultEnv) []cashfin.Option {
				release := make(chan struct{})
				t.Cleanup(func() { close(release) })
				tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
					e.cancel() // the dial has started: cancel the call, and never connect
					select {
					case <-ctx.Done():
						return nil, ctx.Err()
					case <-release:
						return nil, errors.New("released")
					}
				}}
				t.Cleanup(tr.CloseIdleConnections)
				return []cashfin.Option{cashfin.WithHTTPClient(&http.Client{Transport: tr})}
			},
			attempts: 0, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantCanceled(t, err) },
		},
		{
			name: "context cancelled while waiting for headers",
			respond: func(e *faultEnv, c *faultConn) {
				e.cancel()
				c.hang()
			},
			attempts: 1, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantCanceled(t, err) },
		},
		{
			name: "context cancelled during the body read",
			respond: func(e *faultEnv, c *faultConn) {
				body := createdBody(c.id)
				if c.head(http.StatusCreated, "application/json", len(body)) && c.write(body[:10]) {
					e.cancel()
					c.hang()
				}
			},
			attempts: 1, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantCanceled(t, err) },
		},
		{
			name:     "context cancelled during backoff (10s)",
			respond:  always(http.StatusServiceUnavailable, ""),
			opts:     []cashfin.Option{cashfin.WithRetryWait(10*second, 10*second)},
			setup:    cancelOnBackoff(0),
			attempts: 1, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantCanceled(t, err) },
		},
		{
			name: "context cancelled in rate-limiter wait (first attempt)",
			opts: []cashfin.Option{cashfin.WithRateLimit(0.1)},
			setup: func(t *testing.T, e *faultEnv) {
				// The limiter's only token goes to a first call; the call under test must wait 10s.
				_, err := e.client.Contacts.Create(context.Background(),
					&cashfin.ContactCreateParams{Name: "Warm Up", IdempotencyKey: "warm-up"})
				require.NoError(t, err)
				e.srv.store.reset() // the warm-up's record is not the call's
				timer := time.AfterFunc(100*time.Millisecond, e.cancel)
				t.Cleanup(func() { timer.Stop() })
			},
			attempts: 1, minTime: 50 * time.Millisecond, maxTime: second, // the warm-up's
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantCanceled(t, err) },
		},
		{
			name:     "context cancelled in rate-limiter wait (before a retry)",
			respond:  always(http.StatusServiceUnavailable, ""),
			opts:     []cashfin.Option{cashfin.WithRateLimit(0.1)},
			setup:    cancelOnBackoff(100 * time.Millisecond),
			attempts: 1, minTime: 50 * time.Millisecond, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) { wantCanceled(t, err) },
		},
		{
			name:    "context deadline (300ms) while waiting for headers",
			respond: func(_ *faultEnv, c *faultConn) { c.hang() },
			setup: func(t *testing.T, e *faultEnv) {
				var cancel context.CancelFunc
				e.ctx, cancel = context.WithTimeout(e.ctx, 300*time.Millisecond)
				t.Cleanup(cancel)
			},
			attempts: 1, minTime: 250 * time.Millisecond, maxTime: 2 * second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				require.Error(t, err)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.NotErrorIs(t, err, context.Canceled)
			},
		},
		{
			// Returning well before the deadline shows the call did not sit out the context: the
			// 500 ms between the bound and the deadline is room for a loaded CI machine.
			name:    "context deadline (1.5s) before a Retry-After: 2",
			respond: always(http.StatusServiceUnavailable, "2"),
			opts:    []cashfin.Option{cashfin.WithRetryWait(5*time.Millisecond, 10*second)},
			setup: func(t *testing.T, e *faultEnv) {
				var cancel context.CancelFunc
				e.ctx, cancel = context.WithTimeout(e.ctx, 1500*time.Millisecond)
				t.Cleanup(cancel)
			},
			attempts: 1, maxTime: second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				apiErr := wantAPIError(t, err, http.StatusServiceUnavailable, cashfin.ErrServer)
				assert.Equal(t, 2*time.Second, apiErr.RetryAfter)
				assert.ErrorIs(t, err, context.DeadlineExceeded, "an abandoned retry matches DeadlineExceeded")
			},
		},
	}
}

// redirectCase: a 3xx to another host is reported, never followed, and the other host (which
// would gladly accept the secret) receives nothing.
func redirectCase(status int) faultCase {
	return faultCase{
		name: fmt.Sprintf("%d to another host", status),
		respond: func(e *faultEnv, c *faultConn) {
			c.reply(status, "text/html", "<a>moved</a>", "Location", e.other.URL+createPath+"?token=abc")
		},
		setup: func(t *testing.T, e *faultEnv) {
			e.other = newFaultServer(t, func(c *faultConn) { c.created() })
		},
		attempts: 1, maxTime: time.Second,
		check: func(t *testing.T, e *faultEnv, _ *cashfin.Contact, err error) {
			apiErr := wantAPIError(t, err, status, nil)
			for _, kind := range []error{cashfin.ErrBadRequest, cashfin.ErrNotFound, cashfin.ErrServer, cashfin.ErrUnexpectedResponse} {
				assert.NotErrorIs(t, err, kind)
			}
			assert.Contains(t, apiErr.Message, "unexpected redirect to "+e.other.URL+createPath)
			assert.NotContains(t, err.Error(), "token=abc", "the Location's query is not repeated")
			assert.Zero(t, e.other.accepts.Load(), "the other host was contacted")
			assert.NotContains(t, string(e.other.received()), e.secret)
			assert.Contains(t, string(e.srv.received()), e.secret, "the API host did get the secret")
		},
	}
}

// FuzzAPIError feeds arbitrary answers (status, Retry-After, X-Request-Id, body) to a Get through a
// per-test httpmock transport. Whatever the answer, the call must not panic; a success is a 2xx;
// a failure is an *APIError with the status, the sentinel of its kind and only that one, a body
// cut to 4 KiB, printable message and fields, a non-negative Retry-After, and never the secret,
// even when the server echoes it.
func FuzzAPIError(f *testing.F) {
	contact := `{"success":true,"data":{"_id":"65a5f0c2e4b0a1b2c3d4e5f6","name":"Jane"}}`
	for _, s := range []struct {
		status          int
		retryAfter, rid string
		body            string
	}{
		{200, "", "req-1", contact},
		{200, "", "", `{"success":false,"error":"Contact not found"}`},
		{200, "", "", `{"success":false,"error":"Email is taken","errors":{"email":"taken"}}`},
		{200, "", "", `{"success":true,"data":{"_id":"x"`},
		{200, "", "", `<html>maintenance</html>`},
		{201, "", "", `{"success":true,"data":"` + strings.Repeat("a", 5000) + `"}`},
		{301, "", "", ``},
		{400, "", "", `{"success":false,"error":"There are problems with your submission","errors":{"email":"Email is invalid"}}`},
		{401, "", "", `{"success":false,"message":"Unauthorized access! Key ` + faultSecret + ` is revoked"}`},
		{404, "", "", `{"success":false,"error":"Contact not found"}`},
		{409, "", "", `{"message":"Idempotency-Key reused"}`},
		{418, "", "", `short and stout`},
		{429, "30", "", `{"success":false,"error":"Rate limit exceeded. Try again later.","retry_after":30}`},
		{429, "Wed, 21 Oct 2099 07:28:00 GMT", "", ``},
		{429, "soon", "", `{"retry_after":"1e9"}`},
		{502, "", faultSecret, gatewayPage(502)},
		{503, "-5", "", `{"success":false,"errors":[{"field":"x","message":"\x93"}]}`},
		{599, "", "", strings.Repeat("\xff", 5000)},
	} {
		f.Add(s.status, s.retryAfter, s.rid, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, retryAfter, requestID string, body []byte) {
		if status < 0 {
			status = -(status + 1)
		}
		status = 200 + status%400
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
			resp := httpmock.NewBytesResponse(status, body)
			resp.Header.Set("Retry-After", retryAfter)
			resp.Header.Set("X-Request-Id", requestID)
			return resp, nil
		})
		client, err := cashfin.NewClient(faultSecret, cashfin.WithBaseURL("https://api.test"),
			cashfin.WithHTTPClient(&http.Client{Transport: mt}), cashfin.WithMaxRetries(0))
		require.NoError(t, err)

		got, err := client.Contacts.Get(context.Background(), "65a5f0c2e4b0a1b2c3d4e5f6")
		if err == nil {
			require.NotNil(t, got)
			assert.True(t, status >= 200 && status < 300, "status %d is a success", status)
			return
		}
		assert.Nil(t, got)
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, status, apiErr.StatusCode)
		assert.LessOrEqual(t, len(apiErr.Body), 4<<10)
		assert.GreaterOrEqual(t, apiErr.RetryAfter, time.Duration(0))
		assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
		assert.True(t, utf8.ValidString(apiErr.Message), "message %q", apiErr.Message)
		for k, v := range apiErr.Fields {
			assert.True(t, utf8.ValidString(k) && utf8.ValidString(v), "field %q: %q", k, v)
		}
		assert.NotContains(t, err.Error(), faultSecret)
		assert.NotContains(t, fmt.Sprintf("%+v %s", apiErr, apiErr.Body), faultSecret)

		var matched []error
		for _, kind := range []error{cashfin.ErrBadRequest, cashfin.ErrUnauthorized, cashfin.ErrForbidden,
			cashfin.ErrNotFound, cashfin.ErrConflict, cashfin.ErrRateLimited, cashfin.ErrServer,
			cashfin.ErrUnexpectedResponse, cashfin.ErrInvalidParams} {
			if errors.Is(err, kind) {
				matched = append(matched, kind)
			}
		}
		assert.LessOrEqual(t, len(matched), 1, "more than one kind: %v", matched)
		want := map[int]error{400: cashfin.ErrBadRequest, 422: cashfin.ErrBadRequest, 401: cashfin.ErrUnauthorized,
			403: cashfin.ErrForbidden, 404: cashfin.ErrNotFound, 409: cashfin.ErrConflict, 429: cashfin.ErrRateLimited}[status]
		switch {
		case status >= 200 && status < 300:
			require.Len(t, matched, 1, "a failed 2xx has a kind")
			assert.Contains(t, []error{cashfin.ErrUnexpectedResponse, cashfin.ErrBadRequest, cashfin.ErrNotFound}, matched[0])
		case status >= 500:
			assert.Equal(t, []error{cashfin.ErrServer}, matched)
		case want != nil:
			assert.Equal(t, []error{want}, matched)
		default:
			assert.Empty(t, matched, "status %d has no sentinel", status)
		}
	})
}
