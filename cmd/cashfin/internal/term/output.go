package term

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rivo/uniseg"
)

// Column is one field of a record as the CLI prints it, named as the API names it.
type Column[T any] struct {
	Name  string
	Width int // a table column is at least this wide, so that most pages fit the first one's widths
	Value func(r *T) string
}

// FormatTime renders t as the API does (RFC 3339, UTC, milliseconds), or "" for the zero time.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// RecordWriter writes records (contacts, customers) in one of the output formats, streaming:
// nothing is held back but the current table page.
type RecordWriter[T any] interface {
	// Write writes one record.
	Write(r *T) error
	// Flush marks the end of a page: a table aligns its columns per page and is written out.
	Flush() error
	// Close ends the output (the closing bracket of a JSON array) and flushes everything.
	Close() error
}

// WriterOptions tune a RecordWriter.
type WriterOptions struct {
	Single    bool                          // json: one object rather than an array (get, create)
	ExcelSafe func(column, v string) string // csv: protect each cell from a spreadsheet (see rows.ExcelSafe), and start with a BOM; nil: cells as they are
	Terminal  bool                          // the output is a terminal: CSV cells lose control characters and escape sequences, JSON escapes them
}

// NewRecordWriter returns a writer of format (table, json, jsonl or csv) to w; columns are the
// fields of the table and CSV formats (JSON writes the record's own JSON form).
func NewRecordWriter[T any](w io.Writer, format string, columns []Column[T], opts WriterOptions) RecordWriter[T] {
	bw := bufio.NewWriter(w)
	switch format {
	case "json":
		return &jsonWriter[T]{w: bw, single: opts.Single, terminal: opts.Terminal}
	case "jsonl":
		return &jsonlWriter[T]{w: bw, terminal: opts.Terminal}
	case "csv":
		return &csvWriter[T]{w: bw, cw: csv.NewWriter(bw), columns: columns, excelSafe: opts.ExcelSafe, terminal: opts.Terminal}
	default:
		return newTableWriter(bw, columns)
	}
}

// jsonWriter writes one JSON value: an array of records, one per line, or a single indented object.
type jsonWriter[T any] struct {
	w        *bufio.Writer
	single   bool
	terminal bool // escape what encoding/json leaves raw (see escapeJSON)
	n        int
}

// Write adds c: an indented object in single mode, else the next element of the array.
func (j *jsonWriter[T]) Write(c *T) error {
	if j.single {
		b, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			return err
		}
		if j.terminal {
			b = EscapeJSON(b)
		}
		j.n++
		j.w.Write(b)
		return j.w.WriteByte('\n')
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if j.terminal {
		b = EscapeJSON(b)
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
func (j *jsonWriter[T]) Flush() error { return j.w.Flush() }

// Close ends the JSON value ("null" or "[]" when nothing was written) and flushes.
func (j *jsonWriter[T]) Close() error {
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
type jsonlWriter[T any] struct {
	w        *bufio.Writer
	terminal bool // escape what encoding/json leaves raw (see escapeJSON)
}

// Write adds c as one line of JSON.
func (j *jsonlWriter[T]) Write(c *T) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if j.terminal {
		b = EscapeJSON(b)
	}
	j.w.Write(b)
	return j.w.WriteByte('\n')
}

// Flush writes out what is buffered.
func (j *jsonlWriter[T]) Flush() error { return j.w.Flush() }

// Close flushes: JSON lines need no ending.
func (j *jsonlWriter[T]) Close() error { return j.w.Flush() }

// csvWriter writes RFC 4180 CSV with a header row of the API's field names.
type csvWriter[T any] struct {
	w         *bufio.Writer
	cw        *csv.Writer
	columns   []Column[T]
	excelSafe func(column, v string) string
	terminal  bool
	started   bool
	row       []string
}

// header writes the header row, once.
func (c *csvWriter[T]) header() error {
	if c.started {
		return nil
	}
	c.started = true
	if c.excelSafe != nil {
		c.w.WriteString(BOM) // Excel on Windows reads a CSV without one in the ANSI code page
	}
	names := make([]string, len(c.columns))
	for i, col := range c.columns {
		names[i] = col.Name
	}
	return c.cw.Write(names)
}

// Write adds ct as a row, after the header row if it is the first.
func (c *csvWriter[T]) Write(ct *T) error {
	if err := c.header(); err != nil {
		return err
	}
	c.row = c.row[:0]
	for _, col := range c.columns {
		v := col.Value(ct)
		if c.terminal {
			v = Clean(v)
		}
		if c.excelSafe != nil {
			v = c.excelSafe(col.Name, v)
		}
		c.row = append(c.row, v)
	}
	return c.cw.Write(c.row)
}

// Flush writes out what is buffered.
func (c *csvWriter[T]) Flush() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.w.Flush()
}

// Close flushes, writing the header row if no contact was written, so an empty export is
// still a CSV with its columns.
func (c *csvWriter[T]) Close() error {
	if err := c.header(); err != nil {
		return err
	}
	return c.Flush()
}

// tableWriter writes aligned columns for people, a page at a time. Columns are as wide as the
// widest cell seen so far, measured as the terminal displays it (combining marks take no room,
// East Asian wide characters two cells), so pages line up under one header. When a later page
// holds a wider cell, its column grows and the header is written again above that page.
type tableWriter[T any] struct {
	w       *bufio.Writer
	columns []Column[T]
	widths  []int      // column widths in display cells, 0 before the first page
	rows    [][]string // the page being buffered
	started bool       // the header has been written
}

func newTableWriter[T any](w *bufio.Writer, columns []Column[T]) *tableWriter[T] {
	return &tableWriter[T]{w: w, columns: columns, widths: make([]int, len(columns))}
}

// Write buffers c as a line of the current page.
func (t *tableWriter[T]) Write(c *T) error {
	row := make([]string, len(t.columns))
	for i, col := range t.columns {
		row[i] = tableCell(col.Value(c))
	}
	t.rows = append(t.rows, row)
	return nil
}

// tableCell keeps a cell on its line and in its column, and harmless to the terminal.
func tableCell(v string) string {
	v = strings.Join(strings.Fields(Clean(v)), " ")
	if v == "" {
		return "-"
	}
	return v
}

// Flush writes the page buffered so far, aligned, after the header when it is the first page
// or when a column had to grow.
func (t *tableWriter[T]) Flush() error {
	grew := false
	for i, col := range t.columns {
		w := max(t.widths[i], col.Width, uniseg.StringWidth(col.Name))
		for _, row := range t.rows {
			w = max(w, uniseg.StringWidth(row[i]))
		}
		grew = grew || w > t.widths[i]
		t.widths[i] = w
	}
	if !t.started || (grew && len(t.rows) > 0) {
		names := make([]string, len(t.columns))
		for i, col := range t.columns {
			names[i] = col.Name
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
func (t *tableWriter[T]) line(cells []string) {
	for i, cell := range cells {
		t.w.WriteString(cell)
		if i < len(cells)-1 {
			t.w.WriteString(strings.Repeat(" ", t.widths[i]-uniseg.StringWidth(cell)+2))
		}
	}
	t.w.WriteByte('\n')
}

// Close writes what is left, the header at least.
func (t *tableWriter[T]) Close() error { return t.Flush() }

// WriteRecord writes one record in format with columns, for create, get and update; terminal
// says w is one.
func WriteRecord[T any](w io.Writer, format string, terminal bool, columns []Column[T], c *T) error {
	cw := NewRecordWriter(w, format, columns, WriterOptions{Single: true, Terminal: terminal})
	if err := cw.Write(c); err != nil {
		return err
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}
