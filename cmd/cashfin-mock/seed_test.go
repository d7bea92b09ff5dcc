package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/cashfintest"
)

// TestDemoContacts checks that the seed is deterministic, realistic and storable: distinct
// increasing IDs, distinct valid emails, African phone numbers, times in order and in the past.
func TestDemoContacts(t *testing.T) {
	const n = 2000
	a, b := demoContacts(n), demoContacts(n)
	require.Equal(t, a, b, "the seed must be the same on every run")
	assert.Empty(t, demoContacts(0))

	email := regexp.MustCompile(`^[a-z]+\.[a-z]+[0-9]*@[a-z]+(\.[a-z]+)+$`)
	phone := regexp.MustCompile(`^\+(254|234|233|27)[0-9]{8,10}$`)
	emails := map[string]bool{}
	kenyan := 0
	for i, c := range a {
		assert.Regexp(t, `^[0-9a-f]{24}$`, c.ID)
		if i > 0 {
			assert.Greater(t, c.ID, a[i-1].ID, "IDs increase")
			assert.True(t, c.CreatedAt.After(a[i-1].CreatedAt), "creation times increase")
		}
		assert.True(t, c.CreatedAt.Before(seedEnd), "seeded contacts are older than anything created later")
		assert.Contains(t, c.Name, " ")
		assert.Regexp(t, email, c.Email)
		assert.False(t, emails[c.Email], "email %s repeats", c.Email)
		emails[c.Email] = true
		assert.Regexp(t, phone, c.Phone)
		if strings.HasPrefix(c.Phone, "+254") {
			kenyan++
		}
		assert.NotEmpty(t, c.Position)
		assert.NotEmpty(t, c.CompanyName)
	}
	assert.Equal(t, n/4, kenyan)
	assert.Equal(t, "Wanjiru Odhiambo", a[0].Name, "the first demo contact is fixed: docs may quote it")

	// The fake accepts the seed as is, and lists it newest first.
	h := cashfintest.NewHandler()
	h.AddContacts(a...)
	stored := h.Contacts()
	require.Len(t, stored, n)
	assert.Equal(t, a[n-1].ID, stored[0].ID)
	assert.Equal(t, a[0].ID, stored[n-1].ID)

	// The largest seed's IDs fit the three-byte counter, and its times stay before seedEnd: each
	// step is at most seedEnd-seedEpoch over n.
	assert.Less(t, maxSeed, 1<<24)
	big := demoContacts(20_000)
	assert.True(t, big[len(big)-1].CreatedAt.Before(seedEnd))
	assert.True(t, big[len(big)-1].CreatedAt.After(seedEpoch.Add(seedEnd.Sub(seedEpoch)/2)), "a big seed spreads over the period")
}
