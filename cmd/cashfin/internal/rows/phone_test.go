package rows

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPhonesParsedToE164UnderTheRegion(t *testing.T) {
	for in, want := range map[string]string{
		"0712 345 678":     "+254712345678",
		"+254 712 345 678": "+254712345678",
		"254712345678":     "+254712345678", // Excel dropped the +
		"(020) 234-5678":   "+254202345678", // a Nairobi office line
		"+1 415 555 2671":  "+14155552671",  // a country code wins over the region
	} {
		got, err := ParsePhone(in, "KE")
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	got, err := ParsePhone("0803 123 4567", "NG")
	require.NoError(t, err)
	assert.Equal(t, "+2348031234567", got, "another region")
}

func TestPhoneThatIsNotOnePhoneNumberIsAnError(t *testing.T) {
	for in, reason := range map[string]string{
		"2.54712E+11":                 "scientific notation",
		"call me":                     "it has letters",
		"0712 345 684 / 0733 111 222": "more than one phone number",
		"0712345684, 0733111222":      "more than one phone number",
		"12345":                       "not a valid phone number",
	} {
		_, err := ParsePhone(in, "KE")
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), reason, in)
	}
}

func TestPhoneErrorsFailTheRowNotTheFile(t *testing.T) {
	in := "name,phone\nExcel Mangled,2.54712E+11\nNo Number,call me\nTwo Numbers,0712 345 684 / 0733 111 222\nGood,0712345678\n"
	_, rows := readString(t, "in.csv", in, Options{})
	require.Len(t, rows, 4)
	assert.Contains(t, rows[0].Err, `phone "2.54712E+11" is in scientific notation`)
	assert.Contains(t, rows[1].Err, `phone "call me" is not a phone number: it has letters`)
	assert.Contains(t, rows[2].Err, "more than one phone number")
	assert.Empty(t, rows[3].Err)
	assert.Equal(t, "2.54712E+11", rows[0].Cells[1], "the errors file gets the cell as read")
}

func TestKeepPhones(t *testing.T) {
	_, rows := readString(t, "in.csv", "name,phone\nAnn, 0712 345 678 \nBen,call me\n", Options{Phones: Phones{KeepPhones: true}})
	assert.Equal(t, "0712 345 678", rows[0].Get("phone"), "exactly as written, trimmed")
	assert.Equal(t, "call me", rows[1].Get("phone"))
	assert.Empty(t, rows[1].Err)
}

func TestPhoneRegionOption(t *testing.T) {
	_, rows := readString(t, "in.csv", "name,phone\nAda,0803 123 4567\n", Options{Phones: Phones{Region: "ng"}})
	assert.Equal(t, "+2348031234567", rows[0].Get("phone"))
	assert.Equal(t, "NG", rows[0].Person().Region)
}

func TestNormalizePhone(t *testing.T) {
	assert.Equal(t, "+254711000002", NormalizePhone("0711 000 002", "KE"))
	assert.Equal(t, "+254711000002", NormalizePhone("+254711000002", ""))
	assert.Equal(t, "25471211", NormalizePhone("2.54712E+11", "KE"), "not a number: its digits")
	assert.Equal(t, "+0712", NormalizePhone("+0712", "KE"), "the + is kept, so the form is stable")
	assert.Empty(t, NormalizePhone("call me", "KE"))
}

func TestUnknownRegionReportedWithTheOtherProblems(t *testing.T) {
	err := openErr(t, "in.csv", "email\nx@y.co\n", Options{Phones: Phones{Region: "XX"}})
	assert.Len(t, err.Problems, 2, "%q", err.Problems)
	assert.Contains(t, err.Error(), `--phone-region "XX": not a region`)
	assert.Contains(t, err.Error(), "no name column")
}

// A number written with its country code that libphonenumber does not know as valid (an old
// record's, a prefix opened since) fails, saying how to send it anyway: an export of an account
// holding such numbers must still be importable.
func TestInvalidNumberSaysHowToKeepIt(t *testing.T) {
	_, err := ParsePhone("+254135636431", "KE")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a valid phone number")
	assert.Contains(t, err.Error(), "--keep-phones")
}
