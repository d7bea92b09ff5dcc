package cashfin_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

func TestCustomerJSONRoundTrip(t *testing.T) {
	t.Parallel()
	yes := true
	full := cashfin.Customer{
		ID: testID, Name: "John Doe", Email: "john@example.com", Phone: "+254712345678",
		Country: "Kenya", Currency: "KES", Company: "Doe Traders", Address: "12 Moi Avenue", City: "Nairobi",
		Type: cashfin.CustomerBusiness, Active: &yes,
		CreatedAt: time.Date(2024, 1, 15, 12, 0, 0, 123e6, time.UTC),
		UpdatedAt: time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC),
	}
	data, err := json.Marshal(full)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, map[string]any{
		"_id": testID, "name": "John Doe", "email": "john@example.com", "phone": "+254712345678",
		"country": "Kenya", "currency": "KES", "company": "Doe Traders", "address": "12 Moi Avenue",
		"city": "Nairobi", "type": "business", "active": true,
		"createdat": "2024-01-15T12:00:00.123Z", "updatedat": "2024-02-01T09:00:00.000Z",
	}, m, "the API's names")

	var back cashfin.Customer
	require.NoError(t, json.Unmarshal(data, &back))
	assert.True(t, full.CreatedAt.Equal(back.CreatedAt))
	back.CreatedAt, back.UpdatedAt = full.CreatedAt, full.UpdatedAt
	assert.Equal(t, full, back)

	data, err = json.Marshal(&cashfin.Customer{Name: "J"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"J"}`, string(data), "empty fields and zero times are left out")
}

// TestCustomerJSONIsTolerant decodes the forms the docs leave open: the create answer's four
// fields alone, timestamps with and without milliseconds, null and "" timestamps, an offset,
// and unknown fields.
func TestCustomerJSONIsTolerant(t *testing.T) {
	t.Parallel()
	no := false
	jan15 := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		in   string
		want cashfin.Customer
	}{
		{"the docs' create answer", `{"_id":"` + testID + `","name":"John Doe","email":"john@example.com","phone":"+254712345678"}`,
			cashfin.Customer{ID: testID, Name: "John Doe", Email: "john@example.com", Phone: "+254712345678"}},
		{"no milliseconds", `{"name":"J","active":false,"createdat":"2024-01-15T12:00:00Z"}`,
			cashfin.Customer{Name: "J", Active: &no, CreatedAt: jan15}},
		{"offset", `{"name":"J","updatedat":"2024-01-15T15:00:00+03:00"}`, cashfin.Customer{Name: "J", UpdatedAt: jan15}},
		{"null and empty", `{"name":"J","active":null,"createdat":null,"updatedat":"","type":null}`, cashfin.Customer{Name: "J"}},
		{"garbled time", `{"name":"J","createdat":"yesterday"}`, cashfin.Customer{Name: "J"}},
		{"unknown fields", `{"name":"J","sourceorigin":"api","paymentmethods":[{"x":1}],"__v":0}`, cashfin.Customer{Name: "J"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got cashfin.Customer
			require.NoError(t, json.Unmarshal([]byte(tc.in), &got))
			assert.True(t, tc.want.CreatedAt.Equal(got.CreatedAt))
			assert.True(t, tc.want.UpdatedAt.Equal(got.UpdatedAt))
			got.CreatedAt, got.UpdatedAt = tc.want.CreatedAt, tc.want.UpdatedAt
			assert.Equal(t, tc.want, got)
		})
	}
	var c cashfin.Customer
	assert.Error(t, json.Unmarshal([]byte(`{"name":7}`), &c), "a field of the wrong type is an error")
}
