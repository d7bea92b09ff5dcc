package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestReadCSVMessy(t *testing.T) {
	file, err := readCSV(strings.NewReader(messyCSV))
	require.NoError(t, err)
	assert.Equal(t, []string{" Name ", "EMAIL", "Phone", "Notes", "Company", "position"}, file.header,
		"the header is kept as read, without the byte-order mark")
	require.Len(t, file.records, 4)

	want := []record{
		{line: 2, fields: fields{"Jane Wanjiku", "jane@acme.co.ke", "+254 712 345 678", "Procurement Manager", "Acme, Ltd"}},
		{line: 4, fields: fields{`Otieno "Oti" Odhiambo`, "OTI@example.com", "0722000111", "", "Kisumu Traders"}},
		{line: 7, fields: fields{"Zoë Nyambura-Ünal", "zoe@example.org", "", "CTO", "Ünal & Söhne"}},
		{line: 8, fields: fields{"Short Row", "short@example.com", "", "", ""}},
	}
	for i, w := range want {
		assert.Equal(t, w.line, file.records[i].line, "line of record %d", i)
		assert.Equal(t, w.fields, file.records[i].fields, "fields of record %d", i)
	}
	assert.Equal(t, "two\nlines", file.records[1].raw[3], "raw cells are kept as read")
}

func TestReadCSVHeaderRules(t *testing.T) {
	t.Run("companyname wins over its alias", func(t *testing.T) {
		file, err := readCSV(strings.NewReader("company,name,companyname\nAlias Co,Ann,Real Co\n"))
		require.NoError(t, err)
		assert.Equal(t, "Real Co", file.records[0].fields[4])
	})
	t.Run("the first of two columns of the same name wins", func(t *testing.T) {
		file, err := readCSV(strings.NewReader("name,NAME\nFirst,Second\n"))
		require.NoError(t, err)
		assert.Equal(t, "First", file.records[0].fields[0])
	})
	t.Run("no BOM, header only", func(t *testing.T) {
		file, err := readCSV(strings.NewReader("name,email\n"))
		require.NoError(t, err)
		assert.Empty(t, file.records)
	})
}

func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"no name column", "email,phone\na@b.co,1\n", "no name column in the header (it has: email, phone)"},
		{"empty", "", "empty file"},
		{"only a BOM", "\ufeff", "empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readCSV(strings.NewReader(tc.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestReadJSONL(t *testing.T) {
	in := "\ufeff{\"name\":\"Jane\",\"email\":\"jane@acme.co.ke\",\"Company\":\"Acme\"}\n" +
		"\n" +
		"  {\"NAME\":\" Otieno \",\"phone\":254722000111,\"position\":null,\"extra\":[1,2]}  \n" +
		"[\"not\",\"an\",\"object\"]\n" +
		"{\"name\":\"Bad\",\"email\":{\"x\":1}}\n" +
		"{\"name\":\"Both\",\"company\":\"Alias\",\"companyname\":\"Real\"}\n" +
		"{not json\n"
	file, err := readJSONL(strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, contactSchema.names, file.header)
	require.Len(t, file.records, 6)

	assert.Equal(t, record{line: 1, fields: fields{"Jane", "jane@acme.co.ke", "", "", "Acme"},
		raw: []string{"Jane", "jane@acme.co.ke", "", "", "Acme"}}, file.records[0])
	assert.Equal(t, 3, file.records[1].line)
	assert.Equal(t, fields{"Otieno", "", "254722000111", "", ""}, file.records[1].fields,
		"keys match case-insensitively, values are trimmed, numbers kept as written, null is empty")
	assert.Empty(t, file.records[1].err)
	assert.Equal(t, "not a JSON object", file.records[2].err)
	assert.Contains(t, file.records[3].err, "want a string")
	assert.Equal(t, "Real", file.records[4].fields[4])
	assert.Equal(t, 7, file.records[5].line)
	assert.Equal(t, "not a JSON object", file.records[5].err)
}

func TestReadJSONLTooLong(t *testing.T) {
	_, err := readJSONL(strings.NewReader(`{"name":"` + strings.Repeat("x", maxJSONLine) + `"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "longer than")
}

func TestOpenImport(t *testing.T) {
	t.Run("extension picks JSON lines", func(t *testing.T) {
		for _, name := range []string{"a.jsonl", "b.NDJSON"} {
			file, err := readVia(name, strings.NewReader(`{"name":"Ann"}`+"\n"), inputOptions{schema: contactSchema})
			require.NoError(t, err)
			assert.Equal(t, "Ann", file.records[0].fields[0], name)
		}
	})
	t.Run("dash is standard input", func(t *testing.T) {
		src, err := openImport("-", strings.NewReader("name\nAnn\n"), inputOptions{schema: contactSchema})
		require.NoError(t, err)
		defer src.close()
		assert.Equal(t, formatCSV, src.format)
		src, err = openImport("-", strings.NewReader(`[{"name":"Ann"}]`), inputOptions{schema: contactSchema})
		require.NoError(t, err)
		defer src.close()
		assert.Equal(t, formatJSON, src.format, "a JSON array on standard input")
	})
	t.Run("errors are input errors, naming the file", func(t *testing.T) {
		_, err := openImport("/no/such/file.csv", nil, inputOptions{schema: contactSchema})
		var ue *usageError
		require.ErrorAs(t, err, &ue)
		assert.Contains(t, err.Error(), "/no/such/file.csv")

		_, err = openImport("-", strings.NewReader("email\nx@y.co\n"), inputOptions{schema: contactSchema})
		require.ErrorAs(t, err, &ue)
		assert.Contains(t, err.Error(), "standard input: no name column")
	})
}

func TestStrayQuote(t *testing.T) {
	for row, want := range map[string]bool{
		`Amina "The Boss" M,a@b.co`:          false, // quotes inside an unquoted cell are text
		`Amina "The Boss" M,"Acme, Ltd"`:     false,
		`"Okafor, Chinedu","Cape ""Winds"""`: false,
		`"Kofi "K" Mensah",k@x.co`:           true,
		`"Bob`:                               true,
		`x,"y"z`:                             true,
		`"a";"b"`:                            true, // with "," as the delimiter
	} {
		assert.Equal(t, want, strayQuote(row, ","), row)
	}
	assert.False(t, strayQuote(`"a";"b"`, ";"))
	assert.False(t, strayQuote("\"a\"\t\"b\"", "\t"))
}
