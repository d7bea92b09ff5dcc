package rows

import "strings"

// Excel-safe CSV, as "export --excel-safe" writes it and import reads it back. Two protections,
// each undone exactly by UndoExcelSafe:
//
//   - A cell a spreadsheet would run as a formula (one starting with =, +, - or @, or with a tab
//     or carriage return that hides such a start) gets a single quote in front: =SUM(A1) is
//     written '=SUM(A1), +254712345678 is written '+254712345678. A cell that already starts
//     with a quote followed by such a cell gets one more quote, so that removing one gives it
//     back.
//   - A phone made of digits only (0712345678, 254712345678), which Excel would turn into a
//     number (dropping the leading zero, or showing 2.54712E+11), is written in Excel's text
//     formula form ="0712345678": Excel shows the digits as text. (A cell that is literally
//     ="0712345678" starts with = and is quoted by the first rule: '="0712345678".)

// ExcelSafe protects a cell a spreadsheet would run as a formula (the first rule above).
func ExcelSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) || UndoExcelSafe(v) != v {
		return "'" + v
	}
	return v
}

// ExcelSafePhone protects a phone cell: digits only in Excel's text form ="DIGITS", anything
// else as ExcelSafe does.
func ExcelSafePhone(v string) string {
	if v != "" && strings.Trim(v, "0123456789") == "" {
		return `="` + v + `"`
	}
	return ExcelSafe(v)
}

// UndoExcelSafe gives back the cell ExcelSafe or ExcelSafePhone protected, and changes no
// other: it removes one quote before = + - @ (or tab, carriage return, or a cell that itself
// had such a quote), or turns ="DIGITS" back into the digits.
func UndoExcelSafe(v string) string {
	if len(v) >= 2 && v[0] == '\'' {
		if rest := v[1:]; strings.ContainsRune("=+-@\t\r", rune(rest[0])) || UndoExcelSafe(rest) != rest {
			return rest
		}
		return v
	}
	if digits, ok := strings.CutPrefix(v, `="`); ok && len(digits) > 1 && strings.HasSuffix(digits, `"`) {
		if d := digits[:len(digits)-1]; strings.Trim(d, "0123456789") == "" {
			return d
		}
	}
	return v
}
