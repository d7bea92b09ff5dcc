package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/cashfin-go/cashfin"
)

// pageSize is the page size of bulk walks: the API's maximum.
const pageSize = 100

// exportCommand is "cashfin GROUP export": every record, in list order, to standard output or --out.
func exportCommand[T any](r *resource[T]) *command {
	return &command{group: r.name, name: "export", synopsis: "[--search S] [--concurrency N] [--rate R] [--out FILE] [--excel-safe]", format: "csv",
		flags: func(fs *flag.FlagSet) runFunc {
			fl := &exportFlags{}
			fs.StringVar(&fl.search, "search", "", "only "+r.name+" whose name, email, phone or company contains this")
			fs.IntVar(&fl.concurrency, "concurrency", 4, "pages fetched at once")
			fs.Float64Var(&fl.rate, "rate", 5, "requests per second at most, 0 for no limit (5 is the smallest plan's limit)")
			fs.StringVar(&fl.out, "out", "", "write to this `file` rather than standard output")
			fs.BoolVar(&fl.excelSafe, "excel-safe", false, "csv: prefix cells starting with = + - or @ with ' so a spreadsheet does not run them")
			return func(ctx context.Context, a *app, in *invocation) error {
				name := in.cmd.title()
				if err := noArgs(in, ""); err != nil {
					return err
				}
				if err := checkConcurrency(name, fl.concurrency); err != nil {
					return err
				}
				if err := checkRate(name, fl.rate); err != nil {
					return err
				}
				return export(ctx, a, in, r, fl)
			}
		}}
}

// exportFlags are the flags of an export.
type exportFlags struct {
	search      string
	concurrency int
	rate        float64
	out         string
	excelSafe   bool
}

// export writes every record of r to standard output or --out.
func export[T any](ctx context.Context, a *app, in *invocation, r *resource[T], fl *exportFlags) error {
	name, common := in.cmd.title(), in.common
	client, err := a.client(common, fl.rate)
	if err != nil {
		return err
	}
	var (
		w   io.Writer = a.stdout
		tmp *os.File
	)
	if fl.out != "" {
		if tmp, err = createBeside(name, fl.out); err != nil {
			return err
		}
		defer os.Remove(tmp.Name()) // fails harmlessly once renamed
		defer tmp.Close()
		w = tmp
	}
	cw := newRecordWriter(w, common.format, r.columns, writerOptions{excelSafe: fl.excelSafe, terminal: tmp == nil && a.terminal(a.stdout)})
	prog := newProgress(a.stderr, a.terminal(a.stderr), a.width(), "exported", 0, a.tick)
	ex := &exporter[T]{
		res:         r,
		client:      client,
		pace:        newPacer(a, prog, a.host(common)),
		prog:        prog,
		search:      fl.search,
		concurrency: fl.concurrency,
		out:         cw,
	}
	err = ex.run(ctx)
	prog.finish()
	if err == nil {
		err = ex.accounted()
	}
	if err != nil {
		cw.Flush()
		return err
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("%s: writing the output: %w", name, err)
	}
	where := ""
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.Rename(tmp.Name(), fl.out); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		where = " to " + fl.out
	}
	fmt.Fprintf(a.stderr, "exported %d %s%s\n", ex.written, plural(ex.written, r.one, r.name), where)
	return nil
}

// createBeside creates the temporary file an export to path is written to: in path's own
// directory (a bare name is the working directory), so that the final rename never crosses
// filesystems, and so that FILE is either the whole export or untouched. A path that is a
// directory, or whose directory is missing or not writable, is a usage error, found before
// anything is fetched.
func createBeside(name, path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, usagef("%s: --out %s is a directory: want a file name", name, path)
	}
	dir, base := filepath.Split(path)
	if base == "" {
		return nil, usagef("%s: --out %s: want a file name", name, path)
	}
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, usagef("%s: --out: %v", name, err)
	}
	return tmp, nil
}

// exporter walks the list of a resource with pages fetched concurrently and writes each record
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
type exporter[T any] struct {
	res         *resource[T]
	client      *cashfin.Client
	pace        *pacer
	prog        *progress
	search      string
	concurrency int
	out         recordWriter[T]

	announced int      // the total the first page announced: every one of them must be written
	low       int      // lowest rank written so far
	maxTotal  int      // largest total any page reported
	done      bool     // every rank down to 0 is written
	recent    idWindow // IDs of the last contacts written
	written   int
}

// fetched is a page on its way to the writer.
type fetched[T any] struct {
	page *cashfin.Page[T]
	err  error
}

// run fetches page 1 to learn how many pages there are, then the others concurrently.
func (e *exporter[T]) run(ctx context.Context) error {
	e.recent.init(2 * pageSize)
	first, err := e.fetch(ctx, 1)
	if err != nil {
		return err
	}
	if first.Pagination.Total == 0 && first.Pagination.Pages == 0 && len(first.Data) > 0 {
		return e.sequential(ctx, first) // no page block: walk until a short page
	}
	e.announced = first.Pagination.Total
	e.prog.setTotal(first.Pagination.Total)
	if _, err := e.emit(1, first, false); err != nil {
		return err
	}
	for next := 2; !e.done; {
		last := max(next, (e.maxTotal+pageSize-1)/pageSize)
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
func (e *exporter[T]) pipeline(ctx context.Context, from, to int) error {
	ctx, cancel := context.WithCancel(ctx)
	pending := make(chan chan fetched[T], 2*e.concurrency) // pages in list order, fetched or not
	sem := make(chan struct{}, e.concurrency)              // fetches in flight
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
func (e *exporter[T]) emitOrRefetch(ctx context.Context, n int, page *cashfin.Page[T]) error {
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

// accounted checks that the export wrote every contact the server announced on its first page.
// Contacts are never deleted, so fewer means pages were missed: a server (or a cache in front of
// it) that ignores the page parameter serves page 1 again and again.
func (e *exporter[T]) accounted() error {
	if e.written < e.announced {
		return fmt.Errorf("%s export: the server announced %d %s but its pages held only %d "+
			"distinct ones (does it, or a cache in front of it, ignore the page parameter?): the export is incomplete",
			e.res.name, e.announced, e.res.name, e.written)
	}
	return nil
}

// sequential walks the pages after first one at a time, for a list without page blocks. A full
// page that brings nothing new ends it with an error: the server is serving a page again.
func (e *exporter[T]) sequential(ctx context.Context, first *cashfin.Page[T]) error {
	page := first
	for n := 1; ; n++ {
		before := e.written
		if err := e.writePage(page); err != nil {
			return err
		}
		if len(page.Data) < pageSize {
			return nil
		}
		if n > 1 && e.written == before {
			return fmt.Errorf("%s export: page %d holds only %s already exported "+
				"(does the server, or a cache in front of it, ignore the page parameter?)", e.res.name, n, e.res.name)
		}
		var err error
		if page, err = e.fetch(ctx, n+1); err != nil {
			return err
		}
	}
}

// emit writes page n, skipping contacts already written. It writes nothing and reports a gap when
// the page misses contacts just above it in the list (see exporter), unless force is set.
func (e *exporter[T]) emit(n int, p *cashfin.Page[T], force bool) (gap bool, err error) {
	total := p.Pagination.Total
	top := total - (n-1)*pageSize - 1 // rank of the page's first contact
	if n > 1 && top < e.low-1 && len(p.Data) > 0 && !force {
		return true, nil
	}
	if n > 1 {
		// The first top-(low-1) contacts were written already: remember at least that many IDs.
		e.recent.grow(top - e.low + 1 + 2*pageSize)
	}
	if err := e.writePage(p); err != nil {
		return false, err
	}
	pageLow := total - (n-1)*pageSize - len(p.Data)
	if n == 1 {
		e.low = pageLow
	} else {
		e.low = min(e.low, pageLow)
	}
	if total > e.maxTotal {
		e.maxTotal = total
		e.prog.setTotal(total)
	}
	e.done = len(p.Data) < pageSize || e.low <= 0
	return false, nil
}

// writePage writes the contacts of p not written yet, and flushes.
func (e *exporter[T]) writePage(p *cashfin.Page[T]) error {
	k := 0
	for i := range p.Data {
		c := &p.Data[i]
		if id := e.res.id(c); id != "" {
			if e.recent.has(id) {
				continue
			}
			e.recent.add(id)
		}
		if err := e.out.Write(c); err != nil {
			return fmt.Errorf("%s export: writing the output: %w", e.res.name, err)
		}
		k++
	}
	e.written += k
	e.prog.add(k)
	if err := e.out.Flush(); err != nil {
		return fmt.Errorf("%s export: writing the output: %w", e.res.name, err)
	}
	return nil
}

// fetch fetches page n of the export, waiting out 429s.
func (e *exporter[T]) fetch(ctx context.Context, n int) (*cashfin.Page[T], error) {
	return fetchPage(ctx, e.client, e.pace, e.res, listParams{page: n, limit: pageSize, search: e.search})
}

// fetchPage fetches one page of the list, waiting out 429s: a 429 pauses every worker of the
// command (see pacer), then the page is asked for again.
func fetchPage[T any](ctx context.Context, client *cashfin.Client, pace *pacer, r *resource[T], params listParams) (*cashfin.Page[T], error) {
	for try := 1; ; try++ {
		if err := pace.wait(ctx); err != nil {
			return nil, err
		}
		callCtx, attempts := countAttempts(ctx)
		var resp cashfin.Response
		p, err := r.list(callCtx, client, params, cashfin.WithResponseInto(&resp))
		pace.done(reportedWindow(&resp, err))
		if pace.check(err, try) {
			continue
		}
		if isTransport(err) {
			err = transportError(err, pace.host, int(attempts.Load()))
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
