package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// result is what one run of the command left behind.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs the command in-process against a base URL and secret.
type cli struct {
	t        *testing.T
	baseURL  string
	secret   string
	stdin    string
	terminal bool
	width    int // the terminal's width in columns, 0 for unknown
	opts     []cashfin.Option
	vars     map[string]string // other environment variables
	announce time.Duration     // the shortest pause said on standard error; 0 for the default
	abort    context.Context   // ended by a second Ctrl-C; nil for never
}

// newCLI returns a runner pointed at srv (or at nothing, when srv is nil), with fast retries and
// pauses, and an HTTP transport whose connections are closed when the test ends.
func newCLI(t *testing.T, srv *cashfintest.Server) *cli {
	c := &cli{t: t}
	if srv != nil {
		c.baseURL, c.secret = srv.URL, srv.Secret
	}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
	}
	t.Cleanup(tr.CloseIdleConnections)
	c.opts = []cashfin.Option{
		cashfin.WithHTTPClient(&http.Client{Transport: tr}),
		cashfin.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}
	return c
}

func (c *cli) env(name string) string {
	switch name {
	case cashfin.EnvClientSecret:
		return c.secret
	case cashfin.EnvBaseURL:
		return c.baseURL
	}
	return c.vars[name]
}

// run runs "cashfin args..." with ctx.
func (c *cli) runCtx(ctx context.Context, args ...string) result {
	var stdout, stderr bytes.Buffer
	a := &app{
		stdin:         strings.NewReader(c.stdin),
		stdout:        &stdout,
		stderr:        &stderr,
		env:           c.env,
		isTerminal:    func(io.Writer) bool { return c.terminal },
		termWidth:     func() int { return c.width },
		clientOptions: c.opts,
		pauseMin:      5 * time.Millisecond,
		announceMin:   c.announce,
		tick:          time.Millisecond,
		abort:         c.abort,
	}
	code := a.run(ctx, args)
	return result{code, stdout.String(), stderr.String()}
}

func (c *cli) run(args ...string) result {
	return c.runCtx(context.Background(), args...)
}

// writeFile writes content to a file named name in a fresh temporary directory.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// newServer starts a fake API closed at the end of the test.
func newServer(t *testing.T, opts ...cashfintest.Option) *cashfintest.Server {
	srv := cashfintest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// summaryLine is the final line of an import's standard error.
func summaryLine(stderr string) string {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	return lines[len(lines)-1]
}
