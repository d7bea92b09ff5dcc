package rows

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// messyCSV is what a CRM export or a sales spreadsheet looks like: an Excel byte-order mark,
// headers in capitals with spaces, "company" for companyname, an unknown column, quoted commas,
// quotes and line breaks, UTF-8 names, blank lines and rows of empty cells.
const messyCSV = "\ufeff Name ,EMAIL,Phone,Notes,Company,position\r\n" +
	"Jane Wanjiku,jane@acme.co.ke,+254 712 345 678,vip,\"Acme, Ltd\",Procurement Manager\r\n" +
	"\r\n" +
	"\"Otieno \"\"Oti\"\" Odhiambo\",OTI@example.com,0722000111,\"two\nlines\",Kisumu Traders,\r\n" +
	",,,,,\r\n" +
	"Zoë Nyambura-Ünal,zoe@example.org,,,Ünal & Söhne,CTO\r\n" +
	"  Short Row  ,short@example.com\r\n"

func TestCSVMessyFile(t *testing.T) {
	src, rows := readString(t, "in.csv", messyCSV, Options{})
	assert.Equal(t, CSV, src.Format())
	assert.Equal(t, []string{" Name ", "EMAIL", "Phone", "Notes", "Company", "position"}, src.Header(),
		"the header is kept as read, without the byte-order mark")
	assert.Equal(t, `columns: " Name " → name, "EMAIL" → email, "Phone" → phone, "position" → position, "Company" → companyname; ignored: "Notes"`,
		src.Describe(), "an unknown column is ignored, and said to be")
	require.Len(t, rows, 4)
	want := [][]string{
		{"Jane Wanjiku", "jane@acme.co.ke", "+254712345678", "Procurement Manager", "Acme, Ltd"},
		{`Otieno "Oti" Odhiambo`, "OTI@example.com", "+254722000111", "", "Kisumu Traders"},
		{"Zoë Nyambura-Ünal", "zoe@example.org", "", "CTO", "Ünal & Söhne"},
		{"Short Row", "short@example.com", "", "", ""},
	}
	assert.Equal(t, []int{2, 4, 7, 8}, lines(rows), "each row's physical line")
	for i, w := range want {
		assert.Equal(t, w, rows[i].Values, "row %d", i)
		assert.Empty(t, rows[i].Err, "row %d", i)
	}
	assert.Equal(t, "two\nlines", rows[1].Cells[3], "cells are kept as read")
	assert.Equal(t, Style{BOM: utf8BOM, Comma: ',', CRLF: true}, src.Style())
}

func TestCSVBlankRowsCounted(t *testing.T) {
	src, rows := readString(t, "in.csv", "name,email,phone\nAnn,,\n,,\n , ,\nBen,,\n,,\n", Options{})
	assert.Equal(t, []string{"Ann", "Ben"}, names(rows))
	assert.Equal(t, 3, src.Blank(), "rows of blank cells are counted, not dropped silently")
	require.NoError(t, src.Each(func(*Row) error { return nil }))
	assert.Equal(t, 3, src.Blank(), "a second walk counts afresh")
}

func TestCSVHeaderRules(t *testing.T) {
	t.Run("companyname wins over its alias", func(t *testing.T) {
		_, rows := readString(t, "in.csv", "company,name,companyname\nAlias Co,Ann,Real Co\n", Options{})
		assert.Equal(t, "Real Co", rows[0].Get("companyname"))
	})
	t.Run("the first of two columns of the same name wins", func(t *testing.T) {
		_, rows := readString(t, "in.csv", "name,NAME\nFirst,Second\n", Options{})
		assert.Equal(t, "First", rows[0].Get("name"))
	})
	t.Run("header only", func(t *testing.T) {
		_, rows := readString(t, "in.csv", "name,email\n", Options{})
		assert.Empty(t, rows)
	})
	for _, tc := range []struct{ name, in, want string }{
		{"no name column", "email,phone\na@b.co,1\n", "no name column in the header (it has: email, phone)"},
		{"empty", "", "empty file"},
		{"only a BOM", "\ufeff", "empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Contains(t, openErr(t, "in.csv", tc.in, Options{}).Error(), tc.want)
		})
	}
}

func TestCSVDelimiters(t *testing.T) {
	for _, in := range []string{"name;email\nAnn;ann@x.co\n", "name\temail\nAnn\tann@x.co\n", "name,email\nAnn,ann@x.co\n"} {
		_, rows := readString(t, "in.csv", in, Options{})
		require.Len(t, rows, 1, in)
		assert.Equal(t, "ann@x.co", rows[0].Get("email"), in)
	}
	_, rows := readString(t, "in.csv", "name|email\nAnn|ann@x.co\n", Options{Delimiter: '|'})
	assert.Equal(t, "ann@x.co", rows[0].Get("email"))
	d, err := ParseDelimiter("tab")
	require.NoError(t, err)
	assert.Equal(t, '\t', d)
	_, err = ParseDelimiter(",,")
	assert.Error(t, err)
}

func TestCSVEncodings(t *testing.T) {
	text := "name,email\nWanjikũ Kamau,w@x.co\n"
	t.Run("UTF-16 by its byte-order mark", func(t *testing.T) {
		enc, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
		src, rows := readString(t, "in.csv", enc, Options{})
		assert.Equal(t, "Wanjikũ Kamau", rows[0].Get("name"))
		assert.Equal(t, utf16LEBOM, src.Style().BOM)
	})
	t.Run("windows-1252 on request", func(t *testing.T) {
		enc, _ := charmap.Windows1252.NewEncoder().String("name\nZoë\n")
		_, rows := readString(t, "in.csv", enc, Options{Encoding: "windows-1252"})
		assert.Equal(t, "Zoë", rows[0].Get("name"))
	})
	t.Run("Latin-1 without the option is refused with a hint", func(t *testing.T) {
		enc, _ := charmap.ISO8859_1.NewEncoder().String("name\nZoë\n")
		src, err := Open(file(t, "in.csv", enc), nil, Options{Fields: contactFields()})
		require.NoError(t, err)
		defer src.Close()
		err = src.Each(func(*Row) error { return nil })
		var re *Error
		require.ErrorAs(t, err, &re)
		assert.Contains(t, err.Error(), "line 2: not valid UTF-8")
		assert.Contains(t, err.Error(), "--encoding windows-1252")
	})
	t.Run("an unknown encoding", func(t *testing.T) {
		assert.Contains(t, openErr(t, "in.csv", "name\n", Options{Encoding: "ebcdic"}).Error(), `--encoding "ebcdic"`)
	})
}

func TestCSVAmbiguousQuotes(t *testing.T) {
	_, rows := readString(t, "in.csv", "name,email\n\"Kofi \"K\" Mensah\",k@x.co\nAmina \"The Boss\" M,a@b.co\n", Options{})
	require.Len(t, rows, 2)
	assert.Contains(t, rows[0].Err, "ambiguous quotes")
	assert.Empty(t, rows[1].Err, "quotes inside an unquoted cell are text")
}

func TestStrayQuote(t *testing.T) {
	for row, want := range map[string]bool{
		`Amina "The Boss" M,a@b.co`:          false,
		`Amina "The Boss" M,"Acme, Ltd"`:     false,
		`"Okafor, Chinedu","Cape ""Winds"""`: false,
		`"Kofi "K" Mensah",k@x.co`:           true,
		`"Bob`:                               true,
		`x,"y"z`:                             true,
		`"a";"b"`:                            true,
	} {
		assert.Equal(t, want, strayQuote(row, ","), row)
	}
	assert.False(t, strayQuote(`"a";"b"`, ";"))
}

func TestCSVIgnoredColumnHoldingEmails(t *testing.T) {
	src, err := Open(file(t, "in.csv", "name,contact\nAnn,ann@x.co\n"), nil, Options{Fields: contactFields()})
	require.NoError(t, err)
	defer src.Close()
	err = src.Each(func(*Row) error { return nil })
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 2: column "contact" holds an email address`)
	_, rows := readString(t, "in.csv", "name,contact\nAnn,ann@x.co\n", Options{Map: []string{"contact="}})
	assert.Equal(t, []string{"Ann"}, names(rows), "ignored on purpose")
}

func TestStandardInput(t *testing.T) {
	src, err := Open("-", strings.NewReader("name\nAnn\n"), Options{Fields: contactFields()})
	require.NoError(t, err)
	defer src.Close()
	assert.Equal(t, "standard input", src.Label())
	var got []string
	require.NoError(t, src.Each(func(r *Row) error { got = append(got, r.Get("name")); return nil }))
	assert.Equal(t, []string{"Ann"}, got)
	_, err = Open("-", strings.NewReader("email\nx@y.co\n"), Options{Fields: contactFields()})
	require.ErrorContains(t, err, "standard input: no name column")
}

func TestOpenMissingFile(t *testing.T) {
	_, err := Open("/no/such/file.csv", nil, Options{Fields: contactFields()})
	var re *Error
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), "/no/such/file.csv")
}

func TestEachStopsAndPassesErrors(t *testing.T) {
	src, err := Open(file(t, "in.csv", "name\nA\nB\n"), nil, Options{Fields: contactFields()})
	require.NoError(t, err)
	defer src.Close()
	n := 0
	require.NoError(t, src.Each(func(*Row) error { n++; return ErrStop }))
	assert.Equal(t, 1, n)
	mine := assert.AnError
	assert.Same(t, mine, src.Each(func(*Row) error { return mine }), "the callback's error comes back as it is")
}

func TestKeepBlankPassesBlankRowsInOrder(t *testing.T) {
	src, rows := readString(t, "in.csv", "name,email\nAnn,\n,\nBen,\n", Options{KeepBlank: true})
	require.Len(t, rows, 3)
	assert.Equal(t, []int{2, 3, 4}, lines(rows))
	assert.True(t, rows[1].Blank)
	assert.Empty(t, rows[1].Err, "a blank row is not a failure")
	assert.False(t, rows[0].Blank || rows[2].Blank)
	assert.Equal(t, 1, src.Blank())
}
