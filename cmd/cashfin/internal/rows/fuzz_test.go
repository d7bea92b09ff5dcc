package rows

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bruteSame is rule (a)/(b) written out once more, pair by pair, from the normalisers.
func bruteSame(a, b Person) bool {
	ea, eb := NormalizeEmail(a.Email), NormalizeEmail(b.Email)
	if ea != "" && eb != "" {
		return ea == eb
	}
	na, nb := NormalizeName(a.Name), NormalizeName(b.Name)
	pa, pb := NormalizePhone(a.Phone, a.Region), NormalizePhone(b.Phone, b.Region)
	return na != "" && pa != "" && na == nb && pa == pb
}

// people makes a few people from fuzz input: fields separated by "|", people by ";". Small
// alphabets make collisions likely.
func people(s string) []Person {
	var out []Person
	for _, rec := range strings.Split(s, ";") {
		f := strings.SplitN(rec, "|", 3)
		for len(f) < 3 {
			f = append(f, "")
		}
		out = append(out, Person{Name: f[0], Email: f[1], Phone: f[2]})
		if len(out) == 8 {
			break
		}
	}
	return out
}

// keptPerson is a person an importer sends (one not found among those before), and the email a
// later row taught it when it had none, and that row.
type keptPerson struct {
	Person
	id    identity
	email string
	by    string
}

// modelFind is Index.Find written out over a list, as an importer walks a file: a person with an
// email is whoever has that email, own or taught, else the person without one of the same name
// and phone who has not been taught another (who is taught this one); a person without an email
// is the first of the same name and phone. The reason names the row that taught an email.
func modelFind(kept []keptPerson, p Person, ref string) (int, string, bool) {
	id := p.identity()
	samePhone := func(k keptPerson) bool { return id.namePhone() && k.id.name == id.name && k.id.phone == id.phone }
	if id.email != "" {
		for i, k := range kept {
			switch {
			case k.id.email == id.email:
				return i, SameEmail, true
			case k.email == id.email:
				return i, "same email as " + k.by + ", found to be them by name and phone", true
			}
		}
		for i, k := range kept {
			if k.id.email == "" && k.email == "" && samePhone(k) {
				kept[i].email, kept[i].by = id.email, ref
				return i, SameNameAndPhone, true
			}
		}
		return -1, "", false
	}
	for i, k := range kept {
		if samePhone(k) {
			return i, SameNameAndPhone, true
		}
	}
	return -1, "", false
}

func FuzzIdentity(f *testing.F) {
	for _, seed := range []string{
		"Ann|a@x.co|0712345678;ann|A@X.CO|;Ann||+254712345678;Ben||0712345678",
		"Reception||020 2345678; reception ||+254202345678;Front Desk||0202345678",
		"Grace|g@x.co|0202345678;Peter|p@x.co|0202345678;Grace||0202345678",
		"WANJIKU\u0303|| 0711 000 002;wanjikũ||+254711000002;Straße||1;STRASSE||1",
		"İ||1;i̇||1;\u00a0x\u2003y||+0712;X Y||+0712",
		"||;|| ;a|b|c",
		"Ann||0712345678;Ann|x@x.co|0712345678;Ann|y@y.co|0712345678;Ann|X@x.co|1;Ann||+254712345678", // a chain: B, A, C
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps := people(s)
		for _, p := range ps {
			n, e, ph := NormalizeName(p.Name), NormalizeEmail(p.Email), NormalizePhone(p.Phone, "")
			require.Equal(t, n, NormalizeName(n), "NormalizeName is idempotent: %q", p.Name)
			require.Equal(t, e, NormalizeEmail(e), "NormalizeEmail is idempotent: %q", p.Email)
			require.Equal(t, ph, NormalizePhone(ph, ""), "NormalizePhone is idempotent: %q", p.Phone)
		}
		var ix Index
		var kept []keptPerson // the people the importer would send, as the model sees them
		for i, p := range ps {
			for j := range i {
				_, ab := SamePerson(p, ps[j])
				_, ba := SamePerson(ps[j], p)
				require.Equal(t, ab, ba, "SamePerson is symmetric: %+v %+v", p, ps[j])
				require.Equal(t, bruteSame(p, ps[j]), ab, "SamePerson follows the rules: %+v %+v", p, ps[j])
			}
			ref, reason, found := ix.Find(p, fmt.Sprint("row ", i))
			want, wantReason, wantFound := modelFind(kept, p, fmt.Sprint("row ", i))
			require.Equal(t, wantFound, found, "Index agrees with the model: %+v among %+v", p, kept)
			if found {
				require.Equal(t, fmt.Sprint(want), ref, "the person found: %+v among %+v", p, kept)
				require.Equal(t, wantReason, reason, "why: %+v among %+v", p, kept)
				continue
			}
			ix.Add(p, fmt.Sprint(len(kept)))
			kept = append(kept, keptPerson{Person: p, id: p.identity()})
		}
		for i, a := range kept { // no one sent twice, save a person without an email whom a row with an email named
			for _, b := range kept[i+1:] {
				if _, same := SamePerson(a.Person, b.Person); same {
					named := func(k keptPerson, o keptPerson) bool {
						return k.id.email == "" && k.email != "" && k.email != o.id.email
					}
					assert.True(t, named(a, b) || named(b, a), "%+v and %+v both sent", a, b)
				}
			}
		}
	})
}
