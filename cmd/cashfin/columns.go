package main

import (
	"fmt"
	"slices"
	"strings"
)

// schema is the fields of a resource's import: their API names, in output order, each with the
// header spellings it is known by, as headerKey writes them (the first spelling wins over the
// others). The name comes first.
type schema struct {
	group   string // the command group, for messages
	names   []string
	aliases [][]string
}

// contactSchema is what a contacts import reads.
var contactSchema = &schema{
	group: "contacts",
	names: []string{"name", "email", "phone", "position", "companyname"},
	aliases: [][]string{
		{"name", "fullname", "contactname"},
		{"email", "emailaddress", "mail"},
		phoneAliases,
		{"position", "jobtitle", "title", "role", "job"},
		{"companyname", "company", "organisation", "organization", "organisationname", "organizationname"},
	},
}

// customerSchema is what a customers import reads.
var customerSchema = &schema{
	group: "customers",
	names: []string{"name", "email", "phone", "country", "currency", "company", "address", "city", "type"},
	aliases: [][]string{
		{"name", "fullname", "customername", "contactname"},
		{"email", "emailaddress", "mail"},
		phoneAliases,
		{"country", "countryname", "nation"},
		{"currency", "currencycode", "preferredcurrency"},
		{"company", "companyname", "organisation", "organization", "business", "businessname"},
		{"address", "streetaddress", "street", "address1", "addressline1"},
		{"city", "town"},
		{"type", "customertype", "kind"},
	},
}

var phoneAliases = []string{"phone", "phonenumber", "mobile", "mobilenumber", "mobilephone", "telephone", "telephonenumber", "tel", "cell", "cellphone"}

// headerKey is a header cell as it is matched: lower case, without spaces, "-", "_" or ".", so
// that "E-mail", "Phone Number" and "company_name" find their fields.
func headerKey(h string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '_', '.', '\ufeff':
			return -1
		}
		return r
	}, strings.ToLower(h))
}

// fieldOf is the field a header key names, by its aliases, or -1. rank orders the aliases: the
// first spelling of a field wins over the others ("companyname" over "company").
func (sc *schema) fieldOf(key string) (field, rank int) {
	for f, names := range sc.aliases {
		if i := slices.Index(names, key); i >= 0 {
			return f, i
		}
	}
	return -1, 0
}

// fieldByName is the field of a --map target (an alias counts too), or -1.
func (sc *schema) fieldByName(name string) int {
	f, _ := sc.fieldOf(headerKey(name))
	return f
}

// parseMap reads the --map flags: "column=field", or "column=" to ignore the column.
func parseMap(specs []string, sc *schema) (map[string]string, error) {
	maps := map[string]string{}
	for _, spec := range specs {
		col, field, ok := strings.Cut(spec, "=")
		if !ok || headerKey(col) == "" {
			return nil, usagef("%s import: --map %q: want COLUMN=FIELD (FIELD one of %s), or COLUMN= to ignore it",
				sc.group, spec, strings.Join(sc.names, ", "))
		}
		if field = strings.TrimSpace(field); field != "" && sc.fieldByName(field) < 0 {
			return nil, usagef("%s import: --map %q: unknown field %q: want one of %s", sc.group, spec, field, strings.Join(sc.names, ", "))
		}
		maps[headerKey(col)] = field
	}
	return maps, nil
}

// mapColumns gives each header column its field (-1 for none): --map first, then the known
// spellings; of two columns for one field the better spelling wins, then the first. It refuses a
// header without a name column, a --map naming no column, and a column that looks like an email or
// phone column but would be ignored.
func mapColumns(header []string, maps map[string]string, sc *schema) (columns, ignored []int, err error) {
	columns = make([]int, len(header))
	best := make([]struct{ col, rank int }, len(sc.names))
	for i := range best {
		best[i].col = -1
	}
	used := map[string]bool{}
	for i, h := range header {
		columns[i] = -1
		key := headerKey(h)
		f, rank := sc.fieldOf(key)
		if target, ok := maps[key]; ok {
			used[key] = true
			f, rank = -1, -1
			if target != "" {
				f = sc.fieldByName(target)
			}
		}
		if f >= 0 && (best[f].col < 0 || rank < best[f].rank) {
			best[f].col, best[f].rank = i, rank
		}
	}
	for f, b := range best {
		if b.col >= 0 {
			columns[b.col] = f
		}
	}
	for key := range maps {
		if !used[key] {
			return nil, nil, fmt.Errorf("--map: no column %q in the header (it has: %s)", key, strings.Join(header, ", "))
		}
	}
	if best[0].col < 0 {
		return nil, nil, fmt.Errorf("no name column in the header (it has: %s): name one with --map COLUMN=name", strings.Join(header, ", "))
	}
	for i, h := range header {
		if columns[i] >= 0 {
			continue
		}
		ignored = append(ignored, i)
		if _, explicit := maps[headerKey(h)]; !explicit && looksLikeContactColumn(h) {
			return nil, nil, fmt.Errorf("column %q looks like an email or phone column, but it would not be imported: "+
				"say which field it is with --map %q, or ignore it with --map %q", h, h+"=FIELD", h+"=")
		}
	}
	return columns, ignored, nil
}

// looksLikeContactColumn reports whether a header names an email or phone column.
func looksLikeContactColumn(h string) bool {
	key := headerKey(h)
	for _, w := range []string{"mail", "phone", "mobile", "cell", "whatsapp"} {
		if strings.Contains(key, w) {
			return true
		}
	}
	return strings.HasPrefix(key, "tel") // not "hotel"
}

// describeColumns is the line that says, before anything is sent, which column feeds which
// field and which columns are ignored.
func (s *importSource) describeColumns() string {
	var b strings.Builder
	b.WriteString("columns:")
	for f := range s.schema.names {
		for i, c := range s.columns {
			if c == f {
				fmt.Fprintf(&b, " %q → %s,", s.header[i], s.schema.names[f])
			}
		}
	}
	out := strings.TrimSuffix(b.String(), ",")
	if len(s.ignored) > 0 {
		names := make([]string, len(s.ignored))
		for i, c := range s.ignored {
			names[i] = fmt.Sprintf("%q", s.header[c])
		}
		out += "; ignored: " + strings.Join(names, ", ")
	}
	return out
}
