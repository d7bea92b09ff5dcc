package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/cashfin-go/cashfin"
)

// importSummary ends an import with its account, whatever happened: the error, if any, the
// failures not shown, the rows not sent and why, the replays, and the summary line.
func (a *app) importSummary(ctx context.Context, im *importer, fl *importFlags, runErr error) error {
	if runErr != nil {
		a.fail(runErr)
	}
	failed := im.count(stateInvalid) + im.count(stateFailed)
	if hidden := failed - int(im.shown.Load()); hidden > 0 {
		if fl.errorsPath != "" {
			fmt.Fprintf(a.stderr, "... and %d more failed %s: all are in %s\n", hidden, plural(hidden, "row", "rows"), fl.errorsPath)
		} else {
			fmt.Fprintf(a.stderr, "... and %d more failed %s (--errors FILE writes them all)\n", hidden, plural(hidden, "row", "rows"))
		}
	}
	if fl.dryRun {
		n := im.count(statePending)
		fmt.Fprintf(a.stderr, "dry run: %d %s would be created; nothing was sent\n", n, plural(n, "row", "rows"))
	}
	notSent := im.count(stateNotAttempted)
	if notSent > 0 {
		switch {
		case ctx.Err() != nil:
			fmt.Fprintf(a.stderr, "interrupted: %d %s not sent; run the same command again to finish "+
				"(rows already sent are not created twice)\n", notSent, plural(notSent, "row", "rows"))
		case errors.Is(runErr, cashfin.ErrUnauthorized) || errors.Is(runErr, cashfin.ErrForbidden):
			fmt.Fprintf(a.stderr, "%d %s not sent: fix the secret, then run the same command again\n", notSent, plural(notSent, "row", "rows"))
		default:
			fmt.Fprintf(a.stderr, "%d %s not sent; run the same command again to finish "+
				"(rows already sent are not created twice)\n", notSent, plural(notSent, "row", "rows"))
		}
	}
	replays := im.count(stateReplayed)
	if replays > 0 {
		fmt.Fprintf(a.stderr, "%d %s already on the server from an earlier run (same content, same "+
			"idempotency key, not created twice): counted as existing\n", replays, plural(replays, "row was", "rows were"))
	}
	dups, existing := im.count(stateDuplicate), im.count(stateExisting)+replays
	fmt.Fprintf(a.stderr, "created %d, skipped %d (duplicates %d, existing %d), failed %d\n",
		im.count(stateCreated), dups+existing, dups, existing, failed)
	if runErr != nil || failed > 0 || notSent > 0 {
		return errReported
	}
	return nil
}

// host is the host of the API the command talks to, for messages.
func (a *app) host(c *commonFlags) string {
	base := a.baseURL(c)
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return base
}

// isTransport reports whether err is a failure to reach the API (refused, unknown host, TLS,
// timeout), rather than an answer from it or the end of the command's context.
func isTransport(err error) bool {
	var apiErr *cashfin.APIError
	return err != nil && !errors.As(err, &apiErr) && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, cashfin.ErrInvalidParams) && !errors.Is(err, cashfin.ErrUnexpectedResponse)
}

// transportError names the host and the attempts made in a failure to reach the API.
func transportError(err error, host string, attempts int) error {
	return fmt.Errorf("cannot reach %s (%d %s): %w", host, attempts, plural(attempts, "attempt", "attempts"), err)
}

// callError is err, naming the host and the attempts made when it is a failure to reach the API.
func (a *app) callError(c *commonFlags, err error, attempts *atomic.Int32) error {
	if isTransport(err) {
		return transportError(err, a.host(c), int(attempts.Load()))
	}
	return err
}

// countAttempts returns ctx with a count of the HTTP attempts made with it.
func countAttempts(ctx context.Context) (context.Context, *atomic.Int32) {
	n := new(atomic.Int32)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GetConn: func(string) { n.Add(1) }}), n
}

// clean removes control characters and escape sequences from text bound for the terminal, so
// that what a server (or a file) says cannot move the cursor, recolour or retitle the terminal.
// Tabs and line breaks become spaces.
func clean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := decodeRune(s[i:])
		switch {
		case r == 0x1b: // ESC: skip the whole sequence
			i += escapeLen(s[i:])
			continue
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case controlRune(r):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// controlRune reports whether r must not reach a terminal raw: C0, DEL, C1 (0x9b is a CSI on its
// own), the line separators and the bidi overrides.
func controlRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// escapeJSON returns JSON text with every controlRune that encoding/json leaves raw (DEL, C1, the
// bidi overrides) escaped as \uXXXX: the same JSON value, harmless to a terminal. Such runes only
// stand inside strings, where the escape is valid; a raw C0 byte is indentation, and stays.
func escapeJSON(b []byte) []byte {
	raw := func(r rune) bool { return r >= 0x20 && controlRune(r) }
	if !bytes.ContainsFunc(b, raw) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for _, r := range string(b) {
		if raw(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

// decodeRune is utf8.DecodeRuneInString with invalid bytes read as U+FFFD of width 1.
func decodeRune(s string) (rune, int) {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return utf8.RuneError, 1
	}
	return r, size
}

// escapeLen is the length of the escape sequence s starts with (s[0] is ESC): a CSI sequence up
// to its final byte, an OSC, DCS, SOS, PM or APC string up to its terminator, else ESC and one
// more character. An unterminated sequence runs to the end of s.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for i := 2; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_':
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	_, size := decodeRune(s[1:])
	return 1 + size
}
