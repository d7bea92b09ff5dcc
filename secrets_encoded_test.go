package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/internal/redacttest"
)

// echoScenarios are the ways a loopback server echoes the secret, in the form enc, into what the
// SDK turns into an error. Each is reached by a Get of its own ID, except the page walk.
var echoScenarios = []struct {
	name    string
	respond func(c *faultConn, enc string)
}{
	{"401 envelope, fields and request ID", func(c *faultConn, enc string) {
		c.reply(http.StatusUnauthorized, "application/json",
			`{"success":false,"error":"bad key `+enc+`","errors":{"`+enc+`":"`+enc+` is revoked"}}`, "X-Request-Id", enc)
	}},
	{"502 gateway page", func(c *faultConn, enc string) {
		c.reply(http.StatusBadGateway, "text/html", "<pre>Authorization: "+enc+"</pre>", "X-Request-Id", "rid-"+enc)
	}},
	{"200 success:false", func(c *faultConn, enc string) {
		c.reply(http.StatusOK, "application/json", `{"success":false,"message":"key `+enc+` is over its quota"}`)
	}},
	{"200 not an envelope", func(c *faultConn, enc string) {
		c.reply(http.StatusOK, "text/html", "<p>Welcome, "+enc+"</p>")
	}},
	{"200 data:null", func(c *faultConn, enc string) {
		c.reply(http.StatusOK, "application/json", `{"success":true,"data":null,"message":"hello `+enc+`"}`, "X-Request-Id", enc)
	}},
	{"redirect", func(c *faultConn, enc string) {
		c.reply(http.StatusFound, "text/plain", "", "Location", "https://elsewhere.test/"+enc+"?k="+enc)
	}},
	{"429 with a huge Retry-After", func(c *faultConn, enc string) {
		c.reply(http.StatusTooManyRequests, "application/json", `{"success":false,"error":"`+enc+`"}`,
			"Retry-After", "1000000000000000000", "X-Request-Id", enc)
	}},
	{"503, retried", func(c *faultConn, enc string) {
		c.reply(http.StatusServiceUnavailable, "application/json", `{"success":false,"error":"`+enc+`"}`, "X-Request-Id", enc)
	}},
	{"malformed status line", func(c *faultConn, enc string) {
		c.write("HTTP/1.1 " + enc + "\r\n\r\n")
		c.closed = true
	}},
	{"malformed Content-Length", func(c *faultConn, enc string) {
		c.write("HTTP/1.1 200 OK\r\nContent-Length: " + enc + "\r\n\r\n")
		c.closed = true
	}},
}

// TestSecretNeverLeaksInAnyEncoding runs every echo scenario, for secrets holding / + & = % " \
// and é, with the server echoing the secret in every encoding of redacttest.Encodings, and looks
// for any of those forms in the error, every error in its chain, what errors.As finds, every
// *APIError field, and the log.
func TestSecretNeverLeaksInAnyEncoding(t *testing.T) {
	t.Parallel()
	sweepEchoes(t, func(c *faultConn, enc string) bool {
		if !strings.HasSuffix(c.req.URL.Path, "/list") {
			return false
		}
		// A cache that ignores the page, echoing the secret in the body.
		c.reply(http.StatusOK, "application/json", `{"success":true,"message":"`+enc+`","data":`+
			contactsJSON(0, 2)+`,"pagination":{"total":10,"page":1,"limit":2,"pages":5}}`, "X-Request-Id", enc)
		return true
	}, func(t *testing.T, secret, _ string, client *cashfin.Client, logs *faultLogs) {
		ctx := context.Background()
		for i, sc := range echoScenarios {
			_, err := client.Contacts.Get(ctx, contactID(i))
			require.Error(t, err, sc.name)
			assertNoForm(t, secret, sc.name, err)
		}
		var walkErr error
		for _, err := range client.Contacts.ListAll(ctx, &cashfin.ContactListParams{Limit: 2}) {
			walkErr = err
		}
		require.ErrorIs(t, walkErr, cashfin.ErrUnexpectedResponse)
		assertNoForm(t, secret, "page walk", walkErr)
		assert.Empty(t, redacttest.Shows(secret, "log", logs.String()))
		assert.Contains(t, logs.String(), "cashfin: http attempt")
	})
}

// sweepEchoes runs check in a parallel subtest for every secret of redacttest.Secrets and each
// of its encodings (in a stable order), with a client that logs to logs and retries once, against
// a loopback server that answers a request with special when it returns true, else with the echo
// scenario whose index (in hex) ends the request's path.
func sweepEchoes(t *testing.T, special func(c *faultConn, enc string) bool,
	check func(t *testing.T, secret, enc string, client *cashfin.Client, logs *faultLogs)) {
	for _, secret := range redacttest.Secrets {
		encodings := redacttest.Encodings(secret)
		for _, encName := range slices.Sorted(maps.Keys(encodings)) {
			enc := encodings[encName]
			t.Run(fmt.Sprintf("%q/%s", secret, encName), func(t *testing.T) {
				t.Parallel()
				srv := newFaultServer(t, func(c *faultConn) {
					if special(c, enc) {
						return
					}
					var i int
					fmt.Sscanf(c.req.URL.Path[strings.LastIndexByte(c.req.URL.Path, '/')+1:], "%x", &i)
					echoScenarios[i].respond(c, enc)
				})
				logs := newFaultLogs()
				client, err := cashfin.NewClient(secret, cashfin.WithBaseURL(srv.URL), fast(),
					cashfin.WithMaxRetries(1), cashfin.WithLogger(slog.New(logs)))
				require.NoError(t, err)
				check(t, secret, enc, client, logs)
			})
		}
	}
}

// assertNoForm fails where any form of secret shows in err: its chain (errors.Unwrap, single and
// multiple), what errors.As finds (*url.Error, net.Error, *net.OpError, ...), and each field of
// the *APIError, if any, printed with %v, %+v, %#v, %q and %s.
func assertNoForm(t *testing.T, secret, where string, err error) {
	t.Helper()
	leaks := redacttest.Leaks(secret, err)
	var apiErr *cashfin.APIError
	if errors.As(err, &apiErr) {
		for field, v := range map[string]any{"APIError": apiErr, "*APIError": *apiErr, "Message": apiErr.Message,
			"Fields": apiErr.Fields, "RequestID": apiErr.RequestID, "Path": apiErr.Path, "Body": string(apiErr.Body)} {
			leaks = append(leaks, redacttest.Shows(secret, field, v)...)
		}
	}
	assert.Empty(t, leaks, "%s: %v", where, err)
}
