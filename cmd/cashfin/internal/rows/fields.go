package rows

import (
	"slices"
	"strings"
)

// The field names this package gives a meaning to.
const (
	FieldName  = "name"  // joined when several columns are mapped to it; its column is required
	FieldEmail = "email" // checked, and a person's identity when present
	FieldPhone = "phone" // parsed under Options.Region, written in E.164
)

// DefaultRegion is the region a phone number without a country code is read in, unless
// Options.Region says otherwise.
const DefaultRegion = "KE"

// Field is a field a row carries, as the caller's resource names it.
type Field struct {
	Name     string   // the API's name, which --map names too: "name", "companyname"
	Aliases  []string // other header spellings, as Key writes them; earlier ones win over later ones
	Required bool     // a row without a value fails; the header must have a column unless Default is set
	Default  string   // the value of an empty cell, or of every row when no column feeds the field
	// DefaultFrom is how the caller sets Default ("--country COUNTRY"), named when a required
	// value is missing; "" when it cannot.
	DefaultFrom string
}

// Options say how to read a file and what to make of its rows.
type Options struct {
	Fields    []Field  // what a row carries; Row.Values follows this order
	Encoding  string   // "" (UTF-8, or UTF-16 by its byte-order mark), windows-1252, latin1, utf-16...
	Delimiter rune     // CSV delimiter; 0 finds it from the header line
	Map       []string // the --map flags in their order: "COLUMN=FIELD", or "COLUMN=" to ignore a column
	Sheet     string   // the workbook sheet to read; "" is the first
	Phones             // how phone numbers are sent
	KeepBlank bool     // pass rows of blank cells to Each's callback too, marked Row.Blank
}

// commonAliases are header spellings known for common field names, as Key writes them.
var commonAliases = map[string][]string{
	"name":        {"fullname", "contactname", "customername"},
	"email":       {"emailaddress", "mail"},
	"phone":       {"phonenumber", "mobile", "mobilenumber", "mobilephone", "telephone", "telephonenumber", "tel", "cell", "cellphone"},
	"position":    {"jobtitle", "title", "role", "job"},
	"companyname": {"company", "organisation", "organization", "organisationname", "organizationname"},
	"company":     {"companyname", "organisation", "organization", "organisationname", "organizationname"},
	"country":     {"countryname"},
	"currency":    {"currencycode", "preferredcurrency"},
	"address":     {"streetaddress", "street", "address1", "addressline1"},
	"city":        {"town"},
	"type":        {"customertype", "kind"},
}

// Fields are the named fields with the header spellings commonly used for them (name: "Full
// Name", "Contact Name"; phone: "Mobile", "Tel"...). Mark the required ones, and set defaults, on
// the result.
func Fields(names ...string) []Field {
	out := make([]Field, len(names))
	for i, n := range names {
		out[i] = Field{Name: n, Aliases: slices.Clone(commonAliases[Key(n)])}
	}
	return out
}

// Key is a header cell as it is matched: lower case, without spaces, "-", "_", "." or a
// byte-order mark, so that "E-mail", "Phone Number" and "company_name" find their fields.
func Key(h string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '-', '_', '.', '\ufeff':
			return -1
		}
		return r
	}, strings.ToLower(h))
}

// schema is the field list of Options, indexed.
type schema struct {
	fields []Field
	name   int // index of FieldName, or -1; likewise email and phone
	email  int
	phone  int
}

func newSchema(fields []Field) *schema {
	s := &schema{fields: fields, name: -1, email: -1, phone: -1}
	for i, f := range fields {
		switch f.Name {
		case FieldName:
			s.name = i
		case FieldEmail:
			s.email = i
		case FieldPhone:
			s.phone = i
		}
	}
	return s
}

// fieldOf is the field a header key names, by its name or aliases, or -1. rank orders the
// spellings: the field's own name first, then its aliases in order.
func (s *schema) fieldOf(key string) (field, rank int) {
	for f, fl := range s.fields {
		if Key(fl.Name) == key {
			return f, 0
		}
	}
	for f, fl := range s.fields {
		if i := slices.Index(fl.Aliases, key); i >= 0 {
			return f, i + 1
		}
	}
	return -1, 0
}

// names are the field names, for messages.
func (s *schema) names() string {
	out := make([]string, len(s.fields))
	for i, f := range s.fields {
		out[i] = f.Name
	}
	return strings.Join(out, ", ")
}

// looksLikeContactColumn reports whether a header names an email or phone column.
func looksLikeContactColumn(h string) bool {
	key := Key(h)
	for _, w := range []string{"mail", "phone", "mobile", "cell", "whatsapp"} {
		if strings.Contains(key, w) {
			return true
		}
	}
	return strings.HasPrefix(key, "tel") // not "hotel"
}
