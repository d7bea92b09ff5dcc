package main

import (
	"errors"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/rows"
)

// source is an import file as the engine reads it: rows' rows, by field name.
type source struct {
	src    *rows.Source
	fields []rows.Field // the Options.Fields it was opened with: Row.Values follows their order
}

// Each gives the engine every row of the file, in order, blank ones marked.
func (s source) Each(fn func(r *bulk.Row) error) error {
	return s.src.Each(func(in *rows.Row) error {
		r := &bulk.Row{Line: in.Line, Raw: in.Cells, Err: in.Err, Blank: in.Blank, Values: bulk.Values{}}
		for i, v := range in.Values {
			if v != "" && i < len(s.fields) {
				r.Values[s.fields[i].Name] = v
			}
		}
		return fn(r)
	})
}

// errorsForm is how the errors file of src is written: as the input was, so that a spreadsheet
// opens it alike.
func errorsForm(src *rows.Source) bulk.FileForm {
	st := src.Style()
	return bulk.FileForm{Header: src.Header(), BOM: st.BOM, Encoding: st.Encoding, Comma: st.Comma, CRLF: st.CRLF}
}

// inputError is err, a problem with the import file itself (rows.Error), as a usage error of
// the command name: exit status 2. Other errors are as they are.
func inputError(name string, err error) error {
	var re *rows.Error
	if errors.As(err, &re) {
		return usagef("%s: %v", name, err)
	}
	return err
}

// index is rows' Index of people, as the engine asks for it: the people's phones compared under
// the region of the file's rows.
type index struct {
	region string
	ix     rows.Index
}

func (x *index) person(p bulk.Person) rows.Person {
	return rows.Person{Name: p.Name, Email: p.Email, Phone: p.Phone, Region: x.region}
}

// Add remembers p as ref.
func (x *index) Add(p bulk.Person, ref string) { x.ix.Add(x.person(p), ref) }

// Find returns the ref of a person added earlier who is p, and why; p is known as ref.
func (x *index) Find(p bulk.Person, ref string) (string, string, bool) {
	return x.ix.Find(x.person(p), ref)
}

// Key is p's Idempotency-Key for resource.
func (x *index) Key(resource string, p bulk.Person) string { return x.ix.Key(resource, x.person(p)) }
