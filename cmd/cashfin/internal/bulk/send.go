package bulk

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"strings"
	"sync/atomic"

	"github.com/cashfin-go/cashfin"
)

// maxTransportFailures is how many rows in a row may fail to reach the API before the import
// stops sending: the API is then unreachable (refused, unknown host, TLS), and every further row
// would take its three attempts for nothing.
const maxTransportFailures = 3

// sendRow creates one row, waiting out 429s: a 429 is not a failure but a pause of the whole
// import for as long as the API asks, after which the row is sent again.
func (im *Importer[T]) sendRow(ctx context.Context, r *row) {
	pace := im.cfg.Pacer
	for n := 1; ; n++ {
		if im.stopped() || pace.Wait(ctx) != nil {
			r.state = stateNotAttempted
			return
		}
		var resp cashfin.Response
		rec, sent, attempts, err := im.create(ctx, r, cashfin.WithResponseInto(&resp))
		pace.Done(ReportedWindow(&resp, err))
		switch {
		case err == nil:
			im.answered()
			r.state = im.replayState(&resp, rec)
			im.cfg.Progress.Add(1)
			if r.state == stateReplayed { // skipped as existing: said, as every skipped row is, when settled
				res := im.cfg.Resource
				r.reason = fmt.Sprintf("same person as %s %s on the server (created by an earlier run: "+
					"the API answered this row's idempotency key with it)", res.One, res.ID(rec))
				return
			}
			im.write(rec) // a replayed record is not printed as created
			return
		case !sent || errors.Is(err, context.Canceled):
			r.state = stateNotAttempted
			return
		case pace.Check(err, n):
			continue
		}
		im.failed(r, err, attempts)
		return
	}
}

// failed settles a row the API did not create: a refused secret stops the import; a 409 on the
// row's identity key is the same person created by an earlier run with other details (the key
// follows the person, not the spelling), so it is existing, not failed.
func (im *Importer[T]) failed(r *row, err error, attempts int) {
	switch {
	case isAuth(err):
		r.state = stateNotAttempted // refused before anything was created
		im.stop(im.authError(err))
		return
	case errors.Is(err, cashfin.ErrConflict):
		im.answered()
		r.state, r.reason = stateReplayed, "created by an earlier run with other details (the API answered: "+reason(err)+")"
		im.cfg.Progress.Add(1)
		return
	case IsTransport(err):
		err = TransportError(err, im.cfg.Pacer.host, attempts)
		im.transportFailed(err)
	default:
		im.answered()
	}
	r.state, r.reason = stateFailed, reason(err)
	im.cfg.Progress.Add(1)
	im.showFailure(r)
}

// replayState says whether the API created rec now or answered from an earlier run's request
// with the same key. The Idempotent-Replayed header says so when the server sends it.
func (im *Importer[T]) replayState(resp *cashfin.Response, rec *T) State {
	switch strings.ToLower(strings.TrimSpace(resp.Header.Get("Idempotent-Replayed"))) {
	case "true":
		return stateReplayed
	case "false":
		return stateCreated
	}
	// HEURISTIC, for an answer without the header: compare the record's creation time with the
	// newest record before the import (see snapshot); what that cannot tell is settled by the
	// count of records at the end (countUnknownReplays).
	return age(im.snap, im.cfg.Resource, rec)
}

// answered notes that the API answered: the transport failures in a row start again from 0.
func (im *Importer[T]) answered() {
	im.mu.Lock()
	im.transport = 0
	im.mu.Unlock()
}

// transportFailed counts a row that could not reach the API, and stops the import after
// maxTransportFailures of them in a row.
func (im *Importer[T]) transportFailed(err error) {
	im.mu.Lock()
	im.transport++
	n := im.transport
	im.mu.Unlock()
	if n >= maxTransportFailures {
		im.stop(fmt.Errorf("%s import: the API at %s is unreachable (%d rows in a row could not be sent; "+
			"the last: %w): stopped sending", im.cfg.Resource.Name, im.cfg.Pacer.host, n, err))
	}
}

// authError is a 401 or 403 explained: the secret, not the rows, is the problem.
func (im *Importer[T]) authError(err error) error {
	return fmt.Errorf("%s import: the API refused the client secret (%w): check %s; nothing more was sent",
		im.cfg.Resource.Name, err, cashfin.EnvClientSecret)
}

// create sends one create. Until the request starts going out, an end of ctx cancels it, and
// sent is false; once it has, it runs to its end whatever ctx does (unless Abort ends), so that
// an interrupt never abandons a request the API may be processing. (Should that line be crossed
// while ctx ends, the idempotency key makes sending the row again on a re-run harmless.)
// attempts counts the attempts the SDK made.
func (im *Importer[T]) create(ctx context.Context, r *row, opts ...cashfin.CallOption) (rec *T, sent bool, attempts int, err error) {
	base := im.cfg.Abort
	if base == nil {
		base = context.WithoutCancel(ctx)
	}
	reqCtx, cancel := context.WithCancel(base)
	defer cancel()
	var wrote, aborted atomic.Bool
	var tries atomic.Int32
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{
		GetConn:      func(string) { tries.Add(1) },
		WroteHeaders: func() { wrote.Store(true) },
	})
	stop := context.AfterFunc(ctx, func() {
		if !wrote.Load() {
			aborted.Store(true)
			cancel()
		}
	})
	defer stop()
	rec, err = im.cfg.Resource.Create(reqCtx, im.cfg.Client, r.Values, r.key, opts...)
	return rec, err == nil || !aborted.Load(), int(tries.Load()), err
}

// write prints a created record with --format.
func (im *Importer[T]) write(rec *T) {
	if im.cfg.Out == nil {
		return
	}
	im.outMu.Lock()
	defer im.outMu.Unlock()
	im.cfg.Out.Write(rec)
}
