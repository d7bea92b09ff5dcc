package envelope

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type item struct {
	ID   string `json:"_id"`
	Name string `json:"name"`
}

func TestDecodeSuccess(t *testing.T) {
	t.Parallel()
	page := &PageInfo{Total: 30, Page: 2, Limit: 10, Pages: 3}
	for _, tc := range []struct {
		name string
		raw  string
		data []item
		info *PageInfo
	}{
		{"pagination", `{"success":true,"data":[{"_id":"a","name":"A"}],"pagination":{"total":30,"page":2,"limit":10,"pages":3}}`,
			[]item{{"a", "A"}}, page},
		{"meta", `{"success":true,"data":[{"_id":"a","name":"A"}],"meta":{"total":30,"page":2,"limit":10,"pages":3}}`,
			[]item{{"a", "A"}}, page},
		{"both: pagination wins", `{"success":true,"data":[],"meta":{"total":1},"pagination":{"total":30,"page":2,"limit":10,"pages":3}}`,
			[]item{}, page},
		{"no block", `{"success":true,"data":[{"_id":"a"}]}`, []item{{ID: "a"}}, nil},
		{"null block", `{"success":true,"data":[],"pagination":null}`, []item{}, nil},
		{"unknown fields", `{"success":true,"message":"ok","x":{"y":[1,2]},"data":[{"_id":"a","extra":true}],"meta":{"total":1,"page":1,"limit":1,"pages":1,"more":"x"}}`,
			[]item{{ID: "a"}}, &PageInfo{Total: 1, Page: 1, Limit: 1, Pages: 1}},
		{"no data", `{"success":true}`, nil, nil},
		{"null data", `{"success":true,"data":null}`, nil, nil},
		{"white space", " \n{ \"success\" : true , \"data\" : [ ] }\n ", []item{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var data []item
			info, f, err := Decode([]byte(tc.raw), &data)
			require.NoError(t, err)
			assert.Nil(t, f)
			assert.Equal(t, tc.data, data)
			assert.Equal(t, tc.info, info)
		})
	}

	var one item
	info, f, err := Decode([]byte(`{"success":true,"data":{"_id":"x","name":"N"}}`), &one)
	require.NoError(t, err)
	assert.Nil(t, f)
	assert.Nil(t, info)
	assert.Equal(t, item{"x", "N"}, one)
}

func TestDecodeFailureEnvelope(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		raw  string
		want Failure
	}{
		{"error", `{"success":false,"error":"Contact not found"}`, Failure{Message: "Contact not found"}},
		{"message only", `{"success":false,"message":"Unauthorized access!"}`, Failure{Message: "Unauthorized access!"}},
		{"error beats message", `{"success":false,"message":"m","error":"e"}`, Failure{Message: "e"}},
		{"empty error falls back", `{"success":false,"error":"","message":"m"}`, Failure{Message: "m"}},
		{"null error falls back", `{"success":false,"error":null,"message":"m"}`, Failure{Message: "m"}},
		{"nothing", `{"success":false}`, Failure{}},
		{"data empty string", `{"success":false,"error":"bad","data":""}`, Failure{Message: "bad"}},
		{"data a number", `{"success":false,"error":"bad","data":0}`, Failure{Message: "bad"}},
		{"data an object", `{"success":false,"error":"bad","data":{"_id":"x"}}`, Failure{Message: "bad"}},
		{"error an object with message", `{"success":false,"error":{"message":"deep","code":7}}`, Failure{Message: "deep"}},
		{"error an object with error", `{"success":false,"error":{"error":"deeper"}}`, Failure{Message: "deeper"}},
		{"error an object without either", `{"success":false,"error":{"code": 7}}`, Failure{Message: `{"code":7}`}},
		{"error a list", `{"success":false,"error":["one","two",{"message":"three"}]}`, Failure{Message: "one; two; three"}},
		{"error a number", `{"success":false,"error":42}`, Failure{Message: "42"}},
		{"error a boolean", `{"success":false,"error":true}`, Failure{Message: "true"}},
		{"errors map", `{"success":false,"error":"There are problems","errors":{"email":"Email is invalid","name":"Name is required"}}`,
			Failure{Message: "There are problems", Fields: map[string]string{"email": "Email is invalid", "name": "Name is required"}}},
		{"errors map of lists", `{"success":false,"errors":{"email":["bad","worse"],"phone":[]}}`,
			Failure{Fields: map[string]string{"email": "bad; worse", "phone": ""}}},
		{"errors map of objects", `{"success":false,"errors":{"email":{"message":"bad"}}}`,
			Failure{Fields: map[string]string{"email": "bad"}}},
		{"errors list of objects", `{"success":false,"errors":[{"field":"email","message":"bad"},{"message":"anon"},{"field":"name","error":"req"}]}`,
			Failure{Fields: map[string]string{"email": "bad", "1": "anon", "name": "req"}}},
		{"errors list of strings", `{"success":false,"errors":["bad","worse"]}`, Failure{Fields: map[string]string{"": "bad; worse"}}},
		{"errors a string", `{"success":false,"errors":"oops"}`, Failure{Fields: map[string]string{"": "oops"}}},
		{"errors empty", `{"success":false,"errors":{}}`, Failure{}},
		{"errors empty list", `{"success":false,"errors":[]}`, Failure{}},
		{"errors null", `{"success":false,"errors":null}`, Failure{}},
		{"retry_after number", `{"success":false,"error":"slow","retry_after":30}`, Failure{Message: "slow", RetryAfter: 30 * time.Second}},
		{"retry_after fraction", `{"success":false,"retry_after":1.5}`, Failure{RetryAfter: 1500 * time.Millisecond}},
		{"retry_after string", `{"success":false,"retry_after":"12"}`, Failure{RetryAfter: 12 * time.Second}},
		{"retry_after negative", `{"success":false,"retry_after":-1}`, Failure{}},
		{"retry_after garbage", `{"success":false,"retry_after":"soon"}`, Failure{}},
		{"retry_after absurd: saturated", `{"success":false,"retry_after":1e12}`, Failure{RetryAfter: MaxRetryAfter}},
		{"retry_after past the float range: saturated", `{"success":false,"retry_after":1e999}`, Failure{RetryAfter: MaxRetryAfter}},
		{"retry_after NaN", `{"success":false,"retry_after":"NaN"}`, Failure{}},
		{"retry_after negative", `{"success":false,"retry_after":-5}`, Failure{}},
		{"retry_after object", `{"success":false,"retry_after":{"s":1}}`, Failure{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var one item
			info, f, err := Decode([]byte(tc.raw), &one)
			require.NoError(t, err)
			assert.Nil(t, info)
			require.NotNil(t, f)
			assert.Equal(t, tc.want, *f)

			var list []item
			_, f, err = Decode([]byte(tc.raw), &list)
			require.NoError(t, err)
			require.NotNil(t, f)
			assert.Equal(t, tc.want, *f, "decoding into a list")

			f = decodeFailure([]byte(tc.raw))
			require.NotNil(t, f)
			assert.Equal(t, tc.want, *f)

			f = DecodeError([]byte(tc.raw))
			require.NotNil(t, f)
			assert.Equal(t, tc.want, *f)
		})
	}
}

func TestDecodeNotEnvelope(t *testing.T) {
	t.Parallel()
	for name, raw := range map[string]string{
		"empty":                   ``,
		"white space":             `   `,
		"HTML":                    `<html><body>502 Bad Gateway</body></html>`,
		"null":                    `null`,
		"array":                   `[{"success":true}]`,
		"string":                  `"success"`,
		"number":                  `200`,
		"no success":              `{"data":{"_id":"x"}}`,
		"success a string":        `{"success":"true","data":{}}`,
		"success a number":        `{"success":1,"data":{}}`,
		"success null":            `{"success":null}`,
		"truncated":               `{"success":true,"data":{"_id":"x"`,
		"trailing garbage":        `{"success":true,"data":{}} x`,
		"data of the wrong type":  `{"success":true,"data":"created"}`,
		"field of the wrong type": `{"success":true,"data":{"_id":42}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var one item
			info, f, err := Decode([]byte(raw), &one)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrNotEnvelope)
			assert.Nil(t, info)
			assert.Nil(t, f)
			assert.Contains(t, err.Error(), ErrNotEnvelope.Error())
			assert.NotNil(t, errors.Unwrap(err), "the cause is kept")
		})
	}
}

func TestDecodeFailureRejects(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{``, `<html>`, `null`, `[]`, `{}`, `{"success":true,"error":"x"}`,
		`{"success":"false","error":"x"}`, `{"error":"x"}`} {
		assert.Nil(t, decodeFailure([]byte(raw)), raw)
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	// Any JSON object: with or without success.
	for raw, want := range map[string]Failure{
		`{"error":"x","errors":{"f":"why"}}`: {Message: "x", Fields: map[string]string{"f": "why"}},
		`{"message":"Forbidden by WAF"}`:     {Message: "Forbidden by WAF"},
		`{"retry_after":5}`:                  {RetryAfter: 5 * time.Second},
		`{}`:                                 {},
		` {"success":true,"error":"odd"}`:    {Message: "odd"},
	} {
		f := DecodeError([]byte(raw))
		require.NotNil(t, f, raw)
		assert.Equal(t, want, *f, raw)
	}
	for _, raw := range []string{``, `<html>{"error":"x"}</html>`, `null`, `["x"]`, `"x"`, `12`, `{"error":`} {
		assert.Nil(t, DecodeError([]byte(raw)), raw)
	}
}

func TestRetryAfterField(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]time.Duration{
		`{"success":false,"retry_after":30}`: 30 * time.Second,
		`{"retry_after":"2.5"}`:              2500 * time.Millisecond,
		`{"retry_after":0}`:                  0,
		`{"retry_after":null}`:               0,
		`{"retry_after":-4}`:                 0,
		`{"success":false}`:                  0,
		`<html>"retry_after"</html>`:         0,
		``:                                   0,
		`[{"retry_after":3}]`:                0,
	} {
		assert.Equal(t, want, RetryAfter([]byte(raw)), raw)
	}
}

func TestSortedKeys(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"", "a", "b", "c"}, SortedKeys(map[string]string{"c": "", "a": "", "": "", "b": ""}))
	assert.Empty(t, SortedKeys(nil))
}

func TestPageBlockNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		block string
		want  PageInfo
	}{
		{`{"total":62,"page":3,"limit":10,"pages":7}`, PageInfo{62, 3, 10, 7}},
		{`{"total":"62","page":"3","limit":"10","pages":"7"}`, PageInfo{62, 3, 10, 7}},
		{`{"total":" 62 ","page":null,"limit":"","pages":0}`, PageInfo{Total: 62}},
		{`{"total":62.0,"page":3.00,"limit":10,"pages":7}`, PageInfo{62, 3, 10, 7}},
		{`{"total":-1}`, PageInfo{Total: -1}},
		{`{}`, PageInfo{}},
	} {
		var data []item
		info, f, err := Decode([]byte(`{"success":true,"data":[],"pagination":`+tc.block+`}`), &data)
		require.NoError(t, err, tc.block)
		assert.Nil(t, f)
		require.NotNil(t, info, tc.block)
		assert.Equal(t, tc.want, *info, tc.block)
	}
	for _, block := range []string{
		`{"total":"sixty-two"}`, `{"page":1.5}`, `{"pages":1e3}`, `{"limit":true}`, `{"total":{"n":1}}`,
		`{"total":[62]}`, `{"total":"-"}`, `{"total":99999999999999999999}`, `"page 1 of 7"`, `[1,2]`,
	} {
		var data []item
		_, _, err := Decode([]byte(`{"success":true,"data":[],"meta":`+block+`}`), &data)
		assert.ErrorIs(t, err, ErrNotEnvelope, "an unreadable block is an error: %s", block)
	}
}
