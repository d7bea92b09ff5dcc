package main

import (
	"io"
	"os"
	"path/filepath"
)

// readFile is an import file read whole, for tests of the readers.
type readFile struct {
	header  []string
	records []record
	nameCol int // the column read as the name (CSV), or -1
}

// readVia reads r as an import file named name (its extension picks the format), whole.
func readVia(name string, r io.Reader, opts inputOptions) (*readFile, error) {
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
	file := &readFile{header: src.header, nameCol: -1}
	for i, c := range src.columns {
		if c == 0 {
			file.nameCol = i
		}
	}
	if err := src.each(func(rec *record) error {
		if rec.blank {
			return nil
		}
		file.records = append(file.records, *rec)
		return nil
	}); err != nil {
		return nil, err
	}
	return file, nil
}

// readCSV reads r as a CSV import file, whole.
func readCSV(r io.Reader) (*readFile, error) {
	return readVia("in.csv", r, inputOptions{schema: contactSchema})
}

// readJSONL reads r as a JSON-lines import file, whole.
func readJSONL(r io.Reader) (*readFile, error) {
	return readVia("in.jsonl", r, inputOptions{schema: contactSchema})
}
