package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rivo/uniseg"

	"github.com/cashfin-go/cashfin"
)

// column is one field of a contact as the CLI prints it, named as the API names it.
type column struct {
	name  string
	width int // a table column is at least this wide, so that most pages fit the first one's widths
	value func(c *cashfin.Contact) string
}

// listColumns are the fields of a list item; detailColumns add those only Get returns.
var (
	listColumns = []column{
		{"_id", 24, func(c *cashfin.Contact) string { return c.ID }},
		{"name", 24, func(c *cashfin.Contact) string { return c.Name }},
		{"email", 28, func(c *cashfin.Contact) string { return c.Email }},
		{"phone", 16, func(c *cashfin.Contact) string { return c.Phone }},
		{"position", 20, func(c *cashfin.Contact) string { return c.Position }},
		{"companyname", 24, func(c *cashfin.Contact) string { return c.CompanyName }},
		{"createdat", 24, func(c *cashfin.Contact) string { return formatTime(c.CreatedAt) }},
	}
	detailColumns = append(listColumns[:len(listColumns):len(listColumns)],
		column{"active", 6, func(c *cashfin.Contact) string {
			if c.Active == nil {
				return ""
			}
			return strconv.FormatBool(*c.Active)
		}},
		column{"updatedat", 24, func(c *cashfin.Contact) string { return formatTime(c.UpdatedAt) }},
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
	terminal  bool // csv: the output is a terminal: cells lose control characters and escape sequences
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
		return &csvWriter{w: bw, cw: csv.NewWriter(bw), columns: opts.columns, excelSafe: opts.excelSafe, terminal: opts.terminal}
	default:
		return newTableWriter(bw, opts.columns)
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
	terminal  bool
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
		if c.terminal {
			v = clean(v)
		}
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

// tableWriter writes aligned columns for people, a page at a time. Columns are as wide as the
// widest cell seen so far, measured as the terminal displays it (combining marks take no room,
// East Asian wide characters two cells), so pages line up under one header. When a later page
// holds a wider cell, its column grows and the header is written again above that page.
type tableWriter struct {
	w       *bufio.Writer
	columns []column
	widths  []int      // column widths in display cells, 0 before the first page
	rows    [][]string // the page being buffered
	started bool       // the header has been written
}

func newTableWriter(w *bufio.Writer, columns []column) *tableWriter {
	return &tableWriter{w: w, columns: columns, widths: make([]int, len(columns))}
}

// Write buffers c as a line of the current page.
func (t *tableWriter) Write(c *cashfin.Contact) error {
	row := make([]string, len(t.columns))
	for i, col := range t.columns {
		row[i] = tableCell(col.value(c))
	}
	t.rows = append(t.rows, row)
	return nil
}

// tableCell keeps a cell on its line and in its column, and harmless to the terminal.
func tableCell(v string) string {
	v = strings.Join(strings.Fields(clean(v)), " ")
	if v == "" {
		return "-"
	}
	return v
}

// Flush writes the page buffered so far, aligned, after the header when it is the first page
// or when a column had to grow.
func (t *tableWriter) Flush() error {
	grew := false
	for i, col := range t.columns {
		w := max(t.widths[i], col.width, uniseg.StringWidth(col.name))
		for _, row := range t.rows {
			w = max(w, uniseg.StringWidth(row[i]))
		}
		grew = grew || w > t.widths[i]
		t.widths[i] = w
	}
	if !t.started || (grew && len(t.rows) > 0) {
		names := make([]string, len(t.columns))
		for i, col := range t.columns {
			names[i] = col.name
		}
		t.line(names)
		t.started = true
	}
	for _, row := range t.rows {
		t.line(row)
	}
	t.rows = t.rows[:0]
	return t.w.Flush()
}

// line writes cells padded to the column widths, two spaces apart, without trailing spaces.
func (t *tableWriter) line(cells []string) {
	for i, cell := range cells {
		t.w.WriteString(cell)
		if i < len(cells)-1 {
			t.w.WriteString(strings.Repeat(" ", t.widths[i]-uniseg.StringWidth(cell)+2))
		}
	}
	t.w.WriteByte('\n')
}

// Close writes what is left, the header at least.
func (t *tableWriter) Close() error { return t.Flush() }

// writeContact writes one contact in format, for create and get; terminal says w is one.
func writeContact(w io.Writer, format string, terminal bool, c *cashfin.Contact) error {
	cw := newContactWriter(w, format, writerOptions{columns: detailColumns, single: true, terminal: terminal})
	if err := cw.Write(c); err != nil {
		return err
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}
