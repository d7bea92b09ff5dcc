package main

import (
	"context"
	"flag"
	"fmt"
	"iter"

	"github.com/cashfin-go/cashfin"
)

// list is "cashfin contacts list": one page of contacts, newest first, or with --all every page,
// streamed as it arrives.
func (a *app) list(ctx context.Context, args []string) error {
	fs, common := a.newFlagSet("list", "[--page N] [--limit N] [--search S] [--all]", "table")
	var p cashfin.ContactListParams
	var all bool
	fs.IntVar(&p.Page, "page", 1, "page `number`, from 1")
	fs.IntVar(&p.Limit, "limit", 0, "contacts per page, 1 to 100 (default 10, or 100 with --all)")
	fs.StringVar(&p.Search, "search", "", "only contacts whose name, email, phone or company contains this")
	fs.BoolVar(&all, "all", false, "every page from --page on, streamed")
	rest, err := a.parse(fs, common, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return usagef("contacts list: unexpected argument %q", rest[0])
	case p.Page < 1:
		return usagef("contacts list: --page %d: want 1 or more", p.Page)
	case p.Limit < 0 || p.Limit > 100 || (p.Limit == 0 && isSet(fs, "limit")):
		return usagef("contacts list: --limit %d: want 1 to 100", p.Limit)
	}
	client, err := a.client(common, 0)
	if err != nil {
		return err
	}
	callCtx, attempts := countAttempts(ctx)
	pages := client.Contacts.ListPages(callCtx, &p)
	if !all {
		pages = onePage(client.Contacts.List(callCtx, &p))
	}
	w := newContactWriter(a.stdout, common.format, writerOptions{terminal: a.terminal(a.stdout)})
	var last *cashfin.Page[cashfin.Contact]
	for page, err := range pages {
		if err != nil {
			if last != nil { // end what was streamed (a JSON array, say); print nothing otherwise
				w.Close()
			}
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
		fmt.Fprintf(a.stderr, "page %d of %d (%d contacts): --page N for another, --all for every page\n",
			pg.Page, pg.Pages, pg.Total)
	}
	return nil
}

// onePage is the result of a single List as a sequence of pages, so one loop prints both list forms.
func onePage(p *cashfin.Page[cashfin.Contact], err error) iter.Seq2[*cashfin.Page[cashfin.Contact], error] {
	return func(yield func(*cashfin.Page[cashfin.Contact], error) bool) { yield(p, err) }
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
