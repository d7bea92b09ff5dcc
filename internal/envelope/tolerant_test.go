package envelope

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loose is a record whose documented fields are _id and name, and whose other fields are inferred.
type loose struct {
	ID     string            `json:"_id"`
	Name   string            `json:"name"`
	Active *bool             `json:"active" cashfin:"inferred"`
	City   string            `json:"city" cashfin:"inferred"`
	Count  int               `json:"count" cashfin:"inferred"`
	Tags   []string          `json:"tags" cashfin:"inferred"`
	Extra  map[string]string `json:"extra" cashfin:"inferred"`
	Inner  *looseInner       `json:"inner"` // documented itself, with an inferred field inside
	stamp                    // embedded: its inferred field is promoted
}

type looseInner struct {
	Code string `json:"code"`
	Note string `json:"note" cashfin:"inferred"`
}

type stamp struct {
	At string `json:"at" cashfin:"inferred"`
}

// TestUnmarshalZeroesInferredFieldsOfUnexpectedType is rule 1 of issue 15 at the generic layer: a
// field tagged inferred whose JSON type is unexpected decodes to its zero value (never converted),
// the rest of the record decodes, and untagged fields stay strict.
func TestUnmarshalZeroesInferredFieldsOfUnexpectedType(t *testing.T) {
	t.Parallel()
	yes := true
	for _, tc := range []struct {
		name, raw string
		want      loose
	}{
		{"well typed", `{"_id":"a","name":"A","active":true,"city":"Nairobi","count":2,"at":"x","inner":{"code":"c","note":"n"}}`,
			loose{ID: "a", Name: "A", Active: &yes, City: "Nairobi", Count: 2, stamp: stamp{At: "x"}, Inner: &looseInner{Code: "c", Note: "n"}}},
		{`"true" is not converted`, `{"_id":"a","name":"A","active":"true"}`, loose{ID: "a", Name: "A"}},
		{"1 is not converted", `{"_id":"a","name":"A","active":1}`, loose{ID: "a", Name: "A"}},
		{"an object for a string", `{"_id":"a","name":"A","city":{"line1":"12 Moi Avenue"},"count":3}`, loose{ID: "a", Name: "A", Count: 3}},
		{"a number for a string", `{"_id":"a","name":"A","city":404}`, loose{ID: "a", Name: "A"}},
		{"a fraction for an int", `{"_id":"a","name":"A","count":1.5,"city":"Nairobi"}`, loose{ID: "a", Name: "A", City: "Nairobi"}},
		{"a string for a list", `{"_id":"a","name":"A","tags":"vip"}`, loose{ID: "a", Name: "A"}},
		{"a list for a map", `{"_id":"a","name":"A","extra":[1]}`, loose{ID: "a", Name: "A"}},
		{"other case in the name", `{"_id":"a","name":"A","ACTIVE":"yes","City":"Mombasa"}`, loose{ID: "a", Name: "A", City: "Mombasa"}},
		{"embedded", `{"_id":"a","name":"A","at":17}`, loose{ID: "a", Name: "A"}},
		{"nested", `{"_id":"a","name":"A","inner":{"code":"c","note":false}}`, loose{ID: "a", Name: "A", Inner: &looseInner{Code: "c"}}},
		{"all at once", `{"_id":"a","name":"A","active":"1","city":[],"count":"2","tags":{},"extra":"","at":null}`, loose{ID: "a", Name: "A"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got loose
			require.NoError(t, Unmarshal([]byte(tc.raw), &got))
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestUnmarshalKeepsDocumentedFieldsStrict: an untagged field of the wrong type fails as
// json.Unmarshal fails, odd inferred fields or not, and so does JSON that is not valid.
func TestUnmarshalKeepsDocumentedFieldsStrict(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		`{"_id":1,"name":"A"}`,
		`{"_id":"a","name":true,"active":"true"}`,
		`{"_id":"a","name":"A","inner":{"code":7,"note":false}}`,
		`{"_id":"a","name":"A","inner":"x"}`,
		`[{"_id":"a"}]`,
		`"a"`,
		`{"_id":"a","active":"true"`,
	} {
		var got loose
		err := Unmarshal([]byte(raw), &got)
		require.Error(t, err, raw)
		var strict loose
		strictErr := json.Unmarshal([]byte(raw), &strict)
		var typeErr, strictTypeErr *json.UnmarshalTypeError
		if errors.As(strictErr, &strictTypeErr) {
			require.ErrorAs(t, err, &typeErr, raw)
			assert.NotContains(t, []string{"active", "city", "note"}, typeErr.Field, "the error names a documented field: %s", raw)
			continue
		}
		assert.Equal(t, strictErr, err, "the error is json.Unmarshal's: %s", raw)
	}
}

// TestDecodeTolerantInPages: a page whose records have odd inferred fields decodes whole, through
// Decode (a slice of records in the envelope's data), with its page block.
func TestDecodeTolerantInPages(t *testing.T) {
	t.Parallel()
	raw := `{"success":true,"data":[{"_id":"a","name":"A","active":"true"},{"_id":"b","name":"B","city":{"x":1}},` +
		`{"_id":"c","name":"C","city":"Kisumu"}],"pagination":{"total":3,"page":1,"limit":10,"pages":1}}`
	var got []loose
	info, fail, err := Decode([]byte(raw), &got)
	require.NoError(t, err)
	require.Nil(t, fail)
	assert.Equal(t, []loose{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}, {ID: "c", Name: "C", City: "Kisumu"}}, got)
	assert.Equal(t, &PageInfo{Total: 3, Page: 1, Limit: 10, Pages: 1}, info)

	_, _, err = Decode([]byte(`{"success":true,"data":[{"_id":"a","name":"A","active":"true"},{"_id":2,"name":"B"}]}`), &got)
	require.ErrorIs(t, err, ErrNotEnvelope, "a documented field of the wrong type still fails the page")

	var plain []item // no inferred field anywhere: strict as before
	_, _, err = Decode([]byte(`{"success":true,"data":[{"_id":"a","name":1}]}`), &plain)
	require.ErrorIs(t, err, ErrNotEnvelope)
}

// TestUnmarshalAllocatesNothingMoreWhenWellTyped: tolerance costs a well-typed value nothing:
// Unmarshal allocates exactly what json.Unmarshal does.
func TestUnmarshalAllocatesNothingMoreWhenWellTyped(t *testing.T) {
	raw := []byte(`{"success":true,"data":[{"_id":"a","name":"A","active":true,"city":"Nairobi","count":2,"at":"x"}]}`)
	var v body[[]loose]
	strict := testing.AllocsPerRun(100, func() { v = body[[]loose]{}; _ = json.Unmarshal(raw, &v) })
	tolerant := testing.AllocsPerRun(100, func() { v = body[[]loose]{}; _ = Unmarshal(raw, &v) })
	assert.Equal(t, strict, tolerant)
}

// FuzzUnmarshalTolerant: whatever the input, Unmarshal does not panic; where json.Unmarshal
// succeeds, Unmarshal gives the same value; and where Unmarshal succeeds, the documented fields
// are what json.Unmarshal reads for them.
func FuzzUnmarshalTolerant(f *testing.F) {
	for _, seed := range []string{
		`{"_id":"a","name":"A","active":true,"city":"Nairobi"}`,
		`{"_id":"a","name":"A","active":"true","city":{"x":1},"count":"2"}`,
		`{"_id":"a","name":"A","inner":{"code":"c","note":false},"at":1}`,
		`{"_id":1,"name":"A","active":"true"}`,
		`{"ACTIVE":"x","Name":"y","NAME":"z"}`,
		`[1]`, `null`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var strict, tolerant loose
		strictErr := json.Unmarshal(raw, &strict)
		err := Unmarshal(raw, &tolerant)
		if strictErr == nil {
			require.NoError(t, err)
			require.Equal(t, strict, tolerant)
			return
		}
		if err != nil {
			return
		}
		type documented struct {
			ID   string `json:"_id"`
			Name string `json:"name"`
		}
		var d documented
		require.NoError(t, json.Unmarshal(raw, &d), "a documented field of the wrong type was tolerated")
		require.Equal(t, d, documented{tolerant.ID, tolerant.Name})
	})
}
