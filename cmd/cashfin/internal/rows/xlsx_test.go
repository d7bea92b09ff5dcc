package rows

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// workbook writes a real .xlsx with excelize, as Excel would save an address book: phones typed
// as numbers (Excel shows 2.54712E+11 for them), a date column and a date-and-time column, a
// blank row, and a second sheet. It is saved under a name without .xlsx: the content decides.
func workbook(t testing.TB) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	general, _ := f.NewStyle(&excelize.Style{NumFmt: 0})
	sci, _ := f.NewStyle(&excelize.Style{NumFmt: 11}) // 0.00E+00
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	dmy, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`dd/mm/yyyy hh:mm;@`)})
	rows := [][]any{
		{"Name", "Phone", "Email", "Joined", "Last Call"},
		{"Wanjikũ Kamau", 254712345678, "wk@acme.co.ke", 46363, 46363.5},
		{"Otieno Odhiambo", 254722000111, "", 46000, 46000},
		{nil, nil, nil, nil, nil},
		{"Achieng Atieno", "0733 111 222", "a@acme.co.ke", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &r))
	}
	require.NoError(t, f.SetCellStyle("Sheet1", "B2", "B2", sci))
	require.NoError(t, f.SetCellStyle("Sheet1", "B3", "B3", general))
	require.NoError(t, f.SetCellStyle("Sheet1", "D2", "D3", date))
	require.NoError(t, f.SetCellStyle("Sheet1", "E2", "E3", dmy))
	_, err := f.NewSheet("Customers")
	require.NoError(t, err)
	require.NoError(t, f.SetSheetRow("Customers", "A1", &[]any{"Customer Name", "Mobile"}))
	require.NoError(t, f.SetSheetRow("Customers", "A2", &[]any{"Acme Ltd", "0711000002"}))
	path := filepath.Join(t.TempDir(), "book.xlsx")
	require.NoError(t, f.SaveAs(path))
	renamed := filepath.Join(filepath.Dir(path), "address-book.dat")
	require.NoError(t, os.Rename(path, renamed))
	return renamed
}

func TestXLSXRecognisedByContentFirstSheet(t *testing.T) {
	src, rows := readAll(t, workbook(t), Options{Fields: Fields("name", "phone", "email", "joined", "lastcall")})
	assert.Equal(t, XLSX, src.Format())
	assert.Equal(t, "Sheet1", src.Sheet())
	assert.Equal(t, []string{"Name", "Phone", "Email", "Joined", "Last Call"}, src.Header())
	require.Len(t, rows, 3)
	assert.Equal(t, []int{2, 3, 5}, lines(rows), "rows keep their row numbers")
	assert.Equal(t, 1, src.Blank(), "the blank row is counted")
	assert.Equal(t, Style{BOM: utf8BOM, Comma: ',', CRLF: true}, src.Style())
}

func TestXLSXNumbersComeOutAsTyped(t *testing.T) {
	_, rows := readAll(t, workbook(t), Options{Fields: Fields("name", "phone"), Map: []string{"Email=", "Joined=", "Last Call="}, Phones: Phones{KeepPhones: true}})
	assert.Equal(t, "254712345678", rows[0].Get("phone"), "never 2.54712E+11, whatever the cell's format")
	assert.Equal(t, "254722000111", rows[1].Get("phone"))
	assert.Equal(t, "254712345678", rows[0].Cells[1])

	_, rows = readAll(t, workbook(t), Options{Fields: Fields("name", "phone"), Map: []string{"Email=", "Joined=", "Last Call="}})
	assert.Equal(t, []string{"+254712345678", "+254722000111", "+254733111222"},
		[]string{rows[0].Get("phone"), rows[1].Get("phone"), rows[2].Get("phone")})
}

func TestXLSXDatesInISOForm(t *testing.T) {
	_, rows := readAll(t, workbook(t), Options{Fields: Fields("name", "joined", "lastcall"), Map: []string{"Phone=", "Email=", "Last Call=lastcall"}})
	assert.Equal(t, "2026-12-07", rows[0].Get("joined"))
	assert.Equal(t, "2026-12-07 12:00:00", rows[0].Get("lastcall"), "with its time when it has one")
	assert.Equal(t, "2025-12-09", rows[1].Get("lastcall"), "a date-and-time format at midnight is a date")
}

func TestXLSXSheetOption(t *testing.T) {
	book := workbook(t)
	_, rows := readAll(t, book, Options{Sheet: "customers"})
	assert.Equal(t, []string{"Acme Ltd"}, names(rows), "a sheet by name, in any case")
	assert.Equal(t, "+254711000002", rows[0].Get("phone"))

	_, err := Open(book, nil, Options{Fields: contactFields(), Sheet: "Leads"})
	require.ErrorContains(t, err, `--sheet "Leads": no such sheet in the workbook (it has: Sheet1, Customers)`)

	assert.Contains(t, openErr(t, "in.csv", "name\nAnn\n", Options{Sheet: "Leads"}).Error(), "not an .xlsx workbook")
}

func TestXLSXColumnProblemsInOneError(t *testing.T) {
	_, err := Open(workbook(t), nil, Options{Fields: contactFields(), Map: []string{"Joined=phone", "Last Call=phone"}})
	var re *Error
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), `columns "Joined" and "Last Call" are all mapped to phone`)
}

func TestXLSXNotTakenForUTF16(t *testing.T) {
	// A ZIP holds NUL bytes; the old reader took it for UTF-16 and said so even with --encoding utf-16.
	_, rows := readAll(t, workbook(t), Options{Encoding: "utf-16", Map: []string{"Joined=", "Last Call="}})
	assert.Len(t, rows, 3)
}

func TestOldXLSRefused(t *testing.T) {
	ole2 := "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + string(make([]byte, 504))
	err := openErr(t, "book.xls", ole2, Options{})
	assert.Contains(t, err.Error(), "save it as .xlsx or CSV")
}

func TestZIPThatIsNotAWorkbook(t *testing.T) {
	err := openErr(t, "notes.zip", "PK\x03\x04 not really", Options{})
	assert.Contains(t, err.Error(), "not an Excel .xlsx workbook")
}

func TestFormatKind(t *testing.T) {
	custom := map[int]string{164: `dd/mm/yyyy`, 165: `[h]:mm:ss`, 166: `0.00E+00`, 167: `"Day" 0`, 168: `General`, 169: `[$-409]mmm\ d;@`}
	for id, want := range map[int]kind{0: kindOther, 1: kindOther, 11: kindOther, 14: kindDate, 22: kindDate, 20: kindTime, 49: kindOther,
		164: kindDate, 165: kindTime, 166: kindOther, 167: kindOther, 168: kindOther, 169: kindDate} {
		assert.Equal(t, want, formatKind(id, custom), "format %d", id)
	}
}

func TestXLSXKeepBlank(t *testing.T) {
	src, rows := readAll(t, workbook(t), Options{KeepBlank: true, Map: []string{"Joined=", "Last Call="}})
	assert.Equal(t, []int{2, 3, 4, 5}, lines(rows))
	assert.True(t, rows[2].Blank)
	assert.Equal(t, 1, src.Blank())
}

func TestXLSXFirstVisibleSheet(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Lookup"}))
	_, err := f.NewSheet("Contacts")
	require.NoError(t, err)
	require.NoError(t, f.SetSheetRow("Contacts", "A1", &[]any{"Name"}))
	require.NoError(t, f.SetSheetRow("Contacts", "A2", &[]any{"Ann"}))
	f.SetActiveSheet(1)
	require.NoError(t, f.SetSheetVisible("Sheet1", false))
	path := filepath.Join(t.TempDir(), "hidden.xlsx")
	require.NoError(t, f.SaveAs(path))
	src, rows := readAll(t, path, Options{})
	assert.Equal(t, "Contacts", src.Sheet(), "a hidden sheet is not the first a user sees")
	assert.Equal(t, []string{"Ann"}, names(rows))
}

func TestISODate(t *testing.T) {
	for in, want := range map[string]string{
		dateMark + "46363":        "2026-12-07",
		dateMark + "46363.520833": "2026-12-07 12:30:00",
		timeMark + "0.75":         "18:00:00",
		"46363":                   "46363", // not a date cell
		"Ann":                     "Ann",
	} {
		assert.Equal(t, want, isoDate(in, false), in)
	}
	assert.Equal(t, "2030-12-08", isoDate(dateMark+"46363", true), "the 1904 date system")
}
