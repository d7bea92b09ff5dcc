package cashfintest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

const unauthorized = `{"success":false,"message":"Unauthorized access!"}`

var (
	objectID = regexp.MustCompile(`^[0-9a-f]{24}$`)
	apiTime  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

func TestAuthorization(t *testing.T) {
	h := cashfintest.NewHandler(cashfintest.WithSecret("cs_test_other"))
	assert.Equal(t, "cs_test_other", h.Secret())
	paths := []struct{ method, target string }{
		{http.MethodPost, "/business/contact/create"},
		{http.MethodGet, "/business/contact/list"},
		{http.MethodGet, "/business/contact/details/507f1f77bcf86cd799439045"},
		{http.MethodGet, "/business/contact/nope"},
		{http.MethodDelete, "/business/contact/list"}, // 401 comes before 405
	}
	auths := []struct {
		name   string
		header map[string]string
	}{
		{"missing", map[string]string{"Authorization": ""}},
		{"default secret", map[string]string{"Authorization": cashfintest.DefaultSecret}},
		{"bearer prefix", map[string]string{"Authorization": "Bearer cs_test_other"}},
		{"different case", map[string]string{"Authorization": "CS_TEST_OTHER"}},
		{"trailing space", map[string]string{"Authorization": "cs_test_other "}},
		{"prefix of the secret", map[string]string{"Authorization": "cs_test_othe"}},
	}
	for _, p := range paths {
		for _, a := range auths {
			t.Run(p.method+" "+p.target+" "+a.name, func(t *testing.T) {
				r := send(t, h, req{method: p.method, target: p.target, body: `{"name":"x"}`, header: a.header})
				assert.Equal(t, http.StatusUnauthorized, r.status)
				assert.JSONEq(t, unauthorized, string(r.body))
			})
		}
	}
	assert.Empty(t, h.Contacts(), "nothing is created without authorization")

	t.Run("two Authorization headers", func(t *testing.T) {
		hr := httptest.NewRequest(http.MethodGet, "/business/contact/list", nil)
		hr.Header.Add("Authorization", "cs_test_other")
		hr.Header.Add("Authorization", "cs_test_other")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, hr)
		assert.Equal(t, http.StatusUnauthorized, rec.Code)
	})
	t.Run("the right secret", func(t *testing.T) {
		r := send(t, h, req{target: "/business/contact/list", header: map[string]string{"Authorization": "cs_test_other"}})
		assert.Equal(t, http.StatusOK, r.status)
	})
	t.Run("paths outside the API are 404 without authorization", func(t *testing.T) {
		r := send(t, h, req{target: "/favicon.ico", noAuth: true})
		assert.Equal(t, http.StatusNotFound, r.status)
		assert.JSONEq(t, errorEnvelope("Not found"), string(r.body))
	})
}

func TestCreate(t *testing.T) {
	h := cashfintest.NewHandler()
	before := time.Now().UTC().Truncate(time.Millisecond)
	r := send(t, h, req{
		method: http.MethodPost, target: "/business/contact/create",
		body: `{"name":"Jane Wanjiku","email":"jane@acme.co.ke","phone":"+254712345678",
			"position":"Procurement Manager","companyname":"Acme Corp",
			"_id":"000000000000000000000001","createdat":"1999-01-01T00:00:00.000Z","active":false,"extra":{"x":[1,2]}}`,
	})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, "Contact created successfully", r.str("message"))
	var data map[string]any
	require.NoError(t, json.Unmarshal(mustJSON(t, r.env["data"]), &data))
	assert.ElementsMatch(t, []string{"_id", "name", "email", "phone", "position", "companyname", "createdat"}, keys(data),
		"the create response carries the given fields, its _id and createdat; unknown fields are ignored")
	assert.Regexp(t, objectID, data["_id"])
	assert.NotEqual(t, "000000000000000000000001", data["_id"], "a client cannot choose the ID")
	assert.Regexp(t, apiTime, data["createdat"])
	created, err := time.Parse(time.RFC3339, data["createdat"].(string))
	require.NoError(t, err)
	assert.False(t, created.Before(before), "createdat is the time of the create")
	assert.Equal(t, "Jane Wanjiku", data["name"])
	assert.Equal(t, "Acme Corp", data["companyname"])

	stored := h.Contacts()
	require.Len(t, stored, 1)
	assert.Equal(t, data["_id"], stored[0].ID)
	assert.Equal(t, "+254712345678", stored[0].Phone)
	require.NotNil(t, stored[0].Active)
	assert.True(t, *stored[0].Active, "new contacts are active, whatever the body says")
	assert.Equal(t, created, stored[0].CreatedAt)

	t.Run("only a name", func(t *testing.T) {
		r := send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: `{"name":"Kofi","email":null,"phone":""}`})
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		data := r.env["data"].(map[string]any)
		assert.ElementsMatch(t, []string{"_id", "name", "createdat"}, keys(data))
	})
	t.Run("IDs increase", func(t *testing.T) {
		all := h.Contacts()
		require.Len(t, all, 2)
		assert.Greater(t, all[0].ID, all[1].ID)
	})
	t.Run("content types with parameters or +json are JSON", func(t *testing.T) {
		for _, ct := range []string{"application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json"} {
			r := send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: `{"name":"Ama"}`,
				header: map[string]string{"Content-Type": ct}})
			assert.Equal(t, http.StatusCreated, r.status, "%s: %s", ct, r.body)
		}
	})
}

func TestCreateRejectsBadBodies(t *testing.T) {
	invalid := func(fields map[string]string) string {
		b, _ := json.Marshal(map[string]any{"success": false, "error": "There are problems with your submission", "errors": fields})
		return string(b)
	}
	tests := []struct {
		name        string
		body        string
		contentType string // "" is application/json
		status      int
		want        string // the exact body
	}{
		{"empty object", `{}`, "", 400, invalid(map[string]string{"name": "Name is required"})},
		{"blank name", `{"name":"  \t\n"}`, "", 400, invalid(map[string]string{"name": "Name is required"})},
		{"null name", `{"name":null}`, "", 400, invalid(map[string]string{"name": "Name is required"})},
		{"name in other case is unknown", `{"Name":"Jane"}`, "", 400, invalid(map[string]string{"name": "Name is required"})},
		{"number name", `{"name":42}`, "", 400, invalid(map[string]string{"name": "Name must be a string"})},
		{"object name", `{"name":{"first":"Jane"}}`, "", 400, invalid(map[string]string{"name": "Name must be a string"})},
		{"array email", `{"name":"Jane","email":["a@b.co"]}`, "", 400, invalid(map[string]string{"email": "Email must be a string"})},
		{"bool phone", `{"name":"Jane","phone":true}`, "", 400, invalid(map[string]string{"phone": "Phone must be a string"})},
		{"number company", `{"name":"Jane","companyname":1}`, "", 400, invalid(map[string]string{"companyname": "Company name must be a string"})},
		{"several problems", `{"email":"nope","position":7}`, "", 400,
			invalid(map[string]string{"name": "Name is required", "email": "Email is invalid", "position": "Position must be a string"})},
		{"email without @", `{"name":"Jane","email":"jane.acme.co.ke"}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"email without domain dot", `{"name":"Jane","email":"jane@localhost"}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"email with two @", `{"name":"Jane","email":"jane@@acme.co"}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"email with space", `{"name":"Jane","email":"jane doe@acme.co"}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"email padded", `{"name":"Jane","email":" jane@acme.co"}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"email ends with dot", `{"name":"Jane","email":"jane@acme."}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"email starts with @", `{"name":"Jane","email":"@acme.co"}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"email display name", `{"name":"Jane","email":"Jane <jane@acme.co>"}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"email with newline", `{"name":"Jane","email":"jane@acme.co\n"}`, "", 400, invalid(map[string]string{"email": "Email is invalid"})},
		{"array", `[{"name":"Jane"}]`, "", 400, errorEnvelope("Request body must be a JSON object")},
		{"string", `"Jane"`, "", 400, errorEnvelope("Request body must be a JSON object")},
		{"null", `null`, "", 400, errorEnvelope("Request body must be a JSON object")},
		{"number", `42`, "", 400, errorEnvelope("Request body must be a JSON object")},
		{"white space only", "  \n ", "", 400, errorEnvelope("Request body is not valid JSON")},
		{"truncated", `{"name":"Jane"`, "", 400, errorEnvelope("Request body is not valid JSON")},
		{"trailing garbage", `{"name":"Jane"} x`, "", 400, errorEnvelope("Request body is not valid JSON")},
		{"two objects", `{"name":"Jane"}{"name":"Kofi"}`, "", 400, errorEnvelope("Request body is not valid JSON")},
		{"single quotes", `{'name':'Jane'}`, "", 400, errorEnvelope("Request body is not valid JSON")},
		{"not JSON at all", `name=Jane`, "", 400, errorEnvelope("Request body is not valid JSON")},
		{"deeply nested", `{"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `,"name":"Jane"}`, "", 400,
			errorEnvelope("Request body is not valid JSON")},
		{"form content type", `{"name":"Jane"}`, "application/x-www-form-urlencoded", 400, errorEnvelope("Content-Type must be application/json")},
		{"text content type", `{"name":"Jane"}`, "text/plain", 400, errorEnvelope("Content-Type must be application/json")},
		{"garbled content type", `{"name":"Jane"}`, "application/json; ===", 400, errorEnvelope("Content-Type must be application/json")},
	}
	h := cashfintest.NewHandler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: tt.body,
				header: map[string]string{"Content-Type": cmpOr(tt.contentType, "application/json")}})
			assert.Equal(t, tt.status, r.status)
			assert.JSONEq(t, tt.want, string(r.body))
		})
	}
	t.Run("no body", func(t *testing.T) {
		r := send(t, h, req{method: http.MethodPost, target: "/business/contact/create", header: map[string]string{"Content-Type": "application/json"}})
		assert.Equal(t, http.StatusBadRequest, r.status)
		assert.JSONEq(t, errorEnvelope("Request body is not valid JSON"), string(r.body))
	})
	t.Run("no content type", func(t *testing.T) {
		r := send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: `{"name":"Jane"}`,
			header: map[string]string{"Content-Type": ""}})
		assert.Equal(t, http.StatusBadRequest, r.status)
	})
	assert.Empty(t, h.Contacts(), "no bad body stores anything")
}

func TestCreateBodyLimit(t *testing.T) {
	h := cashfintest.NewHandler()
	name := func(n int) string { return `{"name":"` + strings.Repeat("a", n) + `"}` }
	overhead := len(name(0))

	r := send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: name(cashfintest.MaxBodySize - overhead)})
	assert.Equal(t, http.StatusCreated, r.status, "a body of exactly 1 MiB is accepted")

	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			hr := httptest.NewRequest(http.MethodPost, "/business/contact/create", strings.NewReader(name(cashfintest.MaxBodySize-overhead+1)))
			if chunked {
				hr.ContentLength = -1 // length unknown: the limit is found while reading
			}
			hr.Header.Set("Authorization", cashfintest.DefaultSecret)
			hr.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, hr)
			r := checkEnvelope(t, rec.Code, rec.Header(), rec.Body.Bytes())
			assert.Equal(t, http.StatusRequestEntityTooLarge, r.status)
			assert.JSONEq(t, errorEnvelope("Request body too large"), string(r.body))
		})
	}
	assert.Len(t, h.Contacts(), 1, "an oversized body stores nothing")
}

func TestRouting(t *testing.T) {
	h := cashfintest.NewHandler()
	tests := []struct {
		method, target string
		status         int
		allow          string
		want           string
	}{
		{http.MethodGet, "/", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/invoice/list", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/customers/list", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/customer/nope", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/customer/update/507f1f77bcf86cd799439045", 405, "PATCH", errorEnvelope("Method not allowed")},
		{http.MethodPut, "/business/customer/update/507f1f77bcf86cd799439045", 405, "PATCH", errorEnvelope("Method not allowed")},
		{http.MethodPatch, "/business/customer/details/507f1f77bcf86cd799439045", 405, "GET", errorEnvelope("Method not allowed")},
		{http.MethodGet, "/business/customer/create", 405, "POST", errorEnvelope("Method not allowed")},
		{http.MethodGet, "/business/contact", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/contact/", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/contact/list/", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/contact/LIST", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/contact/update/507f1f77bcf86cd799439045", 404, "", errorEnvelope("Not found")},
		{http.MethodGet, "/business/contact/create", 405, "POST", errorEnvelope("Method not allowed")},
		{http.MethodPut, "/business/contact/create", 405, "POST", errorEnvelope("Method not allowed")},
		{http.MethodPost, "/business/contact/list", 405, "GET", errorEnvelope("Method not allowed")},
		{http.MethodHead, "/business/contact/list", 405, "GET", errorEnvelope("Method not allowed")},
		{http.MethodDelete, "/business/contact/details/507f1f77bcf86cd799439045", 405, "GET", errorEnvelope("Method not allowed")},
		{http.MethodPatch, "/business/contact/details/507f1f77bcf86cd799439045", 405, "GET", errorEnvelope("Method not allowed")},
		{http.MethodOptions, "/business/contact/list", 405, "GET", errorEnvelope("Method not allowed")},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			r := send(t, h, req{method: tt.method, target: tt.target})
			assert.Equal(t, tt.status, r.status)
			assert.Equal(t, tt.allow, r.header.Get("Allow"))
			assert.JSONEq(t, tt.want, string(r.body))
		})
	}
}

func TestDetails(t *testing.T) {
	h := cashfintest.NewHandler()
	created := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	inactive := false
	h.AddContacts(
		cashfin.Contact{ID: "507f1f77bcf86cd799439045", Name: "Jane Wanjiku", Email: "jane@acme.co.ke",
			Phone: "+254712345678", Position: "Procurement Manager", CompanyName: "Acme Corp", CreatedAt: created},
		cashfin.Contact{ID: "507F1F77BCF86CD799439046", Name: "Old Kofi", Active: &inactive, CreatedAt: created,
			UpdatedAt: created.Add(90 * time.Minute)},
	)

	r := send(t, h, req{target: "/business/contact/details/507f1f77bcf86cd799439045"})
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"success":true,"data":{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku",
		"email":"jane@acme.co.ke","phone":"+254712345678","position":"Procurement Manager","companyname":"Acme Corp",
		"active":true,"createdat":"2024-01-15T12:00:00.000Z","updatedat":"2024-01-15T12:00:00.000Z"}}`, string(r.body))

	r = send(t, h, req{target: "/business/contact/details/507f1f77bcf86cd799439046"})
	require.Equal(t, http.StatusOK, r.status, "IDs are stored in lower case")
	assert.JSONEq(t, `{"success":true,"data":{"_id":"507f1f77bcf86cd799439046","name":"Old Kofi","active":false,
		"createdat":"2024-01-15T12:00:00.000Z","updatedat":"2024-01-15T13:30:00.000Z"}}`, string(r.body))

	r = send(t, h, req{target: "/business/contact/details/507F1F77BCF86CD799439045"})
	assert.Equal(t, http.StatusOK, r.status, "hex is hex in either case")

	for _, id := range []string{
		"507f1f77bcf86cd799439044",   // unknown
		"507f1f77bcf86cd79943904",    // 23 characters
		"507f1f77bcf86cd7994390450",  // 25 characters
		"507f1f77bcf86cd79943904g",   // not hex
		"",                           // none
		"507f1f77bcf86cd799439045/x", // a deeper path
		"..%2F..%2Flist",             // an escaped slash
		"%00%00",                     // NULs
		"%E2%82%AC",                  // a euro sign
		"507f1f77bcf86cd799439045%20",
	} {
		t.Run(id, func(t *testing.T) {
			r := send(t, h, req{target: "/business/contact/details/" + id})
			assert.Equal(t, http.StatusNotFound, r.status)
			assert.JSONEq(t, `{"success":false,"error":"Contact not found"}`, string(r.body))
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
