package bulk

import (
	"context"
	"fmt"
	"time"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// snapshot is the newest record on the server before the import sends anything, and how many
// there were. It serves the heuristic for answers without an Idempotent-Replayed header: a
// create answered with a record no newer than it is a replay of an earlier run's (the API
// answers a known Idempotency-Key with the record it created then). Both times are the server's,
// so no clock is compared with another.
type snapshot struct {
	known bool      // the snapshot was taken
	empty bool      // the server held no record: nothing can be a replay
	at    time.Time // the newest record's createdat
	id    string    // and its ID
	total int       // records on the server, -1 when the page block is missing
}

// takeSnapshot takes the snapshot from a one-record first page (whose answer also tells the
// pacer the plan's windows). A failure leaves it unknown, except a refused secret, which stops
// the import: every row would fail the same way.
func (im *Importer[T]) takeSnapshot(ctx context.Context) {
	p, err := FetchPage(ctx, im.cfg.Client, im.cfg.Pacer, im.cfg.Resource, ListParams{Limit: 1})
	switch {
	case isAuth(err):
		im.stop(im.authError(err))
		return
	case err != nil:
		return
	}
	im.snap = snapshot{known: true, empty: len(p.Data) == 0, total: p.Pagination.Total}
	if p.Pagination.Total == 0 && len(p.Data) > 0 {
		im.snap.total = -1
	}
	if len(p.Data) > 0 && im.cfg.Resource.CreatedAt != nil {
		im.snap.at, im.snap.id = im.cfg.Resource.CreatedAt(&p.Data[0]), im.cfg.Resource.ID(&p.Data[0])
	}
}

// age says whether rec, the answer to a create, was created now or by an earlier run.
func age[T any](s snapshot, res *Resource[T], rec *T) State {
	at := time.Time{}
	if res.CreatedAt != nil {
		at = res.CreatedAt(rec)
	}
	id := res.ID(rec)
	switch {
	case s.known && s.empty:
		return stateCreated
	case !s.known || s.at.IsZero() || at.IsZero():
		return stateCreatedUnknown
	case at.Before(s.at) || id == s.id || (at.Equal(s.at) && id < s.id):
		return stateReplayed
	}
	return stateCreated
}

// countUnknownReplays settles the rows whose age the timestamps could not tell (HEURISTIC, for
// answers without an Idempotent-Replayed header), from the count of records before and after:
// records are never deleted through the API, so when the count grew by less than those rows,
// the difference had been created by an earlier run. That is a lower bound: anything else
// creating records meanwhile hides replays, which then count as created.
func (im *Importer[T]) countUnknownReplays(ctx context.Context) {
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
	p, err := FetchPage(ctx, im.cfg.Client, im.cfg.Pacer, im.cfg.Resource, ListParams{Limit: 1})
	if err != nil || (p.Pagination.Total == 0 && len(p.Data) > 0) {
		return
	}
	replays := max(0, n-(p.Pagination.Total-im.snap.total))
	im.mu.Lock()
	im.counts[stateCreated] -= replays
	im.counts[stateReplayed] += replays
	im.mu.Unlock()
}

// listExisting lists every record on the server, pages fetched concurrently as an export does,
// into an index of the people they are. A failure stops the import (nothing is sent) and
// returns nil.
func (im *Importer[T]) listExisting(ctx context.Context) Index {
	res, prog := im.cfg.Resource, im.cfg.Progress
	prog.Printf("listing the %s on the server...\n", res.Name)
	prog.Reset("listed", 0)
	idx := &indexWriter[T]{res: res, idx: im.cfg.NewIndex()}
	ex := &Exporter[T]{Resource: res, Client: im.cfg.Client, Pacer: im.cfg.Pacer, Progress: prog,
		Concurrency: im.cfg.Concurrency, Out: idx}
	if err := ex.Run(ctx); err != nil {
		if isAuth(err) {
			im.stop(im.authError(err))
		} else {
			im.stop(fmt.Errorf("%s import: --skip-existing: listing the %s: %w", res.Name, res.Name, err))
		}
		return nil
	}
	prog.Printf("%d %s on the server\n", ex.Written(), term.Plural(ex.Written(), res.One, res.Name))
	return idx.idx
}

// indexWriter is a RecordWriter that adds each record written to an index, by its ID.
type indexWriter[T any] struct {
	res *Resource[T]
	idx Index
}

// Write adds r to the index.
func (w *indexWriter[T]) Write(r *T) error {
	w.idx.Add(w.res.Person(r), w.res.One+" "+w.res.ID(r))
	return nil
}

// Flush does nothing: an indexWriter writes nowhere.
func (w *indexWriter[T]) Flush() error { return nil }

// Close does nothing: an indexWriter writes nowhere.
func (w *indexWriter[T]) Close() error { return nil }
