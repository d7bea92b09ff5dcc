package cashfin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// canarySecret is a recognisable client secret: the sweep below fails wherever it shows up.
const canarySecret = "cs_live_SECRET_CANARY_9f8e7d"

// assertNoSecret fails if secret appears in any rendering of any of vs: %v, %+v, %#v, %s, JSON,
// and Error() for errors.
func assertNoSecret(t *testing.T, secret, where string, vs ...any) {
	t.Helper()
	for i, v := range vs {
		renderings := map[string]string{
			"%v":  fmt.Sprintf("%v", v),
			"%+v": fmt.Sprintf("%+v", v),
			"%#v": fmt.Sprintf("%#v", v),
			"%s":  fmt.Sprintf("%s", v),
			"%q":  fmt.Sprintf("%q", v),
			"%x":  fmt.Sprintf("%x", v),
			"%d":  fmt.Sprintf("%d", v),
		}
		if err, ok := v.(error); ok && err != nil {
			renderings["Error()"] = err.Error()
		}
		if b, err := json.Marshal(v); err == nil {
			renderings["JSON"] = string(b)
		}
		for verb, s := range renderings {
			assert.NotContains(t, s, secret, "%s: value %d (%T) shows the secret in %s", where, i, v, verb)
		}
	}
}

// TestSecretNeverLeaks drives every failure path with a recognisable secret and a Debug logger,
// and looks for the secret in every error, log record, formatted value and panic message.
func TestSecretNeverLeaks(t *testing.T) {
	t.Run("NewClient errors", func(t *testing.T) {
		// Not parallel: it sets CASHFIN_BASE_URL.
		for name, newClient := range map[string]func() (*cashfin.Client, error){
			"Bearer prefix":        func() (*cashfin.Client, error) { return cashfin.NewClient("Bearer " + canarySecret) },
			"pasted newline":       func() (*cashfin.Client, error) { return cashfin.NewClient(canarySecret + "\n") },
			"tab inside":           func() (*cashfin.Client, error) { return cashfin.NewClient("cs_live_\t" + canarySecret[8:]) },
			"invalid UTF-8":        func() (*cashfin.Client, error) { return cashfin.NewClient(canarySecret + "\xff") },
			"NUL inside":           func() (*cashfin.Client, error) { return cashfin.NewClient(canarySecret + "\x00") },
			"credentials in URL":   withBase("https://user:" + canarySecret + "@api.cashfin.africa"),
			"secret as URL user":   withBase("https://" + canarySecret + "@api.cashfin.africa"),
			"secret in URL query":  withBase("https://api.cashfin.africa/?key=" + canarySecret),
			"secret in fragment":   withBase("https://api.cashfin.africa/#" + canarySecret),
			"bad scheme with user": withBase("ftp://" + canarySecret + "@api.cashfin.africa"),
			"unparseable URL":      withBase("https://api.cashfin.africa/%zz" + canarySecret),
			"control char in URL":  withBase("https://api.cashfin.africa/\x7f" + canarySecret),
			"bad host in URL":      withBase("https://[::1" + canarySecret),
			"user agent with secret": func() (*cashfin.Client, error) {
				return cashfin.NewClient(canarySecret, cashfin.WithUserAgent("app/1\n"+canarySecret))
			},
			"env base URL with credentials": func() (*cashfin.Client, error) {
				t.Setenv(cashfin.EnvBaseURL, "https://u:"+canarySecret+"@api.cashfin.africa")
				return cashfin.NewClient(canarySecret)
			},
			"env base URL with query": func() (*cashfin.Client, error) {
				t.Setenv(cashfin.EnvBaseURL, "https://api.cashfin.africa?k="+canarySecret)
				return cashfin.NewClient(canarySecret)
			},
			"env secret with newline": func() (*cashfin.Client, error) {
				t.Setenv(cashfin.EnvClientSecret, canarySecret+"\r\n")
				return cashfin.NewClient("")
			},
		} {
			c, err := newClient()
			require.Error(t, err, name)
			assert.Nil(t, c, name)
			assertNoSecret(t, canarySecret, "NewClient: "+name, err)
		}
	})

	t.Run("formatted values", func(t *testing.T) {
		t.Parallel()
		logs := newFaultLogs()
		client, err := cashfin.NewClient(canarySecret, cashfin.WithLogger(slog.New(logs)),
			cashfin.WithBaseURL("https://api.cashfin.africa/v1"), cashfin.WithRateLimit(5),
			cashfin.WithHTTPClient(&http.Client{Timeout: time.Second}), cashfin.WithUserAgent("acme/1"))
		require.NoError(t, err)
		active := true
		assertNoSecret(t, canarySecret, "exported values",
			client, *client, client.Contacts, *client.Contacts,
			cashfin.Contact{ID: "65a5f0c2e4b0a1b2c3d4e5f6", Name: "Jane", Active: &active, CreatedAt: time.Now()},
			cashfin.ContactCreateParams{Name: "Jane", IdempotencyKey: "k1"},
			&cashfin.ContactListParams{Page: 2, Limit: 10, Search: "jane"},
			cashfin.Page[cashfin.Contact]{Data: []cashfin.Contact{{Name: "Jane"}}, Pagination: cashfin.Pagination{Total: 1, Page: 1, Limit: 10, Pages: 1}},
			&cashfin.Pagination{Total: 1},
			&cashfin.APIError{StatusCode: 401, Message: "Unauthorized access!", Method: "GET", Path: "/business/contact/list"},
		)
		assert.NotContains(t, logs.String(), canarySecret)
	})

	t.Run("validation errors", func(t *testing.T) {
		t.Parallel()
		logs := newFaultLogs()
		client, err := cashfin.NewClient(canarySecret, cashfin.WithLogger(slog.New(logs)),
			cashfin.WithBaseURL("http://127.0.0.1:1"))
		require.NoError(t, err)
		ctx := context.Background()
		_, err1 := client.Contacts.Create(ctx, nil)
		_, err2 := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "  "})
		_, err3 := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane", IdempotencyKey: "bad\nkey"})
		_, err4 := client.Contacts.Get(ctx, "not-an-id")
		_, err5 := client.Contacts.List(ctx, &cashfin.ContactListParams{Page: -1})
		_, err6 := client.Contacts.List(ctx, &cashfin.ContactListParams{Limit: 101})
		var err7 error
		for _, err := range client.Contacts.ListAll(ctx, &cashfin.ContactListParams{Limit: -1}) {
			err7 = err
		}
		for i, err := range []error{err1, err2, err3, err4, err5, err6, err7} {
			require.ErrorIs(t, err, cashfin.ErrInvalidParams, "error %d", i+1)
			assertNoSecret(t, canarySecret, fmt.Sprintf("validation error %d", i+1), err)
		}
		assert.NotContains(t, logs.String(), canarySecret)
	})

	t.Run("fake API: 401, 404, 400, 409, 429, injected 5xx, and success", func(t *testing.T) {
		t.Parallel()
		srv := cashfintest.NewServer(cashfintest.WithRateLimit(1000))
		t.Cleanup(srv.Close)
		logs := newFaultLogs()
		ctx := context.Background()
		wrong, err := cashfin.NewClient(canarySecret, cashfin.WithBaseURL(srv.URL),
			cashfin.WithLogger(slog.New(logs)), cashfin.WithRetryWait(time.Millisecond, 5*time.Millisecond))
		require.NoError(t, err)
		_, err = wrong.Contacts.List(ctx, nil)
		require.ErrorIs(t, err, cashfin.ErrUnauthorized)
		assertSweep(t, canarySecret, "401", err)

		// The same secret, accepted: every other answer the fake can give.
		fake := cashfintest.NewServer(cashfintest.WithSecret(canarySecret))
		t.Cleanup(fake.Close)
		client := fake.Client(cashfin.WithLogger(slog.New(logs)), cashfin.WithMaxRetries(1))
		var errs []error
		created, err := client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane", Email: "jane@acme.co.ke"})
		require.NoError(t, err)
		got, err := client.Contacts.Get(ctx, created.ID)
		require.NoError(t, err)
		page, err := client.Contacts.List(ctx, nil)
		require.NoError(t, err)
		assertNoSecret(t, canarySecret, "results", created, got, page)

		_, err = client.Contacts.Get(ctx, "65a5f0c2e4b0a1b2c3d4e5f6")
		errs = append(errs, err)
		_, err = client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "Jane", Email: "not-an-email"})
		errs = append(errs, err)
		_, err = client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "A", IdempotencyKey: "same"})
		require.NoError(t, err)
		_, err = client.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: "B", IdempotencyKey: "same"})
		errs = append(errs, err)

		limited := cashfintest.NewServer(cashfintest.WithSecret(canarySecret), cashfintest.WithRateLimit(1))
		t.Cleanup(limited.Close)
		// srv.Client waits out a per-second window; a retry wait shorter than the window makes
		// this one refuse, so the refusal's error is swept too.
		strict := limited.Client(cashfin.WithLogger(slog.New(logs)), cashfin.WithMaxRetries(0),
			cashfin.WithRetryWait(time.Millisecond, 10*time.Millisecond))
		for range 5 { // over the fake's 1 request a second
			if _, err = strict.Contacts.List(ctx, nil); err != nil {
				break
			}
		}
		errs = append(errs, err)
		fake.FailNext(2, http.StatusInternalServerError)
		_, err = client.Contacts.Get(ctx, created.ID)
		errs = append(errs, err)
		for i, want := range []error{cashfin.ErrNotFound, cashfin.ErrBadRequest, cashfin.ErrConflict, cashfin.ErrRateLimited, cashfin.ErrServer} {
			require.ErrorIs(t, errs[i], want)
			assertSweep(t, canarySecret, want.Error(), errs[i])
		}
		assert.NotContains(t, logs.String(), canarySecret)
		assert.Contains(t, logs.String(), "cashfin: http attempt", "the Debug logger was not used")
	})

	t.Run("a server echoing the secret back", func(t *testing.T) {
		t.Parallel()
		echo := func(_ *faultEnv, c *faultConn) {
			auth := c.req.Header.Get("Authorization")
			switch c.n {
			case 1: // a gateway page that shows the request's headers
				c.reply(http.StatusBadGateway, "text/html", "<pre>Authorization: "+auth+"</pre>", "X-Request-Id", auth)
			case 2: // an error envelope quoting it
				c.reply(http.StatusBadRequest, "application/json",
					fmt.Sprintf(`{"success":false,"error":"bad key %s","errors":{"authorization":"%s is revoked"}}`, auth, auth))
			}
		}
		res, e, err := runFault(t, faultCase{
			name: "echo", respond: echo, attempts: 2, maxTime: 2 * time.Second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				wantAPIError(t, err, http.StatusBadRequest, cashfin.ErrBadRequest)
			},
		}, canarySecret)
		assertSweep(t, canarySecret, res.name, err)
		assert.NotContains(t, e.logs.String(), canarySecret)
	})

	t.Run("a 2xx echoing the secret back", func(t *testing.T) {
		t.Parallel()
		for _, fc := range []struct {
			name, contentType, body string
			kind                    error
		}{
			{"success:false quoting it", "application/json", `{"success":false,"error":"key %s is over its quota"}`, cashfin.ErrBadRequest},
			{"not an envelope, quoting it", "text/html", `<p>Welcome, %s</p>`, cashfin.ErrUnexpectedResponse},
		} {
			res, e, err := runFault(t, faultCase{
				name: fc.name,
				respond: func(_ *faultEnv, c *faultConn) {
					c.reply(http.StatusOK, fc.contentType, fmt.Sprintf(fc.body, c.req.Header.Get("Authorization")))
				},
				attempts: 1, maxTime: 2 * time.Second,
				check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
					apiErr := wantAPIError(t, err, http.StatusOK, fc.kind)
					assert.Contains(t, string(apiErr.Body), "[redacted]", "the body is kept, without the secret")
				},
			}, canarySecret)
			assertSweep(t, canarySecret, res.name, err)
			assert.NotContains(t, e.logs.String(), canarySecret)
		}
	})

	t.Run("a malformed answer quoting the secret", func(t *testing.T) {
		t.Parallel()
		_, e, err := runFault(t, faultCase{
			name: "malformed status line",
			respond: func(_ *faultEnv, c *faultConn) {
				c.write("HTTP/1.1 " + c.req.Header.Get("Authorization") + "\r\n\r\n")
				c.closed = true
			},
			opts:     []cashfin.Option{cashfin.WithMaxRetries(0)},
			attempts: 1, maxTime: 2 * time.Second,
			check: func(t *testing.T, _ *faultEnv, _ *cashfin.Contact, err error) {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "malformed HTTP status code", "the cause is lost")
			},
		}, canarySecret)
		// The chain under err is net/http's own errors, rebuilt without the secret they quoted:
		// what errors.As and errors.Unwrap reach is as clean as what is printed and logged.
		assertSweep(t, canarySecret, "malformed answer", err)
		assertNoForm(t, canarySecret, "malformed answer", err)
		var netErr net.Error
		assert.ErrorAs(t, err, &netErr, "the cause is lost")
		assert.NotContains(t, e.logs.String(), canarySecret)
	})

	t.Run("fault matrix", func(t *testing.T) {
		t.Parallel()
		for _, tc := range faultCases() {
			if tc.serial {
				continue // the 60 MiB rows measure memory: they run alone in TestFaults
			}
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				_, e, err := runFault(t, tc, canarySecret)
				assertSweep(t, canarySecret, tc.name, err)
				assert.NotContains(t, e.logs.String(), canarySecret, "a log record shows the secret")
				if e.other != nil {
					assert.NotContains(t, string(e.other.received()), canarySecret, "the redirect target got the secret")
				}
			})
		}
	})

	t.Run("panic messages", func(t *testing.T) {
		t.Parallel()
		for name, f := range map[string]func(){
			"fake with a bad secret": func() { cashfintest.NewServer(cashfintest.WithSecret(canarySecret + "\n")).Close() },
			"fake client with a bad option": func() {
				srv := cashfintest.NewServer(cashfintest.WithSecret(canarySecret))
				defer srv.Close()
				srv.Client(cashfin.WithUserAgent("bad\n" + canarySecret))
			},
		} {
			msg := panicMessage(f)
			require.NotEmpty(t, msg, "%s: want a panic", name)
			assert.NotContains(t, msg, canarySecret, name)
		}
	})
}

// assertSweep checks an error returned by a call, every error in its chain (the SDK's own and the
// standard library's), and the *APIError inside it, if any.
func assertSweep(t *testing.T, secret, where string, err error) {
	t.Helper()
	assertNoSecret(t, secret, where, err)
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		assert.NotContains(t, u.Error(), secret, "%s: a cause (%T) shows the secret", where, u)
	}
	var apiErr *cashfin.APIError
	if errors.As(err, &apiErr) {
		assertNoSecret(t, secret, where+" (*APIError)", apiErr, *apiErr, apiErr.Message, string(apiErr.Body),
			apiErr.RequestID, apiErr.Fields)
	}
}

// panicMessage runs f and returns what it panicked with, rendered, or "" if it did not panic.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("%v %+v %#v", r, r, r)
			if msg == "" {
				msg = "panic"
			}
		}
	}()
	f()
	return ""
}

func withBase(raw string) func() (*cashfin.Client, error) {
	return func() (*cashfin.Client, error) {
		return cashfin.NewClient(canarySecret, cashfin.WithBaseURL(raw))
	}
}

// TestWithHeaderErrorsDoNotQuoteTheKey: a secret passed as WithHeader's key by mistake (the
// arguments swapped, or "key=secret" pasted whole) is refused without the error repeating it,
// whether NewClient or a call refuses it. Secrets may hold "/", "+", "=" and "%", which are not
// token characters; one that is all token characters is refused for its value instead.
func TestWithHeaderErrorsDoNotQuoteTheKey(t *testing.T) {
	t.Parallel()
	const secret = "cs_live_a/b+c=d%e_CANARY"
	for name, opt := range map[string]cashfin.CallOption{
		"secret as key":            cashfin.WithHeader(secret, "X-Api-Key"),
		"key=secret":               cashfin.WithHeader("X-Api-Key="+secret, ""),
		"token secret, bad value":  cashfin.WithHeader(canarySecret, "a\nb"),
		"token secret and a colon": cashfin.WithHeader(canarySecret+":", "x"),
	} {
		_, err := cashfin.NewClient(secret, opt)
		require.Error(t, err, name)
		assertSweep(t, secret, name+": NewClient", err)
		assertSweep(t, canarySecret, name+": NewClient", err)
		assert.NotContains(t, strings.ToLower(err.Error()), strings.ToLower(canarySecret), name+": NewClient, in another case")

		c, err := cashfin.NewClient(secret, cashfin.WithBaseURL("http://127.0.0.1:1"))
		require.NoError(t, err)
		_, err = c.Contacts.Get(context.Background(), testID, opt)
		require.ErrorIs(t, err, cashfin.ErrInvalidParams, name)
		assertSweep(t, secret, name+": Get", err)
		assertSweep(t, canarySecret, name+": Get", err)
		assert.NotContains(t, strings.ToLower(err.Error()), strings.ToLower(canarySecret), name+": Get, in another case")
	}
}
