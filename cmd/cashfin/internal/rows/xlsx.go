package rows

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// xmlInMemory is the largest part of a workbook (a sheet, the shared strings) held in memory;
// a larger one is unzipped to a temporary file and read from there as a stream.
const xmlInMemory = 1 << 20

// openWorkbook opens the file as a workbook, with its number formats set to give cells as typed.
func (s *Source) openWorkbook() (*excelize.File, error) {
	f, err := excelize.OpenFile(s.path, excelize.Options{UnzipXMLSizeLimit: xmlInMemory})
	if err != nil {
		return nil, fmt.Errorf("a ZIP file that is not an Excel .xlsx workbook (%v): save it as .xlsx or CSV", err)
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		s.date1904 = *props.Date1904
	}
	if err := plainFormats(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("reading the workbook's styles: %v", err)
	}
	return f, nil
}

// sniffXLSX chooses the sheet and reads its header row.
func (s *Source) sniffXLSX(problems *[]string) error {
	f, err := s.openWorkbook()
	if err != nil {
		return err
	}
	defer f.Close()
	if s.sheet, err = chooseSheet(visibleFirst(f), s.opts.Sheet); err != nil {
		return err
	}
	err = s.walkSheet(f, func(line int, cells []string, _ int) error {
		s.header = cells
		return ErrStop
	})
	if err != nil && err != ErrStop {
		return err
	}
	if s.header == nil {
		return fmt.Errorf("sheet %q is empty: want a header row naming the columns (%s)", s.sheet, s.schema.names())
	}
	s.mapping = s.schema.mapColumns(s.header, s.maps, problems)
	return nil
}

// visibleFirst are the workbook's sheets in order, the hidden ones after the visible: the first
// is the one Excel opens on when none is chosen.
func visibleFirst(f *excelize.File) []string {
	var visible, hidden []string
	for _, sh := range f.GetSheetList() {
		if ok, err := f.GetSheetVisible(sh); err == nil && !ok {
			hidden = append(hidden, sh)
		} else {
			visible = append(visible, sh)
		}
	}
	return append(visible, hidden...)
}

// chooseSheet is the sheet named (exactly, else in any case), or the first.
func chooseSheet(sheets []string, name string) (string, error) {
	if len(sheets) == 0 {
		return "", fmt.Errorf("the workbook has no sheet")
	}
	if name == "" {
		return sheets[0], nil
	}
	for _, sh := range sheets {
		if sh == name {
			return sh, nil
		}
	}
	for _, sh := range sheets {
		if strings.EqualFold(sh, name) {
			return sh, nil
		}
	}
	return "", fmt.Errorf("--sheet %q: no such sheet in the workbook (it has: %s)", name, strings.Join(sheets, ", "))
}

// walkSheet calls fn with each row of the sheet that is not blank, from the first, with its row
// number and how many blank rows came just before it.
func (s *Source) walkSheet(f *excelize.File, fn func(line int, cells []string, blanks int) error) error {
	rows, err := f.Rows(s.sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	blanks := 0 // blank rows since the last row that was not
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("row %d: %v", line, err)
		}
		if blank(cells) {
			blanks++
			continue
		}
		for i, c := range cells {
			cells[i] = isoDate(c, s.date1904)
		}
		if err := fn(line, cells, blanks); err != nil {
			return err
		}
		blanks = 0
	}
	return rows.Error()
}

// eachXLSX walks the rows after the header.
func (s *Source) eachXLSX(fn func(r *Row) error) error {
	f, err := s.openWorkbook()
	if err != nil {
		return err
	}
	defer f.Close()
	header := true
	err = s.walkSheet(f, func(line int, cells []string, blanks int) error {
		if header { // the first row that is not blank; blank rows before it are not data
			header = false
			return nil
		}
		for b := line - blanks; b < line; b++ {
			if err := s.blankRow(b, nil, fn); err != nil {
				return err
			}
		}
		if err := s.checkIgnored(cells, line); err != nil {
			return err
		}
		return s.emit(s.cellsRow(line, cells), fn)
	})
	return err
}

// Number formats. A rawFormat cell gives its value as stored: a number in plain digits
// (254712345678, never 2.54712E+11; 0.5, never 50%). A date or time cell gives its serial
// number behind a mark (excelize's own date formatting is slow), which isoDate turns into ISO form.
const (
	rawFormat = 1 << 24 // no such format: the value as stored
	dateMark  = "\x01D"
	timeMark  = "\x01T"
)

// plainFormats rewrites the workbook's cell formats, in memory: a date or time format gives the
// marked serial number, every other format the value as stored.
func plainFormats(f *excelize.File) error {
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`"` + dateMark + `"0.##########`)})
	if err != nil {
		return err
	}
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`"` + timeMark + `"0.##########`)})
	if err != nil {
		return err
	}
	xfs := f.Styles.CellXfs.Xf
	dateFmt, timeFmt, raw := *xfs[dateStyle].NumFmtID, *xfs[timeStyle].NumFmtID, rawFormat
	custom := map[int]string{}
	if f.Styles.NumFmts != nil {
		for _, nf := range f.Styles.NumFmts.NumFmt {
			custom[nf.NumFmtID] = nf.FormatCode
		}
	}
	for i := range xfs {
		if i == dateStyle || i == timeStyle {
			continue
		}
		id := 0
		if xfs[i].NumFmtID != nil {
			id = *xfs[i].NumFmtID
		}
		switch formatKind(id, custom) {
		case kindDate:
			xfs[i].NumFmtID = &dateFmt
		case kindTime:
			xfs[i].NumFmtID = &timeFmt
		default:
			xfs[i].NumFmtID = &raw
		}
	}
	return nil
}

// isoDate turns a marked serial number into an ISO date (2026-12-07), date and time
// (2026-12-07 12:30:00) or time (12:30:00); any other value is returned as it is.
func isoDate(v string, date1904 bool) string {
	layout := ""
	switch {
	case strings.HasPrefix(v, dateMark):
		layout = "2006-01-02 15:04:05"
	case strings.HasPrefix(v, timeMark):
		layout = "15:04:05"
	default:
		return v
	}
	serial, err := strconv.ParseFloat(v[len(dateMark):], 64)
	if err != nil {
		return v[len(dateMark):]
	}
	t, err := excelize.ExcelDateToTime(serial, date1904)
	if err != nil {
		return v[len(dateMark):]
	}
	out := t.Round(time.Second).Format(layout)
	if d, ok := strings.CutSuffix(out, " 00:00:00"); ok {
		return d
	}
	return out
}

func ptr[T any](v T) *T { return &v }

type kind int

const (
	kindOther kind = iota
	kindDate       // a date, perhaps with a time
	kindTime       // a time of day alone
)

// formatKind says whether a number format shows a date, a time or neither: built-in formats by
// their ID, custom ones by the letters of their code outside quotes, brackets and escapes.
func formatKind(id int, custom map[int]string) kind {
	code, ok := custom[id]
	if !ok {
		switch {
		case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 31, id >= 34 && id <= 36, id >= 50 && id <= 58:
			return kindDate
		case id >= 18 && id <= 21, id >= 32 && id <= 33, id >= 45 && id <= 47:
			return kindTime
		}
		return kindOther
	}
	letters := formatLetters(code)
	switch {
	case strings.ContainsAny(strings.ReplaceAll(letters, "general", ""), "yd"):
		return kindDate
	case strings.ContainsAny(letters, "hs"):
		return kindTime
	}
	return kindOther
}

// formatLetters are the lower-case letters of a number format's first section that are not
// quoted, escaped or in brackets ("[Red]", "[$-409]").
func formatLetters(code string) string {
	var b strings.Builder
	quoted, bracket, escaped := false, false, false
	for _, r := range strings.ToLower(code) {
		switch {
		case escaped:
			escaped = false
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\\':
			escaped = true
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case bracket:
		case r == ';':
			return b.String()
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		}
	}
	return b.String()
}
