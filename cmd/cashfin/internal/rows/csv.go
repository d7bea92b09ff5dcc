package rows

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

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

// readHeader reads the header row and maps its columns.
func (s *Source) readHeader(text io.Reader, problems *[]string) error {
	cr := newCSVReader(text, s.comma)
	header, _, raw, err := cr.read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("empty file: want a header row naming the columns (%s)", s.schema.names())
	}
	if err != nil {
		return err
	}
	s.crlf = bytes.HasSuffix(raw, []byte("\r\n"))
	s.header = header
	s.mapping = s.schema.mapColumns(header, s.maps, problems)
	return nil
}

// eachCSV walks the rows after the header.
func (s *Source) eachCSV(text io.Reader, fn func(r *Row) error) error {
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
			if err := s.blankRow(line, cells, fn); err != nil {
				return err
			}
			continue
		}
		if err := s.checkIgnored(cells, line); err != nil {
			return err
		}
		r := s.cellsRow(line, cells)
		r.Err = ambiguousQuotes(raw, s.comma, line)
		if err := s.emit(r, fn); err != nil {
			return err
		}
	}
}

// checkIgnored refuses a row in which a column that would be ignored (and was not ignored on
// purpose with --map COLUMN=) holds an email address: its header did not say so, its cells do.
func (s *Source) checkIgnored(cells []string, line int) error {
	for _, i := range s.mapping.ignored {
		if s.mapping.explicit[i] || i >= len(cells) {
			continue
		}
		if v := strings.TrimSpace(cells[i]); ValidEmail(v) {
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
