package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/internal/redacttest"
)

func TestRedactorFindsEveryEncoding(t *testing.T) {
	t.Parallel()
	for _, secret := range redacttest.Secrets {
		r := newRedactor(secret)
		for name, enc := range redacttest.Encodings(secret) {
			for _, s := range []string{enc, "key " + enc + ".", enc + enc, "a\\ " + enc + " % " + enc + " &"} {
				got := r.string(s)
				want := strings.ReplaceAll(s, enc, redacted)
				assert.Equal(t, want, got, "%s: %q in %q", name, secret, s)
				assert.True(t, r.holds(s), "%s", name)
			}
		}
		// Near misses are left alone: no false redaction of what only looks like the secret.
		for _, s := range []string{secret[:len(secret)-1], secret[1:], strings.ToUpper(secret), ""} {
			assert.Equal(t, s, r.string(s), "%q", s)
		}
	}
}

type addr string

func (a addr) Network() string { return "unix" }
func (a addr) String() string  { return string(a) }

// valueError is an error value (not a pointer): %#v prints its fields.
type valueError struct{ detail string }

func (e valueError) Error() string { return "value error" }

func TestRedactErrorChain(t *testing.T) {
	t.Parallel()
	for _, secret := range redacttest.Secrets {
		r := newRedactor(secret)
		quoted := strconv.Quote(secret)
		escaped := redacttest.Encodings(secret)[`every char \u, mixed case`]
		inner := fmt.Errorf("malformed HTTP status code %s: %w", quoted,
			errors.Join(syscall.ECONNRESET, context.DeadlineExceeded, valueError{secret}))
		chain := &AbandonedError{
			Err: &url.Error{Op: "Get", URL: "/x?key=" + url.QueryEscape(secret), Err: &net.OpError{
				Op: "read", Net: "tcp", Addr: addr("/tmp/" + secret), Source: addr("local"),
				Err: &os.SyscallError{Syscall: "read " + escaped, Err: inner},
			}},
			Reason: context.Canceled,
		}
		dns := &url.Error{Op: "Get", URL: "/x", Err: &net.DNSError{Err: "no such host " + secret, Name: secret,
			IsNotFound: true, UnwrapErr: fmt.Errorf("lookup %s", secret)}}
		timeout := &attemptTimeoutError{limit: 1, err: &url.Error{Op: "Get", URL: "/x", Err: timeoutErr{secret}}}

		for name, err := range map[string]error{"chain": chain, "dns": dns, "timeout": timeout} {
			require.NotEmpty(t, redacttest.Leaks(secret, err), "%s: the test chain does not hold the secret", name)
			clean := r.err(err)
			assert.Empty(t, redacttest.Leaks(secret, clean), "%s: %q", name, secret)
			assert.Contains(t, clean.Error(), redacted, name)
		}

		// What callers branch on still works on the cleaned chain.
		clean := r.err(chain)
		assert.ErrorIs(t, clean, syscall.ECONNRESET)
		assert.ErrorIs(t, clean, context.DeadlineExceeded)
		assert.ErrorIs(t, clean, context.Canceled)
		var ue *url.Error
		require.ErrorAs(t, clean, &ue)
		assert.Equal(t, "Get", ue.Op)
		var oe *net.OpError
		require.ErrorAs(t, clean, &oe)
		assert.Equal(t, "read", oe.Op)
		var ne net.Error
		require.ErrorAs(t, clean, &ne)
		var se *os.SyscallError
		require.ErrorAs(t, clean, &se)

		var de *net.DNSError
		require.ErrorAs(t, r.err(dns), &de)
		assert.True(t, de.IsNotFound)
		require.ErrorAs(t, r.err(timeout), &ne)
		assert.True(t, ne.Timeout())
		var te timeoutErr
		assert.False(t, errors.As(r.err(timeout), &te), "the original, holding the secret, is unreachable")
	}

	clean := errors.New("connection refused")
	assert.Same(t, clean, newRedactor(redacttest.Secrets[0]).err(clean), "a clean chain is handed back as it is")
}

// timeoutErr is a net.Error value holding the secret in its message.
type timeoutErr struct{ s string }

func (e timeoutErr) Error() string   { return "timeout reading " + e.s }
func (e timeoutErr) Timeout() bool   { return true }
func (e timeoutErr) Temporary() bool { return true }
