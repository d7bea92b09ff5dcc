package term

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

var (
	yes          = true
	testContacts = []cashfin.Contact{
		{ID: "507f1f77bcf86cd799439045", Name: "Jane Wanjiku", Email: "jane@acme.co.ke", Phone: "+254712345678",
			Position: "Procurement Manager", CompanyName: "Acme, Corp", CreatedAt: time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)},
		{ID: "507f1f77bcf86cd799439046", Name: "=HYPERLINK(\"x\")", Email: "@evil", Phone: "-1",
			Position: "multi\nline", CompanyName: "", CreatedAt: time.Date(2024, 1, 16, 8, 30, 0, 123e6, time.UTC)},
	}
)

func writeAll(t *testing.T, format string, opts WriterOptions, cs []cashfin.Contact) string {
	t.Helper()
	var b bytes.Buffer
	w := newContactWriter(&b, format, opts)
	for i := range cs {
		require.NoError(t, w.Write(&cs[i]))
		if i == 0 {
			require.NoError(t, w.Flush())
		}
	}
	require.NoError(t, w.Close())
	return b.String()
}

func TestWriterJSON(t *testing.T) {
	out := writeAll(t, "json", WriterOptions{}, testContacts)
	var got []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got, 2)
	assert.Equal(t, map[string]any{"_id": "507f1f77bcf86cd799439045", "name": "Jane Wanjiku", "email": "jane@acme.co.ke",
		"phone": "+254712345678", "position": "Procurement Manager", "companyname": "Acme, Corp",
		"createdat": "2024-01-15T12:00:00.000Z"}, got[0], "the API's field names")
	assert.True(t, strings.HasPrefix(out, "[\n  {"), out)
	assert.Equal(t, "[]\n", writeAll(t, "json", WriterOptions{}, nil), "an empty list is an empty array")
}

func TestWriterJSONSingle(t *testing.T) {
	c := testContacts[0]
	c.Active = &yes
	var b bytes.Buffer
	require.NoError(t, writeContact(&b, "json", false, &c))
	var got map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &got), "one object, not an array")
	assert.Equal(t, true, got["active"])
	assert.Contains(t, b.String(), "\n  \"name\": \"Jane Wanjiku\"", "indented for people")
}

func TestWriterJSONL(t *testing.T) {
	out := writeAll(t, "jsonl", WriterOptions{}, testContacts)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 2)
	for i, l := range lines {
		var c cashfin.Contact
		require.NoError(t, json.Unmarshal([]byte(l), &c))
		assert.Equal(t, testContacts[i], c)
	}
}

func TestWriterCSV(t *testing.T) {
	out := writeAll(t, "csv", WriterOptions{}, testContacts)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		{"_id", "name", "email", "phone", "position", "companyname", "createdat"},
		{"507f1f77bcf86cd799439045", "Jane Wanjiku", "jane@acme.co.ke", "+254712345678", "Procurement Manager", "Acme, Corp", "2024-01-15T12:00:00.000Z"},
		{"507f1f77bcf86cd799439046", "=HYPERLINK(\"x\")", "@evil", "-1", "multi\nline", "", "2024-01-16T08:30:00.123Z"},
	}, recs, "cells as they are")
	assert.Equal(t, "_id,name,email,phone,position,companyname,createdat\n", writeAll(t, "csv", WriterOptions{}, nil),
		"an empty export still has its header")
}

// TestWriterCSVExcelSafe: with a protect function, every cell goes through it, by its column,
// and the file starts with a UTF-8 byte-order mark, so that Excel on Windows reads "Wanjikũ".
func TestWriterCSVExcelSafe(t *testing.T) {
	protect := func(column, v string) string { return column + ":" + v }
	out := writeAll(t, "csv", WriterOptions{ExcelSafe: protect}, testContacts)
	require.True(t, strings.HasPrefix(out, BOM), "%q", out[:8])
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, BOM))).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"_id", "name", "email", "phone", "position", "companyname", "createdat"}, recs[0], "the header as it is")
	assert.Equal(t, "phone:+254712345678", recs[1][3])
	assert.Equal(t, "name:Jane Wanjiku", recs[1][1])

	plain := writeAll(t, "csv", WriterOptions{}, testContacts)
	assert.False(t, strings.HasPrefix(plain, BOM), "no byte-order mark without --excel-safe")
}

func TestWriterTable(t *testing.T) {
	out := writeAll(t, "table", WriterOptions{}, testContacts)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 3, "one line per contact, line breaks in cells folded: %q", out)
	assert.Regexp(t, `^_id\s+name\s+email\s+phone\s+position\s+companyname\s+createdat$`, lines[0])
	assert.Regexp(t, `^507f1f77bcf86cd799439046\s+=HYPERLINK\("x"\)\s+@evil\s+-1\s+multi line\s+-\s+2024-01-16`, lines[2])
	assert.Regexp(t, `^_id +name +email +phone +position +companyname +createdat\n$`, writeAll(t, "table", WriterOptions{}, nil))
}

func TestWriterTableDetail(t *testing.T) {
	c := testContacts[0]
	c.Active, c.UpdatedAt = &yes, c.CreatedAt
	var b bytes.Buffer
	require.NoError(t, writeContact(&b, "table", false, &c))
	assert.Regexp(t, `active\s+updatedat\n.*true\s+2024-01-15T12:00:00.000Z\n$`, b.String())
}

// TestTableAlignsAcrossPages: pages written one after the other line up under one header, with
// widths measured as displayed (a combining mark takes no cell, a CJK character two); a page
// with a cell wider than its column grows the column and repeats the header; server text cannot
// drive the terminal.
func TestTableAlignsAcrossPages(t *testing.T) {
	var b bytes.Buffer
	w := newContactWriter(&b, "table", WriterOptions{})
	page1 := []cashfin.Contact{{ID: "a1", Name: "Jane", Email: "jane@x.co"}}
	page2 := []cashfin.Contact{
		{ID: "a2", Name: "山田太郎 (Yamada Taro)", Email: "taro@x.jp"},
		{ID: "a3", Name: "Zoe\u0308 Nyambura-U\u0308nal", Email: "zoe@x.co"},
		{ID: "a4", Name: "\x1b[31mRed\x1b[0m \x1b]0;owned\x07Alert", Email: "red@x.co"},
	}
	for _, page := range [][]cashfin.Contact{page1, page2} {
		for i := range page {
			require.NoError(t, w.Write(&page[i]))
		}
		require.NoError(t, w.Flush())
	}
	require.NoError(t, w.Close())
	out := b.String()
	assert.NotContains(t, out, "\x1b")
	assert.Contains(t, out, "Red Alert")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 5, out)
	col := func(line, at string) int { return uniseg.StringWidth(line[:strings.Index(line, at)]) }
	for i, email := range []string{"email", "jane@x.co", "taro@x.jp", "zoe@x.co", "red@x.co"} {
		assert.Equal(t, col(lines[0], "email"), col(lines[i], email), "%q", lines[i])
	}

	// A name wider than the column: it grows, and the header comes again above that page.
	b.Reset()
	w = newContactWriter(&b, "table", WriterOptions{})
	long := cashfin.Contact{ID: "b2", Name: strings.Repeat("長", 20), Email: "l@x.co"}
	require.NoError(t, w.Write(&page1[0]))
	require.NoError(t, w.Flush())
	require.NoError(t, w.Write(&long))
	require.NoError(t, w.Close())
	lines = strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 4, b.String())
	assert.True(t, strings.HasPrefix(lines[2], "_id "), "the header again: %q", lines[2])
	assert.Equal(t, col(lines[2], "email"), col(lines[3], "l@x.co"))
}

// contactColumns are a contact's list columns, as the CLI prints them.
var contactColumns = []Column[cashfin.Contact]{
	{"_id", 24, func(c *cashfin.Contact) string { return c.ID }},
	{"name", 24, func(c *cashfin.Contact) string { return c.Name }},
	{"email", 28, func(c *cashfin.Contact) string { return c.Email }},
	{"phone", 16, func(c *cashfin.Contact) string { return c.Phone }},
	{"position", 20, func(c *cashfin.Contact) string { return c.Position }},
	{"companyname", 24, func(c *cashfin.Contact) string { return c.CompanyName }},
	{"createdat", 24, func(c *cashfin.Contact) string { return FormatTime(c.CreatedAt) }},
}

// contactDetail are a contact's columns in get's form.
var contactDetail = append(contactColumns[:len(contactColumns):len(contactColumns)],
	Column[cashfin.Contact]{"active", 6, func(c *cashfin.Contact) string {
		if c.Active == nil {
			return ""
		}
		if *c.Active {
			return "true"
		}
		return "false"
	}},
	Column[cashfin.Contact]{"updatedat", 24, func(c *cashfin.Contact) string { return FormatTime(c.UpdatedAt) }},
)

// newContactWriter is a writer of contacts in the list form.
func newContactWriter(w io.Writer, format string, opts WriterOptions) RecordWriter[cashfin.Contact] {
	return NewRecordWriter(w, format, contactColumns, opts)
}

// writeContact writes one contact in the detail form, as get does.
func writeContact(w io.Writer, format string, terminal bool, c *cashfin.Contact) error {
	return WriteRecord(w, format, terminal, contactDetail, c)
}
