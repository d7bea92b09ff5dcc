package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// customerKeys are the fields of a customer as the CLI prints it, in order.
var customerKeys = []string{"_id", "name", "email", "phone", "country", "currency", "company", "address", "city",
	"type", "active", "createdat", "updatedat"}

// seedCustomers stores n distinct customers.
func seedCustomers(srv *cashfintest.Server, n int) []cashfin.Customer {
	cs := make([]cashfin.Customer, n)
	for i := range cs {
		cs[i] = cashfin.Customer{Name: fmt.Sprintf("Customer %d", i), Email: fmt.Sprintf("customer%d@example.com", i),
			Phone: fmt.Sprintf("+2547%08d", i), Country: "Kenya", Currency: "KES", Type: cashfin.CustomerIndividual}
	}
	return srv.AddCustomers(cs...)
}

func customerIDs(cs []cashfin.Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// requestsTo is the requests the fake received with method, in order.
func requestsTo(srv *cashfintest.Server, method string) []cashfintest.Request {
	var out []cashfintest.Request
	for _, r := range srv.Requests() {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// TestCustomersCreateGetUpdate: create prints the customer as get does; update sends only the
// fields given, and prints the customer as it stands after.
func TestCustomersCreateGetUpdate(t *testing.T) {
	srv := newServer(t)
	c := newCLI(t, srv)
	res := c.run("customers", "create", "--name", " Acme Ltd ", "--email", "billing@acme.co.ke", "--phone", "+254712345678",
		"--country", "Kenya", "--currency", "KES", "--company", "Acme", "--address", "1 Moi Avenue", "--city", "Nairobi",
		"--type", "business")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Empty(t, res.stderr)
	var created map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &created), res.stdout)
	assert.Equal(t, "Acme Ltd", created["name"], "trimmed")
	assert.Equal(t, "business", created["type"])
	id, _ := created["_id"].(string)
	require.Len(t, id, 24)

	assert.Subset(t, customerKeys, jsonKeys(t, res.stdout))
	assertInOrder(t, jsonKeys(t, res.stdout), "create prints the customer as get does")

	res = c.run("customers", "get", id)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, customerKeys, jsonKeys(t, res.stdout), "the API's names, in order")
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &got))
	for k, v := range created {
		assert.Equal(t, v, got[k], "get shows what create showed: %s", k)
	}

	res = c.run("customers", "get", id, "--format", "csv")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.True(t, strings.HasPrefix(res.stdout, strings.Join(customerKeys, ",")+"\n"+id+",Acme Ltd,"), res.stdout)

	res = c.run("customers", "update", id, "--city", "Mombasa", "--company", "")
	require.Equal(t, exitOK, res.code, res.stderr)
	var updated map[string]any
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &updated), res.stdout)
	assert.Equal(t, "Mombasa", updated["city"])
	assert.NotContains(t, updated, "company", `--company "" clears it (an empty field is left out, as get does)`)
	assert.Equal(t, "Acme Ltd", updated["name"], "the rest as it was")
	res2 := c.run("customers", "get", id)
	require.Equal(t, exitOK, res2.code, res2.stderr)
	assert.JSONEq(t, res2.stdout, res.stdout, "update prints the customer as get does")
	patches := requestsTo(srv, http.MethodPatch)
	require.Len(t, patches, 1)
	assert.JSONEq(t, `{"city":"Mombasa","company":""}`, string(patches[0].Body), "only the fields given")
	assert.Equal(t, "/business/customer/update/"+id, patches[0].Path)
	stored := srv.Customers()
	require.Len(t, stored, 1)
	assert.Equal(t, "Mombasa", stored[0].City)
	assert.Equal(t, "", stored[0].Company)
	assert.Equal(t, "KES", stored[0].Currency)

	res = c.run("customers", "update", id, "--format", "table", "--type", "individual")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Regexp(t, `^_id\s+name\s+email\s+phone\s+country\s+currency\s+company\s+address\s+city\s+type\s+active\s+createdat\s+updatedat\n`, res.stdout)
	assert.Contains(t, res.stdout, "individual")
}

// TestCustomersUsageAndFailures: usage and input errors are exit 2 and send nothing; API
// failures are exit 1, one line, never the secret.
func TestCustomersUsageAndFailures(t *testing.T) {
	srv := newServer(t)
	id := seedCustomers(srv, 1)[0].ID
	full := []string{"--name", "N", "--email", "n@x.co", "--phone", "+254700000000", "--country", "Kenya", "--currency", "KES"}
	for _, tc := range []struct {
		name   string
		secret string
		args   []string
		code   int
		stderr string
	}{
		{"create without email", "", []string{"create", "--name", "N"}, exitUsage, "cashfin: customers create: --email, --phone, --country and --currency are required\n"},
		{"create with a blank currency", "", append(append([]string{"create"}, full...), "--currency", " "), exitUsage,
			"cashfin: customers create: --currency is required\n"},
		{"create with a bad type", "", append(append([]string{"create"}, full...), "--type", "company"), exitUsage, "cashfin: customers create: --type \"company\": want individual or business\n"},
		{"create with an argument", "", append([]string{"create", "x"}, full...), exitUsage, `cashfin: customers create: unexpected argument "x"`},
		{"update without fields", "", []string{"update", id}, exitUsage,
			"cashfin: customers update: nothing to change: give at least one of --name, --email, --phone, --country, --currency, --company, --address, --city or --type\n"},
		{"update without ID", "", []string{"update", "--city", "Kisumu"}, exitUsage, "cashfin: customers update: want exactly one customer ID\n"},
		{"update with a blank name", "", []string{"update", id, "--name", ""}, exitUsage, "cashfin: invalid parameters: "},
		{"update with a malformed ID", "", []string{"update", "123", "--city", "Kisumu"}, exitUsage, "cashfin: invalid parameters: "},
		{"get without ID", "", []string{"get"}, exitUsage, "cashfin: customers get: want exactly one customer ID\n"},
		{"list with a bad limit", "", []string{"list", "--limit", "0"}, exitUsage, "cashfin: customers list: --limit 0: want 1 to 100\n"},
		{"export with a bad concurrency", "", []string{"export", "--concurrency", "0"}, exitUsage, "cashfin: customers export: --concurrency 0: want 1 to 64\n"},
		{"unknown verb", "", []string{"delete", "x"}, exitUsage, `cashfin: unknown subcommand "delete": want create, get, list, update, import or export` + "\n"},
		{"not found", "", []string{"get", "ffffffffffffffffffffffff"}, exitFailure,
			"cashfin: GET /business/customer/details/ffffffffffffffffffffffff: 404 Not Found: Customer not found"},
		{"update not found", "", []string{"update", "ffffffffffffffffffffffff", "--city", "Kisumu"}, exitFailure,
			"cashfin: PATCH /business/customer/update/ffffffffffffffffffffffff: 404 Not Found"},
		{"wrong secret", "cs_live_wrong_and_secret", []string{"list"}, exitFailure,
			"cashfin: GET /business/customer/list: 401 Unauthorized: Unauthorized access! [request id "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Reset()
			srv.AddCustomers(cashfin.Customer{ID: id, Name: "Kept", Email: "k@x.co", Phone: "1", Country: "Kenya", Currency: "KES"})
			c := newCLI(t, srv)
			if tc.secret != "" {
				c.secret = tc.secret
			}
			res := c.run(append([]string{"customers"}, tc.args...)...)
			assert.Equal(t, tc.code, res.code, res.stderr)
			assert.True(t, strings.HasPrefix(res.stderr, tc.stderr), "stderr %q, want it to start with %q", res.stderr, tc.stderr)
			assert.Equal(t, 1, strings.Count(res.stderr, "\n"), res.stderr)
			assert.Empty(t, res.stdout)
			if tc.code == exitUsage {
				assert.Empty(t, srv.Requests(), "nothing sent")
			}
			for _, secret := range []string{"cs_live_wrong_and_secret", srv.Secret} {
				assert.NotContains(t, res.stderr, secret)
			}
			assert.Equal(t, "Kept", srv.Customers()[0].Name, "nothing changed")
		})
	}
}

// TestCustomersListAndExport: list and export as for contacts, from the same code.
func TestCustomersListAndExport(t *testing.T) {
	srv := newServer(t)
	seeded := seedCustomers(srv, 230)
	c := newCLI(t, srv)

	res := c.run("customers", "list")
	require.Equal(t, exitOK, res.code, res.stderr)
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	assert.Len(t, lines, 11, "a header and a page of 10")
	assert.Contains(t, lines[1], "Customer 229", "newest first")
	assert.Equal(t, "page 1 of 23 (230 customers): --page N for another, --all for every page\n", res.stderr)

	res = c.run("customers", "list", "--search", "customer22", "--format", "jsonl")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, 10, strings.Count(res.stdout, "\n"), "Customer 22 and 220..229, a page of 10: %s", res.stdout)

	res = c.run("customers", "list", "--all", "--format", "json")
	require.Equal(t, exitOK, res.code, res.stderr)
	var all []cashfin.Customer
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &all))
	assert.ElementsMatch(t, customerIDs(seeded), customerIDs(all))

	out := filepath.Join(t.TempDir(), "customers.csv")
	res = c.run("customers", "export", "--out", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "exported 230 customers to "+out+"\n", res.stderr)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 231)
	assert.Equal(t, customerKeys, recs[0])
	var exported []string
	for _, r := range recs[1:] {
		exported = append(exported, r[0])
	}
	assert.ElementsMatch(t, customerIDs(seeded), exported, "each customer once")
}

// assertInOrder checks that keys come in the order of customerKeys.
func assertInOrder(t *testing.T, keys []string, msg string) {
	t.Helper()
	at := 0
	for _, k := range keys {
		for at < len(customerKeys) && customerKeys[at] != k {
			at++
		}
		assert.Less(t, at, len(customerKeys), "%s: %q out of order in %v", msg, k, keys)
	}
}

// jsonKeys is the keys of the JSON object s, in order.
func jsonKeys(t *testing.T, s string) []string {
	dec := json.NewDecoder(strings.NewReader(s))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// TestCustomersHelp: create's -h marks the fields it requires; update's marks none.
func TestCustomersHelp(t *testing.T) {
	c := newCLI(t, nil)
	res := c.run("customers", "create", "-h")
	require.Equal(t, exitOK, res.code)
	assert.Equal(t, 5, strings.Count(res.stderr, "(required)"), res.stderr)
	res = c.run("customers", "update", "-h")
	require.Equal(t, exitOK, res.code)
	assert.NotContains(t, res.stderr, "(required)")
	assert.Contains(t, res.stderr, "usage: cashfin customers update ID [--name NAME]")
}
