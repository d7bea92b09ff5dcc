package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
)

// seed stores n distinct contacts.
func seed(srv *cashfintest.Server, n int) []cashfin.Contact {
	cs := make([]cashfin.Contact, n)
	for i := range cs {
		cs[i] = cashfin.Contact{Name: fmt.Sprintf("Seed %d", i), Email: fmt.Sprintf("seed%d@example.com", i)}
	}
	return srv.AddContacts(cs...)
}

// exportedIDs reads the _id column of a CSV export.
func exportedIDs(t *testing.T, out string) []string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	require.Equal(t, "_id", recs[0][0])
	ids := make([]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

func ids(cs []cashfin.Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestExportInListOrder(t *testing.T) {
	srv := newServer(t)
	seed(srv, 1234)
	res := newCLI(t, srv).run("contacts", "export", "--concurrency", "5", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, ids(srv.Contacts()), exportedIDs(t, res.stdout), "every contact once, newest first")
	assert.Equal(t, "exported 1234 contacts\n", res.stderr)
}

func TestExportEmptyAndSearch(t *testing.T) {
	srv := newServer(t)
	res := newCLI(t, srv).run("contacts", "export", "--format", "json")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "[]\n", res.stdout)

	seed(srv, 150)
	srv.AddContacts(cashfin.Contact{Name: "Needle One"}, cashfin.Contact{Name: "needle two"})
	res = newCLI(t, srv).run("contacts", "export", "--search", "NEEDLE", "--format", "jsonl", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	require.Len(t, lines, 2)
	var c cashfin.Contact
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &c))
	assert.Equal(t, "needle two", c.Name)
}

// TestExportRoundTrip: what import wrote, export reads back in a form that imports exactly.
func TestExportRoundTrip(t *testing.T) {
	src := newServer(t)
	res := newCLI(t, src).run("contacts", "import", writeFile(t, "in.csv", messyImport+bigCSV(250)[len("name,email,phone,company\n"):]), "--rate", "0")
	require.Equal(t, exitFailure, res.code, "the messy rows fail: %s", res.stderr)
	require.Len(t, src.Contacts(), 255)

	out := filepath.Join(t.TempDir(), "export.csv")
	res = newCLI(t, src).run("contacts", "export", "--out", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "exported 255 contacts to "+out+"\n", res.stderr)
	assert.Empty(t, res.stdout)
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")

	dst := newServer(t)
	res = newCLI(t, dst).run("contacts", "import", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 255, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
	assert.Equal(t, people(src.Contacts()), people(dst.Contacts()), "the same contacts, byte for byte")

	// JSON lines go round too.
	outJSONL := filepath.Join(t.TempDir(), "export.jsonl")
	res = newCLI(t, src).run("contacts", "export", "--format", "jsonl", "--out", outJSONL, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	dst2 := newServer(t)
	res = newCLI(t, dst2).run("contacts", "import", outJSONL, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, people(src.Contacts()), people(dst2.Contacts()))
}

// TestExportWhileContactsAreCreated: contacts created during an export push the others down the
// list, from page to page; each contact is still written once, and none is missed. The handler
// forces the worst case too: page 3 answered before page 2, with contacts created in between.
func TestExportWhileContactsAreCreated(t *testing.T) {
	srv := newServer(t)
	before := seed(srv, 1050)
	snapshot := srv.Contacts()
	wasThere := map[string]bool{}
	for _, c := range snapshot {
		wasThere[c.ID] = true
	}
	page3Requests := 0
	page3Served := make(chan struct{})
	var once2, once3 sync.Once
	var mu sync.Mutex
	created := 0
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		if page == "2" {
			once2.Do(func() {
				select {
				case <-page3Served:
				case <-time.After(5 * time.Second):
				}
			})
		}
		if page != "1" {
			mu.Lock()
			if page == "3" {
				page3Requests++
			}
			for range 7 {
				srv.AddContacts(cashfin.Contact{Name: fmt.Sprintf("New %d", created)})
				created++
			}
			mu.Unlock()
		}
		h.ServeHTTP(w, r)
		if page == "3" {
			once3.Do(func() { close(page3Served) })
		}
	}))
	defer ts.Close()

	c := newCLI(t, srv)
	c.baseURL = ts.URL
	res := c.run("contacts", "export", "--concurrency", "4", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	got := exportedIDs(t, res.stdout)
	seen := map[string]bool{}
	for _, id := range got {
		require.False(t, seen[id], "contact %s written twice", id)
		seen[id] = true
	}
	for _, c := range before {
		assert.True(t, seen[c.ID], "contact %s (there before the export) missed", c.ID)
	}
	// In list order: the contacts there before keep their order, whatever came in between.
	var old []string
	for _, id := range got {
		if wasThere[id] {
			old = append(old, id)
		}
	}
	assert.Equal(t, ids(snapshot), old)
	mu.Lock()
	defer mu.Unlock()
	assert.GreaterOrEqual(t, page3Requests, 2, "page 3, answered before contacts page 2 saw were created, was fetched again")
}

// TestExportRate: --rate spaces the page requests as for import (default 5 a second). The SDK's
// limiter admits one request at once, then one per 1/rate: 3 pages take 2/rate at least.
func TestExportRate(t *testing.T) {
	srv := newServer(t)
	seed(srv, 250) // 3 pages of 100
	for _, tc := range []struct {
		args []string
		min  time.Duration
	}{
		{[]string{"--rate", "10"}, 190 * time.Millisecond},
		{nil, 390 * time.Millisecond},
	} {
		start := time.Now()
		res := newCLI(t, srv).run(append([]string{"contacts", "export", "--concurrency", "3"}, tc.args...)...)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.GreaterOrEqual(t, time.Since(start), tc.min, "%v", tc.args)
		assert.Len(t, exportedIDs(t, res.stdout), 250)
	}
}

func TestExportExcelSafe(t *testing.T) {
	srv := newServer(t)
	srv.AddContacts(cashfin.Contact{Name: "=cmd|' /C calc'!A0", Phone: "+254712345678", CompanyName: "@SUM(1)", Position: "-"})
	res := newCLI(t, srv).run("contacts", "export", "--excel-safe")
	require.Equal(t, exitOK, res.code, res.stderr)
	recs, err := csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"'=cmd|' /C calc'!A0", "", "'+254712345678", "'-", "'@SUM(1)"}, recs[1][1:6])

	res = newCLI(t, srv).run("contacts", "export")
	recs, err = csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"=cmd|' /C calc'!A0", "", "+254712345678", "-", "@SUM(1)"}, recs[1][1:6], "as they are by default")
}

func TestExportFailures(t *testing.T) {
	srv := newServer(t)
	seed(srv, 350)
	out := filepath.Join(t.TempDir(), "export.csv")
	srv.FailNext(1, http.StatusOK) // page 1 (no retries below): success:false
	c := newCLI(t, srv)
	c.opts = append(c.opts, cashfin.WithMaxRetries(0))
	res := c.run("contacts", "export", "--out", out, "--rate", "0")
	assert.Equal(t, exitFailure, res.code)
	assert.Regexp(t, `^cashfin: GET /business/contact/list: 200 OK.*\n$`, res.stderr)
	assert.NoFileExists(t, out, "a failed export leaves no file")

	res = c.run("contacts", "export", "--out", filepath.Join(t.TempDir(), "no", "such", "dir.csv"))
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "cashfin: contacts export: --out:")
}

func TestExportInterrupted(t *testing.T) {
	srv := newServer(t)
	seed(srv, 500)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "3" {
			cancel()
		}
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()
	c := newCLI(t, srv)
	c.baseURL = ts.URL
	res := c.runCtx(ctx, "contacts", "export", "--concurrency", "1", "--rate", "0")
	assert.Equal(t, exitFailure, res.code)
	assert.Equal(t, "cashfin: interrupted\n", res.stderr)
}

// TestExportProgress: a bar on a terminal, never on standard output. The bar is drawn every
// tick (1ms here); a latency of 10ms a page makes the export last 50ms at least, so that the
// ticker gets its turn even on a loaded machine.
func TestExportProgress(t *testing.T) {
	srv := newServer(t, cashfintest.WithLatency(10*time.Millisecond))
	seed(srv, 1000)
	c := newCLI(t, srv)
	c.terminal = true
	res := c.run("contacts", "export", "--rate", "0", "--concurrency", "2")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Regexp(t, `\r\[#*\.*\] \d+/1000 exported`, res.stderr)
	sc := bufio.NewScanner(strings.NewReader(res.stdout))
	n := 0
	for sc.Scan() {
		n++
	}
	assert.Equal(t, 1001, n, "the bar never reaches standard output")
}

// requestCounter serves h and counts the requests.
func requestCounter(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	})
}

// TestExportOutBareName: "--out out.csv" as the README shows it, with $TMPDIR elsewhere (here:
// missing altogether, as good as another filesystem for a temporary file created there): the
// temporary file lives beside the destination, so the export lands.
func TestExportOutBareName(t *testing.T) {
	srv := newServer(t)
	seed(srv, 120)
	dir := t.TempDir()
	wd, err := os.Getwd()
	require.NoError(t, err)
	require.NoError(t, os.Chdir(dir))
	t.Cleanup(func() { os.Chdir(wd) })
	t.Setenv("TMPDIR", filepath.Join(dir, "no-such-tmp"))

	res := newCLI(t, srv).run("contacts", "export", "--out", "out.csv", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "exported 120 contacts to out.csv\n", res.stderr)
	assert.Len(t, readCSVFile(t, filepath.Join(dir, "out.csv")), 121)
	left, err := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary file left behind")
}

// TestExportOutUsageErrors: an --out that cannot be written is a usage error before anything is
// fetched.
func TestExportOutUsageErrors(t *testing.T) {
	srv := newServer(t)
	seed(srv, 10)
	var requests atomic.Int64
	ts := httptest.NewServer(requestCounter(srv.Handler(), &requests))
	defer ts.Close()
	c := newCLI(t, srv)
	c.baseURL = ts.URL
	dir := t.TempDir()
	for _, out := range []string{dir, dir + string(filepath.Separator), filepath.Join(dir, "missing", "x.csv")} {
		res := c.run("contacts", "export", "--out", out)
		assert.Equal(t, exitUsage, res.code, "%s: %s", out, res.stderr)
		assert.Contains(t, res.stderr, "cashfin: contacts export: --out", out)
	}
	assert.Zero(t, requests.Load(), "nothing fetched")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing created in the directory")
}

// ignorePage serves h as a server (or a cache in front of it) that ignores the page parameter.
func ignorePage(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del("page")
		r.URL.RawQuery = q.Encode()
		h.ServeHTTP(w, r)
	})
}

// TestExportServerIgnoresPage: the server announces 300 contacts but serves page 1 for every
// page. The export cannot account for 200 of them: exit 1, no output file.
func TestExportServerIgnoresPage(t *testing.T) {
	srv := newServer(t)
	seed(srv, 300)
	ts := httptest.NewServer(ignorePage(srv.Handler()))
	defer ts.Close()
	c := newCLI(t, srv)
	c.baseURL = ts.URL
	out := filepath.Join(t.TempDir(), "out.csv")
	res := c.run("contacts", "export", "--out", out, "--rate", "0")
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Contains(t, res.stderr, "the server announced 300 contacts but its pages held only 100")
	assert.NoFileExists(t, out)

	// Without page blocks the export walks until a short page: a page served again ends it.
	// (After 5 full pages this server serves a short one, so that an exporter without the check
	// ends too, wrongly, rather than loop for ever.)
	var served atomic.Int64
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`{"success":true,"data":[`)
		n := bulk.PageSize
		if served.Add(1) > 5 {
			n = 1
		}
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"_id":"%024x","name":"P %d"}`, i, i)
		}
		b.WriteString(`]}`)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, b.String())
	}))
	defer bare.Close()
	c.baseURL = bare.URL
	res = c.run("contacts", "export", "--out", out, "--rate", "0")
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Contains(t, res.stderr, "page 2 holds only contacts already exported")
	assert.NoFileExists(t, out)
}
