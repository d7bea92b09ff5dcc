package main

import (
	"io"
	"os"
	"path/filepath"
)

// importFile is an import file read whole, for tests of the readers.
type importFile struct {
	header  []string
	records []record
	nameCol int // the column read as the name (CSV), or -1
}

// readVia reads r as an import file named name (its extension picks the format), whole.
func readVia(name string, r io.Reader, opts inputOptions) (*importFile, error) {
	dir, err := os.MkdirTemp("", "cashfin-read-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(f, r)
	f.Close()
	if err != nil {
		return nil, err
	}
	src, err := openImport(path, nil, opts)
	if err != nil {
		return nil, err
	}
	defer src.close()
	file := &importFile{header: src.header, nameCol: -1}
	for i, c := range src.columns {
		if c == 0 {
			file.nameCol = i
		}
	}
	if err := src.each(func(rec *record) error {
		file.records = append(file.records, *rec)
		return nil
	}); err != nil {
		return nil, err
	}
	return file, nil
}

// readCSV reads r as a CSV import file, whole.
func readCSV(r io.Reader) (*importFile, error) { return readVia("in.csv", r, inputOptions{}) }

// readJSONL reads r as a JSON-lines import file, whole.
func readJSONL(r io.Reader) (*importFile, error) { return readVia("in.jsonl", r, inputOptions{}) }

// classify classifies records as the importer does, for tests.
func classify(records []record) []*importRow {
	seen := newDedupe()
	rows := make([]*importRow, len(records))
	for i := range records {
		rows[i] = classifyRow(&records[i], seen)
	}
	return rows
}

// writeErrorsFile writes the failed rows of a plain UTF-8 CSV (or JSON) file with header to w.
func writeErrorsFile(w io.Writer, header []string, rows []*importRow) error {
	path := filepath.Join(os.TempDir(), "cashfin-errors-test.csv")
	defer os.Remove(path)
	src := &importSource{header: header, comma: ','}
	e, err := createErrorsFile(path, src)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.state == stateInvalid || r.state == stateFailed {
			e.write(r)
		}
	}
	if err := e.close(); err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
