package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cashfin-go/cashfin"
)

// column is one field of a contact as the CLI prints it, named as the API names it.
type column struct {
	name  string
	value func(c *cashfin.Contact) string
}

// listColumns are the fields of a list item; detailColumns add those only Get returns.
var (
	listColumns = []column{
		{"_id", func(c *cashfin.Contact) string { return c.ID }},
		{"name", func(c *cashfin.Contact) string { return c.Name }},
		{"email", func(c *cashfin.Contact) string { return c.Email }},
		{"phone", func(c *cashfin.Contact) string { return c.Phone }},
		{"position", func(c *cashfin.Contact) string { return c.Position }},
		{"companyname", func(c *cashfin.Contact) string { return c.CompanyName }},
		{"createdat", func(c *cashfin.Contact) string { return formatTime(c.CreatedAt) }},
	}
	detailColumns = append(listColumns[:len(listColumns):len(listColumns)],
		column{"active", func(c *cashfin.Contact) string {
			if c.Active == nil {
				return ""
			}
			return strconv.FormatBool(*c.Active)
		}},
		column{"updatedat", func(c *cashfin.Contact) string { return formatTime(c.UpdatedAt) }},
	)
)

// formatTime renders t as the API does (RFC 3339, UTC, milliseconds), or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// contactWriter writes contacts in one of the output formats, streaming: nothing is held back
// but the current table page.
type contactWriter interface {
	// Write writes one contact.
	Write(c *cashfin.Contact) error
	// Flush marks the end of a page: a table aligns its columns per page and is written out.
	Flush() error
	// Close ends the output (the closing bracket of a JSON array) and flushes everything.
	Close() error
}

// writerOptions tune a contactWriter.
type writerOptions struct {
	columns   []column
	single    bool // json: one object rather than an array (get, create)
	excelSafe bool // csv: defuse cells a spreadsheet would run as a formula
}

// newContactWriter returns a writer of format (table, json, jsonl or csv) to w.
func newContactWriter(w io.Writer, format string, opts writerOptions) contactWriter {
	if opts.columns == nil {
		opts.columns = listColumns
	}
	bw := bufio.NewWriter(w)
	switch format {
	case "json":
		return &jsonWriter{w: bw, single: opts.single}
	case "jsonl":
		return &jsonlWriter{w: bw}
	case "csv":
		return &csvWriter{w: bw, cw: csv.NewWriter(bw), columns: opts.columns, excelSafe: opts.excelSafe}
	default:
		return &tableWriter{w: bw, tw: tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0), columns: opts.columns}
	}
}

// jsonWriter writes one JSON value: an array of contacts, one per line, or a single indented object.
type jsonWriter struct {
	w      *bufio.Writer
	single bool
	n      int
}

// Write adds c: an indented object in single mode, else the next element of the array.
func (j *jsonWriter) Write(c *cashfin.Contact) error {
	if j.single {
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return err
		}
		j.n++
		j.w.Write(b)
		return j.w.WriteByte('\n')
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if j.n == 0 {
		j.w.WriteString("[\n  ")
	} else {
		j.w.WriteString(",\n  ")
	}
	j.n++
	_, err = j.w.Write(b)
	return err
}

// Flush writes out what is buffered.
func (j *jsonWriter) Flush() error { return j.w.Flush() }

// Close ends the JSON value ("null" or "[]" when nothing was written) and flushes.
func (j *jsonWriter) Close() error {
	switch {
	case j.single && j.n == 0:
		j.w.WriteString("null\n")
	case j.single:
	case j.n == 0:
		j.w.WriteString("[]\n")
	default:
		j.w.WriteString("\n]\n")
	}
	return j.w.Flush()
}

// jsonlWriter writes one JSON object per line.
type jsonlWriter struct{ w *bufio.Writer }

// Write adds c as one line of JSON.
func (j *jsonlWriter) Write(c *cashfin.Contact) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	j.w.Write(b)
	return j.w.WriteByte('\n')
}

// Flush writes out what is buffered.
func (j *jsonlWriter) Flush() error { return j.w.Flush() }

// Close flushes: JSON lines need no ending.
func (j *jsonlWriter) Close() error { return j.w.Flush() }

// csvWriter writes RFC 4180 CSV with a header row of the API's field names.
type csvWriter struct {
	w         *bufio.Writer
	cw        *csv.Writer
	columns   []column
	excelSafe bool
	started   bool
	row       []string
}

// header writes the header row, once.
func (c *csvWriter) header() error {
	if c.started {
		return nil
	}
	c.started = true
	names := make([]string, len(c.columns))
	for i, col := range c.columns {
		names[i] = col.name
	}
	return c.cw.Write(names)
}

// Write adds ct as a row, after the header row if it is the first.
func (c *csvWriter) Write(ct *cashfin.Contact) error {
	if err := c.header(); err != nil {
		return err
	}
	c.row = c.row[:0]
	for _, col := range c.columns {
		v := col.value(ct)
		if c.excelSafe {
			v = excelSafe(v)
		}
		c.row = append(c.row, v)
	}
	return c.cw.Write(c.row)
}

// Flush writes out what is buffered.
func (c *csvWriter) Flush() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.w.Flush()
}

// Close flushes, writing the header row if no contact was written, so an empty export is
// still a CSV with its columns.
func (c *csvWriter) Close() error {
	if err := c.header(); err != nil {
		return err
	}
	return c.Flush()
}

// excelSafe prefixes a cell that a spreadsheet would run as a formula (one starting with =, +, -
// or @, or with a tab or carriage return that hides such a start) with a single quote. A cell
// that already starts with a quote and one of those gets one more, so that the import, which
// removes exactly one such quote (undoExcelSafe), gives back the cell as it was.
func excelSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) || undoExcelSafe(v) != v {
		return "'" + v
	}
	return v
}

// tableWriter writes aligned columns for people, a page at a time.
type tableWriter struct {
	w       *bufio.Writer
	tw      *tabwriter.Writer
	columns []column
	started bool
}

// header writes the column names, once.
func (t *tableWriter) header() {
	if t.started {
		return
	}
	t.started = true
	for i, col := range t.columns {
		if i > 0 {
			t.tw.Write([]byte{'\t'})
		}
		io.WriteString(t.tw, col.name)
	}
	t.tw.Write([]byte{'\n'})
}

// Write adds c as a line of the table, after the column names if it is the first.
func (t *tableWriter) Write(c *cashfin.Contact) error {
	t.header()
	for i, col := range t.columns {
		if i > 0 {
			t.tw.Write([]byte{'\t'})
		}
		io.WriteString(t.tw, tableCell(col.value(c)))
	}
	_, err := t.tw.Write([]byte{'\n'})
	return err
}

// tableCell keeps a cell on its line and in its column.
func tableCell(v string) string {
	if v == "" {
		return "-"
	}
	if strings.ContainsAny(v, "\t\r\n\v\f") {
		v = strings.Join(strings.Fields(v), " ")
	}
	return v
}

// Flush aligns and writes out the lines buffered so far.
func (t *tableWriter) Flush() error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	return t.w.Flush()
}

// Close flushes, writing the column names if no contact was written.
func (t *tableWriter) Close() error {
	t.header()
	return t.Flush()
}

// writeContact writes one contact in format, for create and get.
func writeContact(w io.Writer, format string, c *cashfin.Contact) error {
	cw := newContactWriter(w, format, writerOptions{columns: detailColumns, single: true})
	if err := cw.Write(c); err != nil {
		return err
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}
