package rows

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// scientific is a number in the form a spreadsheet shows a long one: 2.54712E+11.
var scientific = regexp.MustCompile(`^[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]+$`)

// twoNumbers splits a cell that holds several numbers: "0712 345 684 / 0733 111 222".
var twoNumbers = regexp.MustCompile(`\s*(?:[/,;|&\n]|\s(?:or|and)\s)\s*`)

// Phones say how phone numbers are sent: an import's rows, and a command's --phone flag.
type Phones struct {
	Region     string // region of phone numbers without a country code; "" is DefaultRegion
	KeepPhones bool   // keep phone numbers exactly as written (trimmed): no parsing, no E.164
}

// region is the phone region p names.
func (p Phones) region() string {
	if p.Region == "" {
		return DefaultRegion
	}
	return strings.ToUpper(p.Region)
}

// Check says what is wrong with p itself (a region libphonenumber does not know), or "".
func (p Phones) Check() string {
	if !p.KeepPhones && phonenumbers.GetCountryCodeForRegion(p.region()) == 0 {
		return fmt.Sprintf("--phone-region %q: not a region libphonenumber knows: want a two-letter code, such as KE, UG, TZ or NG", p.Region)
	}
	return ""
}

// Send is the phone v as it is sent: trimmed, then, unless p.KeepPhones, parsed under p's region
// and written in E.164 (see ParsePhone, whose error it returns). "" stays "".
func (p Phones) Send(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || p.KeepPhones {
		return v, nil
	}
	return ParsePhone(v, p.region())
}

// ParsePhone reads v as one phone number, under region when it has no country code, and writes
// it in E.164 (+254712345678). It refuses, saying why, a number in scientific notation (a
// spreadsheet rounded it: its digits are lost), a value with letters, several numbers in one
// cell, and a number that is not valid for its country.
func ParsePhone(v, region string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case scientific.MatchString(v):
		return "", fmt.Errorf("phone %q is in scientific notation: a spreadsheet rounded the number and its digits are lost; "+
			"format the column as text and type the number again", v)
	case strings.IndexFunc(v, unicode.IsLetter) >= 0:
		return "", fmt.Errorf("phone %q is not a phone number: it has letters", v)
	}
	if parts := twoNumbers.Split(v, -1); len(parts) > 1 && countNumbers(parts) > 1 {
		return "", fmt.Errorf("phone %q holds more than one phone number: keep one (put another in a column of its own)", v)
	}
	n, err := phonenumbers.Parse(v, region)
	if err != nil {
		return "", fmt.Errorf("phone %q is not a phone number (%v)", v, err)
	}
	if !phonenumbers.IsValidNumber(n) {
		if phonenumbers.GetRegionCodeForNumber(n) == "" && !strings.HasPrefix(v, "+") {
			return "", fmt.Errorf("phone %q is not a valid phone number in region %s: add the country code (+…)", v, region)
		}
		return "", fmt.Errorf("phone %q is not a valid phone number (wrong length or prefix for its country); "+
			"--keep-phones sends numbers as written", v)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// countNumbers counts the parts that have enough digits to be a phone number of their own.
func countNumbers(parts []string) int {
	n := 0
	for _, p := range parts {
		if len(digits(p)) >= 7 {
			n++
		}
	}
	return n
}

// digits are the ASCII digits of s.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// NormalizePhone is the form of a phone compared for identity: E.164 when v reduced to its
// digits (and its leading "+") is a valid number under region; else those digits, with the "+".
// "0711 000 002" and "+254711000002" meet under KE; a value that is not a number stays apart
// from every valid one. "" for a value without digits.
func NormalizePhone(v, region string) string {
	v = strings.TrimSpace(v)
	d := digits(v)
	if d == "" {
		return ""
	}
	if strings.HasPrefix(v, "+") {
		d = "+" + d
	}
	if region == "" {
		region = DefaultRegion
	}
	if n, err := phonenumbers.Parse(d, region); err == nil && phonenumbers.IsValidNumber(n) {
		return phonenumbers.Format(n, phonenumbers.E164)
	}
	return d
}
