package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cashfin-go/cashfin/cashfintest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// lockedBuffer is a bytes.Buffer safe to write from the server's goroutines while a test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p, under the lock.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mock is a cashfin-mock started by run in this process.
type mock struct {
	url    string
	export string
	stderr *lockedBuffer
	cancel context.CancelFunc
	done   chan error
}

var listening = regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[0-9]+)$`)

// start runs cashfin-mock with args (plus -addr 127.0.0.1:0) and reads its two start-up lines.
func start(t *testing.T, args ...string) *mock {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	m := &mock{stderr: &lockedBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, m.stderr)
		pw.CloseWithError(io.EOF)
		m.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		_ = pr.Close()
		<-m.done
	})

	lines := bufio.NewScanner(pr)
	require.True(t, lines.Scan(), "no start-up line; stderr: %s", m.stderr)
	match := listening.FindStringSubmatch(lines.Text())
	require.NotNil(t, match, "first line %q", lines.Text())
	m.url = match[1]
	require.True(t, lines.Scan(), "no export line")
	m.export = lines.Text()
	return m
}

// stop cancels the mock's context, as SIGINT does, and returns what run returned.
func (m *mock) stop(t *testing.T) error {
	t.Helper()
	m.cancel()
	select {
	case err := <-m.done:
		m.done <- err // for the cleanup
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("cashfin-mock did not shut down within 10s")
		return nil
	}
}

// get sends one GET with the default secret, as curl -H "Authorization: ..." does.
func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", cashfintest.DefaultSecret)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// TestRunServesAndShutsDown starts the mock on a free port, lists its seeded contacts as the
// docs' curl example does, and checks that a cancel (SIGINT) ends it cleanly.
func TestRunServesAndShutsDown(t *testing.T) {
	m := start(t, "-seed", "3")
	assert.Equal(t, "export CASHFIN_BASE_URL="+m.url+" CASHFIN_CLIENT_SECRET="+cashfintest.DefaultSecret, m.export)

	resp, body := get(t, m.url+"/business/contact/list?page=1&limit=10")
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var list struct {
		Success    bool              `json:"success"`
		Data       []json.RawMessage `json:"data"`
		Pagination map[string]int    `json:"pagination"`
	}
	require.NoError(t, json.Unmarshal(body, &list))
	assert.True(t, list.Success)
	assert.Len(t, list.Data, 3)
	assert.Equal(t, map[string]int{"total": 3, "page": 1, "limit": 10, "pages": 1}, list.Pagination)

	resp, body = get(t, m.url+"/business/customer/list")
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.NoError(t, json.Unmarshal(body, &list))
	assert.Len(t, list.Data, 3, "-seed N seeds N customers too")

	require.NoError(t, m.stop(t))
	logs := m.stderr.String()
	assert.Contains(t, logs, "GET /business/contact/list 200 ")
	assert.NotContains(t, logs, cashfintest.DefaultSecret, "the log must never hold the Authorization header")
	assert.NotContains(t, logs, "limit=10", "the log holds the path, not the query")
}

// TestRunShutdownIsGraceful checks that a signal (here the context ending, as in main) lets a
// request in flight finish: run returns only once it is answered, and the client gets its 200.
func TestRunShutdownIsGraceful(t *testing.T) {
	started := make(chan struct{}, 1)
	testHookRequestStarted = func() { started <- struct{}{} }
	defer func() { testHookRequestStarted = nil }()
	m := start(t, "-latency", "300ms")

	answered := make(chan error, 1)
	go func() {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		req, err := http.NewRequest(http.MethodGet, m.url+"/business/contact/list", nil)
		if err != nil {
			answered <- err
			return
		}
		req.Header.Set("Authorization", cashfintest.DefaultSecret)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			answered <- err
			return
		}
		defer resp.Body.Close()
		if _, err := io.ReadAll(resp.Body); err != nil {
			answered <- err
			return
		}
		if resp.StatusCode != http.StatusOK {
			answered <- errors.New(resp.Status)
			return
		}
		answered <- nil
	}()
	<-started // the request is in the handler, waiting out the latency
	require.NoError(t, m.stop(t))
	logs := m.stderr.String()
	down := strings.Index(logs, "shutting down")
	served := strings.Index(logs, "GET /business/contact/list 200 ")
	require.GreaterOrEqual(t, down, 0, logs)
	assert.Greater(t, served, down, "run returned after answering the request in flight: %s", logs)
	select {
	case err := <-answered:
		assert.NoError(t, err, "the request in flight at the signal got its answer")
	case <-time.After(10 * time.Second):
		t.Fatal("the request in flight was never answered")
	}
}

// TestRunIgnoresTheEnvironment checks that -secret is never read from the environment: a real
// secret exported for the SDK or the CLI is neither accepted nor printed by the fake.
func TestRunIgnoresTheEnvironment(t *testing.T) {
	const real = "cs_live_a_real_secret"
	t.Setenv("CASHFIN_CLIENT_SECRET", real)
	m := start(t)
	assert.Equal(t, "export CASHFIN_BASE_URL="+m.url+" CASHFIN_CLIENT_SECRET="+cashfintest.DefaultSecret, m.export)
	resp, body := get(t, m.url+"/business/contact/list") // sends the default secret
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.NoError(t, m.stop(t))
	assert.NotContains(t, m.stderr.String(), real)
}

// TestRunFlags checks that each flag reaches the fake.
func TestRunFlags(t *testing.T) {
	t.Run("secret", func(t *testing.T) {
		m := start(t, "-secret", "cs_live_$weird'one")
		assert.True(t, strings.HasSuffix(m.export, ` CASHFIN_CLIENT_SECRET='cs_live_$weird'\''one'`), m.export)
		resp, _ := get(t, m.url+"/business/contact/list") // sends the default secret
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.NotContains(t, m.stderr.String(), "weird")
	})
	t.Run("rate-limit", func(t *testing.T) {
		m := start(t, "-rate-limit", "7")
		resp, _ := get(t, m.url+"/business/contact/list")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "7", resp.Header.Get("X-RateLimit-Limit"))
	})
	t.Run("plan", func(t *testing.T) {
		m := start(t, "-plan", "50,3,1000")
		// Four requests in one clock minute: three admitted, the fourth refused. Should a minute
		// end among them (each response says which window it counts in), try again in the next.
		for try := 0; ; try++ {
			require.Less(t, try, 3, "three tries each crossed a minute boundary")
			var resps []*http.Response
			for _, path := range []string{"contact/list", "contact/list", "customer/list", "customer/list"} {
				resp, _ := get(t, m.url+"/business/"+path)
				resps = append(resps, resp)
			}
			if resps[0].Header.Get("X-RateLimit-Reset") != resps[3].Header.Get("X-RateLimit-Reset") {
				continue
			}
			for i, resp := range resps[:3] {
				require.Equal(t, http.StatusOK, resp.StatusCode, "request %d", i)
				assert.Equal(t, "3", resp.Header.Get("X-RateLimit-Limit"), "the minute window is the closest to exhaustion")
				assert.Equal(t, strconv.Itoa(2-i), resp.Header.Get("X-RateLimit-Remaining"))
			}
			assert.Equal(t, http.StatusTooManyRequests, resps[3].StatusCode)
			assert.NotEmpty(t, resps[3].Header.Get("Retry-After"))
			assert.Contains(t, m.stderr.String(), "GET /business/customer/list 429 ", "the log counts the 429s")
			return
		}
	})
	t.Run("no rate limit by default", func(t *testing.T) {
		m := start(t)
		resp, body := get(t, m.url+"/business/contact/list")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Empty(t, resp.Header.Get("X-RateLimit-Limit"))
		assert.JSONEq(t, `{"success":true,"data":[],"pagination":{"total":0,"page":1,"limit":10,"pages":0}}`, string(body))
	})
	t.Run("latency", func(t *testing.T) {
		m := start(t, "-latency", "150ms")
		begin := time.Now()
		resp, _ := get(t, m.url+"/business/contact/list")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.GreaterOrEqual(t, time.Since(begin), 150*time.Millisecond)
	})
}

// TestRunRejectsBadCommandLines checks that bad flags fail before anything listens.
func TestRunRejectsBadCommandLines(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-seed", "-1"}, "-seed must be between"},
		{[]string{"-seed", "2000000"}, "-seed must be between"},
		{[]string{"-secret", ""}, "-secret must be non-empty"},
		{[]string{"-secret", "cs test"}, "-secret must be non-empty"},
		{[]string{"-latency", "-1s"}, "-latency must not be negative"},
		{[]string{"-rate-limit", "-3"}, "-rate-limit must not be negative"},
		{[]string{"-plan", "5,60"}, "want three limits"},
		{[]string{"-plan", "5,60,1000,1"}, "want three limits"},
		{[]string{"-plan", "5,-1,1000"}, `limit "-1" is not a whole number`},
		{[]string{"-plan", "5,x,1000"}, `limit "x" is not a whole number`},
		{[]string{"-plan", ""}, "want three limits"},
		{[]string{"-plan", "5,60,1000", "-rate-limit", "5"}, "give -plan or -rate-limit, not both"},
		{[]string{"-rate-limit", "0", "-plan", "5,60,1000"}, "give -plan or -rate-limit, not both"},
		{[]string{"-latency", "soon"}, "invalid value"},
		{[]string{"-nope"}, "flag provided but not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"-addr", "256.0.0.1:http-nope"}, ""}, // a listen error, not a usage error
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, &stdout, &stderr)
			require.Error(t, err)
			assert.Empty(t, stdout.String(), "nothing is announced when the command line is bad")
			var usage usageError
			if tt.want == "" {
				assert.False(t, errors.As(err, &usage), "%v", err)
				return
			}
			require.ErrorAs(t, err, &usage)
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-h"}, io.Discard, &stderr)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, stderr.String(), "-rate-limit")
	assert.Contains(t, stderr.String(), "-plan PS,PM,PD")
}

// TestExposureWarning checks the warning for each kind of address, without listening anywhere
// but on loopback: binding to every interface is what the warning is about.
func TestExposureWarning(t *testing.T) {
	tests := []struct {
		ip      string
		warn    bool
		address string
	}{
		{"127.0.0.1", false, ""},
		{"127.8.9.10", false, ""},
		{"::1", false, ""},
		{"0.0.0.0", true, "0.0.0.0:8080"},
		{"::", true, "[::]:8080"},
		{"192.168.1.20", true, "192.168.1.20:8080"},
		{"10.0.0.5", true, "10.0.0.5:8080"},
		{"2001:db8::1", true, "[2001:db8::1]:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			a := &net.TCPAddr{IP: net.ParseIP(tt.ip), Port: 8080}
			got := exposureWarning(a, true)
			if !tt.warn {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, "cashfin-mock: warning: listening on "+tt.address+", which is not a loopback address: "+
				"anyone who can reach it can use it: its default secret is public (see -secret)", got)
			other := exposureWarning(a, false)
			assert.Contains(t, other, "not a loopback address")
			assert.NotContains(t, other, "default secret is public", "a secret of your own is not public")
		})
	}
}

// TestRunWarnsOnlyOffLoopback checks that a mock on loopback prints no warning, and that run
// prints the warning, on standard error only, when the listener is not on loopback (simulated:
// the test never listens off loopback).
func TestRunWarnsOnlyOffLoopback(t *testing.T) {
	m := start(t)
	require.NoError(t, m.stop(t))
	assert.NotContains(t, m.stderr.String(), "warning")

	defer func(orig func(net.Addr, bool) string) { warnFor = orig }(warnFor)
	var seen net.Addr
	warnFor = func(a net.Addr, defaultSecret bool) string {
		seen = a
		return exposureWarning(&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, defaultSecret)
	}
	m = start(t)
	require.NoError(t, m.stop(t))
	require.NotNil(t, seen)
	assert.Contains(t, m.stderr.String(), "cashfin-mock: warning: listening on 0.0.0.0:8080, which is not a loopback address")
	assert.NotContains(t, m.stderr.String(), cashfintest.DefaultSecret, "the warning names no secret")
	assert.NotContains(t, m.export, "warning", "standard output keeps its two lines")
}

// TestRunFailsOnBusyAddress checks that a second mock on the same port reports the listen error.
func TestRunFailsOnBusyAddress(t *testing.T) {
	m := start(t)
	err := run(context.Background(), []string{"-addr", strings.TrimPrefix(m.url, "http://")}, io.Discard, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "address already in use")
}
