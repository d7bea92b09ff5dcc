package cashfin

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cashfin-go/cashfin/internal/transport"
)

// Pagination is the page block of a list response ("pagination", or "meta" in some API pages).
type Pagination struct {
	Total int // records matching, over all pages
	Page  int // this page, 1-based
	Limit int // records per page
	Pages int // number of pages
}

// HasNext reports whether a page follows this one.
func (p Pagination) HasNext() bool { return p.Page < p.Pages }

// Page is one page of a list: its records, and where it stands among the pages. Pagination is
// the zero value when the API sent no page block.
type Page[T any] struct {
	Data       []T
	Pagination Pagination
}

// pageFetcher fetches page n of a list; hasInfo reports whether the answer had a page block.
type pageFetcher[T any] func(ctx context.Context, n int) (p *Page[T], hasInfo bool, err error)

// pageResult is a fetched page on its way to the iterator.
type pageResult[T any] struct {
	page    *Page[T]
	hasInfo bool
	err     error
}

// iteratePages walks the pages of a list from page first, limit records a page, in order. While
// the caller works on page k, page k+1 is already being fetched (one page ahead at most, so memory
// stays bounded). The walk ends after the last page: the one whose block says page >= pages, or,
// with no block, the first page shorter than limit, or an empty page. An error is yielded once and
// ends the walk. Breaking out of the loop, or cancelling ctx, cancels the fetch in flight and
// waits for it: no goroutine outlives the loop.
func iteratePages[T any](ctx context.Context, first, limit int, fetch pageFetcher[T]) iter.Seq2[*Page[T], error] {
	return func(yield func(*Page[T], error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()

		var ahead chan pageResult[T]
		defer func() {
			if ahead != nil {
				cancel()
				<-ahead // the fetch in flight ends promptly once ctx is cancelled
			}
		}()
		prefetch := func(n int) {
			ahead = make(chan pageResult[T], 1)
			go func(ch chan<- pageResult[T]) {
				p, hasInfo, err := fetch(ctx, n)
				ch <- pageResult[T]{p, hasInfo, err}
			}(ahead)
		}

		p, hasInfo, err := fetch(ctx, first)
		for n := first; ; n++ {
			if err != nil {
				yield(nil, err)
				return
			}
			more := hasMore(p, hasInfo, n, limit)
			if more {
				prefetch(n + 1)
			}
			if !yield(p, nil) || !more {
				return
			}
			r := <-ahead
			ahead = nil
			p, hasInfo, err = r.page, r.hasInfo, r.err
		}
	}
}

// hasMore reports whether a page follows page n of a walk.
func hasMore[T any](p *Page[T], hasInfo bool, n, limit int) bool {
	if len(p.Data) == 0 {
		return false
	}
	if hasInfo {
		page := p.Pagination.Page
		if page <= 0 {
			page = n
		}
		return page < p.Pagination.Pages
	}
	return len(p.Data) >= limit
}

// iterateItems walks the records of every page of a list, in order.
func iterateItems[T any](pages iter.Seq2[*Page[T], error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p, err := range pages {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, v := range p.Data {
				if !yield(v, nil) {
					return
				}
			}
		}
	}
}

// listOptions are the query parameters every Cashfin list endpoint takes. A resource's
// XxxListParams converts to it (see listParams), adding its own filters, if any.
type listOptions struct {
	Page    int
	Limit   int
	Search  string
	filters url.Values // a resource's own query parameters; nil for none
}

// maxLimit is the largest page the API serves, and the page size of ListPages and ListAll.
const maxLimit = 100

// resolve checks o and returns it with the defaults filled in: page 1, and defaultLimit when
// Limit is 0 (0 itself leaves the limit to the API).
func (o listOptions) resolve(defaultLimit int) (listOptions, error) {
	switch {
	case o.Page < 0:
		return o, fmt.Errorf("%w: page %d is negative", ErrInvalidParams, o.Page)
	case o.Limit < 0 || o.Limit > maxLimit:
		return o, fmt.Errorf("%w: limit %d is not between 1 and %d", ErrInvalidParams, o.Limit, maxLimit)
	}
	if o.Page == 0 {
		o.Page = 1
	}
	if o.Limit == 0 {
		o.Limit = defaultLimit
	}
	return o, nil
}

// query encodes page n of the list exactly as url.Values.Encode would (keys sorted: limit, page,
// search), in one allocation rather than a map, its slices and a sort per page.
func (o listOptions) query(n int) string {
	if len(o.filters) > 0 {
		return o.filteredQuery(n)
	}
	var buf [64]byte
	b := buf[:0]
	if o.Limit > 0 {
		b = append(b, "limit="...)
		b = strconv.AppendInt(b, int64(o.Limit), 10)
		b = append(b, '&')
	}
	b = append(b, "page="...)
	b = strconv.AppendInt(b, int64(n), 10)
	if o.Search != "" {
		b = append(b, "&search="...)
		b = append(b, url.QueryEscape(o.Search)...)
	}
	return string(b)
}

// listPage fetches page n of the list at path.
func listPage[T any, W wire[T]](ctx context.Context, c *Client, path string, o listOptions, n int) (*Page[T], bool, error) {
	return fetchPage[T, W](ctx, c, &transport.Request{Method: http.MethodGet, Path: path, Query: o.query(n)})
}

// list fetches the one page of the list at path that o selects (the API's default limit when
// o.Limit is 0).
func list[T any, W wire[T]](ctx context.Context, c *Client, path string, o listOptions) (*Page[T], error) {
	o, err := o.resolve(0)
	if err != nil {
		return nil, err
	}
	p, _, err := listPage[T, W](ctx, c, path, o, o.Page)
	return p, err
}

// listPages walks the pages of the list at path from o.Page, maxLimit records a page unless
// o.Limit says otherwise, reading one page ahead (see iteratePages).
func listPages[T any, W wire[T]](ctx context.Context, c *Client, path string, o listOptions) iter.Seq2[*Page[T], error] {
	o, err := o.resolve(maxLimit)
	if err != nil {
		return func(yield func(*Page[T], error) bool) { yield(nil, err) }
	}
	return iteratePages(ctx, o.Page, o.Limit, func(ctx context.Context, n int) (*Page[T], bool, error) {
		return listPage[T, W](ctx, c, path, o, n)
	})
}
