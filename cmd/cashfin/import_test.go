package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// messyCSV is a CSV as people save them: a byte-order mark, headers in odd case and spacing and
// order, a column to ignore, quoted cells with commas, quotes and line breaks, blank rows and a
// short row.
const messyCSV = "\ufeff Name ,EMAIL,Phone,Notes,Company,position\r\n" +
	"Jane Wanjiku,jane@acme.co.ke,+254 712 345 678,vip,\"Acme, Ltd\",Procurement Manager\r\n" +
	"\r\n" +
	"\"Otieno \"\"Oti\"\" Odhiambo\",OTI@example.com,0722000111,\"two\nlines\",Kisumu Traders,\r\n" +
	",,,,,\r\n" +
	"Zoë Nyambura-Ünal,zoe@example.org,,,Ünal & Söhne,CTO\r\n" +
	"  Short Row  ,short@example.com\r\n"

// messyImport is messyCSV with the rows an import must refuse or skip.
const messyImport = messyCSV +
	"Jane W. (again),JANE@ACME.CO.KE,,,,\r\n" + // duplicate email, other case
	"Phone Twin,,254-712-345-678,,,\r\n" + // Jane's phone, another name: another person (an office line)
	",nobody@example.com,,,,\r\n" + // no name
	"Bad Email,bad@example,,,,\r\n" // malformed email

// person is a contact's imported fields, to compare what the fake stored.
type person struct{ Name, Email, Phone, Position, Company string }

func people(cs []cashfin.Contact) []person {
	out := make([]person, len(cs))
	for i, c := range cs {
		out[i] = person{c.Name, c.Email, c.Phone, c.Position, c.CompanyName}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// messyPeople are the contacts messyCSV makes: phones in E.164.
var messyPeople = []person{
	{"Jane Wanjiku", "jane@acme.co.ke", "+254712345678", "Procurement Manager", "Acme, Ltd"},
	{`Otieno "Oti" Odhiambo`, "OTI@example.com", "+254722000111", "", "Kisumu Traders"},
	{"Short Row", "short@example.com", "", "", ""},
	{"Zoë Nyambura-Ünal", "zoe@example.org", "", "CTO", "Ünal & Söhne"},
}

// messyImportPeople are the contacts messyImport makes: messyPeople and the colleague on
// Jane's line.
var messyImportPeople = append(append([]person{}, messyPeople[:1]...), append([]person{
	{`Otieno "Oti" Odhiambo`, "OTI@example.com", "+254722000111", "", "Kisumu Traders"},
	{"Phone Twin", "", "+254712345678", "", ""}}, messyPeople[2:]...)...)

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte(term.BOM)))).ReadAll()
	require.NoError(t, err)
	return recs
}

func TestImportMessyCSV(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "contacts.csv", messyImport)
	errPath := filepath.Join(t.TempDir(), "errors.csv")

	res := newCLI(t, srv).run("contacts", "import", in, "--errors", errPath, "--rate", "0")
	assert.Equal(t, exitFailure, res.code, "failed rows make exit status 1: %s", res.stderr)
	assert.Equal(t, "created 5, skipped 1 (duplicates 1, existing 0), failed 2, blank rows 1", summaryLine(res.stderr))
	assert.Contains(t, res.stderr, "line 9: same person as line 2 (same email)\n")
	assert.Contains(t, res.stderr, "line 11: no name\n")
	assert.Contains(t, res.stderr, "line 12: malformed email \"bad@example\"\n")
	assert.Empty(t, res.stdout, "nothing on standard output without --format")
	assert.Equal(t, messyImportPeople, people(srv.Contacts()))

	assert.Equal(t, [][]string{
		{" Name ", "EMAIL", "Phone", "Notes", "Company", "position", "line", "error"},
		{"", "nobody@example.com", "", "", "", "", "11", "no name"},
		{"Bad Email", "bad@example", "", "", "", "", "12", `malformed email "bad@example"`},
	}, readCSVFile(t, errPath), "every failed row, as it was, with its line and reason")

	// Fixed and imported again, the errors file creates the two missing contacts.
	fixed := strings.Replace(strings.Replace(mustRead(t, errPath), ",nobody@", "Nobody,nobody@", 1),
		"bad@example,", "bad@example.com,", 1)
	require.NoError(t, os.WriteFile(errPath, []byte(fixed), 0o600))
	errPath2 := filepath.Join(t.TempDir(), "errors2.csv")
	res = newCLI(t, srv).run("contacts", "import", errPath, "--errors", errPath2, "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 2, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
	assert.Len(t, srv.Contacts(), 7)
	assert.NoFileExists(t, errPath2, "no failures: no errors file, not one with only a header")
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestImportJSONLAndStdin(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "contacts.ndjson", `{"name":"Ann","email":"ann@x.co","companyname":"Acme"}`+"\n"+
		`{"name":"Bob","phone":254700000001}`+"\n"+`oops`+"\n")
	res := newCLI(t, srv).run("contacts", "import", in, "--format", "jsonl", "--rate", "0")
	assert.Equal(t, exitFailure, res.code)
	assert.Equal(t, "created 2, skipped 0 (duplicates 0, existing 0), failed 1", summaryLine(res.stderr))
	assert.Contains(t, res.stderr, "line 3: not a JSON object")
	assert.Equal(t, []person{{"Ann", "ann@x.co", "", "", "Acme"}, {"Bob", "", "+254700000001", "", ""}}, people(srv.Contacts()))
	assert.Len(t, strings.Split(strings.TrimSpace(res.stdout), "\n"), 2, "--format prints each created contact")
	assert.Contains(t, res.stdout, `"_id":"`)

	c := newCLI(t, srv)
	c.stdin = "name,email\nCarol,carol@x.co\n"
	res = c.run("contacts", "import", "-")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 1, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
	assert.Len(t, srv.Contacts(), 3)
}

// bigCSV is n distinct valid rows.
func bigCSV(n int) string {
	var b strings.Builder
	b.WriteString("name,email,phone,company\n")
	for i := range n {
		fmt.Fprintf(&b, "Person %d,person%d@example.com,+254 700 %06d,Company %d\n", i, i, i, i%17)
	}
	return b.String()
}

// countingHandler serves h, calling onCreate with the number of each create request before
// answering it.
func countingHandler(h http.Handler, onCreate func(n int64)) http.Handler {
	var creates atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			onCreate(creates.Add(1))
		}
		h.ServeHTTP(w, r)
	})
}

// TestImportInterruptedThenRerun: a Ctrl-C in the middle of an import leaves requests in flight
// to finish and sends no more; running the same import again completes it, and creates nothing
// twice, thanks to the content-derived idempotency keys.
func TestImportInterruptedThenRerun(t *testing.T) {
	const rows, interruptAt = 200, 40
	srv := newServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ts := httptest.NewServer(countingHandler(srv.Handler(), func(n int64) {
		if n == interruptAt {
			cancel() // Ctrl-C while this request is in flight
		}
	}))
	defer ts.Close()
	in := writeFile(t, "contacts.csv", bigCSV(rows))

	c := newCLI(t, srv)
	c.baseURL = ts.URL
	errPath := filepath.Join(t.TempDir(), "errors.csv")
	res := c.runCtx(ctx, "contacts", "import", in, "--concurrency", "4", "--rate", "0", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, "an interrupted import is not a success")
	created := len(srv.Contacts())
	assert.GreaterOrEqual(t, created, interruptAt, "the request in flight at the interrupt finished")
	assert.Less(t, created, interruptAt+8, "no new request started after the interrupt")
	assert.Contains(t, res.stderr, "interrupted: no new requests; waiting for those in flight")
	assert.Contains(t, res.stderr, fmt.Sprintf("interrupted: %d rows not sent", rows-created))
	assert.Equal(t, fmt.Sprintf("created %d, skipped 0 (duplicates 0, existing 0), failed 0", created), summaryLine(res.stderr))
	assert.NoFileExists(t, errPath, "rows not sent are not failures: no errors file, not one with only a header")

	// Re-run the whole file: the rows already created are answered from their idempotency keys.
	res = c.run("contacts", "import", in, "--concurrency", "8", "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Len(t, srv.Contacts(), rows, "every row once, none twice")
	assert.Contains(t, res.stderr, fmt.Sprintf("%d rows were already on the server from an earlier run", created))
	assert.Equal(t, fmt.Sprintf("created %d, skipped %d (duplicates 0, existing %d), failed 0", rows-created, created, created),
		summaryLine(res.stderr), "the summary tells new contacts from those of the first run")

	// Once more, with --skip-existing: nothing is even sent.
	res = c.run("contacts", "import", in, "--skip-existing", "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, fmt.Sprintf("created 0, skipped %d (duplicates 0, existing %d), failed 0", rows, rows), summaryLine(res.stderr))
	assert.Len(t, srv.Contacts(), rows)
}

func TestImportSkipExisting(t *testing.T) {
	srv := newServer(t)
	srv.AddContacts(
		cashfin.Contact{Name: "Jane (CRM)", Email: "JANE@acme.co.ke"},     // same email, other case
		cashfin.Contact{Name: "Oti (CRM)", Phone: "+254 722-000-111"},     // other digits than 0722000111
		cashfin.Contact{Name: "Zoë (CRM)", Phone: "zoe", Email: "z@z.co"}, // unrelated
		cashfin.Contact{Name: "Short (CRM)", Phone: "(0) 0", Email: "SHORT@example.com"},
	)
	in := writeFile(t, "contacts.csv", messyCSV)
	res := newCLI(t, srv).run("contacts", "import", in, "--skip-existing", "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 2, skipped 2 (duplicates 0, existing 2), failed 0, blank rows 1", summaryLine(res.stderr))
	assert.Contains(t, res.stderr, "4 contacts on the server")
	got := people(srv.Contacts())
	assert.Len(t, got, 6)
	assert.Contains(t, got, messyPeople[1])
	assert.Contains(t, got, messyPeople[3])
}

// TestImportSkipExistingByNameAndPhone: a contact on the server with the row's name and phone
// (however written) is the same person; one with only the phone is a colleague on the same line.
func TestImportSkipExistingByNameAndPhone(t *testing.T) {
	srv := newServer(t)
	srv.AddContacts(cashfin.Contact{Name: "jane  WANJIKU", Phone: "+254 (712) 345-678"},
		cashfin.Contact{Name: "Front Desk", Phone: "+254700000000"})
	in := writeFile(t, "contacts.csv", "name,phone\nJane Wanjiku,0712 345 678\nOther,254700000000\n")
	res := newCLI(t, srv).run("contacts", "import", in, "--skip-existing", "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 1, skipped 1 (duplicates 0, existing 1), failed 0", summaryLine(res.stderr))
	assert.Regexp(t, `line 2: same person as contact [0-9a-f]{24} on the server \(same name and phone\)`, res.stderr)
	assert.Contains(t, people(srv.Contacts()), person{"Other", "", "+254700000000", "", ""}, "a shared phone is not a duplicate")
}

func TestImportDryRunSendsNothing(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "contacts.csv", messyImport)
	errPath := filepath.Join(t.TempDir(), "errors.csv")

	c := newCLI(t, srv)
	c.secret = "" // a dry run needs no secret...
	res := c.run("contacts", "import", in, "--dry-run", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, "invalid rows still fail a dry run")
	assert.Contains(t, res.stderr, "dry run: 5 rows would be created; nothing was sent\n")
	assert.Equal(t, "created 0, skipped 1 (duplicates 1, existing 0), failed 2, blank rows 1", summaryLine(res.stderr))
	assert.Len(t, readCSVFile(t, errPath), 3)

	srv.AddContacts(cashfin.Contact{Name: "Jane", Email: "jane@acme.co.ke"})
	res = newCLI(t, srv).run("contacts", "import", in, "--dry-run", "--skip-existing") // ...unless it lists
	assert.Contains(t, res.stderr, "dry run: 4 rows would be created; nothing was sent\n")
	assert.Equal(t, "created 0, skipped 2 (duplicates 0, existing 2), failed 2, blank rows 1", summaryLine(res.stderr))
	assert.Len(t, srv.Contacts(), 1, "nothing was created")
}

// TestImportWaitsOutRateLimits: a 429 the SDK gives up on pauses the whole import, which then
// sends the row again: it is not a failure.
func TestImportWaitsOutRateLimits(t *testing.T) {
	t.Run("429 without Retry-After", func(t *testing.T) {
		srv := newServer(t)
		ts := httptest.NewServer(countingHandler(srv.Handler(), func(n int64) {
			if n == 1 {
				srv.FailNext(3, http.StatusTooManyRequests) // the first create, and the row sent twice more
			}
		}))
		defer ts.Close()
		c := newCLI(t, srv)
		c.baseURL = ts.URL
		c.opts = append(c.opts, cashfin.WithMaxRetries(0)) // every 429 reaches the CLI
		res := c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(5)), "--concurrency", "1", "--rate", "0")
		assert.Equal(t, exitOK, res.code, res.stderr)
		assert.Equal(t, "created 5, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
		assert.Contains(t, res.stderr, "rate limited by the API: pausing all requests for 5ms\n")
		assert.Contains(t, res.stderr, "rate limited by the API: pausing all requests for 10ms\n", "the pause grows")
		assert.Contains(t, res.stderr, "rate limited by the API: pausing all requests for 20ms\n")
		assert.Len(t, srv.Contacts(), 5)
	})
	t.Run("Retry-After longer than the SDK waits", func(t *testing.T) {
		// The first create meets a 429 as the API documents it, asking for a second: longer than
		// the SDK's 5ms wait bound here, so the SDK gives up at once and the CLI pauses. (Written
		// by hand rather than by WithRateLimit, whose bucket refills if the machine is slow.)
		srv := newServer(t)
		var limited atomic.Bool
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && limited.CompareAndSwap(false, true) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, `{"success":false,"error":"Rate limit exceeded. Try again later.","retry_after":1}`)
				return
			}
			srv.Handler().ServeHTTP(w, r)
		}))
		defer ts.Close()
		c := newCLI(t, srv)
		c.baseURL = ts.URL
		start := time.Now()
		res := c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(6)), "--concurrency", "6", "--rate", "0")
		assert.Equal(t, exitOK, res.code, res.stderr)
		assert.Equal(t, "created 6, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
		assert.Contains(t, res.stderr, "rate limited by the API: pausing all requests for 1s\n")
		assert.GreaterOrEqual(t, time.Since(start), time.Second, "the row was sent again after the pause")
		assert.Len(t, srv.Contacts(), 6)
	})
}

func TestImportAPIFailures(t *testing.T) {
	srv := newServer(t)
	ts := httptest.NewServer(countingHandler(srv.Handler(), func(n int64) {
		if n == 1 {
			srv.FailNext(3, http.StatusInternalServerError) // all three attempts of the first row
		}
	}))
	defer ts.Close()
	errPath := filepath.Join(t.TempDir(), "errors.csv")
	c := newCLI(t, srv)
	c.baseURL = ts.URL
	res := c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(3)), "--concurrency", "1", "--errors", errPath, "--rate", "0")
	assert.Equal(t, exitFailure, res.code)
	assert.Equal(t, "created 2, skipped 0 (duplicates 0, existing 0), failed 1", summaryLine(res.stderr))
	recs := readCSVFile(t, errPath)
	require.Len(t, recs, 2)
	assert.Equal(t, []string{"Person 0", "person0@example.com", "+254 700 000000", "Company 0", "2"}, recs[1][:5])
	assert.Regexp(t, `^POST /business/contact/create: 500 Internal Server Error \[request id \S+\]$`, recs[1][5],
		"the API's status and message, and the request ID for support")
}

func TestImportProgressBar(t *testing.T) {
	srv := newServer(t, cashfintest.WithLatency(5*time.Millisecond))
	c := newCLI(t, srv)
	c.terminal = true
	res := c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(20)), "--concurrency", "2", "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Regexp(t, `\r\[#*\.*\] \d+/20 imported`, res.stderr, "a bar on a terminal")
	assert.True(t, strings.HasSuffix(res.stderr, "\rcreated 20, skipped 0 (duplicates 0, existing 0), failed 0\n"),
		"the bar is cleared before the summary: %q", res.stderr)

	c.terminal = false
	res = c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(20)), "--rate", "0")
	assert.NotContains(t, res.stderr, "\r", "no bar off a terminal")
}

// TestImportConcurrency: --concurrency N (default 4) creates are in flight at once, never more.
// The first N creates are held until all N have arrived, so that the bound is reached whatever
// the machine's speed, and 100ms more, for a create past the bound to show up if the CLI sends
// one (a correct CLI cannot, so the wait cannot make the test flaky); the rest pass straight
// through, and none may push the count past N either.
func TestImportConcurrency(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 4},
		{[]string{"--concurrency", "7"}, 7},
	} {
		srv := newServer(t)
		var (
			mu             sync.Mutex
			inFlight, most int
			full           = make(chan struct{})
			fullOnce       sync.Once
		)
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				srv.Handler().ServeHTTP(w, r)
				return
			}
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			if inFlight == tc.want {
				fullOnce.Do(func() { time.AfterFunc(100*time.Millisecond, func() { close(full) }) })
			}
			mu.Unlock()
			select {
			case <-full:
			case <-time.After(5 * time.Second): // fewer than want in flight: most tells
			}
			srv.Handler().ServeHTTP(w, r)
			mu.Lock()
			inFlight-- // before the handler returns, so before the client has its answer
			mu.Unlock()
		}))
		c := newCLI(t, srv)
		c.baseURL = ts.URL
		res := c.run(append([]string{"contacts", "import", writeFile(t, "c.csv", bigCSV(30)), "--rate", "0"}, tc.args...)...)
		ts.Close()
		assert.Equal(t, exitOK, res.code, res.stderr)
		assert.Len(t, srv.Contacts(), 30)
		mu.Lock()
		assert.Equal(t, tc.want, most, "creates in flight at once with %v", tc.args)
		mu.Unlock()
	}
}

// TestImportRate: --rate spaces the requests (default 5 a second, the smallest plan's limit).
func TestImportRate(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "c.csv", bigCSV(11))
	start := time.Now()
	res := newCLI(t, srv).run("contacts", "import", in, "--rate", "50", "--concurrency", "8")
	elapsed := time.Since(start)
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.GreaterOrEqual(t, elapsed, 190*time.Millisecond, "11 requests at 50 a second take 200ms at least")

	start = time.Now()
	res = newCLI(t, srv).run("contacts", "import", writeFile(t, "d.csv", "name\nA\nB\nC\n"))
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.GreaterOrEqual(t, time.Since(start), 390*time.Millisecond, "3 requests at the default 5 a second take 400ms at least")
}

// TestImportSkipExistingFails: when the listing fails, nothing is sent and the import still ends
// with its account: the error, the rows not sent, the summary.
func TestImportSkipExistingFails(t *testing.T) {
	srv := newServer(t)
	srv.FailNext(3, http.StatusBadGateway)
	errPath := filepath.Join(t.TempDir(), "errors.csv")
	res := newCLI(t, srv).run("contacts", "import", writeFile(t, "c.csv", "name,email\nAnn,ann@x.co\n,nobody@x.co\n"),
		"--skip-existing", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code)
	assert.Equal(t, "columns: \"name\" → name, \"email\" → email\n"+
		"listing the contacts on the server...\n"+
		"line 3: no name\n"+
		"cashfin: contacts import: --skip-existing: listing the contacts: GET /business/contact/list: 502 Bad Gateway\n"+
		"1 row not sent; run the same command again to finish (rows already sent are not created twice)\n"+
		"created 0, skipped 0 (duplicates 0, existing 0), failed 1\n",
		regexp.MustCompile(` \[request id \S+\]`).ReplaceAllString(res.stderr, ""))
	assert.Len(t, readCSVFile(t, errPath), 2, "the errors file is written all the same")
	assert.Empty(t, srv.Contacts())
}
