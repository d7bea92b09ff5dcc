package cashfin

import (
	"fmt"
	"net/http"
	"time"

	"github.com/cashfin-go/cashfin/internal/envelope"
	"github.com/cashfin-go/cashfin/internal/transport"
)

// Response describes the HTTP response that ended a call. Ask a call for it with WithResponseInto.
type Response struct {
	StatusCode int
	Header     http.Header // as received; the SDK never puts the secret here
	RequestID  string      // X-Request-Id, "" when absent
	RateLimit  RateLimit   // the X-RateLimit-* headers; zero when absent
	Attempts   int         // attempts made, retries included
}

// RateLimit is the server's rate-limit window as its headers report it. A header that is absent
// or unparseable leaves its field zero.
type RateLimit struct {
	Limit     int       // X-RateLimit-Limit: requests allowed in the window
	Remaining int       // X-RateLimit-Remaining
	Reset     time.Time // X-RateLimit-Reset (Unix seconds): when the window resets; zero when absent

	noRemaining bool // X-RateLimit-Remaining was absent or unparseable, with a Reset: Remaining 0 says nothing
}

// Exhausted reports whether the window is spent at now: the server reported 0 requests remaining
// (an absent or unparseable header never counts as 0) and a reset after now. Until that reset,
// a request would meet a 429.
func (rl RateLimit) Exhausted(now time.Time) bool {
	return rl.Remaining == 0 && !rl.noRemaining && rl.Reset.After(now)
}

// readRateLimit reads the X-RateLimit-* headers of h.
func readRateLimit(h http.Header) RateLimit {
	rl, _ := transport.ReadRateLimit(h)
	return publicRateLimit(rl)
}

func publicRateLimit(rl transport.RateLimit) RateLimit {
	// Only a window with a reset can be exhausted: the flag is set only then, so that a response
	// without the headers has the zero RateLimit.
	noRemaining := !rl.Reset.IsZero() && rl.Remaining == 0 && !rl.Drained
	return RateLimit{Limit: rl.Limit, Remaining: rl.Remaining, Reset: rl.Reset, noRemaining: noRemaining}
}

// record fills *dst, if the call asked for it, with the metadata of resp, if a response was
// received. Its header passes through the same redaction as errors: this scans a success's header
// for the secret (a few short strings) only when the caller asked for the header.
func record(dst *Response, resp *transport.Response) {
	if dst == nil || resp == nil {
		return
	}
	h := resp.CleanHeader()
	*dst = Response{
		StatusCode: resp.StatusCode,
		Header:     h,
		RequestID:  h.Get("X-Request-Id"),
		RateLimit:  readRateLimit(h),
		Attempts:   resp.Attempts,
	}
}

// windowError is the SDK's refusal to send into a rate-limit window the server reported
// exhausted, resetting after the call's longest retry wait (with a limiter, after MaxWindowWait).
// When attempts were sent before the refusal (a retry was refused), the message says so, and how
// the latest one ended. A wait under a second is given in milliseconds: never "resets in 0s".
func windowError(method, path string, we *transport.WindowError) *APIError {
	sent := "not sent"
	switch {
	case we.Attempts > 0 && we.LastStatus > 0:
		sent = fmt.Sprintf("attempt %d was answered %d, and its retry was not sent", we.Attempts, we.LastStatus)
	case we.Attempts > 0:
		sent = fmt.Sprintf("attempt %d failed without an answer, and its retry was not sent", we.Attempts)
	}
	return &APIError{
		StatusCode: http.StatusTooManyRequests,
		Message: fmt.Sprintf("rate limit known to be exhausted (the server reported 0 requests remaining): "+
			"%s; the window resets in %s", sent, transport.FormatWait(we.Left)),
		RetryAfter: min(transport.CeilMillisecond(we.Left), envelope.MaxRetryAfter),
		RateLimit:  publicRateLimit(we.RateLimit),
		Method:     method,
		Path:       path,
		kind:       ErrRateLimited,
	}
}
