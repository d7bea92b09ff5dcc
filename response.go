package cashfin

import (
	"fmt"
	"net/http"
	"time"

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
}

// readRateLimit reads the X-RateLimit-* headers of h.
func readRateLimit(h http.Header) RateLimit {
	rl, _ := transport.ReadRateLimit(h)
	return publicRateLimit(rl)
}

func publicRateLimit(rl transport.RateLimit) RateLimit {
	return RateLimit{Limit: rl.Limit, Remaining: rl.Remaining, Reset: rl.Reset}
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
// exhausted, resetting after the call's longest retry wait. When attempts were sent before the
// refusal (a retry was refused), the message says so, and how the latest one ended.
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
			"%s; the window resets in %s", sent, we.Left.Round(time.Second)),
		RetryAfter: we.Left,
		RateLimit:  publicRateLimit(we.RateLimit),
		Method:     method,
		Path:       path,
		kind:       ErrRateLimited,
	}
}
