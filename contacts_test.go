package cashfin_test

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

// checkCommonHeaders checks the headers every request carries.
func checkCommonHeaders(t *testing.T, h http.Header) {
	t.Helper()
	assert.Equal(t, []string{testSecret}, h.Values("Authorization"), "raw secret, no scheme")
	assert.Equal(t, []string{"application/json"}, h.Values("Accept"))
	ua := h.Get("User-Agent")
	assert.True(t, strings.HasPrefix(ua, "cashfin-go/"+cashfin.Version), "User-Agent %q", ua)
}

// onlyRequest requires that rec saw exactly one request, checks its method and the headers every
// request carries, and returns it.
func onlyRequest(t *testing.T, rec *capture, method string) seen {
	t.Helper()
	reqs := rec.all()
	require.Len(t, reqs, 1)
	assert.Equal(t, method, reqs[0].Method)
	checkCommonHeaders(t, reqs[0].Header)
	return reqs[0]
}

// jsonBody decodes the JSON body of r.
func jsonBody(t *testing.T, r seen) map[string]any {
	t.Helper()
	var body map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &body), string(r.Body))
	return body
}

func TestCreateWireFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		params cashfin.ContactCreateParams
		want   map[string]any
	}{
		{"all fields", cashfin.ContactCreateParams{
			Name: "Jane Wanjiku", Email: "jane@acme.test", Phone: "+254712345678",
			Position: "Procurement Manager", CompanyName: "Acme Corp",
		}, map[string]any{
			"name": "Jane Wanjiku", "email": "jane@acme.test", "phone": "+254712345678",
			"position": "Procurement Manager", "companyname": "Acme Corp",
		}},
		{"name only", cashfin.ContactCreateParams{Name: "Jane"}, map[string]any{"name": "Jane"}},
		{"some fields", cashfin.ContactCreateParams{Name: "Jane", Phone: "0712", CompanyName: "Acme & Sons <ltd>"},
			map[string]any{"name": "Jane", "phone": "0712", "companyname": "Acme & Sons <ltd>"}},
		{"unicode", cashfin.ContactCreateParams{Name: "Zoë Ñandú 王", Position: "CEO"},
			map[string]any{"name": "Zoë Ñandú 王", "position": "CEO"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, cashfin.WithUserAgent("acme-sync/1.2"))
			rec := serve(mt, reply{status: 201, body: `{"success":true,"message":"Contact created successfully","data":{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku","email":"jane@acme.test","phone":"+254712345678","position":"Procurement Manager","companyname":"Acme Corp","createdat":"2024-01-15T12:00:00.000Z"}}`})
			params := tc.params
			got, err := c.Contacts.Create(context.Background(), &params)
			require.NoError(t, err)
			assert.Equal(t, tc.params, params, "the caller's params were modified")

			r := onlyRequest(t, rec, http.MethodPost)
			assert.Equal(t, "https://api.test/business/contact/create", r.URL)
			assert.True(t, strings.HasSuffix(r.Header.Get("User-Agent"), " acme-sync/1.2"), r.Header.Get("User-Agent"))
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.NotEmpty(t, r.Header.Get("Idempotency-Key"))
			assert.Equal(t, tc.want, jsonBody(t, r))

			assert.Equal(t, &cashfin.Contact{
				ID: testID, Name: "Jane Wanjiku", Email: "jane@acme.test", Phone: "+254712345678",
				Position: "Procurement Manager", CompanyName: "Acme Corp",
				CreatedAt: time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC),
			}, got)
		})
	}
}

func TestGetWireFormat(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 200, body: contactOK})
	for _, id := range []string{testID, "507F1F77BCF86CD799439045"} {
		_, err := c.Contacts.Get(context.Background(), id)
		require.NoError(t, err)
	}
	reqs := rec.all()
	require.Len(t, reqs, 2)
	for i, r := range reqs {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, "https://api.test/business/contact/details/"+[]string{testID, "507F1F77BCF86CD799439045"}[i], r.URL)
		checkCommonHeaders(t, r.Header)
		assert.Empty(t, r.Header.Get("Content-Type"), "a GET has no body")
		assert.Empty(t, r.Header.Get("Idempotency-Key"), "only POSTs carry a key")
		assert.Empty(t, r.Body)
	}
}

func TestUserAgentDefault(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 200, body: contactOK})
	_, err := c.Contacts.Get(context.Background(), testID)
	require.NoError(t, err)
	ua := rec.all()[0].Header.Get("User-Agent")
	assert.True(t, strings.HasPrefix(ua, "cashfin-go/"+cashfin.Version), ua)
	assert.NotContains(t, ua, "Go-http-client")
	assert.NotEmpty(t, cashfin.Version)
}

func TestListWireFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		params *cashfin.ContactListParams
		want   url.Values
	}{
		{"nil: API default limit", nil, url.Values{"page": {"1"}}},
		{"zero value", &cashfin.ContactListParams{}, url.Values{"page": {"1"}}},
		{"page and limit", &cashfin.ContactListParams{Page: 3, Limit: 25}, url.Values{"page": {"3"}, "limit": {"25"}}},
		{"limit bounds", &cashfin.ContactListParams{Limit: 100}, url.Values{"page": {"1"}, "limit": {"100"}}},
		{"limit 1", &cashfin.ContactListParams{Limit: 1}, url.Values{"page": {"1"}, "limit": {"1"}}},
		{"search plain", &cashfin.ContactListParams{Search: "jane"}, url.Values{"page": {"1"}, "search": {"jane"}}},
		{"search with spaces and &", &cashfin.ContactListParams{Search: "Jane & Co = 100% +1"},
			url.Values{"page": {"1"}, "search": {"Jane & Co = 100% +1"}}},
		{"search unicode", &cashfin.ContactListParams{Search: "Zoë 王 ?#/"},
			url.Values{"page": {"1"}, "search": {"Zoë 王 ?#/"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := serve(mt, reply{status: 200, body: listOK})
			var before cashfin.ContactListParams
			if tc.params != nil {
				before = *tc.params
			}
			_, err := c.Contacts.List(context.Background(), tc.params)
			require.NoError(t, err)
			if tc.params != nil {
				assert.Equal(t, before, *tc.params, "the caller's params were modified")
			}
			r := onlyRequest(t, rec, http.MethodGet)
			assert.Equal(t, "/business/contact/list", r.Path)
			assert.Empty(t, r.Header.Get("Idempotency-Key"))
			assert.NotContains(t, r.Query, " ", "the query is not encoded")
			got, err := url.ParseQuery(r.Query)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestIteratorsDefaultLimit100(t *testing.T) {
	t.Parallel()
	for name, run := range map[string]func(c *cashfin.Client, p *cashfin.ContactListParams){
		"ListPages": func(c *cashfin.Client, p *cashfin.ContactListParams) {
			for _, err := range c.Contacts.ListPages(context.Background(), p) {
				require.NoError(t, err)
			}
		},
		"ListAll": func(c *cashfin.Client, p *cashfin.ContactListParams) {
			for _, err := range c.Contacts.ListAll(context.Background(), p) {
				require.NoError(t, err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				params *cashfin.ContactListParams
				want   url.Values
			}{
				{nil, url.Values{"page": {"1"}, "limit": {"100"}}},
				{&cashfin.ContactListParams{Search: "a b"}, url.Values{"page": {"1"}, "limit": {"100"}, "search": {"a b"}}},
				{&cashfin.ContactListParams{Page: 4, Limit: 7}, url.Values{"page": {"4"}, "limit": {"7"}}},
			} {
				c, mt := newMockClient(t)
				rec := serve(mt, reply{status: 200, body: listOK})
				var before cashfin.ContactListParams
				if tc.params != nil {
					before = *tc.params
				}
				run(c, tc.params)
				if tc.params != nil {
					assert.Equal(t, before, *tc.params, "the caller's params were modified")
				}
				reqs := rec.all()
				require.Len(t, reqs, 1, "one short page without a page block ends the walk")
				got, err := url.ParseQuery(reqs[0].Query)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
			}
		})
	}
}

func TestListDecodesPageBlock(t *testing.T) {
	t.Parallel()
	const items = `[{"_id":"507f1f77bcf86cd799439045","name":"A","extra":{"x":1}},{"_id":"507f1f77bcf86cd799439046","name":"B"}]`
	for _, tc := range []struct {
		name string
		body string
		want cashfin.Pagination
	}{
		{"pagination", `{"success":true,"data":` + items + `,"pagination":{"total":42,"page":2,"limit":2,"pages":21}}`,
			cashfin.Pagination{Total: 42, Page: 2, Limit: 2, Pages: 21}},
		{"meta", `{"success":true,"data":` + items + `,"meta":{"total":42,"page":2,"limit":2,"pages":21}}`,
			cashfin.Pagination{Total: 42, Page: 2, Limit: 2, Pages: 21}},
		{"pagination and unknown fields", `{"success":true,"message":"ok","data":` + items +
			`,"pagination":{"total":3,"page":1,"limit":2,"pages":2,"next":"x"},"links":{"next":"/x"},"version":2}`,
			cashfin.Pagination{Total: 3, Page: 1, Limit: 2, Pages: 2}},
		{"no block", `{"success":true,"data":` + items + `}`, cashfin.Pagination{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			serve(mt, reply{status: 200, body: tc.body})
			page, err := c.Contacts.List(context.Background(), nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, page.Pagination)
			require.Len(t, page.Data, 2)
			assert.Equal(t, "A", page.Data[0].Name)
			assert.Equal(t, "507f1f77bcf86cd799439046", page.Data[1].ID)
		})
	}
}

func TestListEmptyAndNullData(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"success":true,"data":[]}`, `{"success":true,"data":null}`, `{"success":true}`} {
		c, mt := newMockClient(t)
		serve(mt, reply{status: 200, body: body})
		page, err := c.Contacts.List(context.Background(), nil)
		require.NoError(t, err, body)
		assert.Empty(t, page.Data, body)
	}
}

func TestPaginationHasNext(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    cashfin.Pagination
		want bool
	}{
		{cashfin.Pagination{Page: 1, Pages: 2}, true},
		{cashfin.Pagination{Page: 2, Pages: 2}, false},
		{cashfin.Pagination{Page: 3, Pages: 2}, false},
		{cashfin.Pagination{Page: 1, Pages: 1}, false},
		{cashfin.Pagination{Page: 1, Pages: 0}, false},
		{cashfin.Pagination{}, false},
	} {
		assert.Equal(t, tc.want, tc.p.HasNext(), "%+v", tc.p)
	}
}

func TestGetDecodesContact(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	jan15 := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		fields string
		want   cashfin.Contact
	}{
		{"full, with milliseconds", `"name":"Jane","email":"j@x.test","phone":"+254","position":"CEO","companyname":"Acme","active":true,"createdat":"2024-01-15T12:00:00.000Z","updatedat":"2024-01-16T08:30:00.250Z","sourceorigin":"api","__v":0`,
			cashfin.Contact{ID: testID, Name: "Jane", Email: "j@x.test", Phone: "+254", Position: "CEO", CompanyName: "Acme",
				Active: &yes, CreatedAt: jan15, UpdatedAt: time.Date(2024, 1, 16, 8, 30, 0, 250e6, time.UTC)}},
		{"no milliseconds", `"name":"Jane","active":false,"createdat":"2024-01-15T12:00:00Z"`,
			cashfin.Contact{ID: testID, Name: "Jane", Active: &no, CreatedAt: jan15}},
		{"offset", `"name":"Jane","createdat":"2024-01-15T15:00:00+03:00"`,
			cashfin.Contact{ID: testID, Name: "Jane", CreatedAt: jan15}},
		{"timestamps missing, active missing", `"name":"Jane"`, cashfin.Contact{ID: testID, Name: "Jane"}},
		{"timestamps null, active null", `"name":"Jane","active":null,"createdat":null,"updatedat":null`, cashfin.Contact{ID: testID, Name: "Jane"}},
		{"timestamps empty", `"name":"Jane","createdat":"","updatedat":""`, cashfin.Contact{ID: testID, Name: "Jane"}},
		{"unknown nested fields", `"name":"Jane","address":{"city":"Nairobi"},"tags":["a",1,null]`, cashfin.Contact{ID: testID, Name: "Jane"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			serve(mt, reply{status: 200, body: `{"success":true,"message":"x","extra":[1,2],"data":{"_id":"` + testID + `",` + tc.fields + `}}`})
			got, err := c.Contacts.Get(context.Background(), testID)
			require.NoError(t, err)
			assert.True(t, tc.want.CreatedAt.Equal(got.CreatedAt), "CreatedAt %v, want %v", got.CreatedAt, tc.want.CreatedAt)
			assert.True(t, tc.want.UpdatedAt.Equal(got.UpdatedAt), "UpdatedAt %v, want %v", got.UpdatedAt, tc.want.UpdatedAt)
			assert.Equal(t, tc.want.CreatedAt.IsZero(), got.CreatedAt.IsZero())
			got.CreatedAt, got.UpdatedAt = tc.want.CreatedAt, tc.want.UpdatedAt
			assert.Equal(t, tc.want, *got)
		})
	}
}

func TestContactJSONRoundTrip(t *testing.T) {
	t.Parallel()
	yes := true
	full := cashfin.Contact{
		ID: testID, Name: "Jane Wanjiku", Email: "jane@acme.test", Phone: "+254712345678",
		Position: "Procurement Manager", CompanyName: "Acme Corp", Active: &yes,
		CreatedAt: time.Date(2024, 1, 15, 12, 0, 0, 123e6, time.UTC),
		UpdatedAt: time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC),
	}
	data, err := json.Marshal(full)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, map[string]any{
		"_id": testID, "name": "Jane Wanjiku", "email": "jane@acme.test", "phone": "+254712345678",
		"position": "Procurement Manager", "companyname": "Acme Corp", "active": true,
		"createdat": "2024-01-15T12:00:00.123Z", "updatedat": "2024-02-01T09:00:00.000Z",
	}, m)

	var back cashfin.Contact
	require.NoError(t, json.Unmarshal(data, &back))
	assert.True(t, full.CreatedAt.Equal(back.CreatedAt))
	assert.True(t, full.UpdatedAt.Equal(back.UpdatedAt))
	back.CreatedAt, back.UpdatedAt = full.CreatedAt, full.UpdatedAt
	assert.Equal(t, full, back)

	// Pointer and value marshal alike; empty fields and zero times are left out.
	data, err = json.Marshal(&cashfin.Contact{Name: "J"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"J"}`, string(data))

	// A zero contact survives the trip.
	var zero cashfin.Contact
	data, err = json.Marshal(zero)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, zero, back)

	// The API's form, with its loose timestamps, unmarshals.
	require.NoError(t, json.Unmarshal([]byte(`{"_id":"`+testID+`","name":"J","createdat":"","updatedat":null,"x":1}`), &back))
	assert.Equal(t, cashfin.Contact{ID: testID, Name: "J"}, back)

	// A slice of contacts (a user's own cache file, say) round-trips too.
	data, err = json.Marshal([]cashfin.Contact{full, {Name: "K"}})
	require.NoError(t, err)
	var list []cashfin.Contact
	require.NoError(t, json.Unmarshal(data, &list))
	require.Len(t, list, 2)
	assert.Equal(t, "K", list[1].Name)

	assert.Error(t, json.Unmarshal([]byte(`{"name":1}`), &back), "a wrongly typed field is an error")
}

// drain runs an iterator to its end and returns the errors it yielded.
func drain[T any](seq iter.Seq2[T, error]) (n int, errs []error) {
	for _, err := range seq {
		if err != nil {
			errs = append(errs, err)
		} else {
			n++
		}
	}
	return n, errs
}

func TestClientSideValidationSendsNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	badIDs := []string{
		"",
		"507f1f77bcf86cd79943904",   // 23
		"507f1f77bcf86cd7994390455", // 25
		"507f1f77bcf86cd79943904g",  // not hex
		"507f1f77bcf86cd79943904 ",
		"../../../business/contact",
		"507f1f77bcf86cd7/9439045",
		"507f1f77bcf86cd79943904é",
	}
	badLists := []*cashfin.ContactListParams{
		{Page: -1},
		{Limit: -1},
		{Limit: 101},
		{Limit: 1 << 30},
		{Page: -5, Limit: 10},
	}
	type call struct {
		name string
		do   func(c *cashfin.Client) error
	}
	calls := []call{
		{"Create nil", func(c *cashfin.Client) error { _, err := c.Contacts.Create(ctx, nil); return err }},
		{"Create zero", func(c *cashfin.Client) error {
			_, err := c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Email: "j@x.test"})
			return err
		}},
		{"Create blank name", func(c *cashfin.Client) error {
			_, err := c.Contacts.Create(ctx, &cashfin.ContactCreateParams{Name: " \t\n "})
			return err
		}},
	}
	for _, id := range badIDs {
		calls = append(calls, call{"Get " + id, func(c *cashfin.Client) error { _, err := c.Contacts.Get(ctx, id); return err }})
	}
	for _, p := range badLists {
		calls = append(calls,
			call{"List", func(c *cashfin.Client) error { _, err := c.Contacts.List(ctx, p); return err }},
			call{"ListPages", func(c *cashfin.Client) error {
				n, errs := drain(c.Contacts.ListPages(ctx, p))
				if n != 0 || len(errs) != 1 {
					return errors.New("want exactly one error and no page")
				}
				return errs[0]
			}},
			call{"ListAll", func(c *cashfin.Client) error {
				n, errs := drain(c.Contacts.ListAll(ctx, p))
				if n != 0 || len(errs) != 1 {
					return errors.New("want exactly one error and no item")
				}
				return errs[0]
			}},
		)
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			err := tc.do(c)
			require.ErrorIs(t, err, cashfin.ErrInvalidParams)
			var apiErr *cashfin.APIError
			assert.False(t, errors.As(err, &apiErr), "a validation error is not an API error")
			assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
			assert.Equal(t, 0, mt.GetTotalCallCount(), "a request was sent")
		})
	}
}

func TestValidParamsAreSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 200, body: listOK})
	_, err := c.Contacts.List(ctx, &cashfin.ContactListParams{Page: 0, Limit: 100})
	require.NoError(t, err)
	_, err = c.Contacts.List(ctx, &cashfin.ContactListParams{Page: 1, Limit: 1})
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 2)
	assert.Equal(t, "limit=100&page=1", reqs[0].Query, "the boundary values are sent as given")
	assert.Equal(t, "limit=1&page=1", reqs[1].Query)
}
