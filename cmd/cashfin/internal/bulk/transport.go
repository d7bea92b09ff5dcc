package bulk

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"strings"
	"sync/atomic"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// IsTransport reports whether err is a failure to reach the API (refused, unknown host, TLS,
// timeout), rather than an answer from it or the end of the command's context.
func IsTransport(err error) bool {
	var apiErr *cashfin.APIError
	return err != nil && !errors.As(err, &apiErr) && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, cashfin.ErrInvalidParams) && !errors.Is(err, cashfin.ErrUnexpectedResponse)
}

// TransportError names the host and the attempts made in a failure to reach the API.
func TransportError(err error, host string, attempts int) error {
	return fmt.Errorf("cannot reach %s (%d %s): %w", host, attempts, term.Plural(attempts, "attempt", "attempts"), err)
}

// CountAttempts returns ctx with a count of the HTTP attempts made with it.
func CountAttempts(ctx context.Context) (context.Context, *atomic.Int32) {
	n := new(atomic.Int32)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GetConn: func(string) { n.Add(1) }}), n
}

// isAuth reports whether err is the API refusing the client secret.
func isAuth(err error) bool {
	return errors.Is(err, cashfin.ErrUnauthorized) || errors.Is(err, cashfin.ErrForbidden)
}

// reason is an error as an errors-file cell: one line, without the "cashfin: " every error
// starts with.
func reason(err error) string {
	return strings.TrimPrefix(term.OneLine(err.Error()), "cashfin: ")
}
