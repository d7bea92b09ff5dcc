package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/cashfin-go/cashfin"
)

// rowState is what became of an import row.
type rowState int

const (
	statePending        rowState = iota // valid, not sent yet
	stateInvalid                        // failed validation: a failure, never sent
	stateDuplicate                      // repeats an earlier row's content, email or phone: skipped
	stateExisting                       // its email or phone is on the server already: skipped
	stateCreated                        // the API confirmed the contact
	stateFailed                         // the API refused it, or it could not be sent
	stateNotAttempted                   // interrupted before it was sent
	stateReplayed                       // an earlier run created it: the API answered from its idempotency key
	stateCreatedUnknown                 // the API confirmed the contact; whether this run created it is not known yet
)

// importRow is a record on its way to the API.
type importRow struct {
	record
	key    string // Idempotency-Key
	state  rowState
	reason string // why it failed or was skipped
	seq    int    // place in the file, from 0
}

// maxShownFailures is how many failed rows are described on standard error.
const maxShownFailures = 10

// importer sends the rows of one import.
type importer struct {
	client *cashfin.Client
	prog   *progress
	pace   *pacer
	host   string        // the API's host, for messages
	errOut *errorsWriter // the --errors file, or nil
	snap   snapshot      // the newest contact before the import, to tell replays

	outMu sync.Mutex
	out   recordWriter[cashfin.Contact] // the created contacts, with --format; nil for none

	shown atomic.Int64 // failures described so far

	mu        sync.Mutex
	counts    map[rowState]int   // rows by final state
	nextSeq   int                // sequence number of the next row read
	written   int                // rows up to this sequence number are settled and written
	done      map[int]*importRow // rows settled but waiting for an earlier one
	transport int                // transport failures in a row, since the last answer
	halt      chan struct{}      // closed when no more rows are to be sent
	haltErr   error              // why: an interrupt, a refused secret, an unreachable API
}

// importFlags are the flags of "contacts import".
type importFlags struct {
	concurrency  int
	rate         float64
	skipExisting bool
	dryRun       bool
	errorsPath   string
	input        inputOptions
}

// importCommand is "cashfin contacts import FILE": Contacts alone have a bulk import.
var importCommand = &command{group: "contacts", name: "import",
	synopsis: "FILE [--concurrency N] [--rate R] [--skip-existing] [--dry-run] [--errors OUT.csv]\n" +
		"[--map COLUMN=FIELD]... [--encoding E] [--delimiter D]",
	flags: func(fs *flag.FlagSet) runFunc {
		fl, check := importFlagsOn(fs)
		return func(ctx context.Context, a *app, in *invocation) error {
			file, err := check(in.args)
			if err != nil {
				return err
			}
			return a.importContacts(ctx, in.common, fl, file)
		}
	}}

// importContacts imports file into the contacts.
func (a *app) importContacts(ctx context.Context, common *commonFlags, fl *importFlags, file string) error {
	src, err := openImport(file, a.stdin, fl.input)
	if err != nil {
		return err
	}
	defer src.close()
	if src.format == formatCSV {
		fmt.Fprintln(a.stderr, clean(src.describeColumns()))
	}
	// A first pass reads the whole file, so that an encoding or quoting error on its last line
	// stops the import before anything is sent, and the progress bar knows the total. A dry run
	// sends nothing: its one pass finds the same errors.
	pending := 0
	if !fl.dryRun {
		if pending, err = scan(src); err != nil {
			return err
		}
	}
	var client *cashfin.Client
	if !fl.dryRun || fl.skipExisting {
		if client, err = a.client(common, fl.rate); err != nil {
			return err
		}
	}
	var errOut *errorsWriter
	if fl.errorsPath != "" {
		// Created before anything is sent, so an unwritable path stops the import at once.
		if errOut, err = createErrorsFile(fl.errorsPath, src); err != nil {
			return usagef("contacts import: --errors: %v", err)
		}
	}
	prog := newProgress(a.stderr, a.terminal(a.stderr), a.width(), "imported", 0, a.tick)
	im := &importer{client: client, prog: prog, pace: newPacer(a, prog, a.host(common)), errOut: errOut,
		host: a.host(common), counts: map[rowState]int{}}
	if common.format != "" && !fl.dryRun {
		im.out = newRecordWriter(a.stdout, common.format, contacts.columns, writerOptions{terminal: a.terminal(a.stdout)})
	}
	runErr := im.run(ctx, src, fl, pending)
	prog.finish()
	if im.out != nil {
		if err := im.out.Close(); err != nil && runErr == nil {
			runErr = fmt.Errorf("contacts import: writing the output: %w", err)
		}
	}
	if errOut != nil {
		if werr := errOut.close(); werr != nil && runErr == nil {
			runErr = fmt.Errorf("contacts import: writing %s: %w", fl.errorsPath, werr)
		}
	}
	var ue *usageError
	if errors.As(runErr, &ue) { // the input, found wrong by a dry run's single pass
		if errOut != nil {
			os.Remove(fl.errorsPath) // half an account of a file that cannot be read
		}
		return runErr
	}
	return a.importSummary(ctx, im, fl, runErr)
}

// importFlagsOn registers the flags of "contacts import" on fs, and returns them with a function
// that checks them, once parsed, with the positional arguments, and returns the FILE argument.
func importFlagsOn(fs *flag.FlagSet) (*importFlags, func(args []string) (string, error)) {
	fl := &importFlags{}
	fs.IntVar(&fl.concurrency, "concurrency", 4, "requests in flight at once")
	fs.Float64Var(&fl.rate, "rate", 5, "requests per second at most, 0 for no limit (5 is the smallest plan's limit)")
	fs.BoolVar(&fl.skipExisting, "skip-existing", false, "first list the contacts on the server and skip rows whose email or phone is there")
	fs.BoolVar(&fl.dryRun, "dry-run", false, "validate and report, sending nothing")
	fs.StringVar(&fl.errorsPath, "errors", "", "write every failed row, with its line and the reason, to this CSV `file`")
	fs.StringVar(&fl.input.encoding, "encoding", "", "the file's encoding: utf-8 (default; UTF-16 is found by its byte-order mark), windows-1252, latin1 or utf-16")
	delimiter := fs.String("delimiter", "", "CSV delimiter: , ; tab or any one character (default: found from the header line)")
	var maps []string
	fs.Func("map", "read a column as a field: COLUMN=FIELD (name, email, phone, position, companyname), or COLUMN= to ignore it; repeatable", func(v string) error {
		maps = append(maps, v)
		return nil
	})
	return fl, func(rest []string) (string, error) {
		var err error
		if len(rest) != 1 {
			return "", usagef("contacts import: want one FILE (CSV; JSON lines when it ends in .jsonl or .ndjson; a JSON array when it ends in .json; - for standard input)")
		}
		if err := checkConcurrency("contacts import", fl.concurrency); err != nil {
			return "", err
		}
		if err := checkRate("contacts import", fl.rate); err != nil {
			return "", err
		}
		if fl.input.delimiter, err = parseDelimiter(*delimiter); err != nil {
			return "", err
		}
		if fl.input.maps, err = parseMap(maps); err != nil {
			return "", err
		}
		if fl.errorsPath != "" && sameFile(fl.errorsPath, rest[0]) {
			return "", usagef("contacts import: --errors %s is the input file: it would be overwritten; name another file", fl.errorsPath)
		}
		return rest[0], nil
	}
}

// parseDelimiter reads --delimiter: one character, or "tab".
func parseDelimiter(v string) (rune, error) {
	switch v {
	case "":
		return 0, nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	r, size := utf8.DecodeRuneInString(v)
	if size != len(v) || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
		return 0, usagef("contacts import: --delimiter %q: want one character, such as , ; or tab", v)
	}
	return r, nil
}

// sameFile reports whether the paths a and b name the same file (b need not exist).
func sameFile(a, b string) bool {
	if a == "-" || b == "-" {
		return false
	}
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	if aerr == nil && berr == nil {
		return os.SameFile(ai, bi)
	}
	aa, _ := filepath.Abs(a)
	ba, _ := filepath.Abs(b)
	return aa == ba
}

// scan reads every row once, to find input errors before anything is sent, and returns how many
// rows would be sent.
func scan(src *importSource) (pending int, err error) {
	seen := newDedupe()
	err = src.each(func(rec *record) error {
		if r := classifyRow(rec, seen); r.state == statePending {
			pending++
		}
		return nil
	})
	return pending, err
}

// classifyRow validates a record, marks it a duplicate when it repeats an earlier valid row's
// content, email or phone, and derives its idempotency key.
func classifyRow(rec *record, seen *dedupe) *importRow {
	r := &importRow{record: *rec}
	reason := rec.err
	if reason == "" {
		reason = validate(rec.fields)
	}
	if reason != "" {
		r.state, r.reason = stateInvalid, reason
		return r
	}
	if line, what := seen.check(rec.fields); line > 0 {
		r.state, r.reason = stateDuplicate, fmt.Sprintf("same %s as line %d", what, line)
		if what == "content" {
			r.reason = fmt.Sprintf("same as line %d", line)
		}
		return r
	}
	seen.add(rec.fields, rec.line)
	r.key = idempotencyKey(rec.fields)
	return r
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
	im.prog.printf("line %d: %s\n", r.line, clean(r.reason))
}

// listExisting lists every contact on the server, pages fetched concurrently as an export
// does, and keeps their emails and phones.
func (im *importer) listExisting(ctx context.Context, concurrency int) (*keySet, error) {
	im.prog.printf("listing the contacts on the server...\n")
	im.prog.reset("listed", 0)
	on := &keySet{emails: map[dedupeKey]bool{}, phones: map[dedupeKey]bool{}}
	ex := &exporter[cashfin.Contact]{res: contacts, client: im.client, pace: im.pace, prog: im.prog, concurrency: concurrency, out: on}
	if err := ex.run(ctx); err != nil {
		if errors.Is(err, cashfin.ErrUnauthorized) || errors.Is(err, cashfin.ErrForbidden) {
			return nil, authError(err)
		}
		return nil, fmt.Errorf("contacts import: --skip-existing: listing the contacts: %w", err)
	}
	im.prog.printf("%d %s on the server\n", ex.written, plural(ex.written, "contact", "contacts"))
	return on, nil
}

// markExisting marks a pending row whose email or phone is in on.
func (on *keySet) markExisting(r *importRow) {
	if on == nil || r.state != statePending {
		return
	}
	switch e, p := emailKey(r.fields.Email), phoneKey(r.fields.Phone); {
	case e != "" && on.emails[keyOf("email", e)]:
		r.state, r.reason = stateExisting, "email already on the server"
	case p != "" && on.phones[keyOf("phone", p)]:
		r.state, r.reason = stateExisting, "phone already on the server"
	}
}

// keySet is a recordWriter of contacts that keeps the dedupe keys of the emails and phones written to it.
type keySet struct{ emails, phones map[dedupeKey]bool }

// Write keeps the dedupe keys of c's email and phone.
func (k *keySet) Write(c *cashfin.Contact) error {
	if e := emailKey(strings.TrimSpace(c.Email)); e != "" {
		k.emails[keyOf("email", e)] = true
	}
	if p := phoneKey(c.Phone); p != "" {
		k.phones[keyOf("phone", p)] = true
	}
	return nil
}

// Flush does nothing: a keySet writes nowhere.
func (k *keySet) Flush() error { return nil }

// Close does nothing: a keySet writes nowhere.
func (k *keySet) Close() error { return nil }

// snapshot is the newest contact on the server before the import sends anything, and how many
// there were: a create answered with a contact no newer than it is a replay of an earlier run's
// (the API answers a known Idempotency-Key with the contact it created then). Both times are the
// server's, so no clock is compared with another.
type snapshot struct {
	known bool      // the snapshot was taken
	empty bool      // the server held no contact: nothing can be a replay
	at    time.Time // the newest contact's createdat
	id    string    // and its ID
	total int       // contacts on the server, -1 when the page block is missing
}

// takeSnapshot takes the snapshot from a one-contact first page. A failure leaves it unknown,
// except a refused secret, which stops the import: every row would fail the same way.
func (im *importer) takeSnapshot(ctx context.Context) {
	p, err := fetchPage(ctx, im.client, im.pace, contacts, listParams{limit: 1})
	switch {
	case errors.Is(err, cashfin.ErrUnauthorized) || errors.Is(err, cashfin.ErrForbidden):
		im.stop(authError(err))
		return
	case err != nil:
		return
	}
	im.snap = snapshot{known: true, empty: len(p.Data) == 0, total: p.Pagination.Total}
	if p.Pagination.Total == 0 && len(p.Data) > 0 {
		im.snap.total = -1
	}
	if len(p.Data) > 0 {
		im.snap.at, im.snap.id = p.Data[0].CreatedAt, p.Data[0].ID
	}
}

// age says whether c, the answer to a create, was created now or by an earlier run.
func (s snapshot) age(c *cashfin.Contact) rowState {
	switch {
	case s.known && s.empty:
		return stateCreated
	case !s.known || s.at.IsZero() || c.CreatedAt.IsZero():
		return stateCreatedUnknown
	case c.CreatedAt.Before(s.at) || c.ID == s.id || (c.CreatedAt.Equal(s.at) && c.ID < s.id):
		return stateReplayed
	}
	return stateCreated
}

// countUnknownReplays settles the rows whose age the timestamps could not tell, from the count
// of contacts before and after: contacts are never deleted through the API, so when the count grew
// by less than those rows, the difference had been created by an earlier run. That is a lower
// bound: anything else creating contacts meanwhile hides replays, which then count as created.
func (im *importer) countUnknownReplays(ctx context.Context) {
	n := im.count(stateCreatedUnknown)
	if n == 0 {
		return
	}
	im.mu.Lock()
	im.counts[stateCreatedUnknown] = 0
	im.counts[stateCreated] += n
	im.mu.Unlock()
	if im.snap.total < 0 || !im.snap.known || ctx.Err() != nil {
		return
	}
	p, err := fetchPage(ctx, im.client, im.pace, contacts, listParams{limit: 1})
	if err != nil || (p.Pagination.Total == 0 && len(p.Data) > 0) {
		return
	}
	replays := max(0, n-(p.Pagination.Total-im.snap.total))
	im.mu.Lock()
	im.counts[stateCreated] -= replays
	im.counts[stateReplayed] += replays
	im.mu.Unlock()
}

// run reads the file a second time and, row by row, classifies, sends (concurrency at a time,
// in file order) and settles each. Nothing is sent after ctx ends, after the API refuses the
// secret, or after it proved unreachable; the rest of the file is still read, so that every row
// is accounted for.
func (im *importer) run(ctx context.Context, src *importSource, fl *importFlags, pending int) error {
	im.halt, im.done = make(chan struct{}), map[int]*importRow{}
	send := !fl.dryRun && pending > 0
	var on *keySet
	if fl.skipExisting && (pending > 0 || fl.dryRun) {
		var err error
		if on, err = im.listExisting(ctx, fl.concurrency); err != nil {
			im.stop(err)
		}
	}
	if send && im.haltErr == nil {
		im.takeSnapshot(ctx)
	}
	im.prog.reset("imported", pending)
	jobs := make(chan *importRow)
	var wg sync.WaitGroup
	for range fl.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				im.sendRow(ctx, r)
				im.settle(r)
			}
		}()
	}
	seen := newDedupe()
	err := src.each(func(rec *record) error {
		r := classifyRow(rec, seen)
		on.markExisting(r)
		im.register(r)
		switch {
		case r.state == stateInvalid:
			im.showFailure(r)
		case r.state != statePending || !send:
		case im.stopped():
			r.state = stateNotAttempted
		default:
			select {
			case jobs <- r:
				return nil
			case <-im.halt:
				r.state = stateNotAttempted
			case <-ctx.Done():
				im.stop(ctx.Err())
				r.state = stateNotAttempted
			}
		}
		im.settle(r)
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return err
	}
	im.countUnknownReplays(ctx)
	return im.haltErr
}

// register gives r its place in the file.
func (im *importer) register(r *importRow) {
	im.mu.Lock()
	r.seq = im.nextSeq
	im.nextSeq++
	im.mu.Unlock()
}

// settle counts a row in its final state and writes the failed rows to the errors file, in file
// order: a row waits for those before it.
func (im *importer) settle(r *importRow) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.counts[r.state]++
	im.done[r.seq] = r
	for {
		next, ok := im.done[im.written]
		if !ok {
			return
		}
		delete(im.done, im.written)
		im.written++
		if im.errOut != nil && (next.state == stateInvalid || next.state == stateFailed) {
			im.errOut.write(next)
		}
	}
}

// stop sends no more rows, for the reason err; the first reason stays.
func (im *importer) stop(err error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.haltErr != nil {
		return
	}
	im.haltErr = err
	close(im.halt)
	if errors.Is(err, context.Canceled) {
		im.prog.printf("interrupted: no new requests; waiting for those in flight (Ctrl-C again quits at once)\n")
	}
}

// stopped reports whether stop was called.
func (im *importer) stopped() bool {
	select {
	case <-im.halt:
		return true
	default:
		return false
	}
}

// count is the number of rows settled in state s.
func (im *importer) count(s rowState) int {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.counts[s]
}

// maxTransportFailures is how many rows in a row may fail to reach the API before the import
// stops sending: the API is then unreachable (refused, unknown host, TLS), and every further row
// would take its three attempts for nothing.
const maxTransportFailures = 3

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
		if im.stopped() || im.pace.wait(ctx) != nil {
			r.state = stateNotAttempted
			return
		}
		var resp cashfin.Response
		c, sent, attempts, err := im.create(ctx, params, cashfin.WithResponseInto(&resp))
		im.pace.done(reportedWindow(&resp, err))
		switch {
		case err == nil:
			im.answered()
			r.state = im.snap.age(c)
			im.prog.add(1)
			im.write(c)
			return
		case !sent:
			r.state = stateNotAttempted
			return
		case im.pace.check(err, n):
			continue
		case errors.Is(err, cashfin.ErrUnauthorized) || errors.Is(err, cashfin.ErrForbidden):
			r.state = stateNotAttempted // refused before anything was created
			im.stop(authError(err))
			return
		}
		if isTransport(err) {
			err = transportError(err, im.host, attempts)
			im.transportFailed(err)
		} else {
			im.answered()
		}
		r.state, r.reason = stateFailed, reason(err)
		im.prog.add(1)
		im.showFailure(r)
		return
	}
}

// answered notes that the API answered: the transport failures in a row start again from 0.
func (im *importer) answered() {
	im.mu.Lock()
	im.transport = 0
	im.mu.Unlock()
}

// transportFailed counts a row that could not reach the API, and stops the import after
// maxTransportFailures of them in a row.
func (im *importer) transportFailed(err error) {
	im.mu.Lock()
	im.transport++
	n := im.transport
	im.mu.Unlock()
	if n >= maxTransportFailures {
		im.stop(fmt.Errorf("contacts import: the API at %s is unreachable (%d rows in a row could not be sent; "+
			"the last: %w): stopped sending", im.host, n, err))
	}
}

// authError is a 401 or 403 explained: the secret, not the rows, is the problem.
func authError(err error) error {
	return fmt.Errorf("contacts import: the API refused the client secret (%w): check %s; nothing more was sent",
		err, cashfin.EnvClientSecret)
}

// create sends one create. Until the request starts going out, an end of ctx cancels it, and
// sent is false; once it has, it runs to its end whatever ctx does, so that an interrupt never
// abandons a request the API may be processing. (Should that line be crossed while ctx ends, the
// idempotency key makes sending the row again on a re-run harmless.) attempts counts the
// attempts the SDK made.
func (im *importer) create(ctx context.Context, p *cashfin.ContactCreateParams, opts ...cashfin.CallOption) (c *cashfin.Contact, sent bool, attempts int, err error) {
	reqCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
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
	c, err = im.client.Contacts.Create(reqCtx, p, opts...)
	return c, err == nil || !aborted.Load(), int(tries.Load()), err
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
