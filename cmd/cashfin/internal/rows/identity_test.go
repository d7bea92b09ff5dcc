package rows

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// officeLine is a file in which colleagues share the office's phone.
const officeLine = "name,email,phone\n" +
	"Grace Muthoni,grace@acme.co.ke,+254 20 2345678\n" + // line 2
	"Peter Kamau,peter@acme.co.ke,+254 20 2345678\n" + // line 3: another email, same phone
	"Reception,,020 2345678\n" + // line 4: no email, another name
	"Front Desk,,020 2345678\n" + // line 5: no email, another name
	"  reception ,,+254202345678\n" + // line 6: line 4 again (name case and spaces, phone form)
	"Grace Muthoni,GRACE@acme.co.ke ,\n" + // line 7: line 2 again (email case and spaces)
	"Peter Kamau,,0202345678\n" // line 8: no email, same name and phone as line 3

// duplicates walks rows through an Index as an importer does: each row is checked, then added.
func duplicates(rows []*Row) map[int]string {
	var ix Index
	out := map[int]string{}
	for _, r := range rows {
		if ref, reason, ok := ix.Find(r.Person(), fmt.Sprintf("line %d", r.Line)); ok {
			out[r.Line] = fmt.Sprintf("same person as %s (%s)", ref, reason)
			continue
		}
		ix.Add(r.Person(), fmt.Sprintf("line %d", r.Line))
	}
	return out
}

func TestSharedOfficePhoneWithDifferentNamesOrEmailsIsNotADuplicate(t *testing.T) {
	_, rows := readString(t, "in.csv", officeLine, Options{})
	require.Len(t, rows, 7)
	dups := duplicates(rows)
	for _, line := range []int{2, 3, 4, 5} {
		assert.NotContains(t, dups, line, "line %d is a person of their own", line)
	}
}

func TestSameEmailTrimmedAndLowerCasedIsADuplicate(t *testing.T) {
	_, rows := readString(t, "in.csv", officeLine, Options{})
	assert.Equal(t, "same person as line 2 (same email)", duplicates(rows)[7])
}

func TestSameNormalisedNameAndPhoneWhenOneLacksAnEmailIsADuplicate(t *testing.T) {
	_, rows := readString(t, "in.csv", officeLine, Options{})
	dups := duplicates(rows)
	assert.Equal(t, "same person as line 4 (same name and phone)", dups[6], "name case and spaces, phone written another way")
	assert.Equal(t, "same person as line 3 (same name and phone)", dups[8], "one has an email, the other none")
	assert.Len(t, dups, 3, "and line 7 by its email")
}

func TestSamePersonRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		a, b   Person
		reason string
	}{
		{"(a) emails equal once trimmed and lower-cased", Person{Email: " Ann@X.co"}, Person{Name: "Other", Email: "ann@x.co "}, SameEmail},
		{"(a) different emails, same name and phone", Person{Name: "Ann", Email: "a@x.co", Phone: "0712345678"}, Person{Name: "Ann", Email: "b@x.co", Phone: "0712345678"}, ""},
		{"(b) one lacks an email", Person{Name: "Ann  B", Email: "a@x.co", Phone: "0712345678"}, Person{Name: "ann b", Phone: "+254712345678"}, SameNameAndPhone},
		{"(b) shared phone, different names", Person{Name: "Ann", Phone: "0712345678"}, Person{Name: "Ben", Phone: "0712345678"}, ""},
		{"(b) no phone", Person{Name: "Ann"}, Person{Name: "Ann"}, ""},
		{"(b) no name", Person{Phone: "0712345678"}, Person{Phone: "0712345678"}, ""},
		{"(b) Unicode: composed and decomposed, folded case", Person{Name: "WANJIKŨ", Phone: "0712345678"}, Person{Name: "wanjiku\u0303", Phone: "0712345678"}, SameNameAndPhone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reason, ok := SamePerson(tc.a, tc.b)
			assert.Equal(t, tc.reason != "", ok)
			if ok {
				assert.Equal(t, tc.reason, reason)
			}
			_, ok2 := SamePerson(tc.b, tc.a)
			assert.Equal(t, ok, ok2, "symmetric")
		})
	}
}

func TestIndexAgainstExistingRecords(t *testing.T) {
	var ix Index
	ix.Add(Person{Name: "Grace Muthoni", Email: "grace@acme.co.ke", Phone: "+254202345678"}, "6571a0c1")
	ix.Add(Person{Name: "Reception", Phone: "+254202345678"}, "6571a0c2")
	ref, reason, ok := ix.Find(Person{Name: "Peter Kamau", Email: "peter@acme.co.ke", Phone: "020 2345678"}, "line 2")
	assert.False(t, ok, "a shared phone with another email: %s %s", ref, reason)
	ref, reason, ok = ix.Find(Person{Name: "reception", Email: "desk@acme.co.ke", Phone: "020 2345678"}, "line 3")
	assert.True(t, ok)
	assert.Equal(t, "6571a0c2", ref)
	assert.Equal(t, SameNameAndPhone, reason)
	assert.Equal(t, 2, ix.Len())
}

func TestIdempotencyKeyFromIdentityOnly(t *testing.T) {
	before := Person{Name: "Grace Muthoni", Email: "grace@acme.co.ke", Phone: "0202345678"}
	for _, after := range []Person{
		{Name: "GRACE  MUTHONI", Email: " Grace@Acme.co.ke", Phone: "0202345678"},
		{Name: "Grace W. Muthoni", Email: "grace@acme.co.ke", Phone: "+254 20 2345678"}, // name corrected, phone reformatted
		{Name: "Grace Muthoni", Email: "GRACE@ACME.CO.KE"},                              // phone column dropped
	} {
		assert.Equal(t, IdempotencyKey("contacts", before), IdempotencyKey("contacts", after), "%+v", after)
	}
	noEmail := Person{Name: "Reception", Phone: "020 2345678"}
	assert.Equal(t, IdempotencyKey("contacts", noEmail), IdempotencyKey("contacts", Person{Name: " reception", Phone: "+254202345678"}))
	assert.NotEqual(t, IdempotencyKey("contacts", noEmail), IdempotencyKey("contacts", Person{Name: "Front Desk", Phone: "020 2345678"}),
		"colleagues on one line get keys of their own")
	assert.NotEqual(t, IdempotencyKey("contacts", before), IdempotencyKey("customers", before), "per resource")
	assert.Regexp(t, `^cashfin-cli-import-v2-[0-9a-f]{64}$`, IdempotencyKey("contacts", before))
}

func TestIdempotencyKeyForAReRunOfAnEditedFile(t *testing.T) {
	keys := func(in string) []string {
		_, rows := readString(t, "in.csv", in, Options{})
		var ix Index
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = ix.Key("contacts", r.Person())
		}
		return out
	}
	first := keys("name,email,phone\nGrace Muthoni,grace@acme.co.ke,0202345678\nReception,,0202345678\n")
	edited := keys("Name,Email,Phone,Position\ngrace muthoni,GRACE@ACME.CO.KE,+254 20 2345678,CEO\n RECEPTION ,,020 234 5678,\n")
	assert.Equal(t, first, edited, "case, spaces, phone form and an added column change no key")
}

func TestIndexKeyForPeopleWithoutIdentity(t *testing.T) {
	var ix Index
	a := ix.Key("contacts", Person{Name: "John"})
	b := ix.Key("contacts", Person{Name: "john"})
	c := ix.Key("contacts", Person{Name: "Mary"})
	assert.NotEqual(t, a, b, "two Johns without email or phone are not one person: each its own key")
	assert.Equal(t, a+"-2", b)
	assert.Equal(t, IdempotencyKey("contacts", Person{Name: "Mary"}), c)
	var again Index
	assert.Equal(t, []string{a, b}, []string{again.Key("contacts", Person{Name: "John"}), again.Key("contacts", Person{Name: "John"})},
		"a re-run numbers them the same way")
}

func TestNormalizeName(t *testing.T) {
	assert.Equal(t, "wanjikũ kamau", NormalizeName("  WANJIKU\u0303 \t Kamau "))
	assert.Equal(t, "strasse", NormalizeName("STRASSE"))
	assert.Equal(t, NormalizeName("Straße"), NormalizeName("STRASSE"), "case folding, not lower-casing")
	assert.Equal(t, "ann@x.co", NormalizeEmail(" Ann@X.CO "))
}

// A row with an email that is found the same person as a row without one (rule b) tells who that
// person is: a later row with another email on the same name and phone is someone else, whatever
// the order of the rows. Before, B, A, C dropped C as "same person as B".
func TestTransitiveRowsNeverDropAPerson(t *testing.T) {
	a := "Ann Otieno,ann@x.co,0712345678\n"     // A: email x
	b := "ann otieno,,+254712345678\n"          // B: no email, same name and phone
	c := "Ann Otieno,ann.o@y.co,0712 345 678\n" // C: email y, same name and phone
	for _, order := range []struct {
		name string
		rows []string
		want map[int]string
	}{
		{"A B C", []string{a, b, c}, map[int]string{3: "same person as line 2 (same name and phone)"}},
		{"B A C", []string{b, a, c}, map[int]string{3: "same person as line 2 (same name and phone)"}},
		{"B C A", []string{b, c, a}, map[int]string{3: "same person as line 2 (same name and phone)"}},
		{"A C B", []string{a, c, b}, map[int]string{4: "same person as line 2 (same name and phone)"}},
	} {
		t.Run(order.name, func(t *testing.T) {
			_, rows := readString(t, "in.csv", "name,email,phone\n"+strings.Join(order.rows, ""), Options{})
			require.Len(t, rows, 3)
			assert.Equal(t, order.want, duplicates(rows), "A and C are two people: neither is dropped")
		})
	}
	t.Run("against the server", func(t *testing.T) {
		var ix Index
		ix.Add(Person{Name: "Ann Otieno", Phone: "+254712345678"}, "6571a0c1") // B on the server
		ref, _, ok := ix.Find(Person{Name: "Ann Otieno", Email: "ann@x.co", Phone: "0712345678"}, "line 2")
		require.True(t, ok)
		assert.Equal(t, "6571a0c1", ref)
		_, _, ok = ix.Find(Person{Name: "Ann Otieno", Email: "ann.o@y.co", Phone: "0712345678"}, "line 3")
		assert.False(t, ok, "the server's record is Ann of ann@x.co; Ann of ann.o@y.co is someone else")
		ref, reason, ok := ix.Find(Person{Name: "Ann Otieno", Email: "ANN@x.co"}, "line 4")
		assert.True(t, ok, "and ann@x.co is that record from then on")
		assert.Equal(t, "6571a0c1", ref)
		assert.Equal(t, "same email as line 2, found to be them by name and phone", reason, "the record never had that email: line 2 gave it")
	})
}

// Two records on the server without an email on one name and phone (two people, or one person
// entered twice by hand) are each someone a row with an email can be: rows of two other emails
// on that name and phone are those two records, not one of them and a new contact, and a third
// email is someone else.
func TestTwoServerRecordsWithoutEmailOnOneNameAndPhone(t *testing.T) {
	var ix Index
	ix.Add(Person{Name: "Ann Otieno", Phone: "+254712345678"}, "6571a0c1")
	ix.Add(Person{Name: "ann otieno", Phone: "0712 345 678"}, "6571a0c2")
	found := func(email string) string {
		ref, _, ok := ix.Find(Person{Name: "Ann Otieno", Email: email, Phone: "0712345678"}, "a row of "+email)
		if !ok {
			return ""
		}
		return ref
	}
	assert.Equal(t, "6571a0c1", found("ann@x.co"))
	assert.Equal(t, "6571a0c2", found("ann.o@y.co"), "the second record, not a new contact")
	assert.Equal(t, "", found("ann.b@z.co"), "a third email is someone else")
	assert.Equal(t, "6571a0c2", found("ANN.O@y.co"))
}
