package cashfintest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// listBody is a list response.
type listBody struct {
	Success    bool             `json:"success"`
	Data       []map[string]any `json:"data"`
	Pagination map[string]int   `json:"pagination"`
}

func decodeList(t *testing.T, r *response) listBody {
	t.Helper()
	var l listBody
	require.NoError(t, json.Unmarshal(r.body, &l))
	require.NotNil(t, l.Data, "data is an array, never null: %s", r.body)
	return l
}

// names returns the names of a page, in order.
func names(l listBody) []string {
	out := make([]string, len(l.Data))
	for i, c := range l.Data {
		out[i], _ = c["name"].(string)
	}
	return out
}

// seeded returns a handler holding n contacts named "c1" (oldest) to "cn" (newest).
func seeded(t *testing.T, n int) *cashfintest.Handler {
	t.Helper()
	h := cashfintest.NewHandler()
	base := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	cs := make([]cashfin.Contact, n)
	for i := range cs {
		cs[i] = cashfin.Contact{Name: fmt.Sprintf("c%d", i+1), CreatedAt: base.Add(time.Duration(i) * time.Minute)}
	}
	h.AddContacts(cs...)
	return h
}

func TestListPagination(t *testing.T) {
	h := seeded(t, 62)
	newest := func(from, n int) []string { // names cFrom, cFrom-1, ... n of them
		out := []string{}
		for i := 0; i < n && from-i > 0; i++ {
			out = append(out, fmt.Sprintf("c%d", from-i))
		}
		return out
	}
	tests := []struct {
		query      string
		page       []string
		pagination map[string]int
	}{
		{"", newest(62, 10), map[string]int{"total": 62, "page": 1, "limit": 10, "pages": 7}},
		{"page=1&limit=10", newest(62, 10), map[string]int{"total": 62, "page": 1, "limit": 10, "pages": 7}},
		{"page=2", newest(52, 10), map[string]int{"total": 62, "page": 2, "limit": 10, "pages": 7}},
		{"page=7", newest(2, 2), map[string]int{"total": 62, "page": 7, "limit": 10, "pages": 7}},
		{"page=8", []string{}, map[string]int{"total": 62, "page": 8, "limit": 10, "pages": 7}},
		{"page=2147483647&limit=100", []string{}, map[string]int{"total": 62, "page": 2147483647, "limit": 100, "pages": 1}},
		{"limit=1", newest(62, 1), map[string]int{"total": 62, "page": 1, "limit": 1, "pages": 62}},
		{"limit=62", newest(62, 62), map[string]int{"total": 62, "page": 1, "limit": 62, "pages": 1}},
		{"limit=61&page=2", []string{"c1"}, map[string]int{"total": 62, "page": 2, "limit": 61, "pages": 2}},
		{"limit=100", newest(62, 62), map[string]int{"total": 62, "page": 1, "limit": 100, "pages": 1}},
		{"limit=1000", newest(62, 62), map[string]int{"total": 62, "page": 1, "limit": 100, "pages": 1}},
		{"limit=101&page=1", newest(62, 62), map[string]int{"total": 62, "page": 1, "limit": 100, "pages": 1}},
		{"page=&limit=", newest(62, 10), map[string]int{"total": 62, "page": 1, "limit": 10, "pages": 7}},
		{"page=03&limit=007", newest(48, 7), map[string]int{"total": 62, "page": 3, "limit": 7, "pages": 9}},
		{"page=2&page=5", newest(52, 10), map[string]int{"total": 62, "page": 2, "limit": 10, "pages": 7}},
		{"unknown=1&sort=asc", newest(62, 10), map[string]int{"total": 62, "page": 1, "limit": 10, "pages": 7}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := send(t, h, req{target: "/business/contact/list?" + tt.query})
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			l := decodeList(t, r)
			assert.Equal(t, tt.page, names(l))
			assert.Equal(t, tt.pagination, l.Pagination)
		})
	}
}

func TestListItemFields(t *testing.T) {
	h := cashfintest.NewHandler()
	h.AddContacts(cashfin.Contact{ID: "507f1f77bcf86cd799439045", Name: "Jane Wanjiku", Email: "jane@acme.co.ke",
		Phone: "+254712345678", Position: "Procurement Manager", CompanyName: "Acme Corp",
		CreatedAt: time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)})
	r := send(t, h, req{target: "/business/contact/list"})
	assert.JSONEq(t, `{"success":true,"data":[{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku",
		"email":"jane@acme.co.ke","phone":"+254712345678","position":"Procurement Manager","companyname":"Acme Corp",
		"createdat":"2024-01-15T12:00:00.000Z"}],"pagination":{"total":1,"page":1,"limit":10,"pages":1}}`, string(r.body),
		"list items carry the list example's fields: no active, no updatedat")

	empty := cashfintest.NewHandler()
	r = send(t, empty, req{target: "/business/contact/list"})
	assert.JSONEq(t, `{"success":true,"data":[],"pagination":{"total":0,"page":1,"limit":10,"pages":0}}`, string(r.body))
}

func TestListRejectsBadParameters(t *testing.T) {
	h := seeded(t, 3)
	tests := []struct{ query, msg string }{
		{"page=abc", "page must be a positive integer"},
		{"page=0", "page must be a positive integer"},
		{"page=-1", "page must be a positive integer"},
		{"page=1.5", "page must be a positive integer"},
		{"page=1e2", "page must be a positive integer"},
		{"page=+1", "page must be a positive integer"},
		{"page=%201", "page must be a positive integer"},
		{"page=0x10", "page must be a positive integer"},
		{"page=%EF%BC%91", "page must be a positive integer"}, // a full-width digit one
		{"page=99999999999999999999", "page must be a positive integer"},
		{"page=2147483648", "page must be a positive integer"},
		{"limit=0", "limit must be a positive integer"},
		{"limit=-1", "limit must be a positive integer"},
		{"limit=ten", "limit must be a positive integer"},
		{"limit=10.0", "limit must be a positive integer"},
		{"limit=00", "limit must be a positive integer"},
		{"page=1&limit=-100", "limit must be a positive integer"},
		{"page=%zz", "Malformed query string"},
		{"search=%", "Malformed query string"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := send(t, h, req{target: "/business/contact/list?" + tt.query})
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.JSONEq(t, errorEnvelope(tt.msg), string(r.body))
		})
	}
}

func TestListSearch(t *testing.T) {
	h := cashfintest.NewHandler()
	base := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)
	h.AddContacts(
		cashfin.Contact{Name: "Jane Wanjiku", Email: "jane@acme.co.ke", Phone: "+254712345678", CompanyName: "Acme Corp", CreatedAt: base},
		cashfin.Contact{Name: "Chinedu Okafor", Email: "chinedu@lagosfintech.ng", Phone: "+2348031234567", CompanyName: "Lagos Fintech Hub", CreatedAt: base.Add(time.Minute)},
		cashfin.Contact{Name: "Zoë Ñúñez", Email: "zoe@example.com", Position: "ACME liaison", CompanyName: "Société Générale", CreatedAt: base.Add(2 * time.Minute)},
		cashfin.Contact{Name: "Kwame Mensah", Email: "kwame@adinkra.com.gh", Phone: "+233241234567", CompanyName: "ACME Ghana", CreatedAt: base.Add(3 * time.Minute)},
	)
	tests := []struct {
		search string
		want   []string
	}{
		{"jane", []string{"Jane Wanjiku"}},
		{"JANE WANJ", []string{"Jane Wanjiku"}},
		{"acme", []string{"Kwame Mensah", "Jane Wanjiku"}}, // company names; not the position
		{"lagosfintech.ng", []string{"Chinedu Okafor"}},    // email
		{"+2547", []string{"Jane Wanjiku"}},                // phone
		{"23324", []string{"Kwame Mensah"}},
		{"ZOË", []string{"Zoë Ñúñez"}},
		{"ñúñez", []string{"Zoë Ñúñez"}},
		{"SOCIÉTÉ", []string{"Zoë Ñúñez"}},
		{"liaison", []string{}},                                                        // position is not searched
		{"o", []string{"Kwame Mensah", "Zoë Ñúñez", "Chinedu Okafor", "Jane Wanjiku"}}, // "Corp"
		{"KAF", []string{"Chinedu Okafor"}},
		{"nobody", []string{}},
		{".*", []string{}}, // a literal, not a pattern
		{"%", []string{}},
		{"\x00", []string{}},
		{"\xff", []string{}},
		{"", []string{"Kwame Mensah", "Zoë Ñúñez", "Chinedu Okafor", "Jane Wanjiku"}},
	}
	for _, tt := range tests {
		t.Run(tt.search, func(t *testing.T) {
			r := send(t, h, req{target: "/business/contact/list?search=" + url.QueryEscape(tt.search)})
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			l := decodeList(t, r)
			assert.Equal(t, tt.want, names(l))
			assert.Equal(t, len(tt.want), l.Pagination["total"])
		})
	}
}

func TestListSearchPaginates(t *testing.T) {
	h := seeded(t, 250) // c1..c250; "c2" matches c2, c20-c29, c200-c250 and more
	want := []string{}
	for i := 250; i >= 1; i-- {
		if name := fmt.Sprintf("c%d", i); contains(name, "c2") {
			want = append(want, name)
		}
	}
	var got []string
	for page := 1; ; page++ {
		r := send(t, h, req{target: fmt.Sprintf("/business/contact/list?search=C2&limit=7&page=%d", page)})
		l := decodeList(t, r)
		assert.Equal(t, map[string]int{"total": len(want), "page": page, "limit": 7, "pages": (len(want) + 6) / 7}, l.Pagination)
		if len(l.Data) == 0 {
			break
		}
		assert.LessOrEqual(t, len(l.Data), 7)
		got = append(got, names(l)...)
	}
	assert.Equal(t, want, got)
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestListScales checks that a page of a 100,000-contact store costs a page, not the store: the
// list must not copy the store on every request.
func TestListScales(t *testing.T) {
	const n = 100_000
	h := seeded(t, n)
	require.Len(t, h.Contacts(), n)

	for _, target := range []string{"/business/contact/list?limit=100", "/business/contact/list?limit=100&page=1000"} {
		allocated := allocatedBy(func() { send(t, h, req{target: target}) })
		assert.Less(t, allocated, uint64(256<<10), "%s allocated %d bytes", target, allocated)
	}
	r := send(t, h, req{target: "/business/contact/list?limit=100&page=1000"})
	l := decodeList(t, r)
	assert.Equal(t, "c100", l.Data[0]["name"])
	assert.Equal(t, "c1", l.Data[99]["name"])

	r = send(t, h, req{target: "/business/contact/list?limit=100&search=c9999"})
	l = decodeList(t, r)
	assert.Equal(t, 11, l.Pagination["total"]) // c9999 and c99990..c99999
}

// allocatedBy returns the bytes f allocates.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func BenchmarkList100k(b *testing.B) {
	h := cashfintest.NewHandler()
	cs := make([]cashfin.Contact, 100_000)
	for i := range cs {
		cs[i] = cashfin.Contact{Name: fmt.Sprintf("Contact %d", i), Email: fmt.Sprintf("c%d@example.com", i)}
	}
	h.AddContacts(cs...)
	for _, target := range []string{"/business/contact/list?limit=100&page=500", "/business/contact/list?limit=100&search=c4242"} {
		b.Run(target, func(b *testing.B) {
			hr := httptest.NewRequest(http.MethodGet, target, nil)
			hr.Header.Set("Authorization", cashfintest.DefaultSecret)
			w := discard{header: http.Header{}}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				h.ServeHTTP(w, hr)
			}
		})
	}
}

// discard is a ResponseWriter that throws the response away.
type discard struct{ header http.Header }

// Header returns the header map, which the handler fills and nobody reads.
func (d discard) Header() http.Header { return d.header }

// Write throws b away.
func (discard) Write(b []byte) (int, error) { return len(b), nil }

// WriteHeader throws the status away.
func (discard) WriteHeader(int) {}
