package rows

import (
	"fmt"
	"slices"
	"strings"
)

// mapSpec is one --map flag, read.
type mapSpec struct {
	spec  string // as given
	key   string // the column, as Key writes it
	field int    // the field it feeds, or -1 to ignore the column
}

// parseMaps reads the --map flags, adding what is wrong with them to problems.
func (s *schema) parseMaps(specs []string, problems *[]string) []mapSpec {
	var out []mapSpec
	for _, spec := range specs {
		col, target, ok := strings.Cut(spec, "=")
		if !ok || Key(col) == "" {
			*problems = append(*problems, fmt.Sprintf("--map %q: want COLUMN=FIELD (FIELD one of %s), or COLUMN= to ignore it", spec, s.names()))
			continue
		}
		m := mapSpec{spec: spec, key: Key(col), field: -1}
		if target = strings.TrimSpace(target); target != "" {
			if m.field, _ = s.fieldOf(Key(target)); m.field < 0 {
				*problems = append(*problems, fmt.Sprintf("--map %q: unknown field %q: want one of %s", spec, target, s.names()))
				continue
			}
		}
		if i := slices.IndexFunc(out, func(o mapSpec) bool { return o.key == m.key }); i >= 0 {
			if out[i].field != m.field {
				*problems = append(*problems, fmt.Sprintf("--map %q and --map %q: one column, two fields", out[i].spec, spec))
			}
			continue
		}
		out = append(out, m)
	}
	s.checkManyToOne(out, func(m mapSpec) string { return strings.TrimSpace(strings.SplitN(m.spec, "=", 2)[0]) }, problems)
	return out
}

// checkManyToOne adds a problem for every field other than name that several --map flags feed,
// naming their columns.
func (s *schema) checkManyToOne(maps []mapSpec, column func(mapSpec) string, problems *[]string) {
	for f := range s.fields {
		if f == s.name {
			continue
		}
		var cols []string
		for _, m := range maps {
			if m.field == f {
				cols = append(cols, fmt.Sprintf("%q", column(m)))
			}
		}
		if len(cols) > 1 {
			*problems = append(*problems, fmt.Sprintf("columns %s are all mapped to %s: only name joins several columns; "+
				"map one, and ignore the others with --map COLUMN=", strings.Join(cols, " and "), s.fields[f].Name))
		}
	}
}

// mapping says which header columns feed which field.
type mapping struct {
	cols     [][]int      // per field, the columns feeding it, in the order of the --map flags
	ignored  []int        // columns feeding no field
	explicit map[int]bool // columns a --map flag named (including those it ignores)
}

// mapColumns gives each header column its field: --map first (in flag order, several onto name
// joined), then the known spellings of fields no --map feeds (of two columns for one field the
// better spelling wins, then the first). Every problem found is added to problems.
func (s *schema) mapColumns(header []string, maps []mapSpec, problems *[]string) mapping {
	m := mapping{cols: make([][]int, len(s.fields)), explicit: map[int]bool{}}
	fed := make([]bool, len(s.fields))
	for _, spec := range maps {
		i := slices.IndexFunc(header, func(h string) bool { return Key(h) == spec.key })
		if i < 0 {
			*problems = append(*problems, fmt.Sprintf("--map %q: no column %q in the header (it has: %s)",
				spec.spec, strings.TrimSpace(strings.SplitN(spec.spec, "=", 2)[0]), strings.Join(header, ", ")))
			continue
		}
		m.explicit[i] = true
		if spec.field >= 0 {
			m.cols[spec.field] = append(m.cols[spec.field], i)
			fed[spec.field] = true
		}
	}
	rank := make([]int, len(s.fields))
	for i, h := range header {
		f, r := s.fieldOf(Key(h))
		if m.explicit[i] || f < 0 || fed[f] || (len(m.cols[f]) > 0 && r >= rank[f]) {
			continue
		}
		m.cols[f], rank[f] = []int{i}, r
	}
	s.checkColumns(header, &m, problems)
	return m
}

// checkColumns lists the ignored columns and adds a problem for a required field without a
// column and for an ignored column that looks like an email or phone column.
func (s *schema) checkColumns(header []string, m *mapping, problems *[]string) {
	for f, fl := range s.fields {
		if fl.Required && fl.Default == "" && len(m.cols[f]) == 0 {
			p := fmt.Sprintf("no %s column in the header (it has: %s): name one with --map COLUMN=%s",
				fl.Name, strings.Join(header, ", "), fl.Name)
			if fl.DefaultFrom != "" {
				p += ", or give every row one with " + fl.DefaultFrom
			}
			*problems = append(*problems, p)
		}
	}
	used := map[int]bool{}
	for _, cols := range m.cols {
		for _, c := range cols {
			used[c] = true
		}
	}
	for i, h := range header {
		if used[i] {
			continue
		}
		m.ignored = append(m.ignored, i)
		if !m.explicit[i] && looksLikeContactColumn(h) {
			*problems = append(*problems, fmt.Sprintf("column %q looks like an email or phone column, but it would not be imported: "+
				"say which field it is with --map %q, or ignore it with --map %q", h, h+"=FIELD", h+"="))
		}
	}
}

// describe is the line that says which column feeds which field and which are ignored.
func (s *schema) describe(header []string, m mapping) string {
	var parts []string
	for f, cols := range m.cols {
		if len(cols) == 0 {
			continue
		}
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = fmt.Sprintf("%q", header[c])
		}
		parts = append(parts, strings.Join(names, " + ")+" → "+s.fields[f].Name)
	}
	out := "columns: " + strings.Join(parts, ", ")
	if len(m.ignored) > 0 {
		names := make([]string, len(m.ignored))
		for i, c := range m.ignored {
			names[i] = fmt.Sprintf("%q", header[c])
		}
		out += "; ignored: " + strings.Join(names, ", ")
	}
	return out
}
