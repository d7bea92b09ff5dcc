package rows

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fuzzRead reads data as a file called name, whole; nil and the error when it does not open or
// read. Phones are kept as written, so that every value can be checked against its cell.
func fuzzRead(t *testing.T, name string, data []byte) (*Source, []*Row, error) {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := Open(path, nil, Options{Fields: contactFields(), Phones: Phones{KeepPhones: true}})
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(src.Close)
	var rows []*Row
	if err := src.Each(func(r *Row) error { rows = append(rows, r); return nil }); err != nil {
		return nil, nil, err
	}
	return src, rows, nil
}

// FuzzReadCSV feeds arbitrary files to the CSV reader. Whatever the bytes, it must not panic; it
// fails with an error or returns rows such that: the header has a name column; every row has a
// non-blank cell, starts on a later line than the one before, and holds its cells' values trimmed
// (the name from the name column, less the protection an excel-safe export adds); and writing the
// header and cells back out as CSV and reading them again gives the same rows.
func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"name,email,phone,position,companyname\nJane Wanjiku,jane@acme.co.ke,+254712345678,Procurement Manager,Acme Corp\n",
		"\xef\xbb\xbfName,Email\r\nJane,jane@acme.co.ke\r\n",
		"name,company,companyname\nJane,Old,New\n",
		"email,NAME\n,\n  Jane  , \n",
		"name\n\"Wanjiku, Jane\"\n\"multi\nline\"\n",
		"name,email\nJane\nKofi,kofi@x.io,extra\n",
		"name\n\"unterminated\n",
		"name,phone\n'=1,=\"0712\"\n",
		"",
		"name,name\nA,B\n",
		"name\r\n\xff\xfe\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, rows, err := fuzzRead(t, "in.csv", data)
		if err != nil || src.Format() != CSV {
			return
		}
		nameCols := src.mapping.cols[0]
		if len(nameCols) != 1 {
			t.Fatalf("name columns %v in %q", nameCols, src.Header())
		}
		checkRows(t, rows, nameCols[0])

		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write(src.Header())
		for _, r := range rows {
			w.Write(r.Cells)
		}
		w.Flush()
		again, rows2, err := fuzzRead(t, "again.csv", buf.Bytes())
		if err != nil || again.Format() != CSV {
			t.Fatalf("rewritten file does not read as CSV: %v\n%q", err, buf.String())
		}
		if len(rows2) != len(rows) {
			t.Fatalf("rewritten file has %d rows, want %d\n%q", len(rows2), len(rows), buf.String())
		}
		for i := range rows {
			if !slices.Equal(rows2[i].Values, rows[i].Values) {
				t.Fatalf("row %d: rewritten %q, want %q", i, rows2[i].Values, rows[i].Values)
			}
		}
	})
}

// checkRows checks every row of a CSV file read without error.
func checkRows(t *testing.T, rows []*Row, nameCol int) {
	t.Helper()
	last := 1 // the header's line, at least
	for i, r := range rows {
		if r.Line <= last {
			t.Fatalf("row %d starts on line %d, after line %d", i, r.Line, last)
		}
		last = r.Line
		if blank(r.Cells) {
			t.Fatalf("row %d is blank: %q", i, r.Cells)
		}
		for _, v := range r.Values {
			if v != strings.TrimSpace(v) {
				t.Fatalf("row %d: %q is not trimmed", i, v)
			}
		}
		want := ""
		if nameCol < len(r.Cells) {
			want = strings.TrimSpace(UndoExcelSafe(r.Cells[nameCol]))
		}
		if r.Get("name") != want {
			t.Fatalf("row %d: name %q, want %q from column %d of %q", i, r.Get("name"), want, nameCol, r.Cells)
		}
	}
}

// FuzzReadJSONL feeds arbitrary files to the JSON readers: they must not panic, and every row
// either failed to read (with a reason) or holds trimmed values, on increasing lines.
func FuzzReadJSONL(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Jane Wanjiku","email":"jane@acme.co.ke","companyname":"Acme"}` + "\n",
		`{"Name":" Jane ","company":"Acme","phone":254712345678}` + "\n\n" + `{"name":null}` + "\n",
		`[1,2]` + "\n" + `"name"` + "\n" + `{"name":{"x":1}}` + "\n" + `{"name":"a","name":"b"}`,
		"\xef\xbb\xbf" + `{"name":"Jane"}`,
		`{"name":"Jane"`,
		`{"contacts":[{"name":"A"},{"name":" B "}],"pagination":{"total":2}}`,
		`[{"name":"A"},` + "\n" + `{"name":"B"}]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, rows, err := fuzzRead(t, "in.json", data)
		if err != nil || src.Format() == CSV || src.Format() == XLSX {
			return
		}
		last := 0
		for i, r := range rows {
			if r.Line < last || (r.Line == last && src.Format() == JSONLines) {
				t.Fatalf("row %d starts on line %d, after line %d", i, r.Line, last)
			}
			last = r.Line
			for _, v := range r.Values {
				if v != strings.TrimSpace(v) {
					t.Fatalf("row %d: %q is not trimmed", i, v)
				}
			}
		}
	})
}
