package rows

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
)

// Format is the kind of an import file.
type Format int

// The formats a Source reads.
const (
	CSV       Format = iota // a header row, then one row per line
	JSONLines               // one JSON object per line
	JSONArray               // a JSON array of objects, or an object holding one ({"contacts":[...]})
	XLSX                    // an Excel workbook: one sheet, a header row, then one row per row
)

// Error is what is wrong with an import file as a whole: every problem found at once. Any error
// Open returns is one, and so is any error Each returns that its callback did not.
type Error struct {
	File     string   // the file as messages name it; "" when the problem names it already
	Problems []string // each a sentence
}

func (e *Error) Error() string {
	msg := strings.Join(e.Problems, "; ")
	if e.File == "" {
		return msg
	}
	return e.File + ": " + msg
}

// ErrStop, returned by an Each callback, ends the walk early; Each then returns nil.
var ErrStop = errors.New("rows: stop")

// Source is an import file, opened to be read from its start as often as needed, one row at a
// time: nothing holds the whole file.
type Source struct {
	opts     Options
	schema   *schema
	maps     []mapSpec
	path     string // the file; standard input is copied to a temporary file first
	label    string // the file as messages name it
	format   Format
	enc      encoding.Encoding // nil for UTF-8
	bom      []byte            // the byte-order mark the file starts with, if any
	comma    rune
	crlf     bool     // the header line ends in CRLF
	header   []string // the header row as read; for JSON, the field names
	mapping  mapping
	member   string // JSONArray: the member of the top object that holds the rows, "" for a bare array
	sheet    string // XLSX: the sheet read
	date1904 bool   // XLSX: dates count from 1904, not 1900
	blank    int
	cleanup  func()
}

// Open opens name for an import ("-" is standard input, read from stdin): it finds the format
// (by content: a ZIP is a workbook, "[" or "{" JSON; by the extensions .json, .jsonl and .ndjson;
// else CSV), the encoding, the delimiter, the header and which column feeds which field. Every
// problem with the columns and the --map flags is reported in one *Error.
func Open(name string, stdin io.Reader, opts Options) (*Source, error) {
	src := &Source{opts: opts, schema: newSchema(opts.Fields), path: name, label: name}
	var problems []string
	src.maps = src.schema.parseMaps(opts.Map, &problems)
	if why := opts.Phones.Check(); why != "" {
		problems = append(problems, why)
	}
	if name == "-" {
		path, err := spool(stdin)
		if err != nil {
			return nil, &Error{Problems: []string{fmt.Sprintf("reading standard input: %v", err)}}
		}
		src.path, src.label, src.cleanup = path, "standard input", func() { os.Remove(path) }
	}
	if err := src.sniff(name, &problems); err != nil {
		src.Close()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, &Error{Problems: []string{err.Error()}}
		}
		return nil, &Error{File: src.label, Problems: append(problems, err.Error())}
	}
	if len(problems) > 0 {
		src.Close()
		return nil, &Error{File: src.label, Problems: problems}
	}
	return src, nil
}

// Close removes what Open made (the copy of standard input).
func (s *Source) Close() {
	if s.cleanup != nil {
		s.cleanup()
		s.cleanup = nil
	}
}

// Label is the file as messages name it ("standard input" for "-").
func (s *Source) Label() string { return s.label }

// Format is the kind of the file.
func (s *Source) Format() Format { return s.format }

// Header is the header row as read (CSV, XLSX), or the field names (JSON).
func (s *Source) Header() []string { return s.header }

// Sheet is the workbook sheet read, "" for other formats.
func (s *Source) Sheet() string { return s.sheet }

// Blank is how many rows of blank cells the last Each met: in a CSV file every such row (an empty
// line is no row), in a workbook those above its last row that is not blank.
func (s *Source) Blank() int { return s.blank }

// Describe is the line that says, before anything is sent, which column feeds which field and
// which columns are ignored (CSV, XLSX), or "" for JSON.
func (s *Source) Describe() string {
	if s.format == JSONLines || s.format == JSONArray {
		return ""
	}
	return s.schema.describe(s.header, s.mapping)
}

// Style is how an errors file for this input is best written, so that a spreadsheet opens it as
// it opened the input.
type Style struct {
	BOM      []byte            // the byte-order mark to start with
	Encoding encoding.Encoding // nil for UTF-8
	Comma    rune
	CRLF     bool
}

// Style is the CSV style of the input: its own for a CSV file; UTF-8 with a byte-order mark and
// CRLF (what Excel reads best) for a workbook; plain UTF-8 for JSON.
func (s *Source) Style() Style {
	switch s.format {
	case CSV:
		return Style{BOM: s.bom, Encoding: s.enc, Comma: s.comma, CRLF: s.crlf}
	case XLSX:
		return Style{BOM: utf8BOM, Comma: ',', CRLF: true}
	}
	return Style{Comma: ','}
}

// spool copies r to a temporary file, so that it can be read twice.
func spool(r io.Reader) (string, error) {
	f, err := os.CreateTemp("", "cashfin-import-*.tmp")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// Signatures of the binary formats, recognised before any text is decoded.
var (
	zipSignature  = []byte("PK\x03\x04")
	ole2Signature = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
)

// sniff reads the start of the file: signature, byte-order mark, format, header.
func (s *Source) sniff(name string, problems *[]string) error {
	f, br, err := s.open()
	if err != nil {
		return err
	}
	defer f.Close()
	if sig, _ := br.Peek(8); bytes.HasPrefix(sig, zipSignature) {
		s.format, s.bom = XLSX, nil
		return s.sniffXLSX(problems)
	} else if bytes.Equal(sig, ole2Signature) {
		return errors.New("an old binary Excel workbook (.xls): save it as .xlsx or CSV (a password-protected workbook looks the same: save it without the password)")
	}
	if s.opts.Sheet != "" {
		*problems = append(*problems, fmt.Sprintf("--sheet %q: the file is not an .xlsx workbook", s.opts.Sheet))
	}
	if err := s.chooseEncoding(s.opts.Encoding); err != nil {
		return err
	}
	text := s.decoded(br)
	head, _ := text.Peek(64 << 10)
	first := bytes.TrimLeft(head, " \t\r\n")
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".jsonl" || ext == ".ndjson":
		s.format = JSONLines
	case ext == ".json" || len(first) > 0 && (first[0] == '[' || first[0] == '{'):
		return s.sniffJSON(text, problems)
	}
	if s.format != CSV {
		s.jsonHeader()
		return nil
	}
	s.comma = s.opts.Delimiter
	if s.comma == 0 {
		s.comma = detectDelimiter(head)
	}
	return s.readHeader(text, problems)
}

// jsonHeader sets the header of a JSON file: the field names.
func (s *Source) jsonHeader() {
	s.header = make([]string, len(s.schema.fields))
	for i, f := range s.schema.fields {
		s.header[i] = f.Name
	}
}

// open opens the file and reads past its byte-order mark, remembering it.
func (s *Source) open() (*os.File, *bufio.Reader, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if s.format == XLSX {
		return f, br, nil
	}
	b, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		s.bom = utf8BOM
	case bytes.HasPrefix(b, utf16LEBOM):
		s.bom = utf16LEBOM
	case bytes.HasPrefix(b, utf16BEBOM):
		s.bom = utf16BEBOM
	}
	br.Discard(len(s.bom))
	return f, br, nil
}

// Each calls fn with every row of the file, in order, reading it from its start. Rows of blank
// cells are counted (Blank), and passed to fn only with Options.KeepBlank. An error fn returns
// ends the walk and is returned as it is (ErrStop ends it with nil); any other error is an *Error.
func (s *Source) Each(fn func(r *Row) error) error {
	s.blank = 0
	var err error
	if s.format == XLSX {
		err = s.eachXLSX(fn)
	} else {
		err = s.eachText(fn)
	}
	var fnErr callbackError
	var re *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fnErr):
		if errors.Is(fnErr.err, ErrStop) {
			return nil
		}
		return fnErr.err
	case errors.As(err, &re):
		return err
	}
	return &Error{File: s.label, Problems: []string{err.Error()}}
}

// callbackError carries an error from Each's callback through the readers untouched.
type callbackError struct{ err error }

func (c callbackError) Error() string { return c.err.Error() }

// blankRow counts a row of blank cells, and passes it to fn with Options.KeepBlank.
func (s *Source) blankRow(line int, cells []string, fn func(r *Row) error) error {
	s.blank++
	if !s.opts.KeepBlank {
		return nil
	}
	r := &Row{Line: line, Blank: true, Cells: cells, Values: make([]string, len(s.schema.fields)), schema: s.schema, region: s.opts.region()}
	if err := fn(r); err != nil {
		return callbackError{err}
	}
	return nil
}

// emit finishes r and passes it to fn.
func (s *Source) emit(r *Row, fn func(r *Row) error) error {
	s.finish(r)
	if err := fn(r); err != nil {
		return callbackError{err}
	}
	return nil
}

// eachText walks a CSV or JSON file.
func (s *Source) eachText(fn func(r *Row) error) error {
	f, br, err := s.open()
	if err != nil {
		return err
	}
	defer f.Close()
	text := s.decoded(br)
	switch s.format {
	case JSONLines:
		return s.eachJSONLine(text, fn)
	case JSONArray:
		return s.eachJSONElement(text, fn)
	}
	return s.eachCSV(text, fn)
}
