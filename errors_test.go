package cashfin_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// sentinels are every error kind; an API error matches exactly one of them, or none.
var sentinels = map[string]error{
	"ErrInvalidParams":      cashfin.ErrInvalidParams,
	"ErrBadRequest":         cashfin.ErrBadRequest,
	"ErrUnauthorized":       cashfin.ErrUnauthorized,
	"ErrForbidden":          cashfin.ErrForbidden,
	"ErrNotFound":           cashfin.ErrNotFound,
	"ErrConflict":           cashfin.ErrConflict,
	"ErrRateLimited":        cashfin.ErrRateLimited,
	"ErrServer":             cashfin.ErrServer,
	"ErrUnexpectedResponse": cashfin.ErrUnexpectedResponse,
}

// assertKind checks that err matches want (nil: no sentinel) and no other sentinel.
func assertKind(t *testing.T, err, want error) {
	t.Helper()
	for name, s := range sentinels {
		assert.Equal(t, s == want, errors.Is(err, s), "errors.Is(err, %s) for %v", name, err)
	}
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	htmlPage := "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
	for _, tc := range []struct {
		name       string
		status     int
		body       string
		header     http.Header
		kind       error // nil: a plain *APIError
		message    string
		fields     map[string]string
		retryAfter time.Duration
	}{
		{name: "400", status: 400, body: `{"success":false,"error":"There are problems with your submission","errors":{"email":"Email is invalid"}}`,
			kind: cashfin.ErrBadRequest, message: "There are problems with your submission", fields: map[string]string{"email": "Email is invalid"}},
		{name: "401 message only", status: 401, body: `{"success":false,"message":"Unauthorized access!"}`,
			kind: cashfin.ErrUnauthorized, message: "Unauthorized access!"},
		{name: "403", status: 403, body: `{"success":false,"error":"Forbidden"}`, kind: cashfin.ErrForbidden, message: "Forbidden"},
		{name: "404", status: 404, body: `{"success":false,"error":"Contact not found"}`, kind: cashfin.ErrNotFound, message: "Contact not found"},
		{name: "409", status: 409, body: `{"success":false,"error":"Idempotency key reused"}`, kind: cashfin.ErrConflict, message: "Idempotency key reused"},
		{name: "422 with fields", status: 422,
			body: `{"success":false,"error":"There are problems with your submission","errors":{"name":"Name is required","email":"Email is invalid"},"message":"Validation failed"}`,
			kind: cashfin.ErrBadRequest, message: "There are problems with your submission",
			fields: map[string]string{"name": "Name is required", "email": "Email is invalid"}},
		{name: "429", status: 429, body: `{"success":false,"error":"Rate limit exceeded. Try again later.","retry_after":30}`,
			kind: cashfin.ErrRateLimited, message: "Rate limit exceeded. Try again later.", retryAfter: 30 * time.Second},
		{name: "429 header", status: 429, header: http.Header{"Retry-After": {"7"}}, body: `{"success":false,"error":"slow down"}`,
			kind: cashfin.ErrRateLimited, message: "slow down", retryAfter: 7 * time.Second},
		{name: "500", status: 500, body: `{"success":false,"error":"Internal server error"}`, kind: cashfin.ErrServer, message: "Internal server error"},
		{name: "501", status: 501, body: ``, kind: cashfin.ErrServer, message: "Not Implemented"},
		{name: "502 HTML", status: 502, body: htmlPage, kind: cashfin.ErrServer, message: "Bad Gateway"},
		{name: "503", status: 503, body: `{"success":false,"message":"Maintenance"}`, kind: cashfin.ErrServer, message: "Maintenance"},
		{name: "504 empty", status: 504, body: ``, kind: cashfin.ErrServer, message: "Gateway Timeout"},
		{name: "405", status: 405, body: `{"success":false,"error":"Method not allowed"}`, kind: nil, message: "Method not allowed"},
		{name: "410", status: 410, body: ``, kind: nil, message: "Gone"},
		{name: "418 not JSON", status: 418, body: `I'm a teapot`, kind: nil, message: "I'm a teapot"},
		{name: "404 HTML", status: 404, body: `<html>nope</html>`, kind: cashfin.ErrNotFound, message: "Not Found"},
		{name: "400 JSON without success", status: 400, body: `{"error":"x","errors":{"f":"why"}}`, kind: cashfin.ErrBadRequest,
			message: "x", fields: map[string]string{"f": "why"}},
		{name: "403 gateway JSON", status: 403, body: `{"message":"Forbidden by WAF"}`, kind: cashfin.ErrForbidden, message: "Forbidden by WAF"},
		{name: "503 JSON retry_after without success", status: 503, body: `{"retry_after":9}`, kind: cashfin.ErrServer,
			message: "Service Unavailable", retryAfter: 9 * time.Second},
		{name: "500 JSON array", status: 500, body: `["x"]`, kind: cashfin.ErrServer, message: "Internal Server Error"},
		{name: "200 success:false not found", status: 200, body: `{"success":false,"error":"Contact not found"}`,
			kind: cashfin.ErrNotFound, message: "Contact not found"},
		{name: "200 success:false NOT FOUND message", status: 200, body: `{"success":false,"message":"Record NOT FOUND"}`,
			kind: cashfin.ErrNotFound, message: "Record NOT FOUND"},
		{name: "200 success:false other", status: 200, body: `{"success":false,"error":"Email already exists","errors":{"email":"taken"}}`,
			kind: cashfin.ErrBadRequest, message: "Email already exists", fields: map[string]string{"email": "taken"}},
		{name: "201 success:false data empty string", status: 201, body: `{"success":false,"error":"Could not save","data":""}`,
			kind: cashfin.ErrBadRequest, message: "Could not save"},
		{name: "200 success:false no message", status: 200, body: `{"success":false}`, kind: cashfin.ErrBadRequest, message: "OK"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, cashfin.WithMaxRetries(0), cashfin.WithBaseURL("https://api.test/v1/"))
			h := http.Header{"X-Request-Id": {"req-" + tc.name}}
			for k, v := range tc.header {
				h[k] = v
			}
			rec := serve(mt, reply{status: tc.status, body: tc.body, header: h})
			_, err := c.Contacts.Get(context.Background(), testID)
			require.Error(t, err)
			assert.Equal(t, 1, rec.len())
			assertKind(t, err, tc.kind)

			var apiErr *cashfin.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.message, apiErr.Message)
			assert.Equal(t, tc.fields, apiErr.Fields)
			assert.Equal(t, "req-"+tc.name, apiErr.RequestID)
			assert.Equal(t, tc.retryAfter, apiErr.RetryAfter)
			assert.Equal(t, http.MethodGet, apiErr.Method)
			assert.Equal(t, "/v1/business/contact/details/"+testID, apiErr.Path)
			assert.Equal(t, tc.body, string(apiErr.Body))
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "cashfin: "), msg)
			assert.Contains(t, msg, tc.message)
			assert.NotContains(t, msg, "api.test", "the host is not in the message")
		})
	}
}

func TestErrorUnexpectedResponse(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"HTML":                    `<html><body>Welcome to nginx</body></html>`,
		"empty":                   ``,
		"JSON without success":    `{"data":{"_id":"507f1f77bcf86cd799439045"}}`,
		"success not a boolean":   `{"success":"true","data":{}}`,
		"success null":            `{"success":null,"data":{}}`,
		"JSON array":              `[{"_id":"507f1f77bcf86cd799439045"}]`,
		"JSON string":             `"ok"`,
		"truncated JSON":          `{"success":true,"data":{"_id":"507f`,
		"data of the wrong shape": `{"success":true,"data":"Contact created"}`,
		"field of the wrong type": `{"success":true,"data":{"_id":42,"name":"J"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, fast())
			rec := serve(mt, reply{status: 200, body: body})
			_, err := c.Contacts.Get(context.Background(), testID)
			assertKind(t, err, cashfin.ErrUnexpectedResponse)
			var apiErr *cashfin.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 200, apiErr.StatusCode)
			assert.Equal(t, body, string(apiErr.Body))
			assert.Equal(t, "/business/contact/details/"+testID, apiErr.Path)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
			assert.Equal(t, 1, rec.len(), "an unexpected 2xx body is not retried")
		})
	}

	// A list whose data is not a list.
	c, mt := newMockClient(t)
	serve(mt, reply{status: 200, body: `{"success":true,"data":{"_id":"x"}}`})
	_, err := c.Contacts.List(context.Background(), nil)
	assertKind(t, err, cashfin.ErrUnexpectedResponse)
}

func TestErrorMessagePrecedence(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body, want string
	}{
		{`{"success":false,"error":"from error","message":"from message"}`, "from error"},
		{`{"success":false,"message":"from message","error":"from error"}`, "from error"},
		{`{"success":false,"error":"","message":"from message"}`, "from message"},
		{`{"success":false,"error":null,"message":"from message"}`, "from message"},
		{`{"success":false,"message":"from message"}`, "from message"},
		{`{"success":false,"error":{"message":"nested"}}`, "nested"},
		{`{"success":false}`, "Conflict"},
		{`{"success":false,"error":"","message":""}`, "Conflict"},
		{``, "Conflict"},
		{`not json`, "Conflict"},
	} {
		c, mt := newMockClient(t)
		serve(mt, reply{status: 409, body: tc.body})
		_, err := c.Contacts.Get(context.Background(), testID)
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr, tc.body)
		assert.Equal(t, tc.want, apiErr.Message, tc.body)
		assertKind(t, err, cashfin.ErrConflict)
	}
}

func TestErrorPathHasNoQueryOrHost(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, cashfin.WithBaseURL("https://api.test/prefix"))
	serve(mt, reply{status: 403, body: `{"success":false,"error":"no"}`})
	_, err := c.Contacts.List(context.Background(), &cashfin.ContactListParams{Search: "jane@acme.test", Limit: 5})
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "/prefix/business/contact/list", apiErr.Path)
	assert.Equal(t, http.MethodGet, apiErr.Method)
	assert.NotContains(t, err.Error(), "jane@acme.test")
	assert.NotContains(t, err.Error(), "?")

	_, err = c.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: "J"})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.MethodPost, apiErr.Method)
	assert.Equal(t, "/prefix/business/contact/create", apiErr.Path)
}

func TestErrorBodyCappedAt4KiB(t *testing.T) {
	t.Parallel()
	body := `{"success":false,"error":"too much","padding":"` + strings.Repeat("x", 10<<10) + `"}`
	c, mt := newMockClient(t)
	serve(mt, reply{status: 400, body: body})
	_, err := c.Contacts.Get(context.Background(), testID)
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, apiErr.Body, 4<<10)
	assert.Equal(t, body[:4<<10], string(apiErr.Body))
	assert.Equal(t, "too much", apiErr.Message, "the message comes from the whole body")
	assert.Less(t, len(err.Error()), 1<<10, "Error() does not carry the body")
}

func TestErrorRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t, cashfin.WithMaxRetries(0))
	at := time.Now().Add(10 * time.Minute).UTC().Format(http.TimeFormat)
	serve(mt, reply{status: 429, header: http.Header{"Retry-After": {at}}})
	_, err := c.Contacts.Get(context.Background(), testID)
	var apiErr *cashfin.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.InDelta(t, (10 * time.Minute).Seconds(), apiErr.RetryAfter.Seconds(), 5)
}

func TestErrorRetryAfterIgnoresGarbage(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"soon", "-5", "0", "Wed, 21 Oct 2015 07:28:00 GMT"} {
		c, mt := newMockClient(t, cashfin.WithMaxRetries(0))
		serve(mt, reply{status: 429, header: http.Header{"Retry-After": {v}}})
		_, err := c.Contacts.Get(context.Background(), testID)
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Zero(t, apiErr.RetryAfter, "Retry-After %q", v)
	}
}

func TestAPIErrorStandalone(t *testing.T) {
	t.Parallel()
	// An APIError built by hand (in a user's test, say) matches by status.
	for _, tc := range []struct {
		status int
		kind   error
	}{
		{400, cashfin.ErrBadRequest}, {401, cashfin.ErrUnauthorized}, {403, cashfin.ErrForbidden},
		{404, cashfin.ErrNotFound}, {409, cashfin.ErrConflict}, {422, cashfin.ErrBadRequest},
		{429, cashfin.ErrRateLimited}, {500, cashfin.ErrServer}, {599, cashfin.ErrServer},
		{405, nil}, {410, nil}, {200, nil}, {0, nil},
	} {
		e := &cashfin.APIError{StatusCode: tc.status, Message: "m"}
		assertKind(t, e, tc.kind)
		assert.True(t, strings.HasPrefix(e.Error(), "cashfin: "), e.Error())
	}

	e := &cashfin.APIError{StatusCode: 422, Message: "There are problems", Fields: map[string]string{"name": "required", "email": "invalid"},
		RequestID: "req-9", RetryAfter: 2 * time.Second, Method: "POST", Path: "/business/contact/create"}
	assert.Equal(t, "cashfin: POST /business/contact/create: 422 Unprocessable Entity: There are problems "+
		"(email: invalid; name: required) [retry after 2s] [request id req-9]", e.Error())
	assert.Equal(t, "cashfin: status 599: m", (&cashfin.APIError{StatusCode: 599, Message: "m"}).Error())
}
