package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// fields are the contact fields of an import row, trimmed.
type fields struct {
	Name, Email, Phone, Position, CompanyName string
}

// record is one row of an import file.
type record struct {
	line   int      // line of the file where the row starts, from 1
	fields fields   // what the row says
	raw    []string // the row's cells as read (CSV), for the errors file
	err    string   // set when the row itself could not be read (JSON lines)
}

// importFile is an import file, read whole.
type importFile struct {
	header  []string // the CSV header as read; for JSON lines, the API's field names
	records []record
}

// fieldNames are the import columns, in the API's names, in their output order.
var fieldNames = []string{"name", "email", "phone", "position", "companyname"}

// fieldIndex maps a header name (lower-cased, trimmed) to its field.
var fieldIndex = map[string]int{"name": 0, "email": 1, "phone": 2, "position": 3, "companyname": 4, "company": 4}

func (f *fields) set(i int, v string) {
	v = strings.TrimSpace(v)
	switch i {
	case 0:
		f.Name = v
	case 1:
		f.Email = v
	case 2:
		f.Phone = v
	case 3:
		f.Position = v
	case 4:
		f.CompanyName = v
	}
}

func (f fields) values() []string {
	return []string{f.Name, f.Email, f.Phone, f.Position, f.CompanyName}
}

// readImportFile reads name as JSON lines when it ends in .jsonl or .ndjson, else as CSV; "-"
// is standard input, as CSV. Any error is an input error.
func readImportFile(name string, stdin io.Reader) (*importFile, error) {
	var r io.Reader
	if name == "-" {
		r = stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("contacts import: %v", err)
		}
		defer f.Close()
		r = f
	}
	label := name
	if name == "-" {
		label = "standard input"
	}
	var (
		file *importFile
		err  error
	)
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		file, err = readJSONL(r)
	default:
		file, err = readCSV(r)
	}
	if err != nil {
		return nil, usagef("contacts import: %s: %v", label, err)
	}
	return file, nil
}

// utf8BOM is the byte-order mark Excel puts before a UTF-8 CSV.
var utf8BOM = []byte("\xef\xbb\xbf")

// skipBOM returns r without a leading UTF-8 byte-order mark.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, utf8BOM) {
		br.Discard(3)
	}
	return br
}

// readCSV reads an RFC 4180 CSV whose header names the columns (see fieldIndex; others are
// ignored). Rows of blank cells are skipped.
func readCSV(r io.Reader) (*importFile, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty file: want a header row naming the columns (name, email, phone, position, companyname)")
	}
	if err != nil {
		return nil, err
	}
	columns := make([]int, len(header)) // field of each column, or -1
	seen := [5]bool{}
	for i, h := range header {
		columns[i] = -1
		if f, ok := fieldIndex[headerKey(h)]; ok && !seen[f] {
			columns[i], seen[f] = f, true
		}
	}
	// "companyname" wins over its alias "company" wherever each stands.
	if ci, ai := indexOf(header, "companyname"), indexOf(header, "company"); ci >= 0 && ai >= 0 {
		columns[ai], columns[ci] = -1, 4
	}
	if !seen[0] {
		return nil, fmt.Errorf("no name column in the header (it has: %s)", strings.Join(header, ", "))
	}
	file := &importFile{header: header}
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if blank(cells) {
			continue
		}
		line, _ := cr.FieldPos(0)
		rec := record{line: line, raw: cells}
		for i, v := range cells {
			if i < len(columns) && columns[i] >= 0 {
				rec.fields.set(columns[i], v)
			}
		}
		file.records = append(file.records, rec)
	}
	return file, nil
}

// headerKey is a header cell as it is matched: trimmed and lower-cased. (skipBOM has removed
// the byte-order mark before the first cell already.)
func headerKey(h string) string { return strings.ToLower(strings.TrimSpace(h)) }

// indexOf is the index of the header column named name (lower case), or -1.
func indexOf(header []string, name string) int {
	for i, h := range header {
		if headerKey(h) == name {
			return i
		}
	}
	return -1
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// maxJSONLine is the longest JSON line read.
const maxJSONLine = 1 << 20

// readJSONL reads one JSON object per line, with the API's field names (or "company") as keys,
// matched case-insensitively. Blank lines are skipped; a line that is not such an object becomes a
// row that fails, not a reason to stop.
func readJSONL(r io.Reader) (*importFile, error) {
	sc := bufio.NewScanner(skipBOM(r))
	sc.Buffer(make([]byte, 64<<10), maxJSONLine)
	file := &importFile{header: fieldNames}
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		rec := record{line: line}
		if err := decodeJSONRow(text, &rec.fields); err != nil {
			rec.err = err.Error()
		}
		rec.raw = rec.fields.values()
		file.records = append(file.records, rec)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("a line is longer than %d bytes", maxJSONLine)
		}
		return nil, err
	}
	return file, nil
}

// decodeJSONRow reads one JSON object into f: strings as they are, numbers as written (a phone
// number stored as a number), null as empty.
func decodeJSONRow(text []byte, f *fields) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil || obj == nil {
		return errors.New("not a JSON object")
	}
	seen := [5]bool{}
	for _, alias := range []bool{false, true} { // "companyname" wins over "company"
		for k, raw := range obj {
			key := strings.ToLower(strings.TrimSpace(k))
			i, ok := fieldIndex[key]
			if !ok || seen[i] || (key == "company") != alias {
				continue
			}
			seen[i] = true
			v, err := jsonScalar(raw)
			if err != nil {
				return fmt.Errorf("%q: %v", k, err)
			}
			f.set(i, v)
		}
	}
	return nil
}

// jsonScalar renders a JSON string, number, boolean or null as text.
func jsonScalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case raw[0] == '{' || raw[0] == '[':
		return "", errors.New("want a string, not an object or array")
	}
	return string(raw), nil
}
