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
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// Tests of issue 16's rules, one per rule, with files as people make them.

// TestSharedOfficeLine: colleagues on one office line are different people, and all are created;
// the same person written "0711 000 002" and "+254711000002" is one, and the second row says
// which line it repeats.
func TestSharedOfficeLine(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "office.csv", "name,email,phone\n"+
		"Amina Otieno,,+254 20 2222 333\n"+
		"Brian Kariuki,,020 2222333\n"+ // the same desk phone, another person
		"Carol Wambui,carol@acme.co.ke,+254202222333\n"+ // and another, with an email
		"Dan Mwangi,,0711 000 002\n"+
		"dan  MWANGI,,+254711000002\n") // Dan again: same name, same number
	res := newCLI(t, srv).run("contacts", "import", in, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 4, skipped 1 (duplicates 1, existing 0), failed 0", summaryLine(res.stderr))
	assert.Contains(t, res.stderr, "line 6: same person as line 5 (same name and phone)\n")
	got := people(srv.Contacts())
	assert.Equal(t, []person{
		{"Amina Otieno", "", "+254202222333", "", ""},
		{"Brian Kariuki", "", "+254202222333", "", ""},
		{"Carol Wambui", "carol@acme.co.ke", "+254202222333", "", ""},
		{"Dan Mwangi", "", "+254711000002", "", ""},
	}, got, "no colleague dropped, Dan once, every phone in E.164")
}

// TestExportImportKeepsEveryone: an export of an account with shared phones, imported into an
// empty one, creates every contact (31 rows, 31 contacts: none lost as a "duplicate").
func TestExportImportKeepsEveryone(t *testing.T) {
	src := newServer(t)
	for i := range 31 {
		src.AddContacts(cashfin.Contact{Name: fmt.Sprintf("Staff %d", i), Phone: "+254202222333"})
	}
	out := filepath.Join(t.TempDir(), "all.csv")
	res := newCLI(t, src).run("contacts", "export", "--out", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	dst := newServer(t)
	res = newCLI(t, dst).run("contacts", "import", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 31, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
	assert.Len(t, dst.Contacts(), 31)
}

// excelMangled is a file whose phones went through Excel: scientific notation, words, and two
// numbers in a cell.
const excelMangled = "name,phone\n" +
	"Wanjiru,2.54712E+11\n" +
	"Kamau,call me\n" +
	"Njeri,0712 345 684 / 0733 111 222\n" +
	"Otieno,254712345678\n"

// TestPhonesCheckedAndNormalised: a value that is not one phone number fails into the errors
// file with the reason (and the dry run says the same); a good one is sent in E.164 under
// --phone-region; --keep-phones sends them as written.
func TestPhonesCheckedAndNormalised(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "mangled.csv", excelMangled)
	errPath := filepath.Join(t.TempDir(), "errors.csv")

	dry := newCLI(t, srv).run("contacts", "import", in, "--dry-run")
	assert.Equal(t, exitFailure, dry.code, dry.stderr)
	assert.Equal(t, "created 0, skipped 0 (duplicates 0, existing 0), failed 3", summaryLine(dry.stderr))

	res := newCLI(t, srv).run("contacts", "import", in, "--rate", "0", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Equal(t, "created 1, skipped 0 (duplicates 0, existing 0), failed 3", summaryLine(res.stderr))
	for _, line := range []string{"line 2: ", "line 3: ", "line 4: "} {
		assert.NotEmpty(t, lineOf(dry.stderr, line), "the dry run says why")
		assert.Equal(t, lineOf(dry.stderr, line), lineOf(res.stderr, line), "the dry run reports what the import does")
	}
	recs := readCSVFile(t, errPath)
	require.Len(t, recs, 4)
	assert.Contains(t, recs[1][3], "scientific notation")
	assert.Equal(t, "3", recs[2][2])
	assert.NotEmpty(t, recs[2][3])
	assert.Equal(t, []person{{"Otieno", "", "+254712345678", "", ""}}, people(srv.Contacts()))

	kept := newServer(t)
	res = newCLI(t, kept).run("contacts", "import", writeFile(t, "k.csv", "name,phone\nAmina,0712 345 678\n"), "--keep-phones", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, []person{{"Amina", "", "0712 345 678", "", ""}}, people(kept.Contacts()))

	ug := newServer(t)
	res = newCLI(t, ug).run("contacts", "import", writeFile(t, "u.csv", "name,phone\nAmina,0772 123456\n"), "--phone-region", "UG", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, []person{{"Amina", "", "+256772123456", "", ""}}, people(ug.Contacts()))
}

// lineOf is the line of s that starts with prefix, or "".
func lineOf(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestSplitNamesJoined: "First Name" and "Last Name" both mapped to name are joined with one
// space, in the order of the --map flags; two columns onto email are refused, naming them, with
// every other column problem in the same run.
func TestSplitNamesJoined(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "hubspot.csv", "First Name,Last Name,Email,Work Email\nWanjikũ,Kamau,w@acme.co.ke,\nJohn,Smith,john@acme.co.ke,\n")
	res := newCLI(t, srv).run("contacts", "import", in, "--map", "First Name=name", "--map", "Last Name=name", "--map", "Work Email=", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, []person{{"John Smith", "john@acme.co.ke", "", "", ""}, {"Wanjikũ Kamau", "w@acme.co.ke", "", "", ""}}, people(srv.Contacts()))

	res = newCLI(t, srv).run("contacts", "import", in, "--map", "First Name=name", "--map", "Email=email", "--map", "Work Email=email", "--map", "Fax=phone")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, "Work Email")
	assert.Contains(t, res.stderr, "Fax", "every column problem in one run")
	assert.Len(t, srv.Contacts(), 2, "nothing sent")
}

// TestCaseChangedRerunReplays: the same file again with emails in other case, names re-spaced
// and a column added creates nothing: the keys follow the people, not the spelling.
func TestCaseChangedRerunReplays(t *testing.T) {
	srv := newServer(t)
	c := newCLI(t, srv)
	res := c.run("contacts", "import", writeFile(t, "a.csv", "name,email,phone\nJane Wanjiku,jane@acme.co.ke,\nOtieno,,0722000111\n"), "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	require.Len(t, srv.Contacts(), 2)

	edited := writeFile(t, "b.csv", "name,email,phone,company\n  JANE   wanjiku ,JANE@ACME.CO.KE ,,Acme\nOTIENO,,+254 722 000 111,\n")
	res = c.run("contacts", "import", edited, "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 0, skipped 2 (duplicates 0, existing 2), failed 0", summaryLine(res.stderr))
	assert.Len(t, srv.Contacts(), 2, "a re-run of an edited file creates no one twice")
}

// TestConcurrentImportsCountHonestly: two imports of one file at once report created counts that
// add up to what the server gained; with --format csv, a row the server replayed is not printed
// as created.
func TestConcurrentImportsCountHonestly(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "same.csv", bigCSV(300))
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Go(func() {
			results[i] = newCLI(t, srv).run("contacts", "import", in, "--rate", "0", "--concurrency", "8", "--format", "csv")
		})
	}
	wg.Wait()
	created := 0
	for _, res := range results {
		require.Equal(t, exitOK, res.code, res.stderr)
		m := regexp.MustCompile(`^created (\d+), skipped (\d+) \(duplicates 0, existing (\d+)\)`).FindStringSubmatch(summaryLine(res.stderr))
		require.NotNil(t, m, res.stderr)
		n, _ := strconv.Atoi(m[1])
		created += n
		recs, err := csv.NewReader(strings.NewReader(res.stdout)).ReadAll()
		require.NoError(t, err)
		assert.Len(t, recs, n+1, "the rows printed are the ones this run created, and a header")
	}
	assert.Len(t, srv.Contacts(), 300)
	assert.Equal(t, 300, created, "the two runs' created counts add up to what the server gained")
}

// TestCustomersImport: the same engine for customers: required fields checked per row, a missing
// country or currency column filled from --country and --currency, --type in any case.
func TestCustomersImport(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "customers.csv", "Customer Name,Email,Mobile,Type\n"+
		"Acme Ltd,accounts@acme.co.ke,0712 345 678,Business\n"+
		"Jane Wanjiku,jane@example.com,0722 000 111,INDIVIDUAL\n"+
		"No Email,,0733 000 222,individual\n"+
		"Bad Type,bad@example.com,0744 000 333,company\n"+
		"Acme Again,ACCOUNTS@acme.co.ke,0712 345 678,business\n")
	errPath := filepath.Join(t.TempDir(), "errors.csv")
	res := newCLI(t, srv).run("customers", "import", in, "--country", "Kenya", "--currency", "KES", "--rate", "0", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Equal(t, "created 2, skipped 1 (duplicates 1, existing 0), failed 2", summaryLine(res.stderr))
	assert.Contains(t, res.stderr, "line 6: same person as line 2 (same email)")
	got := srv.Customers()
	require.Len(t, got, 2)
	for _, c := range got {
		assert.Equal(t, "Kenya", c.Country)
		assert.Equal(t, "KES", c.Currency)
		assert.Contains(t, []string{"business", "individual"}, c.Type)
		assert.True(t, strings.HasPrefix(c.Phone, "+2547"), c.Phone)
	}
	recs := readCSVFile(t, errPath)
	require.Len(t, recs, 3)
	assert.Contains(t, recs[1][len(recs[1])-1], "email")
	assert.Contains(t, recs[2][len(recs[2])-1], "want individual or business")

	res = newCLI(t, srv).run("customers", "import", in, "--rate", "0")
	assert.Equal(t, exitUsage, res.code, "without --country and --currency a file with neither column is refused: %s", res.stderr)
	assert.Contains(t, res.stderr, "country")
}

// TestCustomersCreateTypeAnyCase: --type Business is business.
func TestCustomersCreateTypeAnyCase(t *testing.T) {
	srv := newServer(t)
	res := newCLI(t, srv).run("customers", "create", "--name", "Acme", "--email", "a@acme.co.ke", "--phone", "+254712345678",
		"--country", "Kenya", "--currency", "KES", "--type", "Business")
	require.Equal(t, exitOK, res.code, res.stderr)
	require.Len(t, srv.Customers(), 1)
	assert.Equal(t, "business", srv.Customers()[0].Type)
}

// TestSkippedRowsFindable: every skipped row says its line and what it repeats; past 20 of them,
// all are in a file that the summary names.
func TestSkippedRowsFindable(t *testing.T) {
	srv := newServer(t)
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := range 25 {
		fmt.Fprintf(&b, "Person %d,p%d@example.com\n", i, i)
	}
	for i := range 25 {
		fmt.Fprintf(&b, "Again %d,P%d@EXAMPLE.com\n", i, i)
	}
	skipped := filepath.Join(t.TempDir(), "skipped.txt")
	res := newCLI(t, srv).run("contacts", "import", writeFile(t, "dups.csv", b.String()), "--rate", "0", "--skipped", skipped)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 25, skipped 25 (duplicates 25, existing 0), failed 0", summaryLine(res.stderr))
	assert.Equal(t, 20, strings.Count(res.stderr, "same person as line"), "the first 20 on standard error")
	assert.Contains(t, res.stderr, "all 25 skipped rows, with what each duplicates, are in "+skipped)
	lines := strings.Split(strings.TrimSpace(mustRead(t, skipped)), "\n")
	require.Len(t, lines, 25)
	assert.Equal(t, "line 27: same person as line 2 (same email)", lines[0])
	assert.Equal(t, "line 51: same person as line 26 (same email)", lines[24])
}

// TestReplayedRowsFindable: a row the server answers from an earlier run's request (its
// idempotency key) is skipped as existing, and, as every skipped row, says its line and the ID of
// the record it is; past 20 they are in the skipped file with the others, in the file's order.
func TestReplayedRowsFindable(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "again.csv", bigCSV(25))
	c := newCLI(t, srv)
	res := c.run("contacts", "import", in, "--rate", "0", "--concurrency", "1")
	require.Equal(t, exitOK, res.code, res.stderr)
	ids := map[string]string{} // email -> ID
	for _, ct := range srv.Contacts() {
		ids[ct.Email] = ct.ID
	}
	// The first row's answer comes after the next three rows': skipped rows are still said in
	// the file's order.
	fourth := make(chan struct{})
	ts := httptest.NewServer(countingHandler(srv.Handler(), func(n int64) {
		switch n {
		case 1:
			<-fourth
		case 4:
			close(fourth)
		}
	}))
	defer ts.Close()
	c.baseURL = ts.URL
	skipped := filepath.Join(t.TempDir(), "skipped.txt")
	res = c.run("contacts", "import", in, "--rate", "0", "--concurrency", "4", "--skipped", skipped)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 0, skipped 25 (duplicates 0, existing 25), failed 0", summaryLine(res.stderr))
	recs := readCSVFile(t, in)
	require.Len(t, recs, 26)
	lines := strings.Split(strings.TrimSpace(mustRead(t, skipped)), "\n")
	require.Len(t, lines, 25, "every replayed row, by its line")
	for i, l := range lines {
		email := recs[i+1][1]
		require.NotEmpty(t, ids[email])
		assert.Regexp(t, fmt.Sprintf(`^line %d: .*contact %s\b`, i+2, ids[email]), l)
	}
}

// TestSecondInterrupt: after a second Ctrl-C (which abandons the requests in flight) the summary
// is printed and the errors file is complete: never 0 bytes, never cut short.
func TestSecondInterrupt(t *testing.T) {
	srv := newServer(t)
	ctx, interrupt := context.WithCancel(context.Background())
	abort, interruptAgain := context.WithCancel(context.Background())
	defer interrupt()
	defer interruptAgain()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			io.Copy(io.Discard, r.Body) // so that the server notices the client hanging up
			interrupt()                 // Ctrl-C while the first create is in flight...
			interruptAgain()            // ...and again
			<-r.Context().Done()        // never answered: only the second Ctrl-C ends the wait
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()
	in := writeFile(t, "c.csv", "name,email\n,nobody@example.com\nAnn,ann@example.com\nBob,bad@\nCyd,cyd@example.com\n")
	errPath := filepath.Join(t.TempDir(), "errors.csv")
	c := newCLI(t, srv)
	c.baseURL, c.abort = ts.URL, abort
	res := c.runCtx(ctx, "contacts", "import", in, "--rate", "0", "--concurrency", "1", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Equal(t, "created 0, skipped 0 (duplicates 0, existing 0), failed 2", summaryLine(res.stderr), "the summary is printed")
	assert.Contains(t, res.stderr, "interrupted: 2 rows not sent (or not confirmed)")
	recs := readCSVFile(t, errPath)
	require.Len(t, recs, 3, "the errors file holds every failed row: %q", mustRead(t, errPath))
	assert.Equal(t, []string{"2", "4"}, []string{recs[1][2], recs[2][2]})
}

// TestExcelSafeExportRoundTrip: --excel-safe CSV starts with a UTF-8 byte-order mark (so Excel
// on Windows shows "Wanjikũ"), writes digit-only phones in Excel's text form and quotes formula
// starts; the import undoes exactly what the export did.
func TestExcelSafeExportRoundTrip(t *testing.T) {
	src := newServer(t)
	src.AddContacts(cashfin.Contact{Name: "Wanjikũ Kamau", Phone: "0712345678"},
		cashfin.Contact{Name: "=HYPERLINK(\"x\")", Email: "eve@example.com", Phone: "+254712345679"},
		cashfin.Contact{Name: "Digits", Phone: "254712345670", CompanyName: "@acme"})
	out := filepath.Join(t.TempDir(), "excel.csv")
	res := newCLI(t, src).run("contacts", "export", "--excel-safe", "--out", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(raw, []byte(term.BOM)), "a UTF-8 byte-order mark first")
	assert.Contains(t, string(raw), `"=""0712345678"""`, "a digit-only phone in Excel's text form")
	assert.Contains(t, string(raw), `'+254712345679`)

	dst := newServer(t)
	res = newCLI(t, dst).run("contacts", "import", out, "--rate", "0", "--keep-phones")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, people(src.Contacts()), people(dst.Contacts()), "the import undoes exactly what the export did")
}

// TestImportWorkbook: an .xlsx written by excelize imports directly (named .csv: recognised by
// its content), numeric phone cells as the digits typed.
func TestImportWorkbook(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Name", "Email", "Phone"}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A2", &[]any{"Wanjikũ Kamau", "w@acme.co.ke", 254712345678}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A3", &[]any{"John Smith", "john@acme.co.ke", "0722 000 111"}))
	book := filepath.Join(t.TempDir(), "book.xlsx")
	require.NoError(t, f.SaveAs(book))
	path := filepath.Join(t.TempDir(), "contacts.csv") // misnamed: the content says what it is
	require.NoError(t, os.Rename(book, path))
	srv := newServer(t)
	res := newCLI(t, srv).run("contacts", "import", path, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, []person{{"John Smith", "john@acme.co.ke", "+254722000111", "", ""}, {"Wanjikũ Kamau", "w@acme.co.ke", "+254712345678", "", ""}},
		people(srv.Contacts()))
}

// TestDailyWindowWarning: when the server's daily window is known and cannot hold the file, the
// import says how long it takes before sending ("12 rows at 5 a day: about 3 days").
func TestDailyWindowWarning(t *testing.T) {
	srv := newServer(t, cashfintest.WithPlan(0, 0, 5))
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	ts := httptest.NewServer(countingHandler(srv.Handler(), func(int64) { interrupt() })) // Ctrl-C at the first create
	defer ts.Close()
	c := newCLI(t, srv)
	c.baseURL = ts.URL
	res := c.runCtx(ctx, "contacts", "import", writeFile(t, "c.csv", bigCSV(12)), "--rate", "0", "--concurrency", "1")
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Regexp(t, `12 rows at 5 a day: about 3 days \(the plan's daily limit; [45] left today, the next day's in \d+ h( \d+ min)?\)`, res.stderr)
}

// TestChainedRowsInEveryOrder: rows that chain by rule (b), A (ann@x), B (no email), C (ann.o@y)
// on one name and phone, are two people (A and C differ by email; B is either): in every order,
// an import creates two contacts, a re-run creates none, and so does a re-run that checks the
// server. Against a server already holding two records of that name and phone without an email,
// A and C are those two, and a fourth email is someone new.
func TestChainedRowsInEveryOrder(t *testing.T) {
	a, b, c := "Ann Otieno,ann@x.co,0712345678\n", "ann  otieno,,+254 712 345 678\n", "ANN OTIENO,ann.o@y.co,0712 345678\n"
	for _, order := range [][]string{{a, b, c}, {a, c, b}, {b, a, c}, {b, c, a}, {c, a, b}, {c, b, a}} {
		srv := newServer(t)
		in := writeFile(t, "chain.csv", "name,email,phone\n"+strings.Join(order, ""))
		cli := newCLI(t, srv)
		res := cli.run("contacts", "import", in, "--rate", "0")
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Equal(t, "created 2, skipped 1 (duplicates 1, existing 0), failed 0", summaryLine(res.stderr), "%q", order)
		res = cli.run("contacts", "import", in, "--rate", "0")
		assert.Regexp(t, `^created 0, `, summaryLine(res.stderr), "%q: a re-run creates no one", order)
		res = cli.run("contacts", "import", in, "--rate", "0", "--skip-existing")
		assert.Regexp(t, `^created 0, `, summaryLine(res.stderr), "%q: nor does one that checks the server", order)
		assert.Len(t, srv.Contacts(), 2, "%q", order)
	}

	srv := newServer(t)
	srv.AddContacts(cashfin.Contact{Name: "Ann Otieno", Phone: "+254712345678"}, cashfin.Contact{Name: "Ann Otieno", Phone: "+254712345678"})
	in := writeFile(t, "chain.csv", "name,email,phone\n"+a+b+c+"Ann Otieno,ann.b@z.co,0712345678\n")
	res := newCLI(t, srv).run("contacts", "import", in, "--rate", "0", "--skip-existing")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 1, skipped 3 (duplicates 0, existing 3), failed 0", summaryLine(res.stderr))
	assert.Len(t, srv.Contacts(), 3)
}

// TestCreatePhonesAsImport: create (and update) send a phone as an import does: parsed under
// --phone-region (default KE) and sent in E.164, or as written with --keep-phones; a value that
// is not one phone number is exit 2 with the import's reason, and nothing is sent.
func TestCreatePhonesAsImport(t *testing.T) {
	customer := func(phone string, more ...string) []string {
		return append([]string{"customers", "create", "--name", "Acme", "--email", "a@acme.co.ke", "--phone", phone,
			"--country", "Kenya", "--currency", "KES"}, more...)
	}
	srv := newServer(t)
	c := newCLI(t, srv)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"contacts", "create", "--name", "Ann", "--phone", "0712 345 678"}, "+254712345678"},
		{[]string{"contacts", "create", "--name", "Ann", "--phone", "0772 123456", "--phone-region", "ug"}, "+256772123456"},
		{[]string{"contacts", "create", "--name", "Ann", "--phone", "0712 345 678", "--keep-phones"}, "0712 345 678"},
		{customer("0712 345 678"), "+254712345678"},
	} {
		srv.Reset()
		res := c.run(tc.args...)
		require.Equal(t, exitOK, res.code, "%q: %s", tc.args, res.stderr)
		body := requestsTo(srv, http.MethodPost)
		require.Len(t, body, 1)
		assert.Contains(t, string(body[0].Body), `"phone":"`+tc.want+`"`, "%q", tc.args)
	}
	id := seedCustomers(srv, 1)[0].ID
	res := c.run("customers", "update", id, "--phone", "0722 000 111")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "+254722000111", srv.Customers()[0].Phone, "update too")

	dry := newCLI(t, nil).run("contacts", "import", writeFile(t, "mangled.csv", excelMangled), "--dry-run")
	for i, phone := range []string{"2.54712E+11", "call me", "0712 345 684 / 0733 111 222"} {
		_, why, _ := strings.Cut(lineOf(dry.stderr, fmt.Sprintf("line %d: ", i+2)), ": ")
		require.NotEmpty(t, why)
		for _, args := range [][]string{{"contacts", "create", "--name", "Ann", "--phone", phone}, customer(phone), {"customers", "update", id, "--phone", phone}} {
			srv.Reset()
			res := c.run(args...)
			assert.Equal(t, exitUsage, res.code, "%q: %s", args, res.stderr)
			assert.Equal(t, "cashfin: "+args[0]+" "+args[1]+": "+why+"\n", res.stderr, "the import's reason")
			assert.Empty(t, srv.Requests(), "nothing sent")
		}
	}
	srv.Reset()
	res = c.run("contacts", "create", "--name", "Ann", "--phone", "0712 345 678", "--phone-region", "XX")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, `--phone-region "XX": not a region libphonenumber knows`)
	assert.Empty(t, srv.Requests(), "nothing sent")
}

// TestCurrencyCodeUpperCased: a currency is an ISO 4217 code, as the Customers doc shows it (KES):
// create, update and import trim and upper-case a three-letter code, and refuse anything else,
// create and update with exit 2 and nothing sent, import with the row in the errors file.
func TestCurrencyCodeUpperCased(t *testing.T) {
	srv := newServer(t)
	c := newCLI(t, srv)
	create := func(currency string) result {
		return c.run("customers", "create", "--name", "Acme", "--email", "a@acme.co.ke", "--phone", "+254712345678",
			"--country", "Kenya", "--currency", currency)
	}
	res := create(" kes ")
	require.Equal(t, exitOK, res.code, res.stderr)
	require.Len(t, srv.Customers(), 1)
	assert.Equal(t, "KES", srv.Customers()[0].Currency)
	id := srv.Customers()[0].ID
	res = c.run("customers", "update", id, "--currency", "ugx")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "UGX", srv.Customers()[0].Currency)

	for _, bad := range []string{"kesh", "K3S", "Ksh.", "€", "k s"} {
		srv.Reset()
		res := create(bad)
		assert.Equal(t, exitUsage, res.code, "%q: %s", bad, res.stderr)
		assert.Equal(t, fmt.Sprintf("cashfin: customers create: --currency %q: want a three-letter ISO 4217 code, such as KES or USD\n", bad), res.stderr)
		assert.Empty(t, srv.Requests(), "nothing sent")
		res = c.run("customers", "import", writeFile(t, "c.csv", "name,email,phone\nAnn,ann@x.co,0712345678\n"), "--country", "Kenya", "--currency", bad)
		assert.Equal(t, exitUsage, res.code, "a bad --currency default: %s", res.stderr)
		assert.Empty(t, srv.Requests(), "nothing sent")
	}

	srv.Reset()
	in := writeFile(t, "customers.csv", "name,email,phone,currency\n"+
		"Ann,ann@x.co,0712345678,kes\n"+
		"Ben,ben@x.co,0722000111, Usd \n"+
		"Cid,cid@x.co,0733000222,\n"+
		"Dee,dee@x.co,0744000333,shillings\n")
	errPath := filepath.Join(t.TempDir(), "errors.csv")
	res = c.run("customers", "import", in, "--country", "Kenya", "--currency", "tzs", "--rate", "0", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Equal(t, "created 3, skipped 0 (duplicates 0, existing 0), failed 1", summaryLine(res.stderr))
	got := map[string]string{}
	for _, cu := range srv.Customers() {
		got[cu.Name] = cu.Currency
	}
	assert.Equal(t, map[string]string{"Ann": "KES", "Ben": "USD", "Cid": "TZS"}, got)
	recs := readCSVFile(t, errPath)
	require.Len(t, recs, 2)
	assert.Equal(t, []string{"5", `currency "shillings": want a three-letter ISO 4217 code, such as KES or USD`}, recs[1][len(recs[1])-2:])
}

// TestSkipReasonThroughATaughtEmail: a row skipped through an email the importer learned from
// another row (one with an email, found by name and phone to be a person without one) names that
// row, not a "same email" its match never had; the plain reasons stay as they were.
func TestSkipReasonThroughATaughtEmail(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "taught.csv", "name,email,phone\n"+
		"Ann Otieno,,0712345678\n"+ // line 2: no email
		"Ann Otieno,ann@x.co,+254712345678\n"+ // line 3: line 2, by name and phone; ann@x.co is line 2 from now on
		"A. Otieno,ANN@x.co,\n"+ // line 4: line 2, through line 3's email
		"Ben Kariuki,ben@x.co,\n"+
		"Ben K.,Ben@x.co,\n") // line 6: plain same email
	res := newCLI(t, srv).run("contacts", "import", in, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "line 3: same person as line 2 (same name and phone)\n")
	assert.Contains(t, res.stderr, "line 4: same person as line 2 (same email as line 3, found to be them by name and phone)\n")
	assert.Contains(t, res.stderr, "line 6: same person as line 5 (same email)\n")

	srv = newServer(t)
	id := srv.AddContacts(cashfin.Contact{Name: "Ann Otieno", Phone: "+254712345678"})[0].ID
	in = writeFile(t, "taught.csv", "name,email,phone\n"+
		"Ann Otieno,ann@x.co,0712345678\n"+ // line 2: the server's record, by name and phone
		"A. Otieno,ANN@x.co,\n") // line 3: that record, through line 2's email
	res = newCLI(t, srv).run("contacts", "import", in, "--rate", "0", "--skip-existing")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "line 2: same person as contact "+id+" on the server (same name and phone)\n")
	assert.Contains(t, res.stderr, "line 3: same person as contact "+id+" on the server (same email as line 2, found to be them by name and phone)\n")
}

// TestImportOldXLSRefused: an old binary .xls workbook (an OLE2 compound file) is exit 2, saying
// to save it as .xlsx or CSV, and nothing is sent, in a dry run or not.
func TestImportOldXLSRefused(t *testing.T) {
	xls := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 504)...) // the header sector of a compound file
	xls = append(xls, "Name\tPhone\nAmina\t0712345678\n"...)
	in := filepath.Join(t.TempDir(), "contacts.xls")
	require.NoError(t, os.WriteFile(in, xls, 0o600))
	srv := newServer(t)
	for _, args := range [][]string{{"contacts", "import", in, "--rate", "0"}, {"customers", "import", in, "--dry-run", "--currency", "KES"}} {
		res := newCLI(t, srv).run(args...)
		assert.Equal(t, exitUsage, res.code, "%q: %s", args, res.stderr)
		assert.Contains(t, res.stderr, "save it as .xlsx or CSV", "%q", args)
		assert.Equal(t, 1, strings.Count(res.stderr, "\n"), "one line: %s", res.stderr)
		assert.Empty(t, srv.Requests(), "nothing sent")
	}
}

// TestImportWorkbookSheet: --sheet NAME imports that sheet's rows, and only them; a sheet the
// workbook lacks is exit 2, naming the sheets it has.
func TestImportWorkbookSheet(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Name", "Phone"}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A2", &[]any{"Head Office", 254202222333}))
	_, err := f.NewSheet("Nairobi Office")
	require.NoError(t, err)
	require.NoError(t, f.SetSheetRow("Nairobi Office", "A1", &[]any{"Full Name", "E-mail", "Mobile"}))
	require.NoError(t, f.SetSheetRow("Nairobi Office", "A2", &[]any{"Wanjikũ Kamau", "w@acme.co.ke", 254712345678}))
	require.NoError(t, f.SetSheetRow("Nairobi Office", "A3", &[]any{"Brian Otieno", "", "0722 000 111"}))
	book := filepath.Join(t.TempDir(), "offices.xlsx")
	require.NoError(t, f.SaveAs(book))

	srv := newServer(t)
	res := newCLI(t, srv).run("contacts", "import", book, "--sheet", "Nairobi Office", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 2, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
	assert.Equal(t, []person{{"Brian Otieno", "", "+254722000111", "", ""}, {"Wanjikũ Kamau", "w@acme.co.ke", "+254712345678", "", ""}},
		people(srv.Contacts()), "that sheet's rows, and not the first sheet's")

	srv.Reset()
	res = newCLI(t, srv).run("contacts", "import", book, "--sheet", "Mombasa", "--rate", "0")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, `--sheet "Mombasa": no such sheet in the workbook (it has: Sheet1, Nairobi Office)`)
	assert.Empty(t, srv.Requests(), "nothing sent")
}
