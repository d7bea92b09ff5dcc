package bulk

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// FileForm is how the input file was written, so that the errors file is written alike and
// Excel opens it as it opened the input: its header, byte-order mark, encoding, delimiter and
// line endings.
type FileForm struct {
	Header   []string
	BOM      []byte
	Encoding encoding.Encoding // nil: UTF-8
	Comma    rune              // 0: ','
	CRLF     bool
}

// ErrorsFile writes the rows that failed, in file order, as a CSV that imports again once
// fixed: the input's own columns and cells (less the "line" and "error" columns of an earlier
// errors file), then the row's line in the input and the reason it failed. It is written beside
// its path and renamed into place when closed, so that the path holds either the whole account
// or nothing: never a file cut short, never one with only a header.
type ErrorsFile struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	enc  io.WriteCloser // the encoder over bw, or nil
	cw   *csv.Writer
	keep []int // input columns written
	row  []string
	rows int // failed rows written
}

// CreateErrorsFile starts the errors file at path for an input of form. It fails at once when
// path's directory is not writable, before anything is sent.
func CreateErrorsFile(path string, form FileForm) (*ErrorsFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, err
	}
	e := &ErrorsFile{path: path, f: f, bw: bufio.NewWriter(f)}
	var w io.Writer = e.bw
	e.bw.Write(form.BOM)
	if form.Encoding != nil {
		e.enc = transform.NewWriter(e.bw, encoding.ReplaceUnsupported(form.Encoding.NewEncoder()))
		w = e.enc
	}
	e.cw = csv.NewWriter(w)
	if form.Comma != 0 {
		e.cw.Comma = form.Comma
	}
	e.cw.UseCRLF = form.CRLF
	out := []string{}
	for i, h := range form.Header {
		if k := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))); k == "line" || k == "error" {
			continue
		}
		e.keep = append(e.keep, i)
		out = append(out, h)
	}
	e.cw.Write(append(out, "line", "error"))
	return e, nil
}

// write adds a failed row.
func (e *ErrorsFile) write(line int, raw []string, why string) {
	e.row = e.row[:0]
	for _, i := range e.keep {
		cell := ""
		if i < len(raw) {
			cell = raw[i]
		}
		e.row = append(e.row, cell)
	}
	e.cw.Write(append(e.row, strconv.Itoa(line), why))
	e.rows++
}

// Rows is how many failed rows were written.
func (e *ErrorsFile) Rows() int { return e.rows }

// Close ends the file: renamed into place when a row failed; when none did, removed, with any
// file of an earlier run at its path (its failures are stale). It returns the first error met.
func (e *ErrorsFile) Close() error {
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
	if err != nil || e.rows == 0 {
		os.Remove(e.f.Name())
		if err == nil {
			if rerr := os.Remove(e.path); rerr != nil && !os.IsNotExist(rerr) {
				err = rerr
			}
		}
		return err
	}
	return os.Rename(e.f.Name(), e.path)
}

// Discard removes the file unwritten: the input could not be read, and half an account of it
// would mislead.
func (e *ErrorsFile) Discard() {
	e.f.Close()
	os.Remove(e.f.Name())
}
