package term

import "strings"

// BOM is the UTF-8 byte-order mark that an --excel-safe CSV starts with, so that Excel reads it
// as UTF-8 rather than in the ANSI code page ("Wanjikũ", not "WanjikÅ©").
const BOM = "\ufeff"

// ExcelSafe protects a cell from a spreadsheet, with a single quote in front: a cell it would run
// as a formula (one starting with =, +, -, @, or a tab or carriage return that hides such a
// start), and a cell of digits only, such as a phone number without its +, which it would turn
// into a number (254712345678 shown as 2.54712E+11, 0712345678 losing its 0). A cell that already
// starts with a quote before one of those gets one more, so that UndoExcelSafe, which removes
// exactly one such quote, gives back the cell as it was.
func ExcelSafe(v string) string {
	if excelWouldMangle(v) || UndoExcelSafe(v) != v {
		return "'" + v
	}
	return v
}

// UndoExcelSafe removes the quote that ExcelSafe put in front of a cell, and only that: a '
// followed by = + - @, a tab, a carriage return or digits only, or by a cell that itself had
// such a quote.
func UndoExcelSafe(v string) string {
	if len(v) >= 2 && v[0] == '\'' {
		if rest := v[1:]; excelWouldMangle(rest) || UndoExcelSafe(rest) != rest {
			return rest
		}
	}
	return v
}

// excelWouldMangle reports whether a spreadsheet would run v as a formula or read it as a number.
func excelWouldMangle(v string) bool {
	if v == "" {
		return false
	}
	if strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return true
	}
	return strings.Trim(v, "0123456789") == ""
}
