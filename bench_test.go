package cashfin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cashfin-go/cashfin"
)

// The benchmarks compare the SDK ("sdk") with the fastest straightforward hand-written net/http +
// encoding/json code ("raw": one request carrying only Authorization, Accept and, with a body,
// Content-Type; io.ReadAll and json.Unmarshal of the envelope; check success), against the
// same loopback server answering canned bytes. raw is the floor for any HTTP SDK. The server runs
// in the same process, so allocs/op counts its allocations too (the same for both).
//
// Compare them with six interleaved runs (a shared machine's load then hits both alike), the
// sub-benchmark names rewritten as a key so that benchstat puts raw and sdk side by side:
//
//	go test -c -o cashfin.test . && for i in 1 2 3 4 5 6; do
//	  ./cashfin.test -test.run '^$' -test.bench . -test.benchmem; done |
//	  sed -E 's#/(sdk|raw)-#/impl=\1-#' > bench.txt && benchstat -col '/impl@(raw sdk)' bench.txt
//	benchstat -filter '.name:SDKOverRaw' bench.txt # the paired ratio (BenchmarkSDKOverRaw)

const (
	benchID = "507f1f77bcf86cd799439045"
	// benchSecret is as long as a real client secret: some costs (copying it, searching for it)
	// grow with its length, and byte-to-string conversions allocate only past 32 bytes.
	benchSecret = "cs_live_4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b"
)

// benchLoop runs call b.N times and reports, beside the wall time, the CPU time (user and system,
// of the whole process, loopback server included) per call as cpu-ns/op: on a machine shared with
// other work, wall time swings with the load while CPU time hardly does.
func benchLoop(b *testing.B, call func() error) {
	b.Helper()
	b.ReportAllocs()
	cpu := processCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if used := processCPU() - cpu; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func benchContactJSON(i int) string {
	return fmt.Sprintf(`{"_id":"%024x","name":"Contact %d","email":"contact%d@acme.example","phone":"+2547%08d",`+
		`"position":"Procurement Manager","companyname":"Acme Corp","active":true,`+
		`"createdat":"2024-01-15T12:00:00.000Z","updatedat":"2024-01-15T12:00:00.000Z"}`, i, i, i, i)
}

// benchServer answers canned envelopes: details, a page of 100, and a create.
func benchServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	items := make([]string, 100)
	for i := range items {
		items[i] = benchContactJSON(i)
	}
	get := []byte(`{"success":true,"data":` + benchContactJSON(1) + `}`)
	list := []byte(`{"success":true,"data":[` + strings.Join(items, ",") +
		`],"pagination":{"total":1000,"page":1,"limit":100,"pages":10}}`)
	create := []byte(`{"success":true,"message":"Contact created successfully","data":` + benchContactJSON(2) + `}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/business/contact/details/"):
			_, _ = w.Write(get)
		case r.URL.Path == "/business/contact/list":
			_, _ = w.Write(list)
		case r.URL.Path == "/business/contact/create":
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(create)
		default:
			http.NotFound(w, r)
		}
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func benchSDK(tb testing.TB, srv *httptest.Server) *cashfin.Client {
	tb.Helper()
	c, err := cashfin.NewClient(benchSecret, cashfin.WithBaseURL(srv.URL))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// rawContact and rawEnvelope are what a careful user would declare.
type rawContact struct {
	ID          string    `json:"_id"`
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	Phone       string    `json:"phone"`
	Position    string    `json:"position"`
	CompanyName string    `json:"companyname"`
	Active      *bool     `json:"active"`
	CreatedAt   time.Time `json:"createdat"`
	UpdatedAt   time.Time `json:"updatedat"`
}

type rawEnvelope[T any] struct {
	Success    bool   `json:"success"`
	Error      string `json:"error"`
	Data       T      `json:"data"`
	Pagination struct {
		Total, Page, Limit, Pages int
	} `json:"pagination"`
}

type rawCreate struct {
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Position    string `json:"position,omitempty"`
	CompanyName string `json:"companyname,omitempty"`
}

// rawClient is a careful user's hand-written client.
type rawClient struct {
	hc     *http.Client
	base   string
	secret string
}

func newRawClient(srv *httptest.Server) *rawClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &rawClient{hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}, base: srv.URL, secret: benchSecret}
}

func rawDo[T any](ctx context.Context, c *rawClient, method, path string, body []byte) (T, error) {
	var env rawEnvelope[T]
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	var req *http.Request
	var err error
	if rd != nil {
		req, err = http.NewRequestWithContext(ctx, method, c.base+path, rd)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, c.base+path, nil)
	}
	if err != nil {
		return env.Data, err
	}
	req.Header.Set("Authorization", c.secret)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return env.Data, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return env.Data, err
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return env.Data, err
	}
	if !env.Success {
		return env.Data, fmt.Errorf("api: %s", env.Error)
	}
	return env.Data, nil
}

// benchCall is one benchmarked call, made by the SDK and by the raw client.
type benchCall struct {
	sdk func(ctx context.Context, c *cashfin.Client) error
	raw func(ctx context.Context, c *rawClient) error
}

var (
	benchCreateParams = &cashfin.ContactCreateParams{Name: "Jane Wanjiku", Email: "jane@acme.example",
		Phone: "+254712345678", Position: "Procurement Manager", CompanyName: "Acme Corp"}

	benchGet = benchCall{
		sdk: func(ctx context.Context, c *cashfin.Client) error {
			_, err := c.Contacts.Get(ctx, benchID)
			return err
		},
		raw: func(ctx context.Context, c *rawClient) error {
			_, err := rawDo[rawContact](ctx, c, http.MethodGet, "/business/contact/details/"+benchID, nil)
			return err
		},
	}
	benchList100 = benchCall{
		sdk: func(ctx context.Context, c *cashfin.Client) error {
			_, err := c.Contacts.List(ctx, &cashfin.ContactListParams{Page: 1, Limit: 100})
			return err
		},
		raw: func(ctx context.Context, c *rawClient) error {
			_, err := rawDo[[]rawContact](ctx, c, http.MethodGet, "/business/contact/list?page=1&limit=100", nil)
			return err
		},
	}
	benchCreate = benchCall{
		sdk: func(ctx context.Context, c *cashfin.Client) error {
			_, err := c.Contacts.Create(ctx, benchCreateParams)
			return err
		},
		raw: func(ctx context.Context, c *rawClient) error {
			p := benchCreateParams
			body, err := json.Marshal(rawCreate{p.Name, p.Email, p.Phone, p.Position, p.CompanyName})
			if err != nil {
				return err
			}
			_, err = rawDo[rawContact](ctx, c, http.MethodPost, "/business/contact/create", body)
			return err
		},
	}
)

// runBench runs the sdk and raw sub-benchmarks of call against one server.
func runBench(b *testing.B, call benchCall) {
	srv := benchServer(b)
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		c := benchSDK(b, srv)
		benchLoop(b, func() error { return call.sdk(ctx, c) })
	})
	b.Run("raw", func(b *testing.B) {
		c := newRawClient(srv)
		benchLoop(b, func() error { return call.raw(ctx, c) })
	})
}

// BenchmarkSDKOverRaw alternates an SDK call and a raw call in one loop, timing each, and reports
// sdk-ns/op, raw-ns/op, their ratio sdk/raw, and the median of the ratios of each adjacent pair
// (sdk/raw-median). On a loaded machine the two see the same load microseconds apart, so the ratio
// holds steadier than separate sub-benchmarks; the median also ignores the pairs in which one call
// was descheduled for milliseconds by other work on the machine, which skew the sums.
func BenchmarkSDKOverRaw(b *testing.B) {
	for _, bc := range []struct {
		name string
		call benchCall
	}{{"Get", benchGet}, {"List100", benchList100}, {"Create", benchCreate}} {
		b.Run(bc.name, func(b *testing.B) {
			srv := benchServer(b)
			pairedBench(b, benchSDK(b, srv), newRawClient(srv), bc.call)
		})
	}
}

// pairedBench is BenchmarkSDKOverRaw's loop: call through c and through rc, alternately.
func pairedBench(b *testing.B, c *cashfin.Client, rc *rawClient, call benchCall) {
	ctx := context.Background()
	var sdk, raw time.Duration
	ratios := make([]float64, b.N)
	timed := func(call func() error) time.Duration {
		start := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	sdkCall := func() error { return call.sdk(ctx, c) }
	rawCall := func() error { return call.raw(ctx, rc) }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var s, r time.Duration
		if i%2 == 0 { // each goes first half the time
			s = timed(sdkCall)
			r = timed(rawCall)
		} else {
			r = timed(rawCall)
			s = timed(sdkCall)
		}
		sdk, raw = sdk+s, raw+r
		ratios[i] = float64(s) / float64(r)
	}
	b.StopTimer()
	sort.Float64s(ratios)
	b.ReportMetric(float64(sdk.Nanoseconds())/float64(b.N), "sdk-ns/op")
	b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw-ns/op")
	b.ReportMetric(float64(sdk)/float64(raw), "sdk/raw")
	b.ReportMetric(ratios[len(ratios)/2], "sdk/raw-median")
}

func BenchmarkGet(b *testing.B)     { runBench(b, benchGet) }
func BenchmarkList100(b *testing.B) { runBench(b, benchList100) }
func BenchmarkCreate(b *testing.B)  { runBench(b, benchCreate) }
