package rows

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/maphash"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Person is who a record is, for the identity rules: a row of the file, or a record already on
// the server. Values are as read; the rules normalise them.
type Person struct {
	Name, Email, Phone string
	Region             string // region of a phone without a country code; "" is DefaultRegion
}

// NormalizeEmail is the form of an email compared for identity: trimmed and lower-cased.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// NormalizeName is the form of a name compared for identity: in Unicode NFC, case-folded, trimmed,
// inner white space collapsed to one space. "  WANJIKŨ  Kamau" and "Wanjikũ Kamau" (composed or
// not) are one name.
func NormalizeName(s string) string {
	s = norm.NFC.String(cases.Fold().String(norm.NFC.String(s)))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// identity is a person's normalised fields.
type identity struct{ name, email, phone string }

func (p Person) identity() identity {
	return identity{name: NormalizeName(p.Name), email: NormalizeEmail(p.Email), phone: NormalizePhone(p.Phone, p.Region)}
}

// namePhone reports whether the identity has both a name and a phone, so that rule (b) can apply.
func (id identity) namePhone() bool { return id.name != "" && id.phone != "" }

// Reasons SamePerson and Index.Find give.
const (
	SameEmail        = "same email"
	SameNameAndPhone = "same name and phone"
)

// SamePerson says whether a and b are the same person, and why. They are only when (a) both
// have emails and the emails are equal once trimmed and lower-cased; or (b) at least one lacks
// an email, and their normalised names and normalised phones are equal and not empty. A shared
// phone with different names, or different emails, never makes them one: colleagues share office
// lines.
func SamePerson(a, b Person) (reason string, ok bool) {
	return sameIdentity(a.identity(), b.identity())
}

func sameIdentity(a, b identity) (string, bool) {
	if a.email != "" && b.email != "" {
		return SameEmail, a.email == b.email
	}
	if a.namePhone() && a.name == b.name && a.phone == b.phone {
		return SameNameAndPhone, true
	}
	return "", false
}

// Index finds, among the people added to it, one that is the same person as another, by the
// rules of SamePerson, in constant time per person. It keeps a 64-bit hash per key (and the ref
// of each person), not the values, so that memory stays small however many people it holds; two
// different values meet by chance with a probability of about 3e-8 among a million people, and
// should they, the row is reported as a duplicate of the ref, never sent twice. People from the
// server are added with the Region of the file's rows, so that their phones compare alike. The
// zero Index is empty and ready to use; an Index is not safe for concurrent use.
type Index struct {
	seed      maphash.Seed
	refs      []string
	byEmail   map[uint64]int32   // rule (a): people with an email, by email
	byNP      map[uint64]int32   // rule (b): everyone with a name and phone, by both
	byNPNoEml map[uint64]int32   // rule (b): those of them without an email
	moreNoEml map[uint64][]int32 // and the others after the first (several records on a server)
	taughtBy  map[uint64]string  // emails in byEmail that Find learned: the ref of the person who taught each
	keyCount  map[uint64]int32   // Key: how many people without an identity had each key

	last   Person   // the person identified last: an importer asks Find, Add and Key of one row
	lastID identity // and their identity, normalised once (phones are slow to parse)
}

// identity is p's identity, remembered for the next call about the same person.
func (ix *Index) identity(p Person) identity {
	if p != ix.last { // the zero Person's identity is the zero identity
		ix.last, ix.lastID = p, p.identity()
	}
	return ix.lastID
}

func (ix *Index) init() {
	if ix.byEmail == nil {
		ix.seed = maphash.MakeSeed()
		ix.byEmail, ix.byNP, ix.byNPNoEml, ix.keyCount = map[uint64]int32{}, map[uint64]int32{}, map[uint64]int32{}, map[uint64]int32{}
		ix.moreNoEml, ix.taughtBy = map[uint64][]int32{}, map[uint64]string{}
	}
}

func (ix *Index) hash(parts ...string) uint64 {
	var h maphash.Hash
	h.SetSeed(ix.seed)
	for _, p := range parts {
		h.WriteString(p)
		h.WriteByte(0)
	}
	return h.Sum64()
}

// Add remembers p under ref (a line, an ID); of several people with one key, the first stays,
// except people without an email on one name and phone: each is kept, to be found, one after the
// other, by people with emails (see Find).
func (ix *Index) Add(p Person, ref string) {
	ix.init()
	id := ix.identity(p)
	n := int32(len(ix.refs))
	added := false
	put := func(m map[uint64]int32, k uint64) {
		if _, ok := m[k]; !ok {
			m[k], added = n, true
		}
	}
	if id.email != "" {
		put(ix.byEmail, ix.hash(id.email))
	}
	if id.namePhone() {
		k := ix.hash(id.name, id.phone)
		put(ix.byNP, k)
		switch _, ok := ix.byNPNoEml[k]; {
		case id.email != "":
		case ok:
			ix.moreNoEml[k], added = append(ix.moreNoEml[k], n), true
		default:
			put(ix.byNPNoEml, k)
		}
	}
	if added {
		ix.refs = append(ix.refs, ref)
	}
}

// Find returns the ref of a person added earlier who is the same person as p, and why ("same
// email", "same name and phone"). ref is how p is known (a line), should p teach its email.
//
// Find learns from what it finds: when p has an email and is found, by rule (b), the same as a
// person without one, that person is known by p's email from then on; a later person found so
// is said to have the "same email as" ref, "found to be them by name and phone", since the
// person found never had it. A later person with another email on the same name and phone is
// then someone else, as they are from p; without that, rows B (no email), A (email x), C (email
// y) on one name and phone would drop C as B, though A and C are two people by rule (a). Of
// several people without an email on one name and phone (records on a server), each is given
// the first email found so, in turn.
func (ix *Index) Find(p Person, ref string) (found, reason string, ok bool) {
	ix.init()
	id := ix.identity(p)
	var n int32
	switch {
	case id.email != "":
		e := ix.hash(id.email)
		if n, ok = ix.byEmail[e]; ok {
			return ix.refs[n], ix.emailReason(e), true
		}
		if !id.namePhone() {
			return "", "", false
		}
		k := ix.hash(id.name, id.phone)
		if n, ok = ix.byNPNoEml[k]; ok { // (b): the other lacks an email; now it has p's
			ix.learn(k, n, e, ref)
		}
	case id.namePhone():
		n, ok = ix.byNP[ix.hash(id.name, id.phone)] // (b): p lacks an email
	}
	if !ok {
		return "", "", false
	}
	return ix.refs[n], SameNameAndPhone, true
}

// emailReason is why a person with the email hashed e is the one found by it: SameEmail, or,
// for an email learned from another person, who taught it.
func (ix *Index) emailReason(e uint64) string {
	if by, ok := ix.taughtBy[e]; ok {
		return SameEmail + " as " + by + ", found to be them by name and phone"
	}
	return SameEmail
}

// learn gives the person n, found without an email under the name and phone key k, the email
// hashed e, taught by the person known as by: the next person without an email under k, if any,
// is the one found from then on.
func (ix *Index) learn(k uint64, n int32, e uint64, by string) {
	if more := ix.moreNoEml[k]; len(more) > 0 {
		ix.byNPNoEml[k] = more[0]
		if ix.moreNoEml[k] = more[1:]; len(more) == 1 {
			delete(ix.moreNoEml, k)
		}
	} else {
		delete(ix.byNPNoEml, k)
	}
	ix.byEmail[e], ix.taughtBy[e] = n, by
}

// Len is how many people the index holds by at least one key.
func (ix *Index) Len() int { return len(ix.refs) }

// idempotencyKeyPrefix starts every key; "v2" names the derivation (v1 hashed the row's fields
// as typed), so that no key of one derivation is reused by another.
const idempotencyKeyPrefix = "cashfin-cli-import-v2-"

// IdempotencyKey derives a row's Idempotency-Key from its identity alone: the normalised email
// when it has one, else its normalised name and phone. A re-run of a file that was edited (case,
// spaces, a column added, a name or phone corrected or filled in beside an email) sends the same
// key for the same person, and the API replays the record it created instead of creating another.
// A key cannot follow a row that gains its first email, nor a row without an email whose name or
// phone changes: its identity changed; --skip-existing finds such a record by rule (b).
//
// The email comes first because it is the identity rule (a) trusts most: two records with one
// email are one person whatever their names and phones say, so a corrected name or an added phone
// must keep the key; and two records with different emails are two people even on one office
// line, so name and phone must not decide their keys.
//
// A person with neither an email nor both a name and a phone has no identity: two such rows are
// never the same person, yet would get the same key. Index.Key gives each its own.
func IdempotencyKey(resource string, p Person) string {
	return idempotencyKey(resource, p.identity())
}

func idempotencyKey(resource string, id identity) string {
	h := sha256.New()
	h.Write([]byte(resource + "\x00"))
	if id.email != "" {
		h.Write([]byte("email\x00" + id.email))
	} else {
		h.Write([]byte("name+phone\x00" + id.name + "\x00" + id.phone))
	}
	return idempotencyKeyPrefix + hex.EncodeToString(h.Sum(nil))
}

// Key is IdempotencyKey, made distinct for people without an identity (neither an email nor
// both a name and a phone): the n-th such person with a given key, counted by this index, gets
// the key with "-n" added from the second on. A re-run of the same file numbers them the same
// way, so each replays its own record.
func (ix *Index) Key(resource string, p Person) string {
	ix.init()
	id := ix.identity(p)
	key := idempotencyKey(resource, id)
	if id.email != "" || id.namePhone() {
		return key
	}
	h := ix.hash(key)
	ix.keyCount[h]++
	if n := ix.keyCount[h]; n > 1 {
		return key + "-" + strconv.Itoa(int(n))
	}
	return key
}
