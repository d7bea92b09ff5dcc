package main

import (
	"context"
	"flag"
	"fmt"
	"iter"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// listCommand is "cashfin GROUP list": one page of records, newest first, or with --all every
// page, streamed as it arrives.
func listCommand[T any](r *resource[T]) *command {
	return &command{group: r.Name, name: "list", synopsis: "[--page N] [--limit N] [--search S] [--all]", format: "table",
		flags: func(fs *flag.FlagSet) runFunc {
			var p bulk.ListParams
			var all bool
			fs.IntVar(&p.Page, "page", 1, "page `number`, from 1")
			fs.IntVar(&p.Limit, "limit", 0, r.Name+" per page, 1 to 100 (default 10, or 100 with --all)")
			fs.StringVar(&p.Search, "search", "", "only "+r.Name+" whose name, email, phone or company contains this")
			fs.BoolVar(&all, "all", false, "every page from --page on, streamed")
			return func(ctx context.Context, a *app, in *invocation) error {
				name := in.cmd.title()
				switch {
				case len(in.args) > 0:
					return usagef("%s: unexpected argument %q", name, in.args[0])
				case p.Page < 1:
					return usagef("%s: --page %d: want 1 or more", name, p.Page)
				case p.Limit < 0 || p.Limit > 100 || (p.Limit == 0 && isSet(fs, "limit")):
					return usagef("%s: --limit %d: want 1 to 100", name, p.Limit)
				}
				return list(ctx, a, in, r, p, all)
			}
		}}
}

// list prints the page p, or with all every page from it on.
func list[T any](ctx context.Context, a *app, in *invocation, r *resource[T], p bulk.ListParams, all bool) error {
	common := in.common
	client, err := a.client(common, 0)
	if err != nil {
		return err
	}
	callCtx, attempts := bulk.CountAttempts(ctx)
	pages := r.listPages(callCtx, client, p)
	if !all {
		pages = onePage(r.List(callCtx, client, p))
	}
	w := term.NewRecordWriter(a.stdout, common.format, r.Columns, term.WriterOptions{Terminal: a.terminal(a.stdout)})
	var last *cashfin.Page[T]
	for page, err := range pages {
		if err != nil {
			// What was streamed stays as it was (each page is flushed): a JSON array is left
			// open, so that a partial listing never reads as a whole one, as with export.
			return a.callError(common, err, attempts)
		}
		attempts.Store(0) // count the next page's attempts (the SDK may be fetching it already)
		for i := range page.Data {
			if err := w.Write(&page.Data[i]); err != nil {
				return err
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		last = page
	}
	if err := w.Close(); err != nil {
		return err
	}
	if pg := last.Pagination; !all && common.format == "table" && pg.Pages > 1 {
		fmt.Fprintf(a.stderr, "page %d of %d (%d %s): --page N for another, --all for every page\n",
			pg.Page, pg.Pages, pg.Total, r.Name)
	}
	return nil
}

// onePage is the result of a single List as a sequence of pages, so one loop prints both list forms.
func onePage[T any](p *cashfin.Page[T], err error) iter.Seq2[*cashfin.Page[T], error] {
	return func(yield func(*cashfin.Page[T], error) bool) { yield(p, err) }
}
