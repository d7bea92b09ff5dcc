package main

// INTERIM: the identity rules and phone numbers, until cmd/cashfin/internal/rows (its Index,
// IdempotencyKey and phone normalisation) replaces this file.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/cases"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
)

// phoneE164 reads raw as one phone number under region, and writes it in E.164.
func phoneE164(raw, region string) (string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case strings.ContainsAny(s, "eE") && strings.ContainsAny(s, "+.") && strings.Trim(strings.ToLower(s), "0123456789.e+") == "":
		return "", errors.New("a number in scientific notation (a spreadsheet rewrote it, and its last digits are lost): type it again as text")
	case strings.ContainsAny(s, "/,;") || strings.Contains(strings.ToLower(s), " or "):
		return "", errors.New("more than one phone number: keep one")
	case strings.IndexFunc(s, unicode.IsLetter) >= 0:
		return "", errors.New("not a phone number")
	}
	n, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", errors.New("not a valid phone number (region " + region + ")")
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// identityFor is the duplicate rules, comparing phones under region.
func identityFor(region string) bulk.Identity {
	return bulk.Identity{
		NewIndex: func() bulk.Index { return &index{region: region, keys: map[uint64]int32{}} },
		Key: func(resource string, p bulk.Person) string {
			id := personKeys(p, region)
			if id.email == "" && id.np == "" {
				return ""
			}
			k := id.np
			if id.email != "" {
				k = id.email
			}
			sum := sha256.Sum256([]byte(resource + "\x00" + k))
			return "cashfin-cli-import-v2-" + hex.EncodeToString(sum[:])
		},
	}
}

// keys are the normalised identity of a person: "" for what it lacks.
type keys struct{ email, np string }

// fold case-folds s: ASCII by lower-casing, the rest by Unicode case folding (a Caser is not
// safe for concurrent use: one per call).
func fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return cases.Fold().String(s)
		}
	}
	return strings.ToLower(s)
}

func personKeys(p bulk.Person, region string) keys {
	var k keys
	k.email = strings.ToLower(strings.TrimSpace(p.Email))
	name := fold(strings.Join(strings.Fields(p.Name), " "))
	phone := strings.TrimSpace(p.Phone)
	if !isE164(phone) {
		if e, err := phoneE164(phone, region); err == nil {
			phone = e
		}
	}
	if name != "" && phone != "" {
		k.np = name + "\x00" + phone
	}
	return k
}

// index keeps 8-byte hashes of identities, with the reference first given to each: a line
// number (a ref "line N") held as such, other refs by their place in others, as -1-i.
type index struct {
	region string
	keys   map[uint64]int32
	others []string
}

// pack is ref as a map value.
func (x *index) pack(ref string) int32 {
	if n, err := strconv.Atoi(strings.TrimPrefix(ref, "line ")); err == nil && strings.HasPrefix(ref, "line ") && n >= 0 && n < 1<<31-1 {
		return int32(n)
	}
	x.others = append(x.others, ref)
	return int32(-len(x.others))
}

// unpack is the ref a map value holds.
func (x *index) unpack(v int32) string {
	if v >= 0 {
		return "line " + strconv.Itoa(int(v))
	}
	return x.others[-v-1]
}

func hash(kind, v string) uint64 {
	sum := sha256.Sum256([]byte(kind + "\x00" + v))
	return binary.BigEndian.Uint64(sum[:8])
}

// Add remembers p as ref.
func (x *index) Add(p bulk.Person, ref string) {
	k := personKeys(p, x.region)
	v, packed := int32(0), false
	put := func(h uint64) {
		if _, ok := x.keys[h]; !ok {
			if !packed {
				v, packed = x.pack(ref), true
			}
			x.keys[h] = v
		}
	}
	if k.email != "" {
		put(hash("email", k.email))
	}
	if k.np != "" {
		kind := "np-email"
		if k.email == "" {
			kind = "np-none"
		}
		put(hash(kind, k.np))
	}
}

// Find returns the reference of a person already added who is p.
func (x *index) Find(p bulk.Person) (string, string, bool) {
	k := personKeys(p, x.region)
	if k.email != "" {
		if v, ok := x.keys[hash("email", k.email)]; ok {
			return x.unpack(v), "same email", true
		}
	}
	if k.np == "" {
		return "", "", false
	}
	if v, ok := x.keys[hash("np-none", k.np)]; ok {
		return x.unpack(v), "same name and phone", true
	}
	if k.email == "" {
		if v, ok := x.keys[hash("np-email", k.np)]; ok {
			return x.unpack(v), "same name and phone", true
		}
	}
	return "", "", false
}

// isE164 reports whether s is written in E.164 already (as the importer sends phones), so that
// it need not be parsed again.
func isE164(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' {
		return false
	}
	return strings.Trim(s[1:], "0123456789") == ""
}
