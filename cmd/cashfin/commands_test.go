package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

func TestCreateAndGet(t *testing.T) {
	srv := newServer(t)
	c := newCLI(t, srv)
	res := c.run("contacts", "create", "--name", " Jane Wanjiku ", "--email", "jane@acme.co.ke", "--phone", "+254712345678",
		"--position", "Procurement Manager", "--company", "Acme Corp")
	require.Equal(t, exitOK, res.code, res.stderr)
	var created map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &created), "json by default: %s", res.stdout)
	assert.Equal(t, "Jane Wanjiku", created["name"], "trimmed")
	assert.Equal(t, "Acme Corp", created["companyname"])
	id, _ := created["_id"].(string)
	require.Len(t, id, 24)
	assert.Empty(t, res.stderr)

	res = c.run("contacts", "get", id)
	require.Equal(t, exitOK, res.code, res.stderr)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
	assert.Equal(t, true, got["active"], "get shows every field")
	assert.Contains(t, got, "updatedat")

	res = c.run("contacts", "get", id, "--format", "csv")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.True(t, strings.HasPrefix(res.stdout, "_id,name,email,phone,position,companyname,createdat,active,updatedat\n"+id+",Jane Wanjiku,"), res.stdout)

	res = c.run("contacts", "get", "--format", "jsonl", id)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, 1, strings.Count(res.stdout, "\n"))

	res = c.run("contacts", "get", "ffffffffffffffffffffffff")
	assert.Equal(t, exitFailure, res.code)
	assert.Regexp(t, `^cashfin: GET /business/contact/details/ffffffffffffffffffffffff: 404 Not Found: Contact not found \[request id \S+\]\n$`, res.stderr)

	res = c.run("contacts", "create", "--name", "Bad", "--email", "not-an-email")
	assert.Equal(t, exitFailure, res.code, "the API's 400 is an API failure")
	assert.Contains(t, res.stderr, "400 Bad Request")
	assert.Contains(t, res.stderr, "email: Email is invalid")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestList(t *testing.T) {
	srv := newServer(t)
	seed(srv, 250)
	c := newCLI(t, srv)

	res := c.run("contacts", "list")
	require.Equal(t, exitOK, res.code, res.stderr)
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	assert.Len(t, lines, 11, "a header and the API's default page of 10")
	assert.Regexp(t, `^_id\s+name\s+email`, lines[0])
	assert.Contains(t, lines[1], "Seed 249", "newest first")
	assert.Equal(t, "page 1 of 25 (250 contacts): --page N for another, --all for every page\n", res.stderr)

	res = c.run("contacts", "list", "--page", "2", "--limit", "5", "--format", "csv", "--search", "seed24")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, 6, strings.Count(res.stdout, "\n"), res.stdout)
	assert.Contains(t, res.stdout, "Seed 244,")
	assert.Empty(t, res.stderr, "no page hint off the table format")

	res = c.run("contacts", "list", "--all", "--format", "json")
	require.Equal(t, exitOK, res.code, res.stderr)
	var all []cashfin.Contact
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &all))
	assert.Equal(t, ids(srv.Contacts()), ids(all))

	res = c.run("contacts", "list", "--all", "--page", "2", "--format", "jsonl")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, 150, strings.Count(res.stdout, "\n"), "from page 2 of 100 on")

	res = c.run("contacts", "list", "--all")
	require.Equal(t, exitOK, res.code, res.stderr)
	lines = strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	assert.Len(t, lines, 251, "one header, then every contact")
	assert.Regexp(t, `^_id\s+name`, lines[0])
}

// TestExitCodes: 0 success; 1 an API or network failure; 2 a usage or input error.
func TestExitCodes(t *testing.T) {
	srv := newServer(t)
	noName := writeFile(t, "no-name.csv", "email,phone\na@b.co,1\n")
	good := writeFile(t, "good.csv", "name\nAnn\n")

	for _, tc := range []struct {
		name   string
		setup  func(c *cli)
		args   []string
		code   int
		stderr string // the first line of standard error
	}{
		{"list", nil, []string{"contacts", "list"}, exitOK, ""},
		{"import", nil, []string{"contacts", "import", good, "--rate", "0"}, exitOK, "created 1, skipped 0 (duplicates 0, existing 0), failed 0"},
		{"help", nil, []string{"contacts", "import", "-h"}, exitOK, "usage: cashfin contacts import FILE [--concurrency N] [--rate R | --plan PLAN [--redis URL]] [--skip-existing]"},
		{"top-level help", nil, []string{"--help"}, exitOK, "usage:"},

		{"no arguments", nil, nil, exitUsage, "usage:"},
		{"unknown command", nil, []string{"invoices", "list"}, exitUsage, `cashfin: unknown command "invoices": want contacts, customers or webhooks (see "cashfin -h")`},
		{"no subcommand", nil, []string{"contacts"}, exitUsage, "cashfin: missing subcommand: want contacts create, get, list, import or export"},
		{"unknown subcommand", nil, []string{"contacts", "delete"}, exitUsage, `cashfin: unknown subcommand "delete": want create, get, list, import or export`},
		{"unknown flag", nil, []string{"contacts", "list", "--secret", "x"}, exitUsage, `cashfin: contacts list: flag provided but not defined: -secret (see "cashfin contacts list -h")`},
		{"bad flag value", nil, []string{"contacts", "export", "--concurrency", "many"}, exitUsage, `cashfin: contacts export: invalid value "many" for flag -concurrency: parse error (see "cashfin contacts export -h")`},
		{"bad format", nil, []string{"contacts", "get", "--format", "xml", "x"}, exitUsage, `cashfin: contacts get: unknown format "xml": want table, json, jsonl or csv`},
		{"missing argument", nil, []string{"contacts", "get"}, exitUsage, "cashfin: contacts get: want exactly one contact ID"},
		{"missing file", nil, []string{"contacts", "import"}, exitUsage, "cashfin: contacts import: want one FILE"},
		{"unreadable file", nil, []string{"contacts", "import", "/no/such.csv"}, exitUsage, "cashfin: contacts import: open /no/such.csv: no such file or directory"},
		{"no name column", nil, []string{"contacts", "import", noName}, exitUsage, "cashfin: contacts import: " + noName + ": no name column in the header (it has: email, phone)"},
		{"create without name", nil, []string{"contacts", "create", "--email", "a@b.co"}, exitUsage, "cashfin: contacts create: --name is required"},
		{"malformed ID", nil, []string{"contacts", "get", "123"}, exitUsage, `cashfin: invalid parameters: contact ID "123" is not 24 hexadecimal characters`},
		{"bad limit", nil, []string{"contacts", "list", "--limit", "101"}, exitUsage, "cashfin: contacts list: --limit 101: want 1 to 100"},
		{"bad rate", nil, []string{"contacts", "import", good, "--rate", "-1"}, exitUsage, "cashfin: contacts import: --rate -1: want a number of requests per second, 0 for no limit"},
		{"no secret", func(c *cli) { c.secret = "" }, []string{"contacts", "list"}, exitUsage, "cashfin: no client secret: set CASHFIN_CLIENT_SECRET"},
		{"bad base URL", func(c *cli) { c.baseURL = "ftp://x" }, []string{"contacts", "list"}, exitUsage, `cashfin: invalid base URL "ftp://x": want an absolute http or https URL`},

		{"wrong secret", func(c *cli) { c.secret = "cs_live_wrong_and_secret" }, []string{"contacts", "list"}, exitFailure,
			"cashfin: GET /business/contact/list: 401 Unauthorized: Unauthorized access!"},
		{"server error", func(c *cli) { srv.FailNext(3, http.StatusServiceUnavailable) }, []string{"contacts", "list"}, exitFailure,
			"cashfin: GET /business/contact/list: 503 Service Unavailable"},
		{"wrong secret, list all", func(c *cli) { c.secret = "cs_live_wrong_and_secret" }, []string{"contacts", "list", "--all"}, exitFailure,
			"cashfin: list contacts page 1: GET /business/contact/list: 401 Unauthorized: Unauthorized access!"}, // a walk names its page (issue 15)
		{"network failure", func(c *cli) { c.baseURL = "http://127.0.0.1:1" }, []string{"contacts", "export"}, exitFailure,
			"cashfin: cannot reach 127.0.0.1:1 (3 attempts): GET /business/contact/list: "},
		{"wrong secret, import", func(c *cli) { c.secret = "cs_live_wrong_and_secret" }, []string{"contacts", "import", good}, exitFailure,
			"cashfin: contacts import: the API refused the client secret (GET /business/contact/list: 401 Unauthorized: Unauthorized access!"},
		{"failed row", nil, []string{"contacts", "import", writeFile(t, "bad.csv", "name,email\nAnn,ann@\n")}, exitFailure, "line 2: malformed email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t, srv)
			if tc.setup != nil {
				tc.setup(c)
			}
			res := c.run(tc.args...)
			assert.Equal(t, tc.code, res.code, res.stderr)
			stderr := res.stderr
			if strings.HasPrefix(stderr, "columns: ") { // an import says how it reads the columns first
				stderr = stderr[strings.IndexByte(stderr, '\n')+1:]
			}
			assert.True(t, strings.HasPrefix(firstLine(stderr), tc.stderr), "stderr %q, want it to start with %q", res.stderr, tc.stderr)
			if tc.code != exitOK && !strings.HasPrefix(tc.stderr, "usage:") && !strings.Contains(tc.name, "import") && tc.name != "failed row" {
				assert.Equal(t, 1, strings.Count(res.stderr, "\n"), "one line: %q", res.stderr)
				assert.Empty(t, res.stdout)
			}
			for _, secret := range []string{"cs_live_wrong_and_secret", srv.Secret} {
				assert.NotContains(t, res.stderr, secret)
				assert.NotContains(t, res.stdout, secret)
			}
		})
	}
}

// TestFlagsAfterArguments: the contract writes "import FILE --concurrency N"; flags may come
// before or after the arguments, and "--" ends them.
func TestFlagsAfterArguments(t *testing.T) {
	srv := newServer(t)
	c := newCLI(t, srv)
	in := writeFile(t, "c.csv", "name\nAnn\n")
	res := c.run("contacts", "import", in, "--dry-run")
	assert.Contains(t, res.stderr, "dry run: 1 row would be created")
	res = c.run("contacts", "import", "--dry-run", "--", in)
	assert.Contains(t, res.stderr, "dry run: 1 row would be created")
	res = c.run("contacts", "import", "--dry-run", in, in)
	assert.Equal(t, exitUsage, res.code)
}

// TestBaseURL: the base URL is --base-url, else CASHFIN_BASE_URL.
func TestBaseURL(t *testing.T) {
	srv := newServer(t)
	c := newCLI(t, srv)
	c.baseURL = "http://127.0.0.1:1" // CASHFIN_BASE_URL: nothing listens there
	res := c.run("contacts", "list", "--base-url", srv.URL)
	assert.Equal(t, exitOK, res.code, "--base-url wins over CASHFIN_BASE_URL: %s", res.stderr)
	res = c.run("contacts", "list")
	assert.Equal(t, exitFailure, res.code, "without --base-url, CASHFIN_BASE_URL is used")
	assert.Contains(t, res.stderr, "127.0.0.1:1")
}

// TestListAllFailingMidwayLeavesJSONOpen: when a later page fails, list --all exits 1 and what
// it streamed stays as it was: the JSON array is left open, so that the partial listing cannot be
// read as a whole one (export does the same).
func TestListAllFailingMidwayLeavesJSONOpen(t *testing.T) {
	srv := newServer(t)
	for i := range 15 {
		srv.AddContacts(cashfin.Contact{Name: fmt.Sprintf("C%d", i)})
	}
	var lists atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lists.Add(1) > 1 { // page 2 is refused, as a gateway that drops the session might
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"success":false,"error":"Bad page"}`))
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()
	c := newCLI(t, srv)
	c.baseURL = ts.URL
	for _, format := range []string{"json", "jsonl"} {
		lists.Store(0)
		res := c.run("contacts", "list", "--all", "--limit", "10", "--format", format)
		assert.Equal(t, exitFailure, res.code, res.stderr)
		assert.Contains(t, res.stderr, "400 Bad Request")
		assert.Equal(t, 10, strings.Count(res.stdout, `"name":"C`), "the first page, streamed: %s", res.stdout)
		if format == "json" {
			assert.False(t, json.Valid([]byte(res.stdout)), "a partial array is left open: %s", res.stdout)
		}
	}
}
