package cashfin_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

const (
	// customerFull is a whole customer record, as details answers.
	customerFull = `{"_id":"507f1f77bcf86cd799439045","name":"John Doe","email":"john@example.com","phone":"+254712345678",` +
		`"country":"Kenya","currency":"KES","company":"Doe Traders","address":"12 Moi Avenue","city":"Nairobi",` +
		`"type":"business","active":true,"sourceorigin":"api","createdat":"2024-01-15T12:00:00.000Z","updatedat":"2024-02-01T09:00:00Z"}`
	customerOK = `{"success":true,"message":"ok","data":` + customerFull + `}`
	// customerModified is the docs' generic update answer.
	customerModified = `{"success":true,"message":"Customer updated successfully","data":{"_id":"507f1f77bcf86cd799439045","modified":1}}`
)

func wantCustomer() *cashfin.Customer {
	yes := true
	return &cashfin.Customer{
		ID: testID, Name: "John Doe", Email: "john@example.com", Phone: "+254712345678",
		Country: "Kenya", Currency: "KES", Company: "Doe Traders", Address: "12 Moi Avenue", City: "Nairobi",
		Type: cashfin.CustomerBusiness, Active: &yes,
		CreatedAt: time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC),
	}
}

func validCustomerParams() cashfin.CustomerCreateParams {
	return cashfin.CustomerCreateParams{Name: "John Doe", Email: "john@example.com", Phone: "+254712345678",
		Country: "Kenya", Currency: "KES"}
}

func TestCustomerCreateWireFormat(t *testing.T) {
	t.Parallel()
	all := validCustomerParams()
	all.Company, all.Address, all.City, all.Type = "Doe Traders", "12 Moi Avenue", "Nairobi", cashfin.CustomerBusiness
	for _, tc := range []struct {
		name   string
		params cashfin.CustomerCreateParams
		want   map[string]any
		answer string
	}{
		{"all fields", all, map[string]any{"name": "John Doe", "email": "john@example.com", "phone": "+254712345678",
			"country": "Kenya", "currency": "KES", "company": "Doe Traders", "address": "12 Moi Avenue", "city": "Nairobi",
			"type": "business"}, customerOK},
		{"required only, the docs' answer", validCustomerParams(), map[string]any{"name": "John Doe", "email": "john@example.com",
			"phone": "+254712345678", "country": "Kenya", "currency": "KES"},
			`{"success":true,"message":"Customer created successfully","data":{"_id":"507f1f77bcf86cd799439045","name":"John Doe","email":"john@example.com","phone":"+254712345678"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := serve(mt, reply{status: 201, body: tc.answer})
			params := tc.params
			got, err := c.Customers.Create(context.Background(), &params)
			require.NoError(t, err)
			assert.Equal(t, tc.params, params, "the caller's params were modified")
			r := onlyRequest(t, rec, http.MethodPost)
			assert.Equal(t, "https://api.test/business/customer/create", r.URL)
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.Len(t, r.Header.Get("Idempotency-Key"), 32)
			assert.Equal(t, tc.want, jsonBody(t, r))
			assert.Equal(t, testID, got.ID)
			assert.Equal(t, "John Doe", got.Name)
		})
	}
}

func TestCustomerCreateKeepsItsKeyAcrossRetries(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", "crm-8812"} {
		c, mt := newMockClient(t, fast())
		rec := serve(mt, reply{status: 503}, reply{status: 429, body: `{"success":false,"error":"slow down"}`}, reply{status: 201, body: customerOK})
		p := validCustomerParams()
		p.IdempotencyKey = key
		_, err := c.Customers.Create(context.Background(), &p)
		require.NoError(t, err)
		reqs := rec.all()
		require.Len(t, reqs, 3)
		if key != "" {
			assert.Equal(t, key, reqs[0].Header.Get("Idempotency-Key"))
		}
		for _, r := range reqs {
			assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), r.Header.Get("Idempotency-Key"))
		}
	}
}

func TestCustomerGetWireFormat(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 200, body: customerOK})
	got, err := c.Customers.Get(context.Background(), testID)
	require.NoError(t, err)
	assert.Equal(t, wantCustomer(), got)
	r := rec.all()[0]
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "https://api.test/business/customer/details/"+testID, r.URL)
	checkCommonHeaders(t, r.Header)
	assert.Empty(t, r.Header.Values("Idempotency-Key"))
	assert.Empty(t, r.Body)

	for status, body := range map[int]string{
		404: `{"success":false,"error":"Customer not found"}`,
		200: `{"success":false,"error":"Customer not found"}`,
	} {
		c, mt := newMockClient(t)
		serve(mt, reply{status: status, body: body})
		_, err := c.Customers.Get(context.Background(), testID)
		assert.ErrorIs(t, err, cashfin.ErrNotFound, "status %d", status)
	}
}

func TestCustomerClientSideChecksSendNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	create := func(edit func(p *cashfin.CustomerCreateParams)) func(c *cashfin.Client) error {
		return func(c *cashfin.Client) error {
			p := validCustomerParams()
			edit(&p)
			_, err := c.Customers.Create(ctx, &p)
			return err
		}
	}
	update := func(p *cashfin.CustomerUpdateParams) func(c *cashfin.Client) error {
		return func(c *cashfin.Client) error { _, err := c.Customers.Update(ctx, testID, p); return err }
	}
	calls := map[string]func(c *cashfin.Client) error{
		"Create nil":             func(c *cashfin.Client) error { _, err := c.Customers.Create(ctx, nil); return err },
		"Create zero":            create(func(p *cashfin.CustomerCreateParams) { *p = cashfin.CustomerCreateParams{} }),
		"Create blank name":      create(func(p *cashfin.CustomerCreateParams) { p.Name = " \t" }),
		"Create no email":        create(func(p *cashfin.CustomerCreateParams) { p.Email = "" }),
		"Create no phone":        create(func(p *cashfin.CustomerCreateParams) { p.Phone = "\n" }),
		"Create no country":      create(func(p *cashfin.CustomerCreateParams) { p.Country = "" }),
		"Create no currency":     create(func(p *cashfin.CustomerCreateParams) { p.Currency = " " }),
		"Create type Business":   create(func(p *cashfin.CustomerCreateParams) { p.Type = "Business" }),
		"Create type person":     create(func(p *cashfin.CustomerCreateParams) { p.Type = "person" }),
		"Create type blank":      create(func(p *cashfin.CustomerCreateParams) { p.Type = " " }),
		"Create bad key":         create(func(p *cashfin.CustomerCreateParams) { p.IdempotencyKey = "a\nb" }),
		"Create long key":        create(func(p *cashfin.CustomerCreateParams) { p.IdempotencyKey = strings.Repeat("k", 256) }),
		"Update nil":             update(nil),
		"Update no field":        update(&cashfin.CustomerUpdateParams{}),
		"Update blank name":      update(&cashfin.CustomerUpdateParams{Name: cashfin.Ptr("")}),
		"Update blank email":     update(&cashfin.CustomerUpdateParams{Email: cashfin.Ptr(" ")}),
		"Update blank phone":     update(&cashfin.CustomerUpdateParams{Phone: cashfin.Ptr(""), City: cashfin.Ptr("Nairobi")}),
		"Update blank country":   update(&cashfin.CustomerUpdateParams{Country: cashfin.Ptr("")}),
		"Update blank currency":  update(&cashfin.CustomerUpdateParams{Currency: cashfin.Ptr("\t")}),
		"Update blank type":      update(&cashfin.CustomerUpdateParams{Type: cashfin.Ptr("")}),
		"Update type Individual": update(&cashfin.CustomerUpdateParams{Type: cashfin.Ptr("Individual")}),
		"Update bad ID": func(c *cashfin.Client) error {
			_, err := c.Customers.Update(ctx, "507f1f77bcf86cd79943904", &cashfin.CustomerUpdateParams{City: cashfin.Ptr("x")})
			return err
		},
	}
	for _, id := range []string{"", "507f1f77bcf86cd79943904g", "../../business/customer/list", "507f1f77bcf86cd7994390455"} {
		calls["Get "+id] = func(c *cashfin.Client) error { _, err := c.Customers.Get(ctx, id); return err }
	}
	for i, p := range []*cashfin.CustomerListParams{{Page: -1}, {Limit: -1}, {Limit: 101}} {
		calls["List "+string(rune('a'+i))] = func(c *cashfin.Client) error { _, err := c.Customers.List(ctx, p); return err }
		calls["ListPages "+string(rune('a'+i))] = func(c *cashfin.Client) error {
			n, errs := drain(c.Customers.ListPages(ctx, p))
			if n != 0 || len(errs) != 1 {
				return errors.New("want exactly one error and no page")
			}
			return errs[0]
		}
		calls["ListAll "+string(rune('a'+i))] = func(c *cashfin.Client) error {
			n, errs := drain(c.Customers.ListAll(ctx, p))
			if n != 0 || len(errs) != 1 {
				return errors.New("want exactly one error and no item")
			}
			return errs[0]
		}
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			err := call(c)
			require.ErrorIs(t, err, cashfin.ErrInvalidParams)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfin: "), err.Error())
			assert.Equal(t, 0, mt.GetTotalCallCount(), "a request was sent")
		})
	}
}

func TestCustomerUpdateSendsOnlySetFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		params cashfin.CustomerUpdateParams
		want   string
	}{
		{"one field", cashfin.CustomerUpdateParams{City: cashfin.Ptr("Mombasa")}, `{"city":"Mombasa"}`},
		{"cleared optional fields", cashfin.CustomerUpdateParams{Company: cashfin.Ptr(""), Address: cashfin.Ptr(""), City: cashfin.Ptr("")},
			`{"company":"","address":"","city":""}`},
		{"every field", cashfin.CustomerUpdateParams{Name: cashfin.Ptr("J"), Email: cashfin.Ptr("j@x.test"), Phone: cashfin.Ptr("+2547"),
			Country: cashfin.Ptr("Uganda"), Currency: cashfin.Ptr("UGX"), Company: cashfin.Ptr("C"), Address: cashfin.Ptr("A"),
			City: cashfin.Ptr("Kampala"), Type: cashfin.Ptr(cashfin.CustomerIndividual)},
			`{"name":"J","email":"j@x.test","phone":"+2547","country":"Uganda","currency":"UGX","company":"C","address":"A","city":"Kampala","type":"individual"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t, fast())
			rec := serve(mt, reply{status: 502, body: "<html>"}, reply{status: 200, body: customerOK})
			params := tc.params
			got, err := c.Customers.Update(context.Background(), testID, &params)
			require.NoError(t, err)
			assert.Equal(t, tc.params, params, "the caller's params were modified")
			assert.Equal(t, wantCustomer(), got)
			reqs := rec.all()
			require.Len(t, reqs, 2, "one retry, and no Get: the answer was a whole record")
			for _, r := range reqs {
				assert.Equal(t, http.MethodPatch, r.Method)
				assert.Equal(t, "https://api.test/business/customer/update/"+testID, r.URL)
				checkCommonHeaders(t, r.Header)
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				assert.JSONEq(t, tc.want, string(r.Body))
				assert.Len(t, r.Header.Get("Idempotency-Key"), 32)
			}
			assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key"), "the retry changed the key")
		})
	}
}

// TestCustomerUpdateReadsBack follows every answer that is not a whole record with a Get.
func TestCustomerUpdateReadsBack(t *testing.T) {
	t.Parallel()
	for name, answer := range map[string]string{
		"modified 1":       customerModified,
		"modified 0":       `{"success":true,"data":{"_id":"507f1f77bcf86cd799439045","modified":0}}`,
		"data null":        `{"success":true,"message":"Customer updated successfully","data":null}`,
		"no data":          `{"success":true,"message":"Customer updated successfully"}`,
		"name null":        `{"success":true,"data":{"_id":"507f1f77bcf86cd799439045","name":null,"modified":1}}`,
		"data not object":  `{"success":true,"data":true}`,
		"data an empty {}": `{"success":true,"data":{}}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := newMockClient(t)
			rec := serve(mt, reply{status: 200, body: answer}, reply{status: 200, body: customerOK})
			got, err := c.Customers.Update(context.Background(), testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Nairobi")})
			require.NoError(t, err)
			assert.Equal(t, wantCustomer(), got)
			reqs := rec.all()
			require.Len(t, reqs, 2)
			assert.Equal(t, http.MethodPatch, reqs[0].Method)
			assert.Equal(t, http.MethodGet, reqs[1].Method)
			assert.Equal(t, "https://api.test/business/customer/details/"+testID, reqs[1].URL)
			assert.Empty(t, reqs[1].Header.Values("Idempotency-Key"), "the Get carries no key")
			assert.Empty(t, reqs[1].Body)
		})
	}
}

// TestCustomerUpdateAppliedButGetFails: the error says the update was applied and matches the
// Get's kind; a failed PATCH is reported as itself, with no Get.
func TestCustomerUpdateAppliedButGetFails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		get  reply
		kind error
	}{
		{reply{status: 404, body: `{"success":false,"error":"Customer not found"}`}, cashfin.ErrNotFound},
		{reply{status: 503, body: `<html>down</html>`}, cashfin.ErrServer},
		{reply{status: 200, body: `<html>portal</html>`}, cashfin.ErrUnexpectedResponse},
		{reply{status: 401, body: `{"success":false,"message":"Unauthorized access!"}`}, cashfin.ErrUnauthorized},
	} {
		c, mt := newMockClient(t, cashfin.WithMaxRetries(0))
		rec := serve(mt, reply{status: 200, body: customerModified}, tc.get)
		got, err := c.Customers.Update(context.Background(), testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Nairobi")})
		assert.Nil(t, got)
		require.ErrorIs(t, err, tc.kind)
		assert.Contains(t, err.Error(), "the update was applied")
		var apiErr *cashfin.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.MethodGet, apiErr.Method)
		assert.Equal(t, 2, rec.len())
	}

	// A context cancelled once the PATCH's answer has been read whole: applied, and
	// context.Canceled. (Cancelling inside the responder raced httpmock, which may then report
	// the cancellation instead of the answer: the PATCH would not have succeeded.)
	ctx, cancel := context.WithCancel(context.Background())
	c, mt := newMockClient(t)
	rec := &capture{}
	mt.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		rec.add(req)
		resp, err := reply{status: 200, body: customerModified}.response(req)
		resp.Body = &cancelAtEOF{r: resp.Body, cancel: cancel}
		return resp, err
	})
	_, err := c.Customers.Update(ctx, testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Nairobi")})
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "the update was applied")
	assert.Equal(t, 1, rec.len())

	// The PATCH itself fails: no Get, and nothing says applied.
	for _, tc := range []struct {
		patch reply
		kind  error
	}{
		{reply{status: 404, body: `{"success":false,"error":"Customer not found"}`}, cashfin.ErrNotFound},
		{reply{status: 422, body: `{"success":false,"error":"There are problems with your submission","errors":{"email":"Email is invalid"}}`}, cashfin.ErrBadRequest},
		{reply{status: 200, body: `{"success":false,"error":"Customer not found"}`}, cashfin.ErrNotFound},
	} {
		c, mt := newMockClient(t, cashfin.WithMaxRetries(0))
		rec := serve(mt, tc.patch, reply{status: 200, body: customerOK})
		_, err := c.Customers.Update(context.Background(), testID, &cashfin.CustomerUpdateParams{Email: cashfin.Ptr("x")})
		require.ErrorIs(t, err, tc.kind)
		assert.NotContains(t, err.Error(), "applied")
		assert.Equal(t, 1, rec.len(), "a Get followed a failed PATCH")
	}
}

func TestCustomerListWireFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		params *cashfin.CustomerListParams
		want   url.Values
	}{
		{nil, url.Values{"page": {"1"}}},
		{&cashfin.CustomerListParams{Page: 3, Limit: 25, Search: "doe & sons"}, url.Values{"page": {"3"}, "limit": {"25"}, "search": {"doe & sons"}}},
	} {
		c, mt := newMockClient(t)
		rec := serve(mt, reply{status: 200, body: `{"success":true,"data":[` + customerFull + `],"meta":{"total":1,"page":1,"limit":10,"pages":1}}`})
		page, err := c.Customers.List(context.Background(), tc.params)
		require.NoError(t, err)
		assert.Equal(t, []cashfin.Customer{*wantCustomer()}, page.Data)
		assert.Equal(t, cashfin.Pagination{Total: 1, Page: 1, Limit: 10, Pages: 1}, page.Pagination)
		r := rec.all()[0]
		assert.Equal(t, "/business/customer/list", r.Path)
		got, err := url.ParseQuery(r.Query)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
	}
}

// TestCustomerListWalks walks three pages with ListPages and ListAll, 100 a page by default.
func TestCustomerListWalks(t *testing.T) {
	t.Parallel()
	page := func(n int) string {
		return `{"success":true,"data":[{"_id":"00000000000000000000000` + string(rune('0'+n)) + `","name":"C` +
			string(rune('0'+n)) + `"}],"pagination":{"total":3,"page":` + string(rune('0'+n)) + `,"limit":1,"pages":3}}`
	}
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 200, body: page(1)}, reply{status: 200, body: page(2)}, reply{status: 200, body: page(3)})
	var names []string
	for cu, err := range c.Customers.ListAll(context.Background(), &cashfin.CustomerListParams{Search: "c"}) {
		require.NoError(t, err)
		names = append(names, cu.Name)
	}
	assert.Equal(t, []string{"C1", "C2", "C3"}, names)
	for i, r := range rec.all() {
		q, _ := url.ParseQuery(r.Query)
		assert.Equal(t, url.Values{"page": {string(rune('1' + i))}, "limit": {"100"}, "search": {"c"}}, q)
	}

	c, mt = newMockClient(t, fast())
	serve(mt, reply{status: 200, body: page(1)}, reply{status: 500, body: "{}"})
	n, errs := drain(c.Customers.ListPages(context.Background(), &cashfin.CustomerListParams{Limit: 1}))
	assert.Equal(t, 1, n)
	require.Len(t, errs, 1, "an error is yielded once and ends the walk")
	assert.ErrorIs(t, errs[0], cashfin.ErrServer)
}

func TestPtr(t *testing.T) {
	t.Parallel()
	p := cashfin.Ptr("")
	require.NotNil(t, p)
	assert.Equal(t, "", *p)
	assert.NotSame(t, cashfin.Ptr(1), cashfin.Ptr(1))
}

// TestCustomersSecretSweep runs every Customers call against a server that echoes the secret in
// its answers (bodies, headers, the path), and looks for it in errors at every depth, in logs and
// in formatted values.
func TestCustomersSecretSweep(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo := r.Header.Get("Authorization") + " at " + r.URL.Path
		w.Header().Set("X-Request-Id", echo)
		switch {
		case r.Method == http.MethodPatch:
			_, _ = w.Write([]byte(customerModified)) // then the Get below fails
		case r.URL.Path == "/business/customer/create":
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = w.Write([]byte(`{"success":false,"error":"` + echo + `","errors":{"email":"` + echo + `"}}`))
		case r.URL.Path == "/business/customer/list":
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"success":false,"error":"` + echo + `","retry_after":3600}`))
		case strings.HasSuffix(r.URL.Path, "0"):
			_, _ = w.Write([]byte(`{"success":false,"error":"Customer not found: ` + echo + `"}`))
		default:
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`<pre>` + echo + `</pre>`))
		}
	}))
	t.Cleanup(srv.Close)
	logs := newFaultLogs()
	c, err := cashfin.NewClient(canarySecret, cashfin.WithBaseURL(srv.URL), cashfin.WithLogger(slog.New(logs)),
		cashfin.WithMaxRetries(1), fast())
	require.NoError(t, err)
	ctx := context.Background()
	p := validCustomerParams()
	_, err1 := c.Customers.Create(ctx, &p)
	_, err2 := c.Customers.Get(ctx, "507f1f77bcf86cd799439040")
	_, err3 := c.Customers.Update(ctx, testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Nairobi")})
	_, err4 := c.Customers.List(ctx, nil)
	_, errs := drain(c.Customers.ListAll(ctx, nil))
	require.Len(t, errs, 1)
	for i, tc := range []struct {
		err  error
		kind error
	}{{err1, cashfin.ErrBadRequest}, {err2, cashfin.ErrNotFound}, {err3, cashfin.ErrServer}, {err4, cashfin.ErrRateLimited}, {errs[0], cashfin.ErrRateLimited}} {
		require.ErrorIs(t, tc.err, tc.kind, "call %d", i+1)
		assertSweep(t, canarySecret, fmt.Sprintf("Customers call %d", i+1), tc.err)
	}
	assert.Contains(t, logs.String(), "cashfin: http attempt")
	assert.NotContains(t, logs.String(), canarySecret)

	active := true
	assertNoSecret(t, canarySecret, "values", c, *c, c.Customers, *c.Customers,
		cashfin.Customer{ID: testID, Name: "J", Active: &active, CreatedAt: time.Now()}, p,
		cashfin.CustomerUpdateParams{City: cashfin.Ptr("x")}, cashfin.CustomerListParams{Search: "j"})
	assert.Equal(t, "cashfin.Client{Contacts: ..., Customers: ..., secret: [redacted]}", fmt.Sprintf("%+v", c))
}

// cancelAtEOF is a response body that cancels a context once it has been read to the end.
type cancelAtEOF struct {
	r      io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelAtEOF) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		b.cancel()
	}
	return n, err
}

func (b *cancelAtEOF) Close() error { return b.r.Close() }
