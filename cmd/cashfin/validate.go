package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
)

// validate says what is wrong with a row, or "" when it can be sent.
func validate(f fields) string {
	switch {
	case f.Name == "":
		return "no name"
	case f.Email != "" && !validEmail(f.Email):
		return fmt.Sprintf("malformed email %q", f.Email)
	}
	return ""
}

// validEmail reports whether s looks like an email address: one "@" between a local part and a
// dotted domain, without spaces, quotes or brackets.
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`"(),:;<>[\]`, r) {
			return false
		}
	}
	return true
}

// emailKey is the form of an email compared for duplicates: case-insensitive.
func emailKey(email string) string { return strings.ToLower(email) }

// phoneKey is the form of a phone number compared for duplicates: its digits only, so that
// "+254 712 345 678" and "+254712345678" match.
func phoneKey(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// idempotencyKeyPrefix starts every key the importer derives; "v1" names the derivation, so that
// a future change of it cannot reuse an old key for another body.
const idempotencyKeyPrefix = "cashfin-cli-import-v1-"

// idempotencyKey derives a row's Idempotency-Key from exactly the fields sent: the same row
// sent again, by a retry or by a re-run of the same file, creates one contact. Two rows with the
// same key send the same body, so the API never sees a key reused with another body.
func idempotencyKey(f fields) string {
	h := sha256.New()
	for _, v := range f.values() {
		h.Write([]byte(v))
		h.Write([]byte{0})
	}
	return idempotencyKeyPrefix + hex.EncodeToString(h.Sum(nil))
}

// dedupe remembers the emails and phones seen so far, each with the line that first had it.
type dedupe struct {
	emails map[string]int
	phones map[string]int
}

func newDedupe() *dedupe {
	return &dedupe{emails: map[string]int{}, phones: map[string]int{}}
}

// check returns the line of an earlier row sharing f's email or phone, and which one it is.
func (d *dedupe) check(f fields) (line int, what string) {
	if k := emailKey(f.Email); k != "" {
		if l, ok := d.emails[k]; ok {
			return l, "email"
		}
	}
	if k := phoneKey(f.Phone); k != "" {
		if l, ok := d.phones[k]; ok {
			return l, "phone"
		}
	}
	return 0, ""
}

// add remembers f's email and phone as first seen on line.
func (d *dedupe) add(f fields, line int) {
	if k := emailKey(f.Email); k != "" {
		if _, ok := d.emails[k]; !ok {
			d.emails[k] = line
		}
	}
	if k := phoneKey(f.Phone); k != "" {
		if _, ok := d.phones[k]; !ok {
			d.phones[k] = line
		}
	}
}
