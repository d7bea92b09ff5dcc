package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

const testSecret = "cs_test_0123456789abcdef"

// newMockClient returns a client whose requests go to a per-test httpmock transport.
func newMockClient(t *testing.T, opts ...cashfin.Option) (*cashfin.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]cashfin.Option{
		cashfin.WithBaseURL("https://api.test"),
		cashfin.WithHTTPClient(&http.Client{Transport: mt}),
	}, opts...)
	c, err := cashfin.NewClient(testSecret, opts...)
	require.NoError(t, err)
	return c, mt
}

func TestGetSendsAuthAndDecodes(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, "https://api.test/business/contact/details/507f1f77bcf86cd799439045",
		func(r *http.Request) (*http.Response, error) {
			assert.Equal(t, testSecret, r.Header.Get("Authorization"))
			return httpmock.NewStringResponse(200, `{"success":true,"data":{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku","active":true,"createdat":"2024-01-15T12:00:00.000Z"}}`), nil
		})
	got, err := c.Contacts.Get(context.Background(), "507f1f77bcf86cd799439045")
	require.NoError(t, err)
	assert.Equal(t, "Jane Wanjiku", got.Name)
	require.NotNil(t, got.Active)
	assert.True(t, *got.Active)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// authOf makes one Get through a client built with secret and opts and returns the Authorization
// header the server saw.
func authOf(t *testing.T, secret string, opts ...cashfin.Option) string {
	t.Helper()
	mt := httpmock.NewMockTransport()
	rec := serve(mt, reply{status: 200, body: contactOK})
	opts = append([]cashfin.Option{
		cashfin.WithBaseURL("https://api.test"),
		cashfin.WithHTTPClient(&http.Client{Transport: mt}),
	}, opts...)
	c, err := cashfin.NewClient(secret, opts...)
	require.NoError(t, err)
	_, err = c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 1)
	return reqs[0].Header.Get("Authorization")
}

func TestNewClientSecretFromArgumentBeatsEnv(t *testing.T) {
	t.Setenv(cashfin.EnvClientSecret, "cs_from_env")
	assert.Equal(t, "cs_from_arg", authOf(t, "cs_from_arg"))
}

func TestNewClientSecretFromEnv(t *testing.T) {
	t.Setenv(cashfin.EnvClientSecret, "cs_from_env")
	assert.Equal(t, "cs_from_env", authOf(t, ""))
}

func TestNewClientMissingSecret(t *testing.T) {
	t.Setenv(cashfin.EnvClientSecret, "")
	c, err := cashfin.NewClient("", cashfin.WithBaseURL("https://api.test"))
	require.Error(t, err)
	assert.Nil(t, c)
	assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
	assert.Contains(t, err.Error(), cashfin.EnvClientSecret)
}

func TestNewClientMalformedSecretFromEnv(t *testing.T) {
	const secret = "cs_live_ENVSECRET42\n"
	t.Setenv(cashfin.EnvClientSecret, secret)
	c, err := cashfin.NewClient("")
	require.Error(t, err)
	assert.Nil(t, c)
	requireNoSecret(t, err.Error(), secret)
}

func TestNewClientRejectsMalformedSecret(t *testing.T) {
	t.Parallel()
	for name, secret := range map[string]string{
		"leading space":   " cs_live_SECRET42",
		"trailing space":  "cs_live_SECRET42 ",
		"inner space":     "cs_live SECRET42",
		"newline":         "cs_live_SECRET42\n",
		"carriage return": "cs_live_SECRET42\r\n",
		"tab":             "cs_live\tSECRET42",
		"NUL":             "cs_live\x00SECRET42",
		"escape":          "cs_live\x1bSECRET42",
		"DEL":             "cs_live\x7fSECRET42",
		"no-break space":  "cs_live\u00a0SECRET42",
		"C1 control":      "cs_live\u0085SECRET42",
		"bearer prefix":   "Bearer cs_live_SECRET42",
		"invalid UTF-8":   "cs_live_\xffSECRET42",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := cashfin.NewClient(secret, cashfin.WithBaseURL("https://api.test"))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
			requireNoSecret(t, err.Error(), secret)
			requireNoSecret(t, fmt.Sprintf("%+v %#v", err, err), secret)
			assert.NotContains(t, err.Error(), "SECRET42")
		})
	}
}

func TestNewClientAcceptsAnyPrintableSecret(t *testing.T) {
	t.Parallel()
	// No prefix check: an unusual but printable secret is the API's business.
	for _, secret := range []string{"cs_x", "not-a-cs-prefix", "sk_live_abc/+=.~"} {
		assert.Equal(t, secret, authOf(t, secret))
	}
}

// hostOf makes one Get through a client built with opts (on a mock transport) and returns the
// URL the server saw.
func hostOf(t *testing.T, opts ...cashfin.Option) string {
	t.Helper()
	mt := httpmock.NewMockTransport()
	rec := serve(mt, reply{status: 200, body: contactOK})
	opts = append([]cashfin.Option{cashfin.WithHTTPClient(&http.Client{Transport: mt})}, opts...)
	c, err := cashfin.NewClient(testSecret, opts...)
	require.NoError(t, err)
	_, err = c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 1)
	return reqs[0].URL
}

func TestBaseURLPrecedence(t *testing.T) {
	const want = "/business/contact/details/" + testID
	t.Run("option beats env", func(t *testing.T) {
		t.Setenv(cashfin.EnvBaseURL, "https://env.test")
		assert.Equal(t, "https://opt.test"+want, hostOf(t, cashfin.WithBaseURL("https://opt.test")))
	})
	t.Run("env beats default", func(t *testing.T) {
		t.Setenv(cashfin.EnvBaseURL, "https://env.test/pre/")
		assert.Equal(t, "https://env.test/pre"+want, hostOf(t))
	})
	t.Run("default", func(t *testing.T) {
		t.Setenv(cashfin.EnvBaseURL, "")
		assert.Equal(t, cashfin.DefaultBaseURL+want, hostOf(t))
		assert.Equal(t, "https://api.cashfin.africa", cashfin.DefaultBaseURL)
	})
}

func TestBaseURLFromEnvInvalid(t *testing.T) {
	t.Setenv(cashfin.EnvBaseURL, "ftp://env.test")
	_, err := cashfin.NewClient(testSecret)
	require.Error(t, err)
	assert.Contains(t, err.Error(), cashfin.EnvBaseURL)
	assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
}

func TestBaseURLPathPrefix(t *testing.T) {
	t.Parallel()
	for base, want := range map[string]string{
		"http://host.test":            "http://host.test/business/contact/list?page=1",
		"http://host.test/":           "http://host.test/business/contact/list?page=1",
		"http://host.test/prefix":     "http://host.test/prefix/business/contact/list?page=1",
		"http://host.test/prefix/":    "http://host.test/prefix/business/contact/list?page=1",
		"https://host.test:8443/a/b/": "https://host.test:8443/a/b/business/contact/list?page=1",
		"  https://host.test/a  ":     "https://host.test/a/business/contact/list?page=1",
	} {
		t.Run(base, func(t *testing.T) {
			t.Parallel()
			mt := httpmock.NewMockTransport()
			rec := serve(mt, reply{status: 200, body: listOK})
			c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(base),
				cashfin.WithHTTPClient(&http.Client{Transport: mt}))
			require.NoError(t, err)
			_, err = c.Contacts.List(context.Background(), nil)
			require.NoError(t, err)
			reqs := rec.all()
			require.Len(t, reqs, 1)
			assert.Equal(t, want, reqs[0].URL)
		})
	}
}

func TestBaseURLInvalid(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"",
		"api.test",
		"/prefix",
		"//api.test",
		"ftp://api.test",
		"file:///etc/passwd",
		"http://",
		"http:///path",
		"https://user:cs_live_PASSWORD@api.test",
		"https://api.test?x=1",
		"https://api.test/#frag",
		"http://[::1",
		"::not a url",
	} {
		t.Run(raw, func(t *testing.T) {
			t.Parallel()
			c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(raw))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
			assert.NotContains(t, err.Error(), "cs_live_PASSWORD")
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]cashfin.Option{
		"MaxRetries -1":        cashfin.WithMaxRetries(-1),
		"RetryWait 0":          cashfin.WithRetryWait(0, time.Second),
		"RetryWait negative":   cashfin.WithRetryWait(-time.Second, time.Second),
		"RetryWait max < min":  cashfin.WithRetryWait(2*time.Second, time.Second),
		"Timeout 0":            cashfin.WithTimeout(0),
		"Timeout negative":     cashfin.WithTimeout(-time.Second),
		"UserAgent empty":      cashfin.WithUserAgent(""),
		"UserAgent newline":    cashfin.WithUserAgent("acme/1.0\r\nX-Evil: 1"),
		"UserAgent non-ASCII":  cashfin.WithUserAgent("acmé/1.0"),
		"HTTPClient nil":       cashfin.WithHTTPClient(nil),
		"RateLimit 0":          cashfin.WithRateLimit(0),
		"RateLimit negative":   cashfin.WithRateLimit(-1),
		"RateLimit +Inf":       cashfin.WithRateLimit(math.Inf(1)),
		"RateLimit -Inf":       cashfin.WithRateLimit(math.Inf(-1)),
		"RateLimit NaN":        cashfin.WithRateLimit(math.NaN()),
		"BaseURL relative":     cashfin.WithBaseURL("api.test/x"),
		"valid then invalid 1": cashfin.WithMaxRetries(-5),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL("https://api.test"), opt)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

func TestOptionsAcceptBoundaries(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]cashfin.Option{
		"MaxRetries 0":         cashfin.WithMaxRetries(0),
		"RetryWait min == max": cashfin.WithRetryWait(time.Second, time.Second),
		"Timeout 1ns":          cashfin.WithTimeout(time.Nanosecond),
		"UserAgent":            cashfin.WithUserAgent("acme-sync/1.2 (+https://acme.test)"),
		"RateLimit 0.5":        cashfin.WithRateLimit(0.5),
		"Logger nil":           cashfin.WithLogger(nil),
		"nil option":           nil,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL("https://api.test"), opt)
			require.NoError(t, err)
		})
	}
}

func TestOptionsApplyInOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("MaxRetries", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			opts []cashfin.Option
			want int
		}{
			{[]cashfin.Option{cashfin.WithMaxRetries(3), cashfin.WithMaxRetries(0)}, 1},
			{[]cashfin.Option{cashfin.WithMaxRetries(0), cashfin.WithMaxRetries(2)}, 3},
		} {
			c, mt := newMockClient(t, append([]cashfin.Option{fast()}, tc.opts...)...)
			rec := serve(mt, reply{status: 500, body: `{"success":false}`})
			_, err := c.Contacts.Get(ctx, testID)
			require.ErrorIs(t, err, cashfin.ErrServer)
			assert.Equal(t, tc.want, rec.len())
		}
	})
	t.Run("RetryWait", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, cashfin.WithRetryWait(time.Hour, time.Hour), fast())
		rec := serve(mt, reply{status: 503}, reply{status: 200, body: contactOK})
		ctx, cancel := context.WithTimeout(ctx, time.Minute) // an hour's wait would be abandoned
		defer cancel()
		_, err := c.Contacts.Get(ctx, testID)
		require.NoError(t, err)
		assert.Equal(t, 2, rec.len())
	})
	t.Run("BaseURL", func(t *testing.T) {
		t.Parallel()
		got := hostOf(t, cashfin.WithBaseURL("https://first.test"), cashfin.WithBaseURL("https://second.test/p"))
		assert.Equal(t, "https://second.test/p/business/contact/details/"+testID, got)
	})
	t.Run("UserAgent", func(t *testing.T) {
		t.Parallel()
		c, mt := newMockClient(t, cashfin.WithUserAgent("first/1"), cashfin.WithUserAgent("second/2"))
		rec := serve(mt, reply{status: 200, body: contactOK})
		_, err := c.Contacts.Get(ctx, testID)
		require.NoError(t, err)
		ua := rec.all()[0].Header.Get("User-Agent")
		assert.True(t, strings.HasSuffix(ua, " second/2"), ua)
		assert.NotContains(t, ua, "first/1")
	})
	t.Run("HTTPClient", func(t *testing.T) {
		t.Parallel()
		first, second := httpmock.NewMockTransport(), httpmock.NewMockTransport()
		rec1 := serve(first, reply{status: 200, body: contactOK})
		rec2 := serve(second, reply{status: 200, body: contactOK})
		c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL("https://api.test"),
			cashfin.WithHTTPClient(&http.Client{Transport: first}),
			cashfin.WithHTTPClient(&http.Client{Transport: second}))
		require.NoError(t, err)
		_, err = c.Contacts.Get(ctx, testID)
		require.NoError(t, err)
		assert.Equal(t, 0, rec1.len())
		assert.Equal(t, 1, rec2.len())
	})
	t.Run("Logger", func(t *testing.T) {
		t.Parallel()
		l, buf := newLogger()
		c, mt := newMockClient(t, cashfin.WithLogger(l), cashfin.WithLogger(nil))
		serve(mt, reply{status: 200, body: contactOK})
		_, err := c.Contacts.Get(ctx, testID)
		require.NoError(t, err)
		assert.Empty(t, buf.String())
	})
	t.Run("an invalid option fails even when a later one is valid", func(t *testing.T) {
		t.Parallel()
		_, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL("https://api.test"),
			cashfin.WithMaxRetries(-1), cashfin.WithMaxRetries(1))
		require.Error(t, err)
	})
}

// funcPtr identifies a func value, for comparing fields of an http.Client.
func funcPtr(f any) uintptr {
	v := reflect.ValueOf(f)
	if v.IsNil() {
		return 0
	}
	return v.Pointer()
}

func TestCallerHTTPClientNotModified(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	rec := serve(mt, reply{status: 500, body: `{"success":false}`}, reply{status: 200, body: contactOK})
	redirect := func(*http.Request, []*http.Request) error { return errors.New("caller's policy") }
	hc := &http.Client{Transport: mt, CheckRedirect: redirect, Timeout: 7 * time.Second}
	before := *hc

	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL("https://api.test"),
		cashfin.WithHTTPClient(hc), cashfin.WithTimeout(time.Second), fast())
	require.NoError(t, err)
	_, err = c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	_, err = c.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "Jane"})
	require.NoError(t, err)
	require.Equal(t, 3, rec.len())

	assert.Same(t, mt, hc.Transport.(*httpmock.MockTransport), "Transport replaced")
	assert.Equal(t, before.Timeout, hc.Timeout, "Timeout changed")
	assert.Equal(t, funcPtr(before.CheckRedirect), funcPtr(hc.CheckRedirect), "CheckRedirect changed")
	assert.Equal(t, before.Jar, hc.Jar, "Jar changed")
	assert.EqualError(t, hc.CheckRedirect(nil, nil), "caller's policy")
}

func TestCallerHTTPClientTimeoutIsPerAttemptDefault(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := stallServer(t, release)
	hc := srv.Client()
	hc.Timeout = 50 * time.Millisecond
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithHTTPClient(hc),
		cashfin.WithMaxRetries(0))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Contacts.Get(context.Background(), testID)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 10*time.Second)
	assertTimeout(t, err)
}

func TestWithTimeoutBeatsCallerHTTPClientTimeout(t *testing.T) {
	t.Parallel()
	// WithTimeout wins over the caller's http.Client.Timeout, whichever option comes first.
	for name, order := range map[string]func(hc *http.Client) []cashfin.Option{
		"WithTimeout first": func(hc *http.Client) []cashfin.Option {
			return []cashfin.Option{cashfin.WithTimeout(50 * time.Millisecond), cashfin.WithHTTPClient(hc)}
		},
		"WithTimeout last": func(hc *http.Client) []cashfin.Option {
			return []cashfin.Option{cashfin.WithHTTPClient(hc), cashfin.WithTimeout(50 * time.Millisecond)}
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := stallServer(t, make(chan struct{}))
			hc := srv.Client()
			hc.Timeout = time.Hour
			opts := append(order(hc), cashfin.WithBaseURL(srv.URL), cashfin.WithMaxRetries(0))
			c, err := cashfin.NewClient(testSecret, opts...)
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // bounds a regression
			defer cancel()
			_, err = c.Contacts.Get(ctx, testID)
			require.Error(t, err)
			assertTimeout(t, err)
			assert.Contains(t, err.Error(), "per-attempt timeout of 50ms exceeded")
			assert.Equal(t, time.Hour, hc.Timeout, "the caller's client was modified")
		})
	}
}

// stallServer is an httptest server whose handler blocks until release is closed or the client
// goes away. The server is closed (after release) when the test ends.
func stallServer(t *testing.T, release chan struct{}) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: cleanups are last in, first out
	return srv
}

func TestClientFormattingHidesSecret(t *testing.T) {
	t.Parallel()
	const secret = "cs_live_FORMATSECRET77"
	mt := httpmock.NewMockTransport()
	serve(mt,
		reply{status: 200, body: `{"success":true,"data":[{"_id":"507f1f77bcf86cd799439045","name":"J"}],"pagination":{"total":1,"page":1,"limit":10,"pages":1}}`},
		reply{status: 401, body: `{"success":false,"message":"Unauthorized access!"}`})
	c, err := cashfin.NewClient(secret, cashfin.WithBaseURL("https://api.test"),
		cashfin.WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	page, err := c.Contacts.List(context.Background(), &cashfin.ContactListParams{Search: "x"})
	require.NoError(t, err)
	_, apiErr := c.Contacts.Get(context.Background(), testID)
	require.ErrorIs(t, apiErr, cashfin.ErrUnauthorized)

	values := []any{c, *c, c.Contacts, *c.Contacts, apiErr, page, *page,
		&cashfin.ContactCreateParams{Name: "J"}, cashfin.ContactListParams{}}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			requireNoSecret(t, fmt.Sprintf(verb, v), secret)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != testSecret {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/business/contact/list":
			fmt.Fprint(w, `{"success":true,"data":[{"_id":"507f1f77bcf86cd799439045","name":"J"}],"pagination":{"total":1,"page":1,"limit":10,"pages":1}}`)
		case "/business/contact/create":
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, contactOK)
		default:
			fmt.Fprint(w, contactOK)
		}
	}))
	defer srv.Close()
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL), cashfin.WithHTTPClient(srv.Client()))
	require.NoError(t, err)

	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if _, err := c.Contacts.Get(ctx, testID); err != nil {
				errs <- err
			}
			if _, err := c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: fmt.Sprint("n", i)}); err != nil {
				errs <- err
			}
			for _, err := range c.Contacts.ListAll(ctx, nil) {
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestRateLimitSpacesAttempts(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, cashfin.WithRateLimit(20)) // one request every 50ms
	rec := serve(mt, reply{status: 200, body: contactOK})
	start := time.Now()
	for range 3 {
		_, err := c.Contacts.Get(context.Background(), testID)
		require.NoError(t, err)
	}
	assert.GreaterOrEqual(t, time.Since(start), 90*time.Millisecond)
	assert.Equal(t, 3, rec.len())
}
