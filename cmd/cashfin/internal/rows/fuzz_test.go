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

func FuzzIdentity(f *testing.F) {
	for _, seed := range []string{
		"Ann|a@x.co|0712345678;ann|A@X.CO|;Ann||+254712345678;Ben||0712345678",
		"Reception||020 2345678; reception ||+254202345678;Front Desk||0202345678",
		"Grace|g@x.co|0202345678;Peter|p@x.co|0202345678;Grace||0202345678",
		"WANJIKU\u0303|| 0711 000 002;wanjikũ||+254711000002;Straße||1;STRASSE||1",
		"İ||1;i̇||1;\u00a0x\u2003y||+0712;X Y||+0712",
		"||;|| ;a|b|c",
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
		for i, p := range ps {
			ref, _, found := ix.Find(p)
			want := -1
			for j := range i {
				_, ab := SamePerson(p, ps[j])
				_, ba := SamePerson(ps[j], p)
				require.Equal(t, ab, ba, "SamePerson is symmetric: %+v %+v", p, ps[j])
				require.Equal(t, bruteSame(p, ps[j]), ab, "SamePerson follows the rules: %+v %+v", p, ps[j])
				if ab && want < 0 {
					want = j
				}
			}
			require.Equal(t, want >= 0, found, "Index agrees with a pairwise check: %+v among %+v", p, ps[:i])
			if found {
				var j int
				fmt.Sscanf(ref, "%d", &j)
				_, same := SamePerson(p, ps[j])
				assert.True(t, same, "the person found is the same person")
			}
			ix.Add(p, fmt.Sprint(i))
		}
	})
}
