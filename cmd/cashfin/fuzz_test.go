package main

import (
	"bytes"
	"encoding/csv"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
	"slices"
	"strings"
	"testing"
)

// FuzzReadCSV feeds arbitrary files to the import's CSV reader. Whatever the bytes, it must not
// panic; it fails with an error or returns rows such that: the header has a name column; every
// row has a non-blank cell, starts on a later line than the one before, and holds its cells'
// values trimmed (the name from the name column, less the quote an excel-safe export adds); and writing the header and rows back out as CSV
// and reading them again gives the same rows.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"name,email,phone,position,companyname\nJane Wanjiku,jane@acme.co.ke,+254712345678,Procurement Manager,Acme Corp\n",
		"\xef\xbb\xbfName,Email\r\nJane,jane@acme.co.ke\r\n",
		"name,company,companyname\nJane,Old,New\n",
		"email,NAME\n,\n  Jane  , \n",
		"name\n\"Wanjiku, Jane\"\n\"multi\nline\"\n",
		"name,email\nJane\nKofi,kofi@x.io,extra\n",
		"name\n\"unterminated\n",
		"email\njane@acme.co.ke\n",
		"",
		"\n\n",
		"name,name\nA,B\n",
		"\"na\"\"me\",email\nx,y\n",
		"name\r\n\xff\xfe\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := readCSV(bytes.NewReader(data))
		if err != nil {
			if file != nil {
				t.Fatalf("an error (%v) and a file", err)
			}
			return
		}
		nameCol := file.nameCol
		if nameCol < 0 {
			t.Fatalf("no name column in %q", file.header)
		}
		checkRows(t, file, nameCol)

		// Round trip: what we read, written back out, reads the same.
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		if err := w.Write(file.header); err != nil {
			t.Fatal(err)
		}
		for _, r := range file.records {
			if err := w.Write(r.raw); err != nil {
				t.Fatal(err)
			}
		}
		w.Flush()
		again, err := readCSV(&buf)
		if err != nil {
			t.Fatalf("rewritten file does not read: %v\n%q", err, buf.String())
		}
		if len(again.records) != len(file.records) {
			t.Fatalf("rewritten file has %d rows, want %d\n%q", len(again.records), len(file.records), buf.String())
		}
		for i := range file.records {
			if !slices.Equal(again.records[i].fields, file.records[i].fields) {
				t.Fatalf("row %d: rewritten %+v, want %+v", i, again.records[i].fields, file.records[i].fields)
			}
		}
	})
}

// checkRows checks every row of a file read without error.
func checkRows(t *testing.T, file *readFile, nameCol int) {
	t.Helper()
	last := 1 // the header's line, at least
	for i, r := range file.records {
		if r.line <= last {
			t.Fatalf("row %d starts on line %d, after line %d", i, r.line, last)
		}
		last = r.line
		if blank(r.raw) {
			t.Fatalf("row %d is blank: %q", i, r.raw)
		}
		for _, v := range r.fields.values() {
			if v != strings.TrimSpace(v) {
				t.Fatalf("row %d: %q is not trimmed", i, v)
			}
		}
		want := ""
		if nameCol < len(r.raw) {
			want = strings.TrimSpace(term.UndoExcelSafe(r.raw[nameCol])) // an excel-safe export's quote is undone
		}
		if r.fields[0] != want {
			t.Fatalf("row %d: name %q, want %q from column %d of %q", i, r.fields[0], want, nameCol, r.raw)
		}
	}
}

// FuzzReadJSONL feeds arbitrary files to the import's JSON-lines reader: it must not panic, and
// every row either failed to read (with a reason) or holds trimmed values, on increasing lines.
func FuzzReadJSONL(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Jane Wanjiku","email":"jane@acme.co.ke","companyname":"Acme"}` + "\n",
		`{"Name":" Jane ","company":"Acme","phone":254712345678}` + "\n\n" + `{"name":null}` + "\n",
		`[1,2]` + "\n" + `"name"` + "\n" + `{"name":{"x":1}}` + "\n" + `{"name":"a","name":"b"}`,
		"\xef\xbb\xbf" + `{"name":"Jane"}`,
		`{"name":"Jane"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := readJSONL(bytes.NewReader(data))
		if err != nil {
			if file != nil {
				t.Fatalf("an error (%v) and a file", err)
			}
			return
		}
		last := 0
		for i, r := range file.records {
			if r.line <= last {
				t.Fatalf("row %d starts on line %d, after line %d", i, r.line, last)
			}
			last = r.line
			if r.err != "" {
				continue
			}
			for _, v := range r.fields.values() {
				if v != strings.TrimSpace(v) {
					t.Fatalf("row %d: %q is not trimmed", i, v)
				}
			}
		}
	})
}
