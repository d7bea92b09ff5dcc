package main

import (
	"context"
	"flag"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/rows"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// resource describes an API resource to the verbs every resource shares (create, get, update,
// list, import, export): what the bulk engine needs (its names, columns, identity, checks and
// SDK calls), plus the fields a command sets, the detail it prints and the other calls. A verb is
// written once over a resource; a resource is one of these values.
type resource[T any] struct {
	*bulk.Resource[T]
	fields   []field          // what create (and update) set, as flags
	detail   []term.Column[T] // the fields of one record (get, create, update)
	imported []string         // the fields an import reads, in output order
	defaults []string         // fields an import may default from a flag of the same name (--country)

	get       func(ctx context.Context, c *cashfin.Client, id string, opts ...cashfin.CallOption) (*T, error)
	update    func(ctx context.Context, c *cashfin.Client, id string, v bulk.Values, opts ...cashfin.CallOption) (*T, error) // nil: no update verb
	listPages func(ctx context.Context, c *cashfin.Client, p bulk.ListParams, opts ...cashfin.CallOption) iter.Seq2[*cashfin.Page[T], error]
}

// field is a field that create and update set: its flag, the API's JSON name for it, the
// placeholder and help of the flag, and whether create needs it.
type field struct {
	flag, json, meta, help string
	required               bool
}

// ptr is the value of the field named json in v, or nil when it was not given.
func ptr(v bulk.Values, json string) *string {
	s, ok := v[json]
	if !ok {
		return nil
	}
	return &s
}

// phoneSynopsis is the flags that say how a phone number is sent (see phoneFlagsOn).
const phoneSynopsis = "[--phone-region CC] [--keep-phones]"

// fieldSynopsis is the flags of create: required ones bare, the others in brackets, then
// phoneSynopsis.
func (r *resource[T]) fieldSynopsis() string {
	parts := make([]string, len(r.fields), len(r.fields)+1)
	for i, f := range r.fields {
		parts[i] = "--" + f.flag + " " + f.meta
		if !f.required {
			parts[i] = "[" + parts[i] + "]"
		}
	}
	return wrap(append(parts, phoneSynopsis))
}

// optionalFieldSynopsis is the flags of update: every one optional.
func (r *resource[T]) optionalFieldSynopsis() string {
	parts := make([]string, len(r.fields), len(r.fields)+1)
	for i, f := range r.fields {
		parts[i] = "[--" + f.flag + " " + f.meta + "]"
	}
	return wrap(append(parts, phoneSynopsis))
}

// phoneFlagsOn registers --phone-region and --keep-phones on fs, into p: how an import, create
// and update send phone numbers.
func phoneFlagsOn(fs *flag.FlagSet, p *rows.Phones) {
	fs.StringVar(&p.Region, "phone-region", rows.DefaultRegion, "the `region` of phone numbers written without a country code; they are sent in E.164 (+254712345678)")
	fs.BoolVar(&p.KeepPhones, "keep-phones", false, "send phone numbers exactly as written: no check, no E.164")
}

// synopsisWidth is the widest a line of a command's arguments grows before it is continued
// on the next.
const synopsisWidth = 80

// wrap joins parts with spaces, continuing on a new line where a line would pass synopsisWidth.
func wrap(parts []string) string {
	var b strings.Builder
	line := 0
	for i, p := range parts {
		switch {
		case i == 0:
		case line+1+len(p) > synopsisWidth:
			b.WriteByte('\n')
			line = 0
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(p)
		line += len(p)
	}
	return b.String()
}

// fieldFlags registers a string flag per field on fs, and returns a function giving the fields
// set on the command line, by their API names, once fs is parsed. create marks the fields
// create requires.
func (r *resource[T]) fieldFlags(fs *flag.FlagSet, create bool) func() bulk.Values {
	vals := make([]string, len(r.fields))
	for i, f := range r.fields {
		help := f.help
		if f.json != f.flag {
			help += " (the API's " + f.json + ")"
		}
		if create && f.required {
			help += " (required)"
		}
		fs.StringVar(&vals[i], f.flag, "", help)
	}
	return func() bulk.Values {
		v := bulk.Values{}
		for i, f := range r.fields {
			if isSet(fs, f.flag) {
				v[f.json] = strings.TrimSpace(vals[i])
			}
		}
		return v
	}
}

// missing names the required fields v lacks, by flag: every one, so one run says them all.
func (r *resource[T]) missing(v bulk.Values) []string {
	var out []string
	for _, f := range r.fields {
		if f.required && v[f.json] == "" {
			out = append(out, "--"+f.flag)
		}
	}
	return out
}

// importFields are the fields an import of r reads: their header spellings, the required
// ones marked, and defaults (--country) for the fields that have them, with the flag that sets
// each.
func (r *resource[T]) importFields(defaults bulk.Values) []rows.Field {
	fs := rows.Fields(r.imported...)
	for i := range fs {
		for _, f := range r.fields {
			if f.json != fs[i].Name {
				continue
			}
			fs[i].Required = f.required
			if slices.Contains(r.defaults, f.json) {
				fs[i].DefaultFrom = "--" + f.flag + " " + f.meta // named when a row or the header lacks it
			}
		}
		fs[i].Default = defaults[fs[i].Name]
	}
	return fs
}

// activeText renders a record's "active", "" when the API left it out.
func activeText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// flagList names the field flags: "--name, --email or --phone".
func (r *resource[T]) flagList() string {
	names := make([]string, len(r.fields))
	for i, f := range r.fields {
		names[i] = "--" + f.flag
	}
	return orList(names)
}
