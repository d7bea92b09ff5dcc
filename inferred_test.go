package cashfin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// Issue 15, rule 1: the fields of a customer the API docs do not show in an answer are decoded
// tolerantly (a value of an unexpected type is left zero, and the rest of the record and of its
// page decodes), and the documented ones (_id, name, email, phone) strictly.

// oddCustomers are customers whose inferred fields have types the SDK does not expect, each with
// what the SDK must make of it.
var oddCustomers = []struct {
	name, json string
	want       cashfin.Customer
}{
	{`active "true"`, `{"_id":"507f1f77bcf86cd799439041","name":"A","email":"a@example.com","phone":"+254700000001","active":"true","city":"Nairobi"}`,
		cashfin.Customer{ID: "507f1f77bcf86cd799439041", Name: "A", Email: "a@example.com", Phone: "+254700000001", City: "Nairobi"}},
	{"active 1", `{"_id":"507f1f77bcf86cd799439042","name":"B","email":"b@example.com","phone":"+254700000002","active":1,"currency":"KES"}`,
		cashfin.Customer{ID: "507f1f77bcf86cd799439042", Name: "B", Email: "b@example.com", Phone: "+254700000002", Currency: "KES"}},
	{"address as an object", `{"_id":"507f1f77bcf86cd799439043","name":"C","email":"c@example.com","phone":"+254700000003","address":{"line1":"12 Moi Avenue","city":"Nairobi"},"country":"Kenya"}`,
		cashfin.Customer{ID: "507f1f77bcf86cd799439043", Name: "C", Email: "c@example.com", Phone: "+254700000003", Country: "Kenya"}},
	{"currency 404", `{"_id":"507f1f77bcf86cd799439044","name":"D","email":"d@example.com","phone":"+254700000004","currency":404,"active":false}`,
		cashfin.Customer{ID: "507f1f77bcf86cd799439044", Name: "D", Email: "d@example.com", Phone: "+254700000004", Active: cashfin.Ptr(false)}},
	{"type, company, city and times of other types", `{"_id":"507f1f77bcf86cd799439045","name":"E","email":"e@example.com","phone":"+254700000005","type":["business"],"company":true,"city":7,"createdat":12,"updatedat":{}}`,
		cashfin.Customer{ID: "507f1f77bcf86cd799439045", Name: "E", Email: "e@example.com", Phone: "+254700000005"}},
}

// oddCustomerServer serves oddCustomers: each by ID on details, and the list, two a page.
func oddCustomerServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := strings.CutPrefix(r.URL.Path, "/business/customer/details/"); ok {
			for _, c := range oddCustomers {
				if strings.Contains(c.json, id) {
					_, _ = w.Write([]byte(`{"success":true,"data":` + c.json + `}`))
					return
				}
			}
		}
		if r.URL.Path != "/business/customer/list" {
			http.NotFound(w, r)
			return
		}
		page := map[string]int{"1": 1, "2": 2, "3": 3}[r.URL.Query().Get("page")]
		var items []string
		for i := (page - 1) * 2; i < min(page*2, len(oddCustomers)); i++ {
			items = append(items, oddCustomers[i].json)
		}
		_, _ = w.Write([]byte(`{"success":true,"data":[` + strings.Join(items, ",") + `],` +
			`"pagination":{"total":5,"page":` + r.URL.Query().Get("page") + `,"limit":2,"pages":3}}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestInferredCustomerFieldsOfUnexpectedTypeDecodeToZero(t *testing.T) {
	t.Parallel()
	srv := oddCustomerServer(t)
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	want := make([]cashfin.Customer, len(oddCustomers))
	for i, oc := range oddCustomers {
		want[i] = oc.want
	}

	t.Run("Get", func(t *testing.T) {
		for _, oc := range oddCustomers {
			got, err := c.Customers.Get(ctx, oc.want.ID)
			require.NoError(t, err, oc.name)
			assert.Equal(t, oc.want, *got, oc.name)
		}
	})
	t.Run("List", func(t *testing.T) {
		page, err := c.Customers.List(ctx, &cashfin.CustomerListParams{Page: 2, Limit: 2})
		require.NoError(t, err)
		assert.Equal(t, want[2:4], page.Data)
		assert.Equal(t, cashfin.Pagination{Total: 5, Page: 2, Limit: 2, Pages: 3}, page.Pagination)
	})
	t.Run("ListAll", func(t *testing.T) {
		var got []cashfin.Customer
		for cu, err := range c.Customers.ListAll(ctx, &cashfin.CustomerListParams{Limit: 2}) {
			require.NoError(t, err)
			got = append(got, cu)
		}
		assert.Equal(t, want, got)
	})
	t.Run("UnmarshalJSON", func(t *testing.T) {
		for _, oc := range oddCustomers {
			var got cashfin.Customer
			require.NoError(t, json.Unmarshal([]byte(oc.json), &got), oc.name)
			assert.Equal(t, oc.want, got, oc.name)
		}
	})
}

// TestInferredCustomerFieldsInUpdateAnswer: an update answered with the whole record, one of its
// inferred fields odd, is that record (not a failure after the update was applied).
func TestInferredCustomerFieldsInUpdateAnswer(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	rec := serve(mt, reply{status: 200, body: `{"success":true,"data":` +
		`{"_id":"507f1f77bcf86cd799439045","name":"John Doe","city":"Mombasa","active":"yes"}}`})
	got, err := c.Customers.Update(context.Background(), testID, &cashfin.CustomerUpdateParams{City: cashfin.Ptr("Mombasa")})
	require.NoError(t, err)
	assert.Equal(t, cashfin.Customer{ID: testID, Name: "John Doe", City: "Mombasa"}, *got)
	assert.Equal(t, 1, rec.len(), "the whole record answered: no read-back")
}

// TestDocumentedCustomerFieldsStayStrict: _id, name, email and phone of the wrong type still fail,
// as ErrUnexpectedResponse, in Get, List and ListAll, odd inferred fields beside them or not.
func TestDocumentedCustomerFieldsStayStrict(t *testing.T) {
	t.Parallel()
	for _, record := range []string{
		`{"_id":507,"name":"A"}`,
		`{"_id":"507f1f77bcf86cd799439045","name":{"first":"A"},"active":"true"}`,
		`{"_id":"507f1f77bcf86cd799439045","name":"A","email":["a@example.com"]}`,
		`{"_id":"507f1f77bcf86cd799439045","name":"A","phone":254700000001,"currency":404}`,
	} {
		c, mt := newMockClient(t)
		mt.RegisterResponder(http.MethodGet, "=~/details/", func(*http.Request) (*http.Response, error) {
			return reply{status: 200, body: `{"success":true,"data":` + record + `}`}.response(nil)
		})
		mt.RegisterResponder(http.MethodGet, "=~/list", func(*http.Request) (*http.Response, error) {
			return reply{status: 200, body: `{"success":true,"data":[` + customerFull + `,` + record + `]}`}.response(nil)
		})
		ctx := context.Background()
		_, err := c.Customers.Get(ctx, testID)
		assert.ErrorIs(t, err, cashfin.ErrUnexpectedResponse, "Get %s", record)
		_, err = c.Customers.List(ctx, nil)
		assert.ErrorIs(t, err, cashfin.ErrUnexpectedResponse, "List %s", record)
		n := 0
		for _, err := range c.Customers.ListAll(ctx, nil) {
			n++
			assert.ErrorIs(t, err, cashfin.ErrUnexpectedResponse, "ListAll %s", record)
		}
		assert.Equal(t, 1, n, "one error, and the walk ends")
	}
}

// TestInferredCustomerFieldsFromTheFakeBehindAProxy puts a proxy in front of cashfintest that
// rewrites the inferred fields of its answers to other types, as a server whose conventions we
// guessed wrong would send them: every customer the fake holds still lists, with those fields zero.
func TestInferredCustomerFieldsFromTheFakeBehindAProxy(t *testing.T) {
	t.Parallel()
	h := cashfintest.NewHandler()
	for i := range 5 {
		h.AddCustomers(cashfin.Customer{Name: "Customer " + string(rune('A'+i)), Email: "c@example.com", Phone: "+254700000000",
			Country: "Kenya", Currency: "KES", Address: "12 Moi Avenue", City: "Nairobi", Type: cashfin.CustomerBusiness, Active: cashfin.Ptr(true)})
	}
	odd := strings.NewReplacer(`"active":true`, `"active":"true"`, `"currency":"KES"`, `"currency":404`,
		`"address":"12 Moi Avenue"`, `"address":{"line1":"12 Moi Avenue"}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := odd.Replace(rec.Body.String())
		require.NotEqual(t, rec.Body.String(), body, "the proxy changed nothing: the test tests nothing")
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c, err := cashfin.NewClient(h.Secret(), cashfin.WithBaseURL(srv.URL))
	require.NoError(t, err)

	var got []cashfin.Customer
	for cu, err := range c.Customers.ListAll(context.Background(), &cashfin.CustomerListParams{Limit: 2}) {
		require.NoError(t, err)
		got = append(got, cu)
	}
	require.Len(t, got, 5)
	for i, cu := range h.Customers() {
		assert.Equal(t, cu.ID, got[i].ID)
		assert.Equal(t, cu.Name, got[i].Name)
		assert.Equal(t, "Kenya", got[i].Country)
		assert.Equal(t, "Nairobi", got[i].City)
		assert.Nil(t, got[i].Active, `"active":"true" is not read as true`)
		assert.Empty(t, got[i].Currency)
		assert.Empty(t, got[i].Address)
	}
	one, err := c.Customers.Get(context.Background(), got[0].ID)
	require.NoError(t, err)
	one.UpdatedAt = got[0].UpdatedAt // the fake's list, like Contacts', leaves it out
	assert.Equal(t, got[0], *one)
}

// TestDoDecodesInferredFieldsOfTheCallersType: Do honours the tag on the caller's own types, for
// a single record and for a *Page[T], and keeps the untagged fields strict.
func TestDoDecodesInferredFieldsOfTheCallersType(t *testing.T) {
	t.Parallel()
	type invoice struct {
		ID     string  `json:"_id"`
		Amount float64 `json:"amount"`
		Status string  `json:"status" cashfin:"inferred"`
	}
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, "https://api.test/business/invoice/details/"+testID,
		httpmockString(`{"success":true,"data":{"_id":"`+testID+`","amount":12.5,"status":{"code":2}}}`))
	mt.RegisterResponder(http.MethodGet, "https://api.test/business/invoice/list",
		httpmockString(`{"success":true,"data":[{"_id":"a","amount":1,"status":3},{"_id":"b","amount":2,"status":"paid"}],"meta":{"total":2,"page":1,"limit":10,"pages":1}}`))
	mt.RegisterResponder(http.MethodGet, "https://api.test/business/invoice/broken",
		httpmockString(`{"success":true,"data":{"_id":"a","amount":"12.5","status":3}}`))
	ctx := context.Background()

	var one invoice
	require.NoError(t, c.Do(ctx, http.MethodGet, "/business/invoice/details/"+testID, nil, nil, &one))
	assert.Equal(t, invoice{ID: testID, Amount: 12.5}, one)
	var page cashfin.Page[invoice]
	require.NoError(t, c.Do(ctx, http.MethodGet, "/business/invoice/list", nil, nil, &page))
	assert.Equal(t, []invoice{{ID: "a", Amount: 1}, {ID: "b", Amount: 2, Status: "paid"}}, page.Data)
	assert.Equal(t, 2, page.Pagination.Total)
	err := c.Do(ctx, http.MethodGet, "/business/invoice/broken", nil, nil, &one)
	assert.ErrorIs(t, err, cashfin.ErrUnexpectedResponse, "an untagged field stays strict")
}

func httpmockString(body string) func(*http.Request) (*http.Response, error) {
	return func(r *http.Request) (*http.Response, error) { return reply{status: 200, body: body}.response(r) }
}
