package bulk

import (
	"context"
	"fmt"
	"sync"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// PageSize is the page size of bulk walks: the API's maximum.
const PageSize = 100

// Exporter walks the list of a resource with pages fetched concurrently and writes each record
// once, in list order. (What follows says "contact"; it holds for any resource of the API, whose
// lists are all newest first, without deletions.)
//
// The list is newest first and has no deletions, so a contact created during the export pushes
// every other one a place further down: a page fetched later than the one before it may start
// with contacts already written, and those are dropped by ID. The dangerous case is the reverse,
// a page fetched before a creation that the page before it saw, which would miss the contacts
// pushed down from there: a contact's rank counted from the end of the list (total-1-position)
// never changes, so comparing the ranks each page covers (from its own total) shows that gap,
// and the page is fetched again. Memory holds a window of pages and of recent IDs, not the list.
type Exporter[T any] struct {
	Resource    *Resource[T]
	Client      *cashfin.Client
	Pacer       *Pacer
	Progress    *term.Progress
	Search      string
	Concurrency int
	Out         term.RecordWriter[T]

	announced int      // the total the first page announced: every one of them must be written
	low       int      // lowest rank written so far
	maxTotal  int      // largest total any page reported
	done      bool     // every rank down to 0 is written
	recent    idWindow // IDs of the last contacts written
	written   int
}

// Written is how many records the export wrote.
func (e *Exporter[T]) Written() int { return e.written }

// fetched is a page on its way to the writer.
type fetched[T any] struct {
	page *cashfin.Page[T]
	err  error
}

// Run fetches page 1 to learn how many pages there are, then the others concurrently.
func (e *Exporter[T]) Run(ctx context.Context) error {
	e.recent.init(2 * PageSize)
	first, err := e.fetch(ctx, 1)
	if err != nil {
		return err
	}
	if first.Pagination.Total == 0 && first.Pagination.Pages == 0 && len(first.Data) > 0 {
		return e.sequential(ctx, first) // no page block: walk until a short page
	}
	e.announced = first.Pagination.Total
	e.Progress.SetTotal(first.Pagination.Total)
	if _, err := e.emit(1, first, false); err != nil {
		return err
	}
	for next := 2; !e.done; {
		last := max(next, (e.maxTotal+PageSize-1)/PageSize)
		if err := e.pipeline(ctx, next, last); err != nil {
			return err
		}
		next = last + 1
	}
	return nil
}

// pipeline fetches pages from..to, concurrency at a time, and writes them in order. Pages
// fetched ahead wait in a window of 2*concurrency, so that one slow page holds up the writing but
// not the fetching; at most 2*concurrency+2 pages are held at once, however long the list.
func (e *Exporter[T]) pipeline(ctx context.Context, from, to int) error {
	ctx, cancel := context.WithCancel(ctx)
	pending := make(chan chan fetched[T], 2*e.Concurrency) // pages in list order, fetched or not
	sem := make(chan struct{}, e.Concurrency)              // fetches in flight
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(pending)
		for n := from; n <= to; n++ {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			ch := make(chan fetched[T], 1)
			wg.Add(1)
			go func(n int) {
				defer wg.Done()
				p, err := e.fetch(ctx, n)
				<-sem
				ch <- fetched[T]{p, err}
			}(n)
			select {
			case pending <- ch:
			case <-ctx.Done():
				return
			}
		}
	}()
	defer func() {
		cancel()
		for range pending { // let the dispatcher end
		}
		wg.Wait()
	}()

	n := from
	for ch := range pending {
		r := <-ch
		if r.err != nil {
			return r.err
		}
		if err := e.emitOrRefetch(ctx, n, r.page); err != nil {
			return err
		}
		if e.done {
			return nil
		}
		n++
	}
	return ctx.Err()
}

// emitOrRefetch writes page n, fetching it again while it misses contacts just above it (it was
// fetched before contacts created since pushed some down past it); the fourth copy is written
// whatever it misses.
func (e *Exporter[T]) emitOrRefetch(ctx context.Context, n int, page *cashfin.Page[T]) error {
	for try := 1; ; try++ {
		gap, err := e.emit(n, page, try > 3)
		if err != nil || !gap {
			return err
		}
		if page, err = e.fetch(ctx, n); err != nil {
			return err
		}
	}
}

// Accounted checks that the export wrote every contact the server announced on its first page.
// Contacts are never deleted, so fewer means pages were missed: a server (or a cache in front of
// it) that ignores the page parameter serves page 1 again and again.
func (e *Exporter[T]) Accounted() error {
	if e.written < e.announced {
		return fmt.Errorf("%s export: the server announced %d %s but its pages held only %d "+
			"distinct ones (does it, or a cache in front of it, ignore the page parameter?): the export is incomplete",
			e.Resource.Name, e.announced, e.Resource.Name, e.written)
	}
	return nil
}

// sequential walks the pages after first one at a time, for a list without page blocks. A full
// page that brings nothing new ends it with an error: the server is serving a page again.
func (e *Exporter[T]) sequential(ctx context.Context, first *cashfin.Page[T]) error {
	page := first
	for n := 1; ; n++ {
		before := e.written
		if err := e.writePage(page); err != nil {
			return err
		}
		if len(page.Data) < PageSize {
			return nil
		}
		if n > 1 && e.written == before {
			return fmt.Errorf("%s export: page %d holds only %s already exported "+
				"(does the server, or a cache in front of it, ignore the page parameter?)", e.Resource.Name, n, e.Resource.Name)
		}
		var err error
		if page, err = e.fetch(ctx, n+1); err != nil {
			return err
		}
	}
}

// emit writes page n, skipping contacts already written. It writes nothing and reports a gap when
// the page misses contacts just above it in the list (see exporter), unless force is set.
func (e *Exporter[T]) emit(n int, p *cashfin.Page[T], force bool) (gap bool, err error) {
	total := p.Pagination.Total
	top := total - (n-1)*PageSize - 1 // rank of the page's first contact
	if n > 1 && top < e.low-1 && len(p.Data) > 0 && !force {
		return true, nil
	}
	if n > 1 {
		// The first top-(low-1) contacts were written already: remember at least that many IDs.
		e.recent.grow(top - e.low + 1 + 2*PageSize)
	}
	if err := e.writePage(p); err != nil {
		return false, err
	}
	pageLow := total - (n-1)*PageSize - len(p.Data)
	if n == 1 {
		e.low = pageLow
	} else {
		e.low = min(e.low, pageLow)
	}
	if total > e.maxTotal {
		e.maxTotal = total
		e.Progress.SetTotal(total)
	}
	e.done = len(p.Data) < PageSize || e.low <= 0
	return false, nil
}

// writePage writes the contacts of p not written yet, and flushes.
func (e *Exporter[T]) writePage(p *cashfin.Page[T]) error {
	k := 0
	for i := range p.Data {
		c := &p.Data[i]
		if id := e.Resource.ID(c); id != "" {
			if e.recent.has(id) {
				continue
			}
			e.recent.add(id)
		}
		if err := e.Out.Write(c); err != nil {
			return fmt.Errorf("%s export: writing the output: %w", e.Resource.Name, err)
		}
		k++
	}
	e.written += k
	e.Progress.Add(k)
	if err := e.Out.Flush(); err != nil {
		return fmt.Errorf("%s export: writing the output: %w", e.Resource.Name, err)
	}
	return nil
}

// fetch fetches page n of the export, waiting out 429s.
func (e *Exporter[T]) fetch(ctx context.Context, n int) (*cashfin.Page[T], error) {
	return FetchPage(ctx, e.Client, e.Pacer, e.Resource, ListParams{Page: n, Limit: PageSize, Search: e.Search})
}

// fetchPage fetches one page of the list, waiting out 429s: a 429 pauses every worker of the
// command (see pacer), then the page is asked for again.
func FetchPage[T any](ctx context.Context, client *cashfin.Client, pace *Pacer, r *Resource[T], params ListParams) (*cashfin.Page[T], error) {
	for try := 1; ; try++ {
		if err := pace.Wait(ctx); err != nil {
			return nil, err
		}
		callCtx, attempts := CountAttempts(ctx)
		var resp cashfin.Response
		p, err := r.List(callCtx, client, params, cashfin.WithResponseInto(&resp))
		pace.Done(ReportedWindow(&resp, err))
		if pace.Check(err, try) {
			continue
		}
		if IsTransport(err) {
			err = TransportError(err, pace.host, int(attempts.Load()))
		}
		return p, err
	}
}

// idWindow remembers the last IDs added, at most a capacity of them.
type idWindow struct {
	set   map[string]struct{}
	queue []string
	head  int
	cap   int
}

func (w *idWindow) init(capacity int) {
	w.set, w.cap = make(map[string]struct{}, capacity), capacity
}

// grow raises the capacity to at least n.
func (w *idWindow) grow(n int) { w.cap = max(w.cap, n) }

func (w *idWindow) has(id string) bool {
	_, ok := w.set[id]
	return ok
}

func (w *idWindow) add(id string) {
	for len(w.queue)-w.head >= w.cap {
		delete(w.set, w.queue[w.head])
		w.queue[w.head] = ""
		w.head++
	}
	if w.head > len(w.queue)/2 && w.head > 64 {
		w.queue = append(w.queue[:0], w.queue[w.head:]...)
		w.head = 0
	}
	w.queue = append(w.queue, id)
	w.set[id] = struct{}{}
}
