package main

import (
	"crypto/sha256"
	"encoding/binary"
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

// dedupe remembers the rows seen so far, by email, by phone and by whole content, each with the
// line that first had it. It keeps one 8-byte key per value, not the values, so that memory stays
// flat however long the file: 600,000 keys (200,000 rows) take about 12 MB. Two values meet by
// chance with a probability under 1e-8 in such a file; should they, a row is skipped as a
// duplicate and says of which line, and nothing wrong is created.
type dedupe struct {
	lines map[dedupeKey]int32
}

// dedupeKey is the first 64 bits of the SHA-256 of a kind and a value.
type dedupeKey uint64

func newDedupe() *dedupe { return &dedupe{lines: map[dedupeKey]int32{}} }

func keyOf(kind, v string) dedupeKey {
	sum := sha256.Sum256([]byte(kind + "\x00" + v))
	return dedupeKey(binary.BigEndian.Uint64(sum[:8]))
}

// namedKey is a dedupe key and what it is the key of.
type namedKey struct {
	what string // "content", "email", "phone"
	key  dedupeKey
}

// keys are the dedupe keys of f: its whole content, its email, its phone digits.
func (d *dedupe) keys(f fields) []namedKey {
	out := []namedKey{{"content", keyOf("content", strings.Join(f.values(), "\x00"))}}
	if k := emailKey(f.Email); k != "" {
		out = append(out, namedKey{"email", keyOf("email", k)})
	}
	if k := phoneKey(f.Phone); k != "" {
		out = append(out, namedKey{"phone", keyOf("phone", k)})
	}
	return out
}

// check returns the line of an earlier row with f's content, email or phone, and which it is.
func (d *dedupe) check(f fields) (line int, what string) {
	for _, k := range d.keys(f) {
		if l, ok := d.lines[k.key]; ok {
			return int(l), k.what
		}
	}
	return 0, ""
}

// add remembers f's content, email and phone as first seen on line.
func (d *dedupe) add(f fields, line int) {
	for _, k := range d.keys(f) {
		if _, ok := d.lines[k.key]; !ok {
			d.lines[k.key] = int32(min(line, 1<<31-1))
		}
	}
}
