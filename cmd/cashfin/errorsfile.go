package main

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"strconv"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// errorsWriter writes the rows that failed, in file order, as a CSV that imports again once
// fixed: the input's own columns and cells (less the "line" and "error" columns of an earlier
// errors file), then the row's line in the input and the reason it failed. It keeps the input's
// encoding, byte-order mark, delimiter and line endings, so that Excel opens it as it opened the
// input. The importer ignores the line and error columns on the way back in.
type errorsWriter struct {
	f    *os.File
	bw   *bufio.Writer
	enc  io.WriteCloser // the encoder over bw, or nil
	cw   *csv.Writer
	keep []int // input columns written
	row  []string
}

// createErrorsFile creates path for the failed rows of src and writes its header.
func createErrorsFile(path string, src *importSource) (*errorsWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	e := &errorsWriter{f: f, bw: bufio.NewWriter(f)}
	var w io.Writer = e.bw
	if src.format == formatCSV {
		e.bw.Write(src.bom)
		if src.enc != nil {
			e.enc = transform.NewWriter(e.bw, encoding.ReplaceUnsupported(src.enc.NewEncoder()))
			w = e.enc
		}
	}
	e.cw = csv.NewWriter(w)
	if src.format == formatCSV {
		e.cw.Comma, e.cw.UseCRLF = src.comma, src.crlf
	}
	out := []string{}
	for i, h := range src.header {
		if k := headerKey(h); k == "line" || k == "error" {
			continue
		}
		e.keep = append(e.keep, i)
		out = append(out, h)
	}
	e.cw.Write(append(out, "line", "error"))
	return e, nil
}

// write adds a failed row.
func (e *errorsWriter) write(r *importRow) {
	e.row = e.row[:0]
	for _, i := range e.keep {
		cell := ""
		if i < len(r.raw) {
			cell = r.raw[i]
		}
		e.row = append(e.row, cell)
	}
	e.cw.Write(append(e.row, strconv.Itoa(r.line), r.reason))
}

// close flushes and closes the file, returning the first error met.
func (e *errorsWriter) close() error {
	e.cw.Flush()
	err := e.cw.Error()
	if e.enc != nil {
		if cerr := e.enc.Close(); err == nil {
			err = cerr
		}
	}
	if ferr := e.bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := e.f.Close(); err == nil {
		err = cerr
	}
	return err
}
