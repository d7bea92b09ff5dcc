package cashfintest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// The requests and responses of the Contacts API page (shared/reference/contacts-api.txt), as
// its curl examples send them. The page's email address reads "[email protected]": that is the
// docs site's email obfuscation, not an address, so docEmail stands in for it.
const (
	docEmail = "jane@acmecorp.co.ke"

	docCreateBody = `{
    "name": "Jane Wanjiku",
    "email": "` + docEmail + `",
    "phone": "+254712345678",
    "position": "Procurement Manager",
    "companyname": "Acme Corp"
  }`

	docCreateResponse = `{
  "success": true,
  "message": "Contact created successfully",
  "data": {
    "_id": "507f1f77bcf86cd799439045",
    "name": "Jane Wanjiku",
    "email": "` + docEmail + `",
    "phone": "+254712345678",
    "position": "Procurement Manager",
    "companyname": "Acme Corp",
    "createdat": "2024-01-15T12:00:00.000Z"
  }
}`

	docListResponse = `{
  "success": true,
  "data": [
    {
      "_id": "507f1f77bcf86cd799439045",
      "name": "Jane Wanjiku",
      "email": "` + docEmail + `",
      "phone": "+254712345678",
      "position": "Procurement Manager",
      "companyname": "Acme Corp",
      "createdat": "2024-01-15T12:00:00.000Z"
    }
  ],
  "pagination": {
    "total": 62,
    "page": 1,
    "limit": 10,
    "pages": 7
  }
}`

	docDetailsResponse = `{
  "success": true,
  "data": {
    "_id": "507f1f77bcf86cd799439045",
    "name": "Jane Wanjiku",
    "email": "` + docEmail + `",
    "phone": "+254712345678",
    "position": "Procurement Manager",
    "companyname": "Acme Corp",
    "active": true,
    "createdat": "2024-01-15T12:00:00.000Z",
    "updatedat": "2024-01-15T12:00:00.000Z"
  }
}`

	docNotFoundResponse = `{
  "success": false,
  "error": "Contact not found"
}`
)

// curl sends the request the docs' curl example sends, with curl's own headers.
func curl(t *testing.T, hc *http.Client, method, url, secret string, jsonBody string) (int, http.Header, []byte) {
	t.Helper()
	var body io.Reader
	if jsonBody != "" {
		body = strings.NewReader(jsonBody)
	}
	hr, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	hr.Header.Set("User-Agent", "curl/8.5.0")
	hr.Header.Set("Accept", "*/*")
	hr.Header.Set("Authorization", secret)
	if jsonBody != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(hr)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	checkEnvelope(t, resp.StatusCode, resp.Header, b)
	return resp.StatusCode, resp.Header, b
}

// shape decodes a JSON object into its fields, each kept raw.
func shape(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m), "%s", raw)
	return m
}

// sameShape checks got field by field against the documented want: the same fields, each of the
// same JSON type, and the same value except for the fields in vary, which only match a pattern.
func sameShape(t *testing.T, want, got []byte, vary map[string]string, where string) {
	t.Helper()
	w, g := shape(t, want), shape(t, got)
	assert.ElementsMatch(t, keysOf(w), keysOf(g), "%s: the documented fields, no more, no less", where)
	for k, wv := range w {
		gv, ok := g[k]
		if !ok {
			continue
		}
		assert.Equal(t, jsonType(wv), jsonType(gv), "%s.%s: JSON type", where, k)
		if pattern, ok := vary[k]; ok {
			var s string
			require.NoError(t, json.Unmarshal(gv, &s), "%s.%s", where, k)
			assert.Regexp(t, pattern, s, "%s.%s", where, k)
			continue
		}
		if jsonType(wv) == "object" {
			sameShape(t, wv, gv, vary, where+"."+k)
			continue
		}
		assert.JSONEq(t, string(wv), string(gv), "%s.%s", where, k)
	}
}

func keysOf(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func jsonType(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "null":
		return "null"
	case s == "true" || s == "false":
		return "boolean"
	case strings.HasPrefix(s, `"`):
		return "string"
	case strings.HasPrefix(s, "{"):
		return "object"
	case strings.HasPrefix(s, "["):
		return "array"
	}
	return "number"
}

// TestConformanceWithTheDocs sends, over real HTTP, the exact requests of the Contacts API page's
// curl examples, and checks the answers against the documented responses field by field.
func TestConformanceWithTheDocs(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	hc := rawClient(t)

	// The page's list shows 62 contacts, Jane the newest: seed 61 older ones, then Jane.
	docTime := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	older := make([]cashfin.Contact, 61)
	for i := range older {
		older[i] = cashfin.Contact{Name: fmt.Sprintf("Older %d", i), Email: fmt.Sprintf("older%d@example.co.ke", i),
			Phone: "+254700000000", Position: "Clerk", CompanyName: "Older Ltd", CreatedAt: docTime.Add(-time.Duration(i+1) * time.Hour)}
	}
	srv.AddContacts(older...)
	srv.AddContacts(cashfin.Contact{ID: "507f1f77bcf86cd799439045", Name: "Jane Wanjiku", Email: docEmail,
		Phone: "+254712345678", Position: "Procurement Manager", CompanyName: "Acme Corp", CreatedAt: docTime})

	t.Run("list", func(t *testing.T) {
		// curl -X GET "https://api.cashfin.africa/business/contact/list?page=1&limit=10" -H "Authorization: ..."
		status, _, body := curl(t, hc, http.MethodGet, srv.URL+"/business/contact/list?page=1&limit=10", srv.Secret, "")
		require.Equal(t, http.StatusOK, status)
		got := shape(t, body)
		want := shape(t, []byte(docListResponse))
		assert.ElementsMatch(t, keysOf(want), keysOf(got))
		assert.JSONEq(t, string(want["success"]), string(got["success"]))
		assert.JSONEq(t, string(want["pagination"]), string(got["pagination"]), "62 contacts, 10 a page: 7 pages")
		var wantItems, gotItems []json.RawMessage
		require.NoError(t, json.Unmarshal(want["data"], &wantItems))
		require.NoError(t, json.Unmarshal(got["data"], &gotItems))
		require.Len(t, gotItems, 10)
		sameShape(t, wantItems[0], gotItems[0], nil, "data[0]") // Jane, exactly as documented
		for i, item := range gotItems[1:] {
			sameShape(t, wantItems[0], item, map[string]string{
				"_id": `^[0-9a-f]{24}$`, "name": `^Older \d+$`, "email": `^older\d+@example\.co\.ke$`,
				"phone": `^\+254700000000$`, "position": `^Clerk$`, "companyname": `^Older Ltd$`,
				"createdat": `^2024-01-1[0-5]T\d\d:00:00\.000Z$`,
			}, fmt.Sprintf("data[%d]", i+1))
		}
	})

	t.Run("details", func(t *testing.T) {
		// curl -X GET "https://api.cashfin.africa/business/contact/details/507f1f77bcf86cd799439045" -H ...
		status, _, body := curl(t, hc, http.MethodGet, srv.URL+"/business/contact/details/507f1f77bcf86cd799439045", srv.Secret, "")
		require.Equal(t, http.StatusOK, status)
		sameShape(t, []byte(docDetailsResponse), body, nil, "details")
	})

	t.Run("contact not found", func(t *testing.T) {
		status, _, body := curl(t, hc, http.MethodGet, srv.URL+"/business/contact/details/507f1f77bcf86cd799439046", srv.Secret, "")
		assert.Equal(t, http.StatusNotFound, status)
		sameShape(t, []byte(docNotFoundResponse), body, nil, "not found")
	})

	t.Run("create", func(t *testing.T) {
		// curl -X POST "https://api.cashfin.africa/business/contact/create" -H "Authorization: ..."
		//   -H "Content-Type: application/json" -d '{ "name": "Jane Wanjiku", ... }'
		before := time.Now().UTC().Truncate(time.Millisecond)
		status, _, body := curl(t, hc, http.MethodPost, srv.URL+"/business/contact/create", srv.Secret, docCreateBody)
		require.Equal(t, http.StatusCreated, status, "%s", body)
		sameShape(t, []byte(docCreateResponse), body, map[string]string{
			"_id":       `^[0-9a-f]{24}$`, // a fresh ID, not the page's
			"createdat": apiTime.String(), // now, in the page's format
		}, "create")

		var created struct {
			Data struct {
				ID        string `json:"_id"`
				CreatedAt string `json:"createdat"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(body, &created))
		at, err := time.Parse(time.RFC3339, created.Data.CreatedAt)
		require.NoError(t, err)
		assert.False(t, at.Before(before))
		assert.Equal(t, created.Data.ID, srv.Contacts()[0].ID, "the new contact is the newest")

		// The page's list request now shows it first, and 63 in all.
		_, _, body = curl(t, hc, http.MethodGet, srv.URL+"/business/contact/list?page=1&limit=10", srv.Secret, "")
		assert.Contains(t, string(body), `"pagination":{"total":63,"page":1,"limit":10,"pages":7}`)
		assert.Contains(t, string(body), `"data":[{"_id":"`+created.Data.ID+`"`)
	})

	t.Run("the page's obfuscated email is not an email", func(t *testing.T) {
		body := strings.Replace(docCreateBody, docEmail, "[email protected]", 1)
		status, _, resp := curl(t, hc, http.MethodPost, srv.URL+"/business/contact/create", srv.Secret, body)
		assert.Equal(t, http.StatusBadRequest, status)
		assert.JSONEq(t, `{"success":false,"error":"There are problems with your submission","errors":{"email":"Email is invalid"}}`, string(resp))
	})

	t.Run("the docs' placeholder secret is refused", func(t *testing.T) {
		status, _, body := curl(t, hc, http.MethodGet, srv.URL+"/business/contact/list?page=1&limit=10", "cs_your_client_secret", "")
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.JSONEq(t, `{"success":false,"message":"Unauthorized access!"}`, string(body))
	})
}
