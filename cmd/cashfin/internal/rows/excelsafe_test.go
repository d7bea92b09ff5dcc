package rows

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExcelSafeFormsAreUndoneExactly(t *testing.T) {
	for v, want := range map[string]string{
		"=SUM(A1)":      "'=SUM(A1)",
		"+254712345678": "'+254712345678",
		"-5":            "'-5",
		"@me":           "'@me",
		"'=x":           "''=x", // already quoted: one more, so one comes off
		`="0712"`:       `'="0712"`,
		"Wanjikũ":       "Wanjikũ",
		"'plain":        "'plain",
	} {
		assert.Equal(t, want, ExcelSafe(v), v)
		assert.Equal(t, v, UndoExcelSafe(ExcelSafe(v)), v)
	}
	assert.Equal(t, `="0712345678"`, ExcelSafePhone("0712345678"), "digit-only phones in Excel's text form")
	assert.Equal(t, `="254712345678"`, ExcelSafePhone("254712345678"))
	assert.Equal(t, "'+254712345678", ExcelSafePhone("+254712345678"))
}

func TestExcelSafeExportImportsBack(t *testing.T) {
	// What "export --excel-safe" writes for a contact: a BOM, a quoted formula-like name, a
	// protected digit-only phone, an E.164 phone.
	in := "\ufeffname,email,phone\r\n" +
		"'=Wanjikũ,w@x.co,\"=\"\"0712345678\"\"\"\r\n" +
		"Otieno,o@x.co,'+254722000111\r\n"
	_, rows := readString(t, "export.csv", in, Options{Phones: Phones{KeepPhones: true}})
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"=Wanjikũ", "w@x.co", "0712345678", "", ""}, rows[0].Values)
	assert.Equal(t, "+254722000111", rows[1].Get("phone"))
}

func FuzzExcelSafe(f *testing.F) {
	for _, seed := range []string{"=1", "'=1", "''=1", `="12"`, `'="12"`, "0712", "+254", "'", "", "\t=x", "-"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, safe := range []string{ExcelSafe(v), ExcelSafePhone(v)} {
			require.Equal(t, v, UndoExcelSafe(safe), "undone exactly: %q -> %q", v, safe)
			if strings.HasPrefix(safe, `="`) {
				require.Equal(t, `="`+v+`"`, safe, "only digits get the text form")
				continue
			}
			require.False(t, safe != "" && strings.ContainsRune("=+-@\t\r", rune(safe[0])), "%q starts a formula", safe)
		}
	})
}
