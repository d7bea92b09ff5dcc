package cashfin

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/cashfin-go/cashfin/internal/envelope"
)

// This file holds the checks and conversions every resource's parameters share, so that a
// resource file says what its fields are and not how to validate an ID or a key.

// Ptr returns a pointer to v: the way to set a field of an update's params, such as
// CustomerUpdateParams{City: cashfin.Ptr("Nairobi")}.
func Ptr[T any](v T) *T { return &v }

// checkID returns an ErrInvalidParams error unless id is an ObjectID (24 hexadecimal characters).
// what names the resource in the message ("contact", "customer").
func checkID(what, id string) error {
	if !isObjectID(id) {
		return fmt.Errorf("%w: %s ID %q is not 24 hexadecimal characters", ErrInvalidParams, what, id)
	}
	return nil
}

// isObjectID reports whether id is a MongoDB ObjectID: 24 hexadecimal characters.
func isObjectID(id string) bool {
	if len(id) != 24 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// blank reports whether s is empty or white space only.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// listParams builds the query parameters shared by every list endpoint from a resource's
// XxxListParams fields; a resource adds its own filters, if any, to the result.
func listParams(page, limit int, search string) listOptions {
	return listOptions{Page: page, Limit: limit, Search: search}
}

// unmarshalWire decodes data, a resource in the API's JSON form, through its wire type W: the one
// place a resource's UnmarshalJSON goes through, so that it tolerates what fetch tolerates.
func unmarshalWire[T any, W wire[T]](data []byte, dst *T) error {
	var w W
	if err := envelope.Unmarshal(data, &w); err != nil { // tolerant of W's inferred fields
		return err
	}
	*dst = w.value()
	return nil
}

// newIdempotencyKey returns 128 random bits, hex-encoded.
func newIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail on supported platforms
	return hex.EncodeToString(b[:])
}

// filteredQuery encodes page n of a list that has filters of its own: url.Values.Encode over the
// filters that are set (a filter whose only value is "" is not sent) and the shared parameters
// (which win over a filter of the same name).
func (o listOptions) filteredQuery(n int) string {
	v := make(url.Values, len(o.filters)+3)
	for k, vs := range o.filters {
		if len(vs) > 1 || len(vs) == 1 && vs[0] != "" {
			v[k] = vs
		}
	}
	if o.Limit > 0 {
		v.Set("limit", strconv.Itoa(o.Limit))
	}
	v.Set("page", strconv.Itoa(n))
	if o.Search != "" {
		v.Set("search", o.Search)
	}
	return v.Encode()
}

// checkRequired returns an ErrInvalidParams error naming every blank field of fields, given as
// name, value pairs; what names the record ("a customer").
func checkRequired(what string, fields ...string) error {
	var missing []string
	for i := 0; i+1 < len(fields); i += 2 {
		if blank(fields[i+1]) {
			missing = append(missing, fields[i])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s needs %s (blank or missing)", ErrInvalidParams, what, strings.Join(missing, ", "))
	}
	return nil
}
