package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fuzzContact is a resource as the SDK decodes one: the data of an envelope.
type fuzzContact struct {
	ID   string `json:"_id"`
	Name string `json:"name"`
}

// FuzzDecode feeds arbitrary bodies to the decoders. Whatever the body, they must not panic, and
// must agree with each other: Decode returns exactly one of a value, a *Failure or an error
// wrapping ErrNotEnvelope; decodeFailure recognises exactly the bodies Decode calls failures, with
// the same fields; DecodeError reads any JSON object, the same way; and a Failure's fields are
// well-formed (valid UTF-8 text, no empty field map, a Retry-After within bounds).
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"success":true,"message":"Contact details","data":{"_id":"65a5f0c2e4b0a1b2c3d4e5f6","name":"Jane"}}`,
		`{"success":true,"data":[{"_id":"65a5f0c2e4b0a1b2c3d4e5f6","name":"Jane"}],"pagination":{"total":1,"page":1,"limit":10,"pages":1}}`,
		`{"success":true,"data":[],"meta":{"total":0,"page":1,"limit":10,"pages":0}}`,
		`{"success":false,"error":"Contact not found"}`,
		`{"success":false,"message":"Unauthorized access!"}`,
		`{"success":false,"error":"There are problems with your submission","errors":{"email":"Email is invalid","name":["required","too short"]}}`,
		`{"success":false,"errors":[{"field":"email","message":"invalid"},{"error":"x"}]}`,
		`{"success":false,"error":{"message":"nested"},"retry_after":"30"}`,
		`{"success":false,"error":"Rate limit exceeded. Try again later.","retry_after":30}`,
		`{"success":false,"retry_after":1e300}`,
		`{"success":false,"data":"","error":null}`,
		`{"success":"yes","data":{}}`,
		`{"SUCCESS":false,"Error":"case"}`,
		`{"success":false,"success":true}`,
		`{"data":{"_id":1}}`,
		`{"message":"Internal server error"}`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		`{"success":true,"data":{"_id":"x"`,
		`[]`, `null`, `""`, `1`, ``, "\xff\xfe", "{\"success\":false,\"error\":\"\xff\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var one fuzzContact
		info, fail, err := Decode(raw, &one)
		checkDecode(t, raw, info, fail, err)

		var list []fuzzContact
		info2, fail2, err2 := Decode(raw, &list)
		checkDecode(t, raw, info2, fail2, err2)

		var any json.RawMessage
		info3, fail3, err3 := Decode(raw, &any)
		checkDecode(t, raw, info3, fail3, err3)
		// Failures do not depend on the data's type: when one reading sees a failure, all do.
		if fail != nil || fail2 != nil || fail3 != nil {
			for _, f := range []*Failure{fail, fail2, fail3} {
				require.NotNil(t, f, "one data type saw a failure, another did not")
			}
			assert.Equal(t, fail, fail2)
			assert.Equal(t, fail, fail3)
		}

		df := decodeFailure(raw)
		assert.Equal(t, fail3, df, "decodeFailure and Decode disagree on %q", raw)

		ef := DecodeError(raw)
		if ef != nil {
			assert.True(t, bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")), "DecodeError read a non-object")
			checkFailure(t, ef)
		}
		if df != nil {
			require.NotNil(t, ef, "DecodeError missed a failure envelope")
			assert.Equal(t, df, ef)
		}

		d := RetryAfter(raw)
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, MaxRetryAfter)
	})
}

// checkDecode checks one result of Decode.
func checkDecode(t *testing.T, raw []byte, info *PageInfo, fail *Failure, err error) {
	t.Helper()
	switch {
	case err != nil:
		assert.ErrorIs(t, err, ErrNotEnvelope)
		assert.Nil(t, info)
		assert.Nil(t, fail)
		assert.True(t, utf8.ValidString(err.Error()) || !utf8.Valid(raw), "error text: %q", err.Error())
		assert.NotNil(t, errors.Unwrap(err), "the cause is lost")
	case fail != nil:
		assert.Nil(t, info)
		checkFailure(t, fail)
	}
}

// checkFailure checks that a Failure is well-formed.
func checkFailure(t *testing.T, f *Failure) {
	t.Helper()
	assert.True(t, utf8.ValidString(f.Message), "message %q is not UTF-8", f.Message)
	if f.Fields != nil {
		assert.NotEmpty(t, f.Fields, "an empty field map must be nil")
	}
	for k, v := range f.Fields {
		assert.True(t, utf8.ValidString(k) && utf8.ValidString(v), "field %q: %q is not UTF-8", k, v)
	}
	assert.GreaterOrEqual(t, f.RetryAfter, time.Duration(0))
	assert.LessOrEqual(t, f.RetryAfter, MaxRetryAfter)
	keys := SortedKeys(f.Fields)
	assert.Len(t, keys, len(f.Fields))
	assert.True(t, sort.StringsAreSorted(keys))
}
