package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is an environment with the given secret and base URL.
func env(secret, base string) func(string) string {
	return func(k string) string {
		switch k {
		case cashfin.EnvClientSecret:
			return secret
		case cashfin.EnvBaseURL:
			return base
		}
		return ""
	}
}

// TestSecretInTheShellIsNotEnough: with CASHFIN_CLIENT_SECRET set (and a base URL), the tour
// still runs against the embedded fake and sends nothing to that API, saying so; -live opts in.
func TestSecretInTheShellIsNotEnough(t *testing.T) {
	real := cashfintest.NewServer()
	defer real.Close()
	var requests atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		real.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()

	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, env(real.Secret, ts.URL), &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	assert.Contains(t, errOut.String(), "unless you pass -live")
	assert.Contains(t, out.String(), "embedded fake")
	assert.Zero(t, requests.Load(), "nothing sent to the API in the environment")
	assert.Empty(t, real.Contacts())

	out.Reset()
	errOut.Reset()
	code = run(context.Background(), []string{"-live"}, env(real.Secret, ts.URL), &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "-live: running against "+ts.URL)
	assert.Len(t, real.Contacts(), 1, "-live creates the tour's contact there")

	code = run(context.Background(), []string{"-live"}, env("", ""), &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "-live needs CASHFIN_CLIENT_SECRET")
}
