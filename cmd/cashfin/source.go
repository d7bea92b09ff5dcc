package main

// INTERIM: the seam between the import readers of this package and the bulk engine, until
// cmd/cashfin/internal/rows replaces the readers.

import (
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
)

// fileSource is an import file as the engine reads it.
type fileSource struct{ src *importSource }

func sourceOf(src *importSource) bulk.Source { return fileSource{src} }

// Each gives the engine every row of the file, in order.
func (f fileSource) Each(fn func(r *bulk.Row) error) error {
	names := f.src.schema.names
	return f.src.each(func(rec *record) error {
		r := &bulk.Row{Line: rec.line, Raw: rec.raw, Err: rec.err, Blank: rec.blank, Values: bulk.Values{}}
		for i, v := range rec.fields {
			if v != "" {
				r.Values[names[i]] = v
			}
		}
		return fn(r)
	})
}

// form is how the file was written, for the errors file.
func (s *importSource) form() bulk.FileForm {
	if s.format != formatCSV {
		return bulk.FileForm{Header: s.header}
	}
	return bulk.FileForm{Header: s.header, BOM: s.bom, Encoding: s.enc, Comma: s.comma, CRLF: s.crlf}
}
