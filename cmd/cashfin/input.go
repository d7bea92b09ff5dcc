package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// fields are the fields of an import row, trimmed, in the order of the schema's names.
type fields []string

// record is one row of an import file.
type record struct {
	line   int      // line of the file where the row starts, from 1
	fields fields   // what the row says
	raw    []string // the row's cells as read (CSV), for the errors file
	err    string   // set when the row itself cannot be sent as read (bad JSON, ambiguous quotes)
	blank  bool     // every cell is empty: counted, not sent
}

// set sets field i to v, trimmed; several columns for the name are joined with a space.
func (f fields) set(i int, v string) {
	v = strings.TrimSpace(v)
	if i == 0 && f[0] != "" && v != "" {
		v = f[0] + " " + v
	}
	if v != "" || i != 0 {
		f[i] = v
	}
}

func (f fields) values() []string { return f }

// inputOptions are the import flags that say how to read the file.
type inputOptions struct {
	encoding  string            // "" (UTF-8, or UTF-16 by its byte-order mark), windows-1252, latin1, utf-16
	delimiter rune              // 0: detected from the header line
	maps      map[string]string // header key -> field name, "" to ignore the column
	schema    *schema           // the resource's fields
}

// format is the kind of an import file.
type format int

const (
	formatCSV format = iota
	formatJSONL
	formatJSON // a JSON array of objects
)

// maxRecord is the longest row read: a longer one is nearly always a quote that never closes.
const maxRecord = 1 << 20

// importSource is an import file, opened to be read from its start as often as needed, one row
// at a time: nothing holds the whole file.
type importSource struct {
	path    string // the file; standard input is copied to a temporary file first
	label   string // the file as messages name it
	format  format
	enc     encoding.Encoding // nil for UTF-8
	bom     []byte            // the byte-order mark the file starts with, if any
	comma   rune
	crlf    bool              // the header line ends in CRLF
	header  []string          // the CSV header as read; for JSON, the API's field names
	columns []int             // field of each CSV column, or -1
	ignored []int             // CSV columns mapped to no field
	maps    map[string]string // --map: header key -> field name, "" to ignore
	schema  *schema
	cleanup func()
}

// close removes what openImport made (the copy of standard input).
func (s *importSource) close() {
	if s.cleanup != nil {
		s.cleanup()
	}
}

// openImport opens name for an import ("-" is standard input): it finds the encoding, the format
// (JSON by extension or by a first "[" or "{", else CSV), the delimiter and the columns. Any
// error is an input error.
func openImport(name string, stdin io.Reader, opts inputOptions) (*importSource, error) {
	src := &importSource{path: name, label: name}
	if name == "-" {
		path, err := spool(stdin)
		if err != nil {
			return nil, usagef("%s import: reading standard input: %v", opts.schema.group, err)
		}
		src.path, src.label, src.cleanup = path, "standard input", func() { os.Remove(path) }
	}
	if err := src.sniff(name, opts); err != nil {
		src.close()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, usagef("%s import: %v", opts.schema.group, err)
		}
		return nil, usagef("%s import: %s: %v", opts.schema.group, src.label, err)
	}
	return src, nil
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

// sniff reads the start of the file: byte-order mark, format, header.
func (s *importSource) sniff(name string, opts inputOptions) error {
	s.maps, s.schema = opts.maps, opts.schema
	f, br, err := s.open()
	if err != nil {
		return err
	}
	defer f.Close()
	if err := s.chooseEncoding(opts.encoding); err != nil {
		return err
	}
	text := s.decoded(br)
	head, _ := text.Peek(64 << 10)
	first := bytes.TrimLeft(head, " \t\r\n")
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".jsonl" || ext == ".ndjson":
		s.format = formatJSONL
	case ext == ".json" || (name == "-" && len(first) > 0 && (first[0] == '[' || first[0] == '{')):
		s.format = formatJSONL
		if len(first) > 0 && first[0] == '[' {
			s.format = formatJSON
		}
	}
	if s.format != formatCSV {
		s.header = s.schema.names
		return nil
	}
	s.comma = opts.delimiter
	if s.comma == 0 {
		s.comma = detectDelimiter(head)
	}
	return s.readHeader(text, opts.maps)
}

// open opens the file and reads past its byte-order mark, remembering it.
func (s *importSource) open() (*os.File, *bufio.Reader, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
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

var (
	utf8BOM    = []byte("\xef\xbb\xbf") // what Excel writes before a UTF-8 CSV
	utf16LEBOM = []byte("\xff\xfe")     // Excel's "Unicode text", Notepad, PowerShell
	utf16BEBOM = []byte("\xfe\xff")
)

// encodings are the --encoding values, and what they decode.
var encodings = map[string]encoding.Encoding{
	"utf-8":        nil,
	"utf8":         nil,
	"windows-1252": charmap.Windows1252,
	"cp1252":       charmap.Windows1252,
	"latin1":       charmap.ISO8859_1,
	"iso-8859-1":   charmap.ISO8859_1,
	"utf-16":       unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"utf-16le":     unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"utf-16be":     unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
}

// chooseEncoding settles the encoding from the byte-order mark and --encoding.
func (s *importSource) chooseEncoding(name string) error {
	utf16BOM := bytes.Equal(s.bom, utf16LEBOM) || bytes.Equal(s.bom, utf16BEBOM)
	enc, ok := encodings[strings.ToLower(name)]
	switch {
	case name != "" && !ok:
		return fmt.Errorf("--encoding %q: want utf-8, windows-1252, latin1 or utf-16", name)
	case utf16BOM && name != "" && !strings.HasPrefix(strings.ToLower(name), "utf-16"):
		return fmt.Errorf("the file starts with a UTF-16 byte-order mark, but --encoding is %s", name)
	case bytes.Equal(s.bom, utf16LEBOM):
		s.enc = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case bytes.Equal(s.bom, utf16BEBOM):
		s.enc = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	default:
		s.enc = enc
	}
	return nil
}

// decoded is the file's text as UTF-8.
func (s *importSource) decoded(r io.Reader) *bufio.Reader {
	if s.enc != nil {
		r = s.enc.NewDecoder().Reader(r)
	}
	return bufio.NewReaderSize(r, 64<<10)
}

// detectDelimiter picks ",", ";" or tab: the one found most often outside quotes in the header
// line; "," when none is.
func detectDelimiter(head []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range head {
		if c == '"' {
			quoted = !quoted
		}
		if c == '\n' && !quoted {
			break
		}
		if !quoted {
			counts[c]++
		}
	}
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}

// csvReader reads the CSV rows of a decoded file, keeping each row's bytes as read, so that rows
// whose quotes only the lazy reading made sense of can be told apart.
type csvReader struct {
	cr  *csv.Reader
	tap *tap
}

func newCSVReader(r io.Reader, comma rune) *csvReader {
	t := &tap{r: r}
	cr := csv.NewReader(t)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	return &csvReader{cr: cr, tap: t}
}

// read returns the next row, its first line, and its bytes as read (valid until the next read).
func (c *csvReader) read() (cells []string, line int, raw []byte, err error) {
	cells, err = c.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, errRecordTooLong) {
			err = pe.Err
		}
		return nil, 0, nil, err
	}
	line, _ = c.cr.FieldPos(0)
	raw = c.tap.take(c.cr.InputOffset())
	if err := checkText(raw, line); err != nil {
		return nil, 0, nil, err
	}
	return cells, line, raw, nil
}

var errRecordTooLong = fmt.Errorf("a row longer than %d bytes: a quote that opens a cell and never closes?", maxRecord)

// tap is a reader that keeps what was read from it until take.
type tap struct {
	r     io.Reader
	buf   []byte
	start int   // buf[:start] was taken: dropped at the next Read
	base  int64 // offset of buf[0] in the stream
}

// Read reads from the underlying reader, keeping a copy.
func (t *tap) Read(p []byte) (int, error) {
	if t.start > 0 { // what take returned is no longer in use: reuse its room
		n := copy(t.buf, t.buf[t.start:])
		t.buf, t.base, t.start = t.buf[:n], t.base+int64(t.start), 0
	}
	if len(t.buf) > maxRecord+len(p) {
		return 0, errRecordTooLong
	}
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// take returns the bytes from the previous take up to offset end; they stay valid until the
// next Read.
func (t *tap) take(end int64) []byte {
	n := int(end - t.base)
	raw := t.buf[t.start:n:n]
	t.start = n
	return raw
}

// checkText rejects text that is not valid UTF-8, or holds NUL bytes, with its line and a hint.
func checkText(raw []byte, line int) error {
	if utf8.Valid(raw) && bytes.IndexByte(raw, 0) < 0 {
		return nil
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 && (utf8.Valid(raw[:i])) {
		return fmt.Errorf("line %d: NUL bytes: the file looks like UTF-16 without a byte-order mark; "+
			"try --encoding utf-16", line+bytes.Count(raw[:i], []byte{'\n'}))
	}
	i := 0
	for i < len(raw) {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	return fmt.Errorf("line %d: not valid UTF-8 (byte 0x%02X): the file is probably in a Windows "+
		"encoding; try --encoding windows-1252 (or latin1), or save it from Excel as \"CSV UTF-8\"",
		line+bytes.Count(raw[:i], []byte{'\n'}), raw[i])
}

// readHeader reads the header row and maps its columns.
func (s *importSource) readHeader(text *bufio.Reader, maps map[string]string) error {
	cr := newCSVReader(text, s.comma)
	header, _, raw, err := cr.read()
	if errors.Is(err, io.EOF) {
		return errors.New("empty file: want a header row naming the columns (" + strings.Join(s.schema.names, ", ") + ")")
	}
	if err != nil {
		return err
	}
	s.crlf = bytes.HasSuffix(raw, []byte("\r\n"))
	s.header = header
	s.columns, s.ignored, err = mapColumns(header, maps, s.schema)
	return err
}

// each calls fn with every row of the file, in order, reading it from its start.
func (s *importSource) each(fn func(rec *record) error) error {
	f, br, err := s.open()
	if err != nil {
		return usagef("%s import: %s: %v", s.schema.group, s.label, err)
	}
	defer f.Close()
	text := s.decoded(br)
	switch s.format {
	case formatJSONL:
		err = eachJSONLine(text, s.maps, s.schema, fn)
	case formatJSON:
		err = eachJSONElement(text, s.maps, s.schema, fn)
	default:
		err = s.eachCSV(text, fn)
	}
	var ue *usageError
	if err != nil && !errors.As(err, &ue) && !errors.Is(err, errStop) {
		return usagef("%s import: %s: %v", s.schema.group, s.label, err)
	}
	return err
}

// errStop, returned by an each callback, ends the walk early without an error.
var errStop = errors.New("stop")

// eachCSV walks the rows after the header. Rows of blank cells are skipped.
func (s *importSource) eachCSV(text io.Reader, fn func(rec *record) error) error {
	cr := newCSVReader(text, s.comma)
	if _, _, _, err := cr.read(); err != nil {
		return err
	}
	for {
		cells, line, raw, err := cr.read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if blank(cells) {
			if err := fn(&record{line: line, raw: cells, blank: true}); err != nil {
				return err
			}
			continue
		}
		rec := &record{line: line, raw: cells, fields: make(fields, len(s.schema.names))}
		for i, v := range cells {
			if i < len(s.columns) && s.columns[i] >= 0 {
				rec.fields.set(s.columns[i], term.UndoExcelSafe(v))
			}
		}
		if err := s.checkIgnored(cells, line); err != nil {
			return err
		}
		rec.err = ambiguousQuotes(raw, s.comma, line)
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// checkIgnored refuses a row in which a column that would be ignored (and was not ignored on
// purpose with --map COLUMN=) holds an email address: its header did not say so, its cells do.
func (s *importSource) checkIgnored(cells []string, line int) error {
	for _, i := range s.ignored {
		if _, explicit := s.maps[headerKey(s.header[i])]; explicit || i >= len(cells) {
			continue
		}
		if v := strings.TrimSpace(cells[i]); validEmail(v) {
			h := s.header[i]
			return fmt.Errorf("line %d: column %q holds an email address, but it would not be imported: "+
				"say which field it is with --map %q, or ignore it with --map %q", line, h, h+"=FIELD", h+"=")
		}
	}
	return nil
}

// ambiguousQuotes says why a row's quotes leave its cells in doubt, or "". A quote inside a cell
// that does not start with one (Amina "The Boss" M) is plainly part of the text; a quoted cell
// with a stray quote inside, or one that runs on over lines it was not meant to, is not.
func ambiguousQuotes(raw []byte, comma rune, line int) string {
	if bytes.IndexByte(raw, '"') < 0 || !strayQuote(string(bytes.TrimRight(raw, "\r\n")), string(comma)) {
		return ""
	}
	if lines := bytes.Count(bytes.TrimRight(raw, "\r\n"), []byte{'\n'}); lines > 0 {
		return fmt.Sprintf("ambiguous quotes: a quoted cell runs over lines %d to %d; check the quotes and fix the row", line, line+lines)
	}
	return "ambiguous quotes: a quoted cell holds a stray quote; fix the row (double a quote inside quotes: \"\")"
}

// strayQuote reports whether a row has a quoted cell (one starting with a quote) that does not
// end as RFC 4180 says: its closing quote followed by the delimiter or the end of the row, and
// every quote inside it doubled. Quotes inside unquoted cells are text, not stray.
func strayQuote(row, comma string) bool {
	for i := 0; i <= len(row); i += len(comma) {
		if !strings.HasPrefix(row[i:], `"`) { // unquoted: up to the next delimiter
			k := strings.Index(row[i:], comma)
			if k < 0 {
				return false
			}
			i += k
			continue
		}
		j := i + 1
		for {
			k := strings.IndexByte(row[j:], '"')
			if k < 0 {
				return true // never closes
			}
			j += k + 1
			if strings.HasPrefix(row[j:], `"`) { // a doubled quote
				j++
				continue
			}
			if j == len(row) || strings.HasPrefix(row[j:], comma) {
				break
			}
			return true // a quote inside, followed by text
		}
		if j == len(row) {
			return false
		}
		i = j
	}
	return false
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
