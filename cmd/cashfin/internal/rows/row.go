package rows

import (
	"fmt"
	"strings"
)

// Row is one record of an import file.
type Row struct {
	// Line is where the row starts, from 1: the physical line of a CSV file or of a JSON value,
	// the row number of a workbook sheet.
	Line int
	// Values are the row's fields, in the order of Options.Fields: trimmed, with what
	// "export --excel-safe" did undone, several name columns joined with one space, defaults
	// filled in, and the phone in E.164 unless Options.KeepPhones.
	Values []string
	// Cells are the row as read, column by column of Source.Header, for an errors file that
	// imports again once fixed.
	Cells []string
	// Err says why the row cannot be sent: it could not be read (not a JSON object, ambiguous
	// quotes), a required field is empty, the email is malformed, or the phone is not one phone
	// number. "" when it can be sent.
	Err string
	// Blank marks a row of blank cells, passed on only with Options.KeepBlank: it has no values
	// and no Err, and is not to be sent.
	Blank bool

	schema *schema
	region string
}

// Get is the value of the named field, or "" when the options have no such field.
func (r *Row) Get(field string) string {
	for i, f := range r.schema.fields {
		if f.Name == field {
			return r.Values[i]
		}
	}
	return ""
}

// Person is who the row is, for the identity rules: its name, email and phone.
func (r *Row) Person() Person {
	p := Person{Region: r.region}
	if i := r.schema.name; i >= 0 {
		p.Name = r.Values[i]
	}
	if i := r.schema.email; i >= 0 {
		p.Email = r.Values[i]
	}
	if i := r.schema.phone; i >= 0 {
		p.Phone = r.Values[i]
	}
	return p
}

// finish fills in defaults, writes the phone in E.164 and says what is wrong with the row.
func (s *Source) finish(r *Row) {
	r.schema, r.region = s.schema, s.opts.region()
	var problems []string
	if r.Err != "" {
		problems = append(problems, r.Err)
	}
	for i, f := range s.schema.fields {
		if r.Values[i] == "" {
			r.Values[i] = f.Default
		}
		if r.Values[i] == "" && f.Required {
			problems = append(problems, missing(f))
		}
	}
	if i := s.schema.email; i >= 0 && r.Values[i] != "" && !ValidEmail(r.Values[i]) {
		problems = append(problems, fmt.Sprintf("malformed email %q", r.Values[i]))
	}
	if i := s.schema.phone; i >= 0 {
		sent, err := s.opts.Phones.Send(r.Values[i])
		if err != nil {
			problems = append(problems, err.Error())
		} else {
			r.Values[i] = sent
		}
	}
	r.Err = strings.Join(problems, "; ")
}

// cellsRow is the row that the cells of a CSV or workbook row make.
func (s *Source) cellsRow(line int, cells []string) *Row {
	r := &Row{Line: line, Cells: cells, Values: make([]string, len(s.schema.fields))}
	for f, cols := range s.mapping.cols {
		var parts []string
		for _, c := range cols {
			if c < len(cells) {
				if v := strings.TrimSpace(UndoExcelSafe(cells[c])); v != "" {
					parts = append(parts, v)
				}
			}
		}
		r.Values[f] = strings.Join(parts, " ")
	}
	return r
}

// blank reports whether every cell is empty or spaces.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// missing is the problem of a row without a value for the required field f.
func missing(f Field) string {
	if f.DefaultFrom != "" {
		return "no " + f.Name + " (" + f.DefaultFrom + " gives one)"
	}
	return "no " + f.Name
}
