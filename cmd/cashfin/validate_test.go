package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidEmail(t *testing.T) {
	for _, ok := range []string{"jane@acme.co.ke", "a.b+tag@x.io", "zoë@exämple.org", "A@B.CO", "o'neil@x.ie"} {
		assert.True(t, validEmail(ok), ok)
	}
	for _, bad := range []string{"", "jane", "@acme.co", "jane@", "jane@acme", "jane@@acme.co", "a@b@c.co",
		"jane @acme.co", "jane@acme..co", "jane@.acme.co", "jane@acme.co.", ".jane@acme.co", "ja..ne@acme.co",
		"Jane <jane@acme.co>", "jane@-acme.co", "jane@acme,co.ke", "jane@acme.co\n"} {
		assert.False(t, validEmail(bad), bad)
	}
}

func TestValidate(t *testing.T) {
	assert.Empty(t, validate(fields{Name: "Ann"}))
	assert.Empty(t, validate(fields{Name: "Ann", Email: "ann@x.co"}))
	assert.Equal(t, "no name", validate(fields{Email: "ann@x.co"}))
	assert.Equal(t, `malformed email "ann@x"`, validate(fields{Name: "Ann", Email: "ann@x"}))
}

func TestPhoneKey(t *testing.T) {
	assert.Equal(t, "254712345678", phoneKey("+254 (712) 345-678"))
	assert.Equal(t, phoneKey("+254712345678"), phoneKey("254 712 345 678"))
	assert.Empty(t, phoneKey("n/a"))
}

func TestIdempotencyKey(t *testing.T) {
	base := fields{"Jane Wanjiku", "jane@acme.co.ke", "+254712345678", "Procurement Manager", "Acme Corp"}
	key := idempotencyKey(base)
	assert.True(t, strings.HasPrefix(key, "cashfin-cli-import-"), key)
	assert.Len(t, key, len(idempotencyKeyPrefix)+64)
	assert.Equal(t, key, idempotencyKey(base), "the same content gives the same key")
	// Pinned: a file imported by this version must get the same keys from the next one, or a
	// re-run after an upgrade would create everything twice.
	assert.Equal(t, "cashfin-cli-import-v1-22738a5602533bf9c99bd2e5933f7ecb56f6dafc410f6571fa42eb43ac377686", key)

	// Every field counts, and fields cannot bleed into each other.
	variants := []fields{
		{"Jane Wanjiku ", "jane@acme.co.ke", "+254712345678", "Procurement Manager", "Acme Corp"},
		{"Jane Wanjiku", "Jane@acme.co.ke", "+254712345678", "Procurement Manager", "Acme Corp"},
		{"Jane Wanjiku", "jane@acme.co.ke", "+254712345679", "Procurement Manager", "Acme Corp"},
		{"Jane Wanjiku", "jane@acme.co.ke", "+254712345678", "Procurement", "Acme Corp"},
		{"Jane Wanjiku", "jane@acme.co.ke", "+254712345678", "Procurement Manager", "Acme"},
		{"Jane Wanjikujane@acme.co.ke", "", "+254712345678", "Procurement Manager", "Acme Corp"},
	}
	seen := map[string]bool{key: true}
	for _, v := range variants {
		k := idempotencyKey(v)
		assert.False(t, seen[k], "%+v", v)
		seen[k] = true
	}
}

func TestClassify(t *testing.T) {
	recs := []record{
		{line: 2, fields: fields{Name: "Ann", Email: "Ann@X.co", Phone: "+254 700 000001"}},
		{line: 3, fields: fields{Name: "Ann again", Email: "ann@x.CO"}},                 // same email, other case
		{line: 4, fields: fields{Name: "Ann's phone", Phone: "254700000001"}},           // same phone digits
		{line: 5, fields: fields{Email: "bob@x.co"}},                                    // no name
		{line: 6, fields: fields{Name: "Bob", Email: "bob@x.co"}},                       // an invalid row claims nothing
		{line: 7, fields: fields{Name: "Bad", Email: "bad@"}},                           // malformed email
		{line: 8, err: "not a JSON object"},                                             // unreadable row
		{line: 9, fields: fields{Name: "No contact details"}},                           // fine
		{line: 10, fields: fields{Name: "No contact details either", Phone: "unknown"}}, // no digits: no dedupe
	}
	rows := classify(recs)
	states := make([]rowState, len(rows))
	for i, r := range rows {
		states[i] = r.state
	}
	assert.Equal(t, []rowState{statePending, stateDuplicate, stateDuplicate, stateInvalid, statePending,
		stateInvalid, stateInvalid, statePending, statePending}, states)
	assert.Equal(t, "same email as line 2", rows[1].reason)
	assert.Equal(t, "same phone as line 2", rows[2].reason)
	assert.Equal(t, "no name", rows[3].reason)
	assert.Equal(t, "not a JSON object", rows[6].reason)
	for _, r := range rows {
		if r.state == statePending {
			require.Equal(t, idempotencyKey(r.fields), r.key)
		} else {
			require.Empty(t, r.key)
		}
	}
}
