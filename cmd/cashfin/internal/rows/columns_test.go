package rows

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splitNames is a HubSpot-style export: first and last names in columns of their own.
const splitNames = "First Name,Last Name,Email,Mobile\n" +
	"Wanjikũ,Kamau,wk@acme.co.ke,0712345678\n" +
	"Otieno,,oti@acme.co.ke,\n" +
	",Achieng,achieng@acme.co.ke,\n"

func TestMapSeveralColumnsOntoNameJoinsThemInFlagOrder(t *testing.T) {
	src, rows := readString(t, "in.csv", splitNames, Options{Map: []string{"First Name=name", "Last Name=name"}})
	assert.Equal(t, []string{"Wanjikũ Kamau", "Otieno", "Achieng"}, names(rows), "joined with one space; an empty part leaves no space")
	assert.Contains(t, src.Describe(), `"First Name" + "Last Name" → name`)

	_, rows = readString(t, "in.csv", splitNames, Options{Map: []string{"Last Name=name", "First Name=name"}})
	assert.Equal(t, "Kamau Wanjikũ", rows[0].Get("name"), "in the order of the --map flags, not of the columns")
}

func TestMapSeveralColumnsOntoOtherFieldIsAnErrorNamingThem(t *testing.T) {
	in := "Name,Work Phone,Mobile\nAnn,0712345678,0733111222\n"
	err := openErr(t, "in.csv", in, Options{Map: []string{"Work Phone=phone", "Mobile=phone"}})
	assert.Contains(t, err.Error(), `columns "Work Phone" and "Mobile" are all mapped to phone`)
}

func TestMapAllColumnProblemsInOneError(t *testing.T) {
	in := "First,Last,Work Phone,Mobile,Fax Number,WhatsApp\nAnn,B,1,2,3,4\n"
	err := openErr(t, "in.csv", in, Options{Map: []string{
		"First=name", "Last=name", // fine: joined
		"Work Phone=phone", "Mobile=phone", // two onto phone
		"Nowhere=email",  // no such column
		"Fax Number=fax", // no such field
		"bad",            // not COLUMN=FIELD
	}})
	want := []string{
		`--map "Nowhere=email": no column "Nowhere" in the header`,
		`--map "Fax Number=fax": unknown field "fax"`,
		`--map "bad": want COLUMN=FIELD`,
		`columns "Work Phone" and "Mobile" are all mapped to phone`,
		`column "WhatsApp" looks like an email or phone column`,
	}
	for _, w := range want {
		assert.Contains(t, err.Error(), w)
	}
	assert.Len(t, err.Problems, len(want), "one problem each, all in one run: %q", err.Problems)
}

func TestMapRequiredColumnsAndDefaults(t *testing.T) {
	err := openErr(t, "in.csv", "Name,Country\nAcme,Kenya\n", Options{Fields: customerFields()})
	assert.Equal(t, []string{
		"no email column in the header (it has: Name, Country): name one with --map COLUMN=email",
		"no phone column in the header (it has: Name, Country): name one with --map COLUMN=phone",
	}, err.Problems, "every missing required column; country and currency have defaults")

	_, rows := readString(t, "in.csv", "Name,Email,Phone,Country\nAcme,a@acme.co.ke,0712345678,\nBeta,b@beta.ug,+256772123456,Uganda\n",
		Options{Fields: customerFields()})
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"Acme", "a@acme.co.ke", "+254712345678", "Kenya", "KES", "", "", "", ""}, rows[0].Values,
		"a default fills an empty cell and a missing column")
	assert.Equal(t, "Uganda", rows[1].Get("country"))
	assert.Empty(t, rows[0].Err)
}

func TestRowRequiredFieldsChecked(t *testing.T) {
	_, rows := readString(t, "in.csv", "Name,Email,Phone\n,x@y.co,\nAnn,not-an-email,\n", Options{Fields: customerFields()})
	require.Len(t, rows, 2)
	assert.Equal(t, "no name; no phone", rows[0].Err)
	assert.Equal(t, `no phone; malformed email "not-an-email"`, rows[1].Err)
}

func TestMapIgnoreAndUnknownColumns(t *testing.T) {
	src, rows := readString(t, "in.csv", "Name,Notes,Home Phone\nAnn,vip,0712345678\n", Options{Map: []string{"Home Phone="}})
	assert.Equal(t, []string{"Ann", "", "", "", ""}, rows[0].Values)
	assert.Contains(t, src.Describe(), `ignored: "Notes", "Home Phone"`)

	err := openErr(t, "in.csv", "Name,Home Phone\nAnn,0712345678\n", Options{})
	assert.Contains(t, err.Error(), `column "Home Phone" looks like an email or phone column, but it would not be imported`)
}

func TestMapExplicitWinsOverSpelling(t *testing.T) {
	_, rows := readString(t, "in.csv", "Name,Full Name\nAnn,Ann Wairimu\n", Options{Map: []string{"Full Name=name", "Name="}})
	assert.Equal(t, "Ann Wairimu", rows[0].Get("name"))
}

func TestKey(t *testing.T) {
	assert.Equal(t, "emailaddress", Key("\ufeff E-mail_Address. "))
}

// A required field the caller can default (customers' --country) names that way out, in the
// header's problem and in a row's.
func TestMissingDefaultableFieldNamesItsDefault(t *testing.T) {
	fields := customerFields()
	fields[3].Default, fields[3].DefaultFrom = "", "--country COUNTRY"
	err := openErr(t, "in.csv", "Name,Email,Phone\nAcme,a@acme.co.ke,0712345678\n", Options{Fields: fields})
	assert.Contains(t, err.Problems, "no country column in the header (it has: Name, Email, Phone): name one with --map COLUMN=country, "+
		"or give every row one with --country COUNTRY")
	_, rows := readString(t, "in.csv", "Name,Email,Phone,Country\nAcme,a@acme.co.ke,0712345678,\n", Options{Fields: fields})
	require.Len(t, rows, 1)
	assert.Equal(t, "no country (--country COUNTRY gives one)", rows[0].Err)
}
