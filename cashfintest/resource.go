package cashfintest

import (
	"net/http"
	"strings"
	"time"
)

// resource is one of the API's modules, /business/{module}/...: a route table over a store. A
// new resource is a file that builds one (see contacts.go and customers.go) and a line in
// NewHandler; the layers around it (latency, rate limits, injected failures, authorization,
// idempotency keys, recording) come with it.
type resource struct {
	prefix string // "/business/contact"
	routes []route
	reset  func() // forget every record
}

// route is one endpoint of a resource.
type route struct {
	method string
	path   string // after the prefix: "/list"; one ending in "/" takes the rest as x.id
	serve  func(x *exchange)
}

// match reports whether rest, the path after the resource's prefix, is this route's, and the ID
// it carries, if the route takes one.
func (rt *route) match(rest string) (id string, ok bool) {
	if strings.HasSuffix(rt.path, "/") {
		id, ok = strings.CutPrefix(rest, rt.path)
		return id, ok
	}
	return "", rest == rt.path
}

// owns reports whether path is under the resource's prefix.
func (res *resource) owns(path string) bool {
	return path == res.prefix || strings.HasPrefix(path, res.prefix+"/")
}

// kind is what the generic endpoints need to know of a resource: its store, its body fields,
// its messages, and how its records look on the wire. F is the resource's own fields, I a
// record as list items show it.
type kind[F, I any] struct {
	store    *store[F]
	fields   []field[F]
	now      func() time.Time
	created  string                 // "Contact created successfully"
	updated  string                 // "Customer updated successfully"
	notFound string                 // "Contact not found"
	item     func(r *record[F]) I   // a record as the create answer and list items show it
	details  func(r *record[F]) any // a record as the details answer shows it
}

// create serves POST {prefix}/create.
func (k *kind[F, I]) create(x *exchange) {
	raw, ok := readObject(x)
	if !ok {
		return
	}
	vals, problems := parseFields(raw, k.fields, false)
	if len(problems) > 0 {
		invalid(x.w, problems)
		return
	}
	var f F
	for _, v := range vals {
		*v.f.ptr(&f) = v.v
	}
	rec := k.store.create(f, k.now())
	writeJSON(x.w, http.StatusCreated, successBody{Success: true, Message: k.created, Data: k.item(rec)})
}

// list serves GET {prefix}/list.
func (k *kind[F, I]) list(x *exchange) {
	page, limit, search, ok := pageParams(x)
	if !ok {
		return
	}
	recs, total := k.store.page(page, limit, search)
	items := make([]I, len(recs))
	for i, rec := range recs {
		items[i] = k.item(rec)
	}
	writeJSON(x.w, http.StatusOK, listBody[I]{
		Success:    true,
		Data:       items,
		Pagination: pagination{Total: total, Page: page, Limit: limit, Pages: ceilDiv(total, limit)},
	})
}

// get serves GET {prefix}/details/:id.
func (k *kind[F, I]) get(x *exchange) {
	rec := k.store.get(x.id)
	if rec == nil {
		writeError(x.w, http.StatusNotFound, k.notFound)
		return
	}
	writeJSON(x.w, http.StatusOK, successBody{Success: true, Data: k.details(rec)})
}

// update serves PATCH {prefix}/update/:id, answering as the docs' generic update example does:
// {"_id": ..., "modified": 1}, or 0 when every value given was the stored one.
func (k *kind[F, I]) update(x *exchange) {
	raw, ok := readObject(x)
	if !ok {
		return
	}
	vals, problems := parseFields(raw, k.fields, true)
	if len(problems) > 0 {
		invalid(x.w, problems)
		return
	}
	rec, changed := k.store.update(x.id, k.now(), func(f *F) bool {
		changed := false
		for _, v := range vals {
			if p := v.f.ptr(f); *p != v.v {
				*p, changed = v.v, true
			}
		}
		return changed
	})
	if rec == nil {
		writeError(x.w, http.StatusNotFound, k.notFound)
		return
	}
	modified := 0
	if changed {
		modified = 1
	}
	writeJSON(x.w, http.StatusOK, successBody{Success: true, Message: k.updated, Data: updateResult{rec.id, modified}})
}

// updateResult is the data of an update's answer.
type updateResult struct {
	ID       string `json:"_id"`
	Modified int    `json:"modified"`
}
