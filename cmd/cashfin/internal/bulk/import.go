package bulk

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// ImportConfig is one import: what it imports into, how, and where it reports.
type ImportConfig[T any] struct {
	Resource *Resource[T]
	// Client sends the rows; nil for a dry run without SkipExisting. Main builds it with every
	// option the command takes (its rate, and any cashfin.Limiter shared with other processes),
	// so that the engine paces nothing the client does not know of.
	Client   *cashfin.Client
	Pacer    *Pacer
	Progress *term.Progress
	// NewIndex returns an empty index of people: the identity rules.
	NewIndex     func() Index
	Concurrency  int
	DryRun       bool
	SkipExisting bool
	Errors       *ErrorsFile          // the --errors file, or nil
	Out          term.RecordWriter[T] // each record created, with --format; nil for none
	// Abort ends the requests in flight (a second Ctrl-C); nil lets them finish whatever ctx does.
	Abort context.Context
	// Skipped is where skipped rows are listed past the first MaxShownSkips: "" for a new file
	// in the temporary directory.
	Skipped string
}

// MaxShownFailures is how many failed rows are described on standard error.
const MaxShownFailures = 10

// Importer sends the rows of one import file.
type Importer[T any] struct {
	cfg   ImportConfig[T]
	snap  snapshot // the newest record before the import, to tell replays when the API does not say
	skips skipLog

	outMu sync.Mutex
	shown atomic.Int64 // failures described so far

	mu        sync.Mutex
	counts    [numStates]int
	nextSeq   int          // sequence number of the next row read
	written   int          // rows up to this sequence number are settled and written
	done      map[int]*row // rows settled but waiting for an earlier one
	transport int          // transport failures in a row, since the last answer
	halt      chan struct{}
	haltErr   error // why no more rows are sent: an interrupt, a refused secret, an unreachable API
}

// NewImporter returns the importer of cfg.
func NewImporter[T any](cfg ImportConfig[T]) *Importer[T] {
	im := &Importer[T]{cfg: cfg, halt: make(chan struct{}), done: map[int]*row{}}
	im.skips = skipLog{prog: cfg.Progress, path: cfg.Skipped}
	return im
}

// Run imports src: a first pass reads the whole file, so that an input error on its last line
// stops the import before anything is sent (and the bar knows the total); then, row by row, it
// classifies, sends (Concurrency at a time) and settles each. Nothing is sent after ctx ends,
// after the API refuses the secret, or after it proved unreachable; the rest of the file is still
// read, so that every row is accounted for. An error of the file itself is returned as it is.
func (im *Importer[T]) Run(ctx context.Context, src Source) error {
	pending := 0
	if !im.cfg.DryRun {
		var err error
		if pending, err = im.scan(src); err != nil {
			return err
		}
	}
	send := !im.cfg.DryRun && pending > 0
	var existing Index
	if im.cfg.SkipExisting && (pending > 0 || im.cfg.DryRun) {
		existing = im.listExisting(ctx)
	}
	if send && !im.stopped() {
		im.takeSnapshot(ctx)
		im.warnDaily(pending)
	}
	im.cfg.Progress.Reset("imported", pending)
	err := im.sendAll(ctx, src, existing, send)
	if err != nil {
		return err
	}
	im.countUnknownReplays(ctx)
	return im.haltErr
}

// newClassifier is a classifier of im's rows, checking against existing (nil for none).
func (im *Importer[T]) newClassifier(existing Index) *classifier[T] {
	return &classifier[T]{res: im.cfg.Resource, file: im.cfg.NewIndex(), existing: existing}
}

// scan reads every row once, to find input errors before anything is sent, and returns how many
// rows may be sent: those that can be sent as read. It leaves the duplicate rules to the second
// pass, which takes the rows it skips off the total: the first pass then costs no more than
// reading the file.
func (im *Importer[T]) scan(src Source) (pending int, err error) {
	c := im.newClassifier(nil)
	err = src.Each(func(r *Row) error {
		if !r.Blank && c.prepare(r) == "" {
			pending++
		}
		return nil
	})
	return pending, err
}

// sendAll reads src, hands the rows to send to the workers, and settles the others.
func (im *Importer[T]) sendAll(ctx context.Context, src Source, existing Index, send bool) error {
	jobs := make(chan *row)
	var wg sync.WaitGroup
	for range im.cfg.Concurrency {
		wg.Go(func() {
			for r := range jobs {
				im.sendRow(ctx, r)
				im.settle(r)
			}
		})
	}
	c := im.newClassifier(existing)
	err := src.Each(func(in *Row) error {
		r := c.classify(in)
		im.register(r)
		im.dispatch(ctx, r, send, jobs)
		return nil
	})
	close(jobs)
	wg.Wait()
	return err
}

// dispatch gives a row to a worker, or settles it here when it is not to be sent.
func (im *Importer[T]) dispatch(ctx context.Context, r *row, send bool, jobs chan<- *row) {
	switch {
	case r.state == stateInvalid:
		im.showFailure(r)
	case r.state == stateDuplicate || r.state == stateExisting:
		im.cfg.Progress.AddTotal(-1) // counted by the first pass, which does not apply the rules
	case r.state != statePending || !send:
	case im.stopped():
		r.state = stateNotAttempted
	default:
		select {
		case jobs <- r:
			return
		case <-im.halt:
			r.state = stateNotAttempted
		case <-ctx.Done():
			im.stop(ctx.Err())
			r.state = stateNotAttempted
		}
	}
	im.settle(r)
}

// register gives r its place in the file.
func (im *Importer[T]) register(r *row) {
	im.mu.Lock()
	r.seq = im.nextSeq
	im.nextSeq++
	im.mu.Unlock()
}

// settle counts a row in its final state, writes the failed rows to the errors file and says
// the skipped ones, in file order: a row waits for those before it.
func (im *Importer[T]) settle(r *row) {
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
		switch next.state {
		case stateInvalid, stateFailed:
			if im.cfg.Errors != nil {
				im.cfg.Errors.write(next.Line, next.Raw, next.reason)
			}
		case stateDuplicate, stateExisting, stateReplayed:
			im.skips.note(next.Line, next.reason)
		}
	}
}

// stop sends no more rows, for the reason err; the first reason stays.
func (im *Importer[T]) stop(err error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.haltErr != nil {
		return
	}
	im.haltErr = err
	close(im.halt)
	if errors.Is(err, context.Canceled) {
		im.cfg.Progress.Printf("interrupted: no new requests; waiting for those in flight " +
			"(Ctrl-C again abandons them; the summary and the errors file are still written)\n")
	}
}

// stopped reports whether stop was called.
func (im *Importer[T]) stopped() bool {
	select {
	case <-im.halt:
		return true
	default:
		return false
	}
}

// count is the number of rows settled in state s.
func (im *Importer[T]) count(s State) int {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.counts[s]
}

// showFailure describes a failed row on standard error, for the first few.
func (im *Importer[T]) showFailure(r *row) {
	if im.shown.Add(1) > MaxShownFailures {
		im.shown.Add(-1)
		return
	}
	im.cfg.Progress.Printf("line %d: %s\n", r.Line, term.Clean(r.reason))
}

// warnDaily says, before anything is sent, how long the import takes when the plan's daily
// window cannot hold it: "50,000 rows at 1,000 a day: about 50 days".
func (im *Importer[T]) warnDaily(pending int) {
	limit, left, reset, ok := im.cfg.Pacer.Daily()
	if !ok || pending <= left {
		return
	}
	days := (pending + limit - 1) / limit
	im.cfg.Progress.Printf("%s rows at %s a day: about %d %s (the plan's daily limit; %s left today, "+
		"the next day's in %s); the import waits for each day's window, or stop it with Ctrl-C and run it again later\n",
		term.Count(pending), term.Count(limit), days, term.Plural(days, "day", "days"), term.Count(left),
		term.Duration(time.Until(reset).Round(time.Minute)))
}
