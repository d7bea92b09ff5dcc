package main

// INTERIM: the identity rules and phone numbers, until cmd/cashfin/internal/rows (its Index,
// IdempotencyKey and phone normalisation) replaces this file.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
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
		NewIndex: func() bulk.Index { return &index{region: region, keys: map[uint64]string{}} },
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

var folder = cases.Fold()

func personKeys(p bulk.Person, region string) keys {
	var k keys
	k.email = strings.ToLower(strings.TrimSpace(p.Email))
	name := folder.String(strings.Join(strings.Fields(p.Name), " "))
	phone := strings.TrimSpace(p.Phone)
	if e, err := phoneE164(phone, region); err == nil {
		phone = e
	}
	if name != "" && phone != "" {
		k.np = name + "\x00" + phone
	}
	return k
}

// index keeps 8-byte hashes of identities, with the reference first given to each.
type index struct {
	region string
	keys   map[uint64]string
}

func hash(kind, v string) uint64 {
	sum := sha256.Sum256([]byte(kind + "\x00" + v))
	return binary.BigEndian.Uint64(sum[:8])
}

// Add remembers p as ref.
func (x *index) Add(p bulk.Person, ref string) {
	k := personKeys(p, x.region)
	put := func(h uint64) {
		if _, ok := x.keys[h]; !ok {
			x.keys[h] = ref
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
		if ref, ok := x.keys[hash("email", k.email)]; ok {
			return ref, "same email", true
		}
	}
	if k.np == "" {
		return "", "", false
	}
	if ref, ok := x.keys[hash("np-none", k.np)]; ok {
		return ref, "same name and phone", true
	}
	if k.email == "" {
		if ref, ok := x.keys[hash("np-email", k.np)]; ok {
			return ref, "same name and phone", true
		}
	}
	return "", "", false
}
