package main

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cashfin-go/cashfin"
)

// rowState is what became of an import row.
type rowState int

const (
	statePending      rowState = iota // valid, not sent yet
	stateInvalid                      // failed validation: a failure, never sent
	stateDuplicate                    // repeats an earlier row's email or phone: skipped
	stateExisting                     // its email or phone is on the server already: skipped
	stateCreated                      // the API confirmed the contact
	stateFailed                       // the API refused it, or it could not be sent
	stateNotAttempted                 // interrupted before it was sent
)

// importRow is a record on its way to the API.
type importRow struct {
	record
	key    string // Idempotency-Key
	state  rowState
	reason string // why it failed or was skipped
}

// maxShownFailures is how many failed rows are described on standard error.
const maxShownFailures = 10

// importer sends the rows of one import.
type importer struct {
	client *cashfin.Client
	prog   *progress
	pace   *pacer

	outMu sync.Mutex
	out   contactWriter // the created contacts, with --format; nil for none

	shown atomic.Int64 // failures described so far
}

// importContacts is "cashfin contacts import FILE".
func (a *app) importContacts(ctx context.Context, args []string) error {
	fs, common := a.newFlagSet("import",
		"FILE [--concurrency N] [--rate R] [--skip-existing] [--dry-run] [--errors OUT.csv]", "")
	concurrency := fs.Int("concurrency", 4, "requests in flight at once")
	rate := fs.Float64("rate", 5, "requests per second at most, 0 for no limit (5 is the smallest plan's limit)")
	skipExisting := fs.Bool("skip-existing", false, "first list the contacts on the server and skip rows whose email or phone is there")
	dryRun := fs.Bool("dry-run", false, "validate and report, sending nothing")
	errorsPath := fs.String("errors", "", "write every failed row, with its line and the reason, to this CSV `file`")
	rest, err := a.parse(fs, common, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("contacts import: want one FILE (CSV, or JSON lines when it ends in .jsonl or .ndjson; - for CSV on standard input)")
	}
	if err := checkConcurrency("contacts import", *concurrency); err != nil {
		return err
	}
	if err := checkRate("contacts import", *rate); err != nil {
		return err
	}

	file, err := readImportFile(rest[0], a.stdin)
	if err != nil {
		return err
	}
	var client *cashfin.Client
	if !*dryRun || *skipExisting {
		if client, err = a.client(common, *rate); err != nil {
			return err
		}
	}
	var errFile *os.File
	if *errorsPath != "" {
		// Created before anything is sent, so an unwritable path stops the import at once. (The
		// input has been read already, so it may be the same file.)
		if errFile, err = os.Create(*errorsPath); err != nil {
			return usagef("contacts import: --errors: %v", err)
		}
	}

	prog := newProgress(a.stderr, a.terminal(a.stderr), "imported", 0, a.tick)
	im := &importer{client: client, prog: prog, pace: newPacer(a.pauseMin, prog)}
	rows := classify(file.records)
	for _, r := range rows {
		if r.state == stateInvalid {
			im.showFailure(r)
		}
	}

	replays := 0 // rows an earlier run created, confirmed again from their idempotency keys
	runErr := func() error {
		if *skipExisting {
			if err := im.markExisting(ctx, rows, *concurrency); err != nil {
				return err
			}
		}
		if *dryRun {
			n := count(rows, statePending)
			prog.printf("dry run: %d %s would be created; nothing was sent\n", n, plural(n, "row", "rows"))
			return nil
		}
		if common.format != "" {
			im.out = newContactWriter(a.stdout, common.format, writerOptions{})
		}
		pending := count(rows, statePending)
		if pending == 0 {
			return nil
		}
		prog.reset("imported", pending)
		before, err := im.countContacts(ctx)
		if errors.Is(err, cashfin.ErrUnauthorized) || errors.Is(err, cashfin.ErrForbidden) {
			return err // every row would fail the same way
		}
		im.send(ctx, rows, *concurrency)
		// The API answers a create whose Idempotency-Key it has seen with the contact it made
		// then, just like a new one. Contacts are never deleted through the API, so when the
		// count grew by less than the rows confirmed, the difference had been created by an
		// earlier run. That is a lower bound, never more: anything else creating contacts
		// meanwhile (another import of the same file included), or a row the API created but
		// whose answer was lost, hides replays, which are then counted as created. (Only a
		// contact deleted in the dashboard during the import could make it count too many.)
		// After a Ctrl-C no request is sent, so replays count as created then too.
		if before >= 0 && ctx.Err() == nil {
			if after, _ := im.countContacts(ctx); after >= 0 {
				replays = max(0, count(rows, stateCreated)-(after-before))
			}
		}
		if im.out != nil {
			if err := im.out.Close(); err != nil {
				return fmt.Errorf("contacts import: writing the output: %w", err)
			}
		}
		return nil
	}()
	prog.finish()

	if errFile != nil {
		werr := writeErrorsFile(errFile, file.header, rows)
		if cerr := errFile.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil && runErr == nil {
			runErr = fmt.Errorf("contacts import: writing %s: %w", *errorsPath, werr)
		}
	}

	// Whatever happened, the import ends with its account: the error, if any, the failures not
	// shown, the rows not sent, and the summary line.
	if runErr != nil {
		a.fail(runErr)
	}
	failed := count(rows, stateInvalid) + count(rows, stateFailed)
	if hidden := failed - int(im.shown.Load()); hidden > 0 {
		if *errorsPath != "" {
			fmt.Fprintf(a.stderr, "... and %d more failed %s: all are in %s\n", hidden, plural(hidden, "row", "rows"), *errorsPath)
		} else {
			fmt.Fprintf(a.stderr, "... and %d more failed %s (--errors FILE writes them all)\n", hidden, plural(hidden, "row", "rows"))
		}
	}
	notSent := count(rows, stateNotAttempted)
	if !*dryRun {
		notSent += count(rows, statePending) // the import stopped before sending
	}
	if notSent > 0 {
		why := ""
		if ctx.Err() != nil {
			why = "interrupted: "
		}
		fmt.Fprintf(a.stderr, "%s%d %s not sent; run the same command again to finish "+
			"(rows already sent are not created twice)\n", why, notSent, plural(notSent, "row", "rows"))
	}
	if replays > 0 {
		fmt.Fprintf(a.stderr, "%d %s already on the server from an earlier run (same content, same "+
			"idempotency key, not created twice): counted as existing\n", replays, plural(replays, "row was", "rows were"))
	}
	dups, existing := count(rows, stateDuplicate), count(rows, stateExisting)+replays
	fmt.Fprintf(a.stderr, "created %d, skipped %d (duplicates %d, existing %d), failed %d\n",
		count(rows, stateCreated)-replays, dups+existing, dups, existing, failed)
	if runErr != nil || failed > 0 || notSent > 0 {
		return errReported
	}
	return nil
}

// classify validates the records in file order, derives their idempotency keys, and marks
// the rows repeating an earlier valid row's email or phone as duplicates.
func classify(records []record) []*importRow {
	rows := make([]*importRow, len(records))
	seen := newDedupe()
	for i, rec := range records {
		r := &importRow{record: rec}
		rows[i] = r
		reason := rec.err
		if reason == "" {
			reason = validate(rec.fields)
		}
		if reason != "" {
			r.state, r.reason = stateInvalid, reason
			continue
		}
		if line, what := seen.check(rec.fields); line > 0 {
			r.state, r.reason = stateDuplicate, fmt.Sprintf("same %s as line %d", what, line)
			continue
		}
		seen.add(rec.fields, rec.line)
		r.key = idempotencyKey(rec.fields)
	}
	return rows
}

func count(rows []*importRow, s rowState) int {
	n := 0
	for _, r := range rows {
		if r.state == s {
			n++
		}
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// showFailure describes a failed row on standard error, for the first few.
func (im *importer) showFailure(r *importRow) {
	if im.shown.Add(1) > maxShownFailures {
		im.shown.Add(-1)
		return
	}
	im.prog.printf("line %d: %s\n", r.line, r.reason)
}

// markExisting lists every contact on the server, pages fetched concurrently as an export
// does, and marks the pending rows whose email or phone is among theirs.
func (im *importer) markExisting(ctx context.Context, rows []*importRow, concurrency int) error {
	im.prog.printf("listing the contacts on the server...\n")
	im.prog.reset("listed", 0)
	on := &keySet{emails: map[string]bool{}, phones: map[string]bool{}}
	ex := &exporter{client: im.client, pace: im.pace, prog: im.prog, concurrency: concurrency, out: on}
	if err := ex.run(ctx); err != nil {
		return fmt.Errorf("contacts import: --skip-existing: listing the contacts: %w", err)
	}
	im.prog.printf("%d %s on the server\n", ex.written, plural(ex.written, "contact", "contacts"))
	for _, r := range rows {
		if r.state != statePending {
			continue
		}
		switch {
		case on.emails[emailKey(r.fields.Email)]:
			r.state, r.reason = stateExisting, "email already on the server"
		case on.phones[phoneKey(r.fields.Phone)]:
			r.state, r.reason = stateExisting, "phone already on the server"
		}
	}
	return nil
}

// keySet is a contactWriter that keeps the dedupe keys of the emails and phones written to it.
type keySet struct{ emails, phones map[string]bool }

// Write keeps the dedupe keys of c's email and phone.
func (k *keySet) Write(c *cashfin.Contact) error {
	if e := emailKey(strings.TrimSpace(c.Email)); e != "" {
		k.emails[e] = true
	}
	if p := phoneKey(c.Phone); p != "" {
		k.phones[p] = true
	}
	return nil
}

// Flush does nothing: a keySet writes nowhere.
func (k *keySet) Flush() error { return nil }

// Close does nothing: a keySet writes nowhere.
func (k *keySet) Close() error { return nil }

// countContacts returns how many contacts the server holds, from the page block of a one-contact
// page, or -1 when it cannot tell.
func (im *importer) countContacts(ctx context.Context) (int, error) {
	p, err := fetchPage(ctx, im.client, im.pace, &cashfin.ContactListParams{Limit: 1})
	if err != nil {
		return -1, err
	}
	if p.Pagination.Total == 0 && len(p.Data) > 0 { // no page block
		return -1, nil
	}
	return p.Pagination.Total, nil
}

// send creates the pending rows, concurrency at a time, in file order. When ctx ends, no new
// request starts; those already sent are waited for.
func (im *importer) send(ctx context.Context, rows []*importRow, concurrency int) {
	jobs := make(chan *importRow)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				im.sendRow(ctx, r)
			}
		}()
	}
dispatch:
	for _, r := range rows {
		if r.state != statePending {
			continue
		}
		select {
		case jobs <- r:
		case <-ctx.Done():
			im.prog.printf("interrupted: no new requests; waiting for those in flight (Ctrl-C again quits at once)\n")
			break dispatch
		}
	}
	close(jobs)
	wg.Wait()
	for _, r := range rows {
		if r.state == statePending {
			r.state = stateNotAttempted
		}
	}
}

// sendRow creates one row, waiting out 429s: a 429 is not a failure but a pause of the whole
// import for as long as the API asks, after which the row is sent again.
func (im *importer) sendRow(ctx context.Context, r *importRow) {
	params := &cashfin.ContactCreateParams{
		Name:           r.fields.Name,
		Email:          r.fields.Email,
		Phone:          r.fields.Phone,
		Position:       r.fields.Position,
		CompanyName:    r.fields.CompanyName,
		IdempotencyKey: r.key,
	}
	for n := 1; ; n++ {
		if im.pace.wait(ctx) != nil {
			r.state = stateNotAttempted
			return
		}
		c, sent, err := im.create(ctx, params)
		switch {
		case err == nil:
			r.state = stateCreated
			im.prog.add(1)
			im.write(c)
			return
		case !sent:
			r.state = stateNotAttempted
			return
		case im.pace.check(err, n):
			continue
		}
		r.state, r.reason = stateFailed, reason(err)
		im.prog.add(1)
		im.showFailure(r)
		return
	}
}

// create sends one create. Until the request starts going out, an end of ctx cancels it, and
// sent is false; once it has, it runs to its end whatever ctx does, so that an interrupt never
// abandons a request the API may be processing. (Should that line be crossed while ctx ends, the
// idempotency key makes sending the row again on a re-run harmless.)
func (im *importer) create(ctx context.Context, p *cashfin.ContactCreateParams) (c *cashfin.Contact, sent bool, err error) {
	reqCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var wrote, aborted atomic.Bool
	reqCtx = httptrace.WithClientTrace(reqCtx, &httptrace.ClientTrace{
		WroteHeaders: func() { wrote.Store(true) },
	})
	stop := context.AfterFunc(ctx, func() {
		if !wrote.Load() {
			aborted.Store(true)
			cancel()
		}
	})
	defer stop()
	c, err = im.client.Contacts.Create(reqCtx, p)
	return c, err == nil || !aborted.Load(), err
}

// write prints a created contact with --format.
func (im *importer) write(c *cashfin.Contact) {
	if im.out == nil {
		return
	}
	im.outMu.Lock()
	defer im.outMu.Unlock()
	im.out.Write(c)
}

// reason is an error as an errors-file cell: one line, without the "cashfin: " every error
// starts with.
func reason(err error) string {
	return strings.TrimPrefix(oneLine(err.Error()), "cashfin: ")
}
