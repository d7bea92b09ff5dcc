package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/rows"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// Item 2: the common spellings of the columns are read, the mapping is shown before anything is
// sent, and a column that looks like email or phone is never ignored silently.
func TestImportColumnSpellings(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "sales.csv", "Name,E-mail,Phone Number,Company Name,Job Title,Notes\n"+
		"Amina Odhiambo,amina@savanna.co.ke,+254722000111,Savanna Foods,Finance Lead,met at expo\n")
	res := newCLI(t, srv).run("contacts", "import", in, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, `columns: "Name" → name, "E-mail" → email, "Phone Number" → phone, "Job Title" → position, `+
		`"Company Name" → companyname; ignored: "Notes"`, firstLine(res.stderr))
	assert.Equal(t, []person{{"Amina Odhiambo", "amina@savanna.co.ke", "+254722000111", "Finance Lead", "Savanna Foods"}},
		people(srv.Contacts()))

	for header, want := range map[string]string{
		"full_name,EMAIL ADDRESS,mobile,Organisation,role": "columns: \"full_name\" → name, \"EMAIL ADDRESS\" → email, \"mobile\" → phone, \"role\" → position, \"Organisation\" → companyname",
		"Full Name,Telephone,Organization,Title":           "columns: \"Full Name\" → name, \"Telephone\" → phone, \"Title\" → position, \"Organization\" → companyname",
	} {
		res := newCLI(t, srv).run("contacts", "import", writeFile(t, "h.csv", header+"\n"), "--dry-run")
		assert.Equal(t, exitOK, res.code, res.stderr)
		assert.Equal(t, want, firstLine(res.stderr), header)
	}
}

func TestImportMapAndIgnoredContactColumns(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "c.csv", "Contact,Work Email,Mobile 2\nAnn,ann@x.co,0700 000 001\n")
	c := newCLI(t, srv)

	res := c.run("contacts", "import", in, "--map", "Contact=name", "--rate", "0")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, `column "Work Email" looks like an email or phone column, but it would not be imported`)
	assert.Empty(t, srv.Contacts(), "nothing sent")

	res = c.run("contacts", "import", in, "--map", "Contact=name", "--map", "work email=email", "--map", "Mobile 2=", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, `columns: "Contact" → name, "Work Email" → email; ignored: "Mobile 2"`, firstLine(res.stderr))
	assert.Equal(t, []person{{"Ann", "ann@x.co", "", "", ""}}, people(srv.Contacts()))

	// A second email column would be dropped: refused too.
	res = c.run("contacts", "import", writeFile(t, "d.csv", "name,email,e-mail\nBo,bo@x.co,bo@y.co\n"), "--dry-run")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, `column "e-mail" looks like an email or phone column`)

	// A column whose header says nothing, but whose cells are email addresses.
	res = c.run("contacts", "import", writeFile(t, "e.csv", "name,Contact info\nAnn,\nBo,bo@x.co\n"), "--rate", "0")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, `line 3: column "Contact info" holds an email address, but it would not be imported`)
	assert.Len(t, srv.Contacts(), 1, "nothing more sent")

	// JSON keys alike.
	js := writeFile(t, "c.jsonl", `{"name":"Cy","work_email":"cy@x.co"}`+"\n")
	res = c.run("contacts", "import", js, "--rate", "0")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, `line 1: key "work_email" looks like an email or phone, but it would not be imported`)
	res = c.run("contacts", "import", js, "--rate", "0", "--map", "work_email=email")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, people(srv.Contacts()), person{"Cy", "cy@x.co", "", "", ""})

	for _, bad := range []string{"nocolumn=name", "Contact=birthday", "Contact"} {
		res = c.run("contacts", "import", in, "--map", bad, "--dry-run")
		assert.Equal(t, exitUsage, res.code, "%s: %s", bad, res.stderr)
	}
}

// Item 3: identical rows are duplicates of each other, in the dry run as in the real run, and
// not replays "from an earlier run".
func TestImportIdenticalRows(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "c.csv", "name,email,phone,company\nJohn Smith,,,Acme\nJohn Smith,,,Acme\nJane,,,Acme\n")
	res := newCLI(t, srv).run("contacts", "import", in, "--dry-run")
	assert.Equal(t, exitOK, res.code, res.stderr)
	// Issue 16: two rows are one person only by email, or by name and phone; rows with neither
	// are people the rules cannot tell apart, so each is its own, with its own key.
	assert.Contains(t, res.stderr, "dry run: 3 rows would be created; nothing was sent\n")
	assert.Equal(t, "created 0, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))

	res = newCLI(t, srv).run("contacts", "import", in, "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 3, skipped 0 (duplicates 0, existing 0), failed 0", summaryLine(res.stderr))
	assert.NotContains(t, res.stderr, "earlier run")
	assert.Len(t, srv.Contacts(), 3)

	res = newCLI(t, srv).run("contacts", "import", in, "--rate", "0")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "created 0, skipped 3 (duplicates 0, existing 3), failed 0", summaryLine(res.stderr),
		"a re-run replays each of them: the two John Smiths' keys differ, and stay the same")
	assert.Len(t, srv.Contacts(), 3)
}

// Item 3: replays of an earlier run are counted row by row, even while someone else creates
// contacts during the import (which hid them from a count of the contacts before and after).
func TestImportCountsReplaysHonestly(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "c.csv", "name,email\nAnn,ann@x.co\nBob,bob@x.co\n")
	c := newCLI(t, srv)
	res := c.run("contacts", "import", in, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)

	// The same file with a new row, while three contacts are created by someone else.
	in = writeFile(t, "c2.csv", "name,email\nAnn,ann@x.co\nBob,bob@x.co\nCyd,cyd@x.co\n")
	ts := httptest.NewServer(countingHandler(srv.Handler(), func(n int64) {
		if n == 1 {
			srv.AddContacts(cashfin.Contact{Name: "Other 1"}, cashfin.Contact{Name: "Other 2"}, cashfin.Contact{Name: "Other 3"})
		}
	}))
	defer ts.Close()
	c.baseURL = ts.URL
	res = c.run("contacts", "import", in, "--rate", "0", "--concurrency", "1")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "2 rows were already on the server from an earlier run")
	assert.Equal(t, "created 1, skipped 2 (duplicates 0, existing 2), failed 0", summaryLine(res.stderr))
	assert.Len(t, srv.Contacts(), 6)
}

// Item 4: Windows-1252 is refused with its line and a hint, and read with --encoding; UTF-16 with a
// byte-order mark is read as it is; the errors file keeps the encoding, the mark and the line ends.
func TestImportEncodings(t *testing.T) {
	srv := newServer(t)
	cp1252, err := charmap.Windows1252.NewEncoder().String("name,company\r\nAmina,Acme\r\nRené Müller,Café Noir\r\n")
	require.NoError(t, err)
	in := writeFile(t, "win.csv", cp1252)
	c := newCLI(t, srv)

	res := c.run("contacts", "import", in, "--rate", "0")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, "line 3: not valid UTF-8 (byte 0xE9)")
	assert.Contains(t, res.stderr, "--encoding windows-1252")
	assert.Empty(t, srv.Contacts(), "nothing sent, not even the good row before the bad one")

	res = c.run("contacts", "import", in, "--encoding", "windows-1252", "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, people(srv.Contacts()), person{"René Müller", "", "", "", "Café Noir"})

	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(
		"name\temail\r\nZoë Ünal\tzoe@x.co\r\nBad\tbad@\r\n")
	require.NoError(t, err)
	in = writeFile(t, "excel-unicode.txt", utf16)
	errPath := filepath.Join(t.TempDir(), "errors.txt")
	res = c.run("contacts", "import", in, "--rate", "0", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.NotContains(t, res.stderr, "\x00")
	assert.Contains(t, people(srv.Contacts()), person{"Zoë Ünal", "zoe@x.co", "", "", ""})
	b, err := os.ReadFile(errPath)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(b, []byte{0xff, 0xfe}), "the errors file keeps the UTF-16 byte-order mark: % x", b[:min(4, len(b))])
	text, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
	require.NoError(t, err)
	assert.Equal(t, "name\temail\tline\terror\r\nBad\tbad@\t3\t\"malformed email \"\"bad@\"\"\"\r\n", string(text))

	// UTF-16 without a byte-order mark: NUL bytes, refused with a hint, no NUL in the message.
	noBOM, err := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String("name\nAnn\n")
	require.NoError(t, err)
	res = c.run("contacts", "import", writeFile(t, "nobom.csv", noBOM), "--dry-run")
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.Contains(t, res.stderr, "--encoding utf-16")
	assert.NotContains(t, res.stderr, "\x00")
	res = c.run("contacts", "import", writeFile(t, "nobom.csv", noBOM), "--dry-run", "--encoding", "utf-16")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "dry run: 1 row would be created")
}

// Item 5: an unreachable API stops the import after a few rows, with the errors file written
// and the host and attempts named; a refused secret stops it at once.
func TestImportUnreachableAPI(t *testing.T) {
	c := newCLI(t, nil)
	c.baseURL, c.secret = "http://127.0.0.1:1", "cs_test_whatever"
	errPath := filepath.Join(t.TempDir(), "errors.csv")
	res := c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(60)), "--rate", "0", "--concurrency", "2", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Contains(t, res.stderr, "cashfin: contacts import: the API at 127.0.0.1:1 is unreachable (3 rows in a row could not be sent")
	assert.Regexp(t, `cannot reach 127\.0\.0\.1:1 \(3 attempts\): .*connection refused`, res.stderr)
	failed := len(readCSVFile(t, errPath)) - 1
	assert.GreaterOrEqual(t, failed, 3)
	assert.LessOrEqual(t, failed, 3+2, "no more than the rows in flight when it stopped")
	assert.Contains(t, res.stderr, fmt.Sprintf("%d rows not sent", 60-failed))
	assert.Equal(t, fmt.Sprintf("created 0, skipped 0 (duplicates 0, existing 0), failed %d", failed), summaryLine(res.stderr))
}

func TestImportRefusedSecret(t *testing.T) {
	srv := newServer(t)
	var creates atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost { // a key allowed to list but not to create
			creates.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"success":false,"error":"Forbidden"}`))
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()
	c := newCLI(t, srv)
	c.baseURL = ts.URL
	res := c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(40)), "--rate", "0", "--concurrency", "1")
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Contains(t, res.stderr, "cashfin: contacts import: the API refused the client secret (POST /business/contact/create: 403 Forbidden")
	assert.Contains(t, res.stderr, "check CASHFIN_CLIENT_SECRET")
	assert.Contains(t, res.stderr, "40 rows not sent: fix the secret, then run the same command again\n")
	assert.NotContains(t, res.stderr, "run the same command again to finish")
	assert.Equal(t, int64(1), creates.Load(), "stopped at the first refusal")

	// A wrong secret: refused at the first request, whichever it is.
	for _, args := range [][]string{{"--rate", "0"}, {"--skip-existing"}} {
		c = newCLI(t, srv)
		c.secret = "cs_live_wrong"
		res = c.run(append([]string{"contacts", "import", writeFile(t, "c.csv", bigCSV(5))}, args...)...)
		assert.Equal(t, exitFailure, res.code, res.stderr)
		assert.Contains(t, res.stderr, "the API refused the client secret (GET /business/contact/list: 401 Unauthorized", args)
		assert.Contains(t, res.stderr, "5 rows not sent: fix the secret, then run the same command again\n", args)
	}
	assert.Empty(t, srv.Contacts())
}

// Item 7: --errors naming the input is refused; the errors file keeps the input's byte-order
// mark, delimiter and line endings.
func TestImportErrorsFileIsNotTheInput(t *testing.T) {
	srv := newServer(t)
	content := "\ufeffname;email\r\nAnn;ann@\r\nBob;bob@x.co\r\n"
	in := writeFile(t, "c.csv", content)
	for _, errPath := range []string{in, filepath.Join(filepath.Dir(in), ".", "c.csv")} {
		res := newCLI(t, srv).run("contacts", "import", in, "--errors", errPath)
		assert.Equal(t, exitUsage, res.code, res.stderr)
		assert.Contains(t, res.stderr, "is the input file")
		assert.Equal(t, content, mustRead(t, in), "the input is untouched")
	}
	assert.Empty(t, srv.Contacts())

	errPath := filepath.Join(t.TempDir(), "errors.csv")
	res := newCLI(t, srv).run("contacts", "import", in, "--errors", errPath, "--rate", "0")
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Equal(t, "\ufeffname;email;line;error\r\nAnn;ann@;2;\"malformed email \"\"ann@\"\"\"\r\n", mustRead(t, errPath))
}

// Item 8: an --excel-safe export imports back as it was.
func TestExcelSafeRoundTrip(t *testing.T) {
	srv := newServer(t)
	srv.AddContacts(
		cashfin.Contact{Name: "=cmd|' /C calc'!A0", Phone: "+254712345678", CompanyName: "@SUM(1)", Position: "-"},
		cashfin.Contact{Name: "'quoted' already", Position: "'+ not ours", CompanyName: "O'Neil"},
	)
	out := filepath.Join(t.TempDir(), "safe.csv")
	res := newCLI(t, srv).run("contacts", "export", "--excel-safe", "--out", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)

	dst := newServer(t)
	res = newCLI(t, dst).run("contacts", "import", out, "--rate", "0", "--map", "_id=", "--map", "createdat=")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, people(srv.Contacts()), people(dst.Contacts()))
}

// Lazy quotes: a bare quote inside an unquoted cell is text; a row whose quotes stay ambiguous
// fails (it is reported, not guessed), and the other rows go in.
func TestImportLazyQuotes(t *testing.T) {
	srv := newServer(t)
	in := writeFile(t, "c.csv", "name,email\n"+
		"Amina \"The Boss\" M,amina@x.co\n"+
		"\"Kofi \"K\" Mensah\",kofi@x.co\n"+
		"Lulu,lulu@x.co\n"+
		"Ama \"Mama\" Boateng,\"ama@x.co\"\n")
	errPath := filepath.Join(t.TempDir(), "errors.csv")
	res := newCLI(t, srv).run("contacts", "import", in, "--rate", "0", "--errors", errPath)
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Contains(t, res.stderr, "line 3: ambiguous quotes")
	assert.Equal(t, []person{{`Ama "Mama" Boateng`, "ama@x.co", "", "", ""}, {`Amina "The Boss" M`, "amina@x.co", "", "", ""},
		{"Lulu", "lulu@x.co", "", "", ""}}, people(srv.Contacts()))
	assert.Equal(t, "created 3, skipped 0 (duplicates 0, existing 0), failed 1", summaryLine(res.stderr))
	assert.Len(t, readCSVFile(t, errPath), 2)

	// A quote that never closes swallows the lines after it: one ambiguous row, named with its lines.
	res = newCLI(t, newServer(t)).run("contacts", "import", writeFile(t, "d.csv", "name\nAnn\n\"Bob\nCyd\nDee\n"), "--dry-run")
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Contains(t, res.stderr, "line 3: ambiguous quotes: a quoted cell runs over lines 3 to 5")
}

func TestImportDelimiters(t *testing.T) {
	for name, tc := range map[string]struct {
		content string
		args    []string
	}{
		"semicolon": {"Name;Email;Company\nAnn;ann@x.co;Acme, Ltd\n", nil},
		"tab":       {"Name\tEmail\tCompany\nAnn\tann@x.co\tAcme, Ltd\n", nil},
		"flag":      {"Name|Email|Company\nAnn|ann@x.co|Acme, Ltd\n", []string{"--delimiter", "|"}},
	} {
		srv := newServer(t)
		res := newCLI(t, srv).run(append([]string{"contacts", "import", writeFile(t, "c.csv", tc.content), "--rate", "0"}, tc.args...)...)
		require.Equal(t, exitOK, res.code, "%s: %s", name, res.stderr)
		assert.Equal(t, []person{{"Ann", "ann@x.co", "", "", "Acme, Ltd"}}, people(srv.Contacts()), name)
	}
	res := newCLI(t, nil).run("contacts", "import", writeFile(t, "c.csv", "name\n"), "--delimiter", "ab")
	assert.Equal(t, exitUsage, res.code, res.stderr)
}

// "export --format json" imports again.
func TestImportJSONArray(t *testing.T) {
	srv := newServer(t)
	seed(srv, 30)
	srv.AddContacts(cashfin.Contact{Name: "Zoë", Phone: "+254700000000", CompanyName: "Ünal"})
	out := filepath.Join(t.TempDir(), "all.json")
	res := newCLI(t, srv).run("contacts", "export", "--format", "json", "--out", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)

	dst := newServer(t)
	res = newCLI(t, dst).run("contacts", "import", out, "--rate", "0")
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, people(srv.Contacts()), people(dst.Contacts()))

	c := newCLI(t, dst)
	c.stdin = "[\n  {\"name\":\"Ann\"},\n  {\"name\":\"\"},\n  [1]\n]\n"
	res = c.run("contacts", "import", "-", "--dry-run")
	assert.Equal(t, exitFailure, res.code, res.stderr)
	assert.Contains(t, res.stderr, "line 3: no name\n")
	assert.Contains(t, res.stderr, "line 4: not a JSON object")

	errPath := filepath.Join(t.TempDir(), "errors.csv")
	res = newCLI(t, dst).run("contacts", "import", writeFile(t, "bad.json", "[{\"name\":\"\"},\n{\"name\":}]"), "--dry-run", "--errors", errPath)
	assert.Equal(t, exitUsage, res.code, res.stderr)
	assert.NoFileExists(t, errPath, "no half errors file for a file that cannot be read")
	assert.Regexp(t, regexp.MustCompile(`line 2: invalid character`), res.stderr)
}

// TestImportStreams: a dry run holds a few small keys per row, not the file. 30,000 rows of some
// 200 bytes (6 MB of CSV, which the importer that read the whole file held five times over)
// may raise the heap in use by 16 MB at most (the whole-file importer: 30 MB).
func TestImportStreams(t *testing.T) {
	if raceEnabled {
		t.Skip("memory is measured without the race detector, which multiplies it")
	}
	var b strings.Builder
	b.WriteString("Name,E-mail,Phone Number,Company Name,Job Title,Notes\n")
	for i := range 30_000 {
		fmt.Fprintf(&b, "Person %d Wanjiku-Odhiambo,person%d@example-company.co.ke,+254 7%02d %06d,Company %d Holdings,"+
			"Procurement Manager,\"notes, about this contact: %s\"\n", i, i, i%100, i, i%1700, strings.Repeat("x", 60))
	}
	in := writeFile(t, "big.csv", b.String())
	b.Reset()
	c := newCLI(t, nil)
	// libphonenumber's metadata loads on first use, once, whatever the file's size: load it
	// before measuring what the rows cost.
	_, _ = rows.ParsePhone("0712345678", "KE")
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak, stop := sampleHeap()
	res := c.run("contacts", "import", in, "--dry-run")
	stop()
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "dry run: 30000 rows would be created")
	grew := int64(*peak) - int64(before.HeapInuse)
	t.Logf("heap in use grew by %.1f MB at most", float64(grew)/1e6)
	assert.Less(t, grew, int64(16<<20))
}

// The progress bar fits the terminal: at 40 columns no line of it reaches the last column (which
// would wrap and flood), and it never reaches standard output.
func TestProgressFitsTerminal(t *testing.T) {
	srv := newServer(t, cashfintest.WithLatency(2*time.Millisecond))
	c := newCLI(t, srv)
	c.terminal, c.width = true, 40
	res := c.run("contacts", "import", writeFile(t, "c.csv", bigCSV(30)), "--rate", "0", "--concurrency", "2", "--format", "jsonl")
	require.Equal(t, exitOK, res.code, res.stderr)
	bars := 0
	for _, seg := range strings.Split(res.stderr, "\r") {
		if strings.HasPrefix(seg, "[") {
			bars++
			assert.Less(t, len(strings.TrimRight(seg, " ")), 40, "%q", seg)
		}
	}
	assert.NotZero(t, bars, "a bar was drawn: %q", res.stderr)
	assert.NotContains(t, res.stdout, "\r")
	for _, cols := range []int{80, 40, 20, 10, 1} {
		line := term.FitBar("imported", 500, 1000, 5*time.Second, cols)
		assert.Less(t, len(line), max(cols, 2), "%d columns: %q", cols, line)
	}
}

// Server text cannot drive the terminal: escape sequences and control characters in an error
// message are removed before it is printed.
func TestServerTextIsCleaned(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"success":false,"error":"bad \u001b]0;owned\u0007\u001b[2J\u001b[31mred\u001b[0m\r\u0008name"}`))
	}))
	defer ts.Close()
	c := newCLI(t, nil)
	c.baseURL, c.secret = ts.URL, "cs_test_x"
	for _, args := range [][]string{
		{"contacts", "create", "--name", "Ann"},
		{"contacts", "import", writeFile(t, "c.csv", "name\nAnn\n"), "--rate", "0"},
	} {
		res := c.run(args...)
		assert.Equal(t, exitFailure, res.code, res.stderr)
		assert.Contains(t, res.stderr, "bad red name")
		assert.NotRegexp(t, "[\x00-\x08\x0b-\x1f\x7f]", res.stderr)
	}
}

// Fields printed to a terminal lose their escape sequences in every format; written to a file or
// a pipe, a CSV keeps the data as it is.
func TestFieldsOnTerminalAreCleaned(t *testing.T) {
	srv := newServer(t)
	srv.AddContacts(cashfin.Contact{Name: "Eve \x1b]0;owned\x07\x1b[2JX", Email: "eve@x.co"})
	c := newCLI(t, srv)
	c.terminal = true
	for _, format := range []string{"table", "csv", "json", "jsonl"} {
		res := c.run("contacts", "list", "--format", format)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.NotContains(t, res.stdout, "\x1b", format)
		assert.Contains(t, res.stdout, "Eve", format)
	}
	c.terminal = false
	res := c.run("contacts", "list", "--format", "csv")
	assert.Contains(t, res.stdout, "\x1b]0;owned", "not a terminal: the data as it is")
}

// Transport errors name the host and the number of attempts, in every command.
func TestTransportErrorsNameHostAndAttempts(t *testing.T) {
	c := newCLI(t, nil)
	c.baseURL, c.secret = "http://127.0.0.1:1", "cs_test_x"
	for _, args := range [][]string{
		{"contacts", "create", "--name", "Ann"},
		{"contacts", "get", "507f1f77bcf86cd799439011"},
		{"contacts", "list"},
		{"contacts", "list", "--all"},
		{"contacts", "export"},
	} {
		res := c.run(args...)
		assert.Equal(t, exitFailure, res.code, res.stderr)
		assert.Regexp(t, `cannot reach 127\.0\.0\.1:1 \(3 attempts\): `, res.stderr, args)
	}
}

// cashfin --version prints the SDK version and the build's VCS revision.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-version", "version"} {
		res := newCLI(t, nil).run(arg)
		assert.Equal(t, exitOK, res.code, res.stderr)
		assert.Regexp(t, `^cashfin \S+ \(cashfin-go SDK `+regexp.QuoteMeta(cashfin.Version)+`\), revision \S+.*, go1\.\S+\n$`, res.stdout)
	}
}

// JSON keeps control characters that encoding/json leaves raw (DEL, the C1 controls, of which
// U+009B is a CSI on its own, and bidi overrides) off a terminal by escaping them: the output
// stays valid JSON and decodes to the stored text.
func TestJSONOnTerminalEscapesRawControls(t *testing.T) {
	name := "Eve \u009b2J\u202eevil\u2066 X\x7fY"
	srv := newServer(t)
	srv.AddContacts(cashfin.Contact{Name: name, Email: "eve@x.co"})
	c := newCLI(t, srv)
	c.terminal = true
	list := c.run("contacts", "list", "--format", "jsonl")
	require.Equal(t, exitOK, list.code, list.stderr)
	var got cashfin.Contact
	require.NoError(t, json.Unmarshal([]byte(list.stdout), &got))
	id := got.ID
	for _, args := range [][]string{
		{"contacts", "list", "--format", "json"},
		{"contacts", "list", "--format", "jsonl"},
		{"contacts", "get", id},
	} {
		res := c.run(args...)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.NotRegexp(t, "[\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]", res.stdout, args)
		assert.Contains(t, res.stdout, `\u009b2J`, args)
		start := strings.IndexAny(res.stdout, "[{")
		var v any
		require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(res.stdout[start:])), &v), "%v: %s", args, res.stdout)
		assert.Contains(t, fmt.Sprint(v), name, args)
	}
	c.terminal = false
	res := c.run("contacts", "get", id)
	assert.Contains(t, res.stdout, "\u009b2J", "not a terminal: the bytes as they are")
}
