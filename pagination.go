package cashfin

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"iter"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

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

// pageFetcher fetches page n of a list.
type pageFetcher[T any] func(ctx context.Context, n int) pageResult[T]

// pageResult is a fetched page on its way to the iterator.
type pageResult[T any] struct {
	page    *Page[T]
	hasInfo bool                // the response had a page block
	resp    *transport.Response // the response the page (or the failure) came in; nil when none was received
	err     error
}

// iteratePages walks the pages of a list of what ("contacts") from page first, limit records a
// page, in order. While
// the caller works on page k, page k+1 is already being fetched (one page ahead at most, so memory
// stays bounded). The walk asks for first, first+1, ... whatever the answers echo, and ends after
// the last page (see hasMore). An answer that is not the page asked for (its block names another
// page, or it repeats the previous page's records) is an error made by unexpected. An error is
// yielded once, naming the page it was fetching (see pageError), and ends the walk. Breaking out
// of the loop, or cancelling ctx, cancels the fetch
// in flight and waits for it: no goroutine outlives the loop. When into is not nil, *into is set
// to each page's (or failure's) response in the loop's goroutine, just before it is yielded, never
// by the read-ahead: the loop body may read it.
func iteratePages[T any](ctx context.Context, what string, first, limit int, into *Response, fetch pageFetcher[T],
	unexpected func(resp *transport.Response, why string) error) iter.Seq2[*Page[T], error] {
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
			go func(ch chan<- pageResult[T]) { ch <- fetch(ctx, n) }(ahead)
		}

		r := fetch(ctx, first)
		memo := pageMemo{seed: maphash.MakeSeed(), seen: map[uint64]int{}}
		for n := first; ; n++ {
			if r.err == nil {
				if why := inconsistent(r, n, &memo); why != "" {
					r.err = unexpected(r.resp, why)
				}
			}
			record(into, r.resp)
			if r.err != nil {
				yield(nil, &pageError{what: what, page: n, err: r.err})
				return
			}
			more := hasMore(r.page, r.hasInfo, n, limit)
			if more {
				prefetch(n + 1)
			}
			if !yield(r.page, nil) || !more {
				return
			}
			r = <-ahead
			ahead = nil
		}
	}
}

// pageError is an error of a walk, naming the list and the page it was fetching:
// "cashfin: list contacts page 3: GET /business/contact/list: 500 Internal Server Error". It
// unwraps to the error of the fetch, so that errors.Is and errors.As see what they saw before.
type pageError struct {
	what string // the list: "contacts"
	page int
	err  error
}

func (e *pageError) Error() string {
	return "cashfin: list " + e.what + " page " + strconv.Itoa(e.page) + ": " + strings.TrimPrefix(e.err.Error(), "cashfin: ")
}

func (e *pageError) Unwrap() error { return e.err }

// inconsistent says why r cannot be page n of the walk, or "": its block names another page (a
// missing or 0 page is unknown, not another), or it repeats an earlier page, as memo remembers
// them: the previous page's records again, as a cache that ignores the query string answers, or
// an older page's (a server cycling through a few pages).
func inconsistent[T any](r pageResult[T], n int, memo *pageMemo) string {
	if got := r.page.Pagination.Page; r.hasInfo && got != 0 && got != n {
		return fmt.Sprintf("inconsistent page: asked for page %d, the answer is page %d", n, got)
	}
	if earlier, ok := memo.repeats(reflect.ValueOf(&r.page.Data).Elem(), n); ok {
		return fmt.Sprintf("inconsistent page: page %d holds the same records as page %d", n, earlier)
	}
	return ""
}

// pageMemo remembers the pages of a walk, each by a hash of its size and of its first and last
// records (8 bytes a page, however long the walk, and no allocation), so that a page repeating an
// earlier one is seen: without it, a server cycling through two pages would be walked forever.
type pageMemo struct {
	seed maphash.Seed
	seen map[uint64]int // hash → page number
}

// repeats records page n, whose records are the slice data, and reports the earlier page it
// repeats, if any.
func (m *pageMemo) repeats(data reflect.Value, n int) (earlier int, ok bool) {
	if data.Len() == 0 {
		return 0, false
	}
	var h maphash.Hash
	h.SetSeed(m.seed)
	hashValue(&h, data.Index(0))
	hashValue(&h, data.Index(data.Len()-1))
	hashInt(&h, int64(data.Len()))
	key := h.Sum64()
	if earlier, ok := m.seen[key]; ok {
		return earlier, true
	}
	m.seen[key] = n
	return 0, false
}

// hashValue writes v's contents to h: strings, numbers and booleans, through structs (their
// unexported fields too, such as a time.Time's), pointers, slices and arrays. Maps, funcs and
// channels are left out: a fingerprint, not an identity.
func hashValue(h *maphash.Hash, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		h.WriteString(v.String())
		h.WriteByte(0)
	case reflect.Bool:
		b := int64(0)
		if v.Bool() {
			b = 1
		}
		hashInt(h, b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		hashInt(h, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		hashInt(h, int64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		hashInt(h, int64(math.Float64bits(v.Float())))
	case reflect.Struct:
		for i := range v.NumField() {
			hashValue(h, v.Field(i))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			hashValue(h, v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			hashValue(h, v.Index(i))
		}
	}
}

func hashInt(h *maphash.Hash, n int64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
}

// hasMore reports whether a page follows page n of a walk asking for limit records a page. An
// empty page is the last. With a page block, the last page is its "pages", or, when pages is
// missing or 0, ceil(total/limit); when the two disagree, the walk goes on while pages are full,
// up to the larger of them, so that no record is lost and the walk still ends. Without a block
// (or one with neither count), the last page is the first one shorter than limit.
func hasMore[T any](p *Page[T], hasInfo bool, n, limit int) bool {
	if len(p.Data) == 0 {
		return false
	}
	full := len(p.Data) >= limit
	if !hasInfo {
		return full
	}
	b := p.Pagination
	per := limit
	if b.Limit > 0 {
		per = b.Limit
		full = full || len(p.Data) >= b.Limit // the server's own page size
	}
	byTotal := 0
	if b.Total > 0 {
		byTotal = b.Total / per
		if b.Total%per != 0 {
			byTotal++
		}
	}
	switch {
	case b.Pages > 0 && byTotal > 0 && b.Pages != byTotal:
		return full && n < max(b.Pages, byTotal)
	case b.Pages > 0:
		return n < b.Pages
	case byTotal > 0:
		return n < byTotal
	}
	return full
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

// listPage fetches page n of the list at path with the call's settings s.
func listPage[T any, W wire[T]](ctx context.Context, c *Client, s *callSettings, path string, o listOptions, n int) pageResult[T] {
	return fetchPage[T, W](ctx, c, s, &transport.Request{Method: http.MethodGet, Path: path, Query: o.query(n)})
}

// list fetches the one page of the list at path that o selects (the API's default limit when
// o.Limit is 0).
func list[T any, W wire[T]](ctx context.Context, c *Client, path string, o listOptions, opts []CallOption) (*Page[T], error) {
	s, err := c.settings(opts)
	if err != nil {
		return nil, err
	}
	if o, err = o.resolve(0); err != nil {
		return nil, err
	}
	r := listPage[T, W](ctx, c, s, path, o, o.Page)
	record(s.into, r.resp)
	return r.page, r.err
}

// listPages walks the pages of the list of what ("contacts") at path from o.Page, maxLimit
// records a page unless o.Limit says otherwise, reading one page ahead (see iteratePages), with
// the call's options opts applying to every page. An error of the options, before any page is
// fetched, is yielded as it is.
func listPages[T any, W wire[T]](ctx context.Context, c *Client, what, path string, o listOptions, opts []CallOption) iter.Seq2[*Page[T], error] {
	s, err := c.settings(opts)
	if err == nil {
		o, err = o.resolve(maxLimit)
	}
	if err != nil {
		return func(yield func(*Page[T], error) bool) { yield(nil, err) }
	}
	return iteratePages(ctx, what, o.Page, o.Limit, s.into, func(ctx context.Context, n int) pageResult[T] {
		return listPage[T, W](ctx, c, s, path, o, n)
	}, c.unexpected)
}
