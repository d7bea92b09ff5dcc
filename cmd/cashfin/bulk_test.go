package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// TestBulk measures the two figures the CLI is built for, against the fake with 20ms of latency
// per request. It runs only with CASHFIN_BULK=1:
//
//	CASHFIN_BULK=1 go test -run TestBulk -v ./cmd/cashfin/
//
// Floors: 1,000 creates 8 at a time take 125 rounds of 20ms, 2.5s; 1,000 pages 8 at a time, the
// same. Targets: 3s each, printed. The assertions are at twice the floor, 5s: loose enough for a
// busy shared machine, tight enough to catch concurrency lost (a sequential run takes 20s).
func TestBulk(t *testing.T) {
	if os.Getenv("CASHFIN_BULK") != "1" {
		t.Skip("set CASHFIN_BULK=1 to measure bulk import and export")
	}
	const latency = 20 * time.Millisecond

	t.Run("import 1,000 rows", func(t *testing.T) {
		srv := newServer(t, cashfintest.WithLatency(latency))
		in := writeFile(t, "bulk.csv", bigCSV(1000))
		c := newCLI(t, srv)
		start := time.Now()
		res := c.run("contacts", "import", in, "--concurrency", "8", "--rate", "0")
		elapsed := time.Since(start)
		require.Equal(t, exitOK, res.code, res.stderr)
		require.Len(t, srv.Contacts(), 1000)
		t.Logf("import 1,000 rows, 20ms latency, --concurrency 8 --rate 0: %s (floor 2.5s, target <= 3.0s)", elapsed.Round(time.Millisecond))
		assert.Less(t, elapsed, 5*time.Second)

		start = time.Now()
		res = c.run("contacts", "import", in, "--concurrency", "8", "--rate", "0")
		t.Logf("the same import again (idempotent replays): %s, %d contacts; %s", time.Since(start).Round(time.Millisecond),
			len(srv.Contacts()), summaryLine(res.stderr))
		require.Equal(t, exitOK, res.code, res.stderr)
		require.Len(t, srv.Contacts(), 1000, "a re-run creates nothing")

		start = time.Now()
		res = c.run("contacts", "import", in, "--concurrency", "8", "--rate", "0", "--skip-existing")
		t.Logf("again with --skip-existing (10 list pages, no creates): %s; %s", time.Since(start).Round(time.Millisecond), summaryLine(res.stderr))
		require.Equal(t, exitOK, res.code, res.stderr)
		require.Len(t, srv.Contacts(), 1000)
	})

	t.Run("export 100,000 contacts", func(t *testing.T) {
		srv := newServer(t, cashfintest.WithLatency(latency))
		cs := make([]cashfin.Contact, 100_000)
		for i := range cs {
			cs[i] = cashfin.Contact{Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@example.com", i),
				Phone: fmt.Sprintf("+254700%06d", i), Position: "Buyer", CompanyName: "Acme, Ltd"}
		}
		srv.AddContacts(cs...)
		out := filepath.Join(t.TempDir(), "export.csv")
		c := newCLI(t, srv)

		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		peak, stop := sampleHeap()
		start := time.Now()
		res := c.run("contacts", "export", "--concurrency", "8", "--rate", "0", "--out", out)
		elapsed := time.Since(start)
		stop()
		require.Equal(t, exitOK, res.code, res.stderr)
		info, err := os.Stat(out)
		require.NoError(t, err)
		t.Logf("export 100,000 contacts (1,000 pages), 20ms latency, --concurrency 8: %s, %.1f MB written (floor 2.5s, target <= 3.0s)",
			elapsed.Round(time.Millisecond), float64(info.Size())/1e6)
		t.Logf("heap in use: %.1f MB before (the fake's 100,000 contacts), at most %.1f MB during the export",
			float64(before.HeapInuse)/1e6, float64(*peak)/1e6)
		assert.Equal(t, "exported 100000 contacts to "+out+"\n", res.stderr)
		assert.Less(t, elapsed, 5*time.Second)
	})
}

// TestExportMemoryIsBounded: the export holds a window of pages, not the list. A server making
// pages up as they are asked for (the fake's own store would dominate the heap) serves 10,000
// contacts, then five times as many; the heap in use during the second export may exceed the
// first's by 4 MB at most. Both runs reach the steady state of the window (their peaks differ by
// under 1 MB), while an export keeping the contacts it wrote peaks some 25 MB higher, and one
// buffering its CSV output about 5 MB higher. (TestBulk, with CASHFIN_BULK=1, logs the figures
// for 200,000.)
func TestExportMemoryIsBounded(t *testing.T) {
	peaks := map[int]uint64{}
	for _, total := range []int{10_000, 50_000} {
		ts := httptest.NewServer(syntheticList(total))
		c := newCLI(t, nil)
		c.baseURL, c.secret = ts.URL, "cs_test_synthetic"
		runtime.GC()
		peak, stop := sampleHeap()
		out := filepath.Join(t.TempDir(), "x.csv")
		res := c.run("contacts", "export", "--concurrency", "8", "--rate", "0", "--out", out)
		stop()
		ts.Close()
		require.Equal(t, exitOK, res.code, res.stderr)
		require.Equal(t, fmt.Sprintf("exported %d contacts to %s\n", total, out), res.stderr)
		peaks[total] = *peak
		t.Logf("export %d contacts from a storeless server: heap in use at most %.1f MB", total, float64(*peak)/1e6)
	}
	assert.Less(t, peaks[50_000], peaks[10_000]+4<<20, "the heap grew with the number of contacts")
}

// syntheticList answers the list endpoint with total made-up contacts, newest first, building each
// page when asked, so that the server holds nothing.
func syntheticList(total int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		var b bytes.Buffer
		b.WriteString(`{"success":true,"data":[`)
		for i := (page - 1) * limit; i < min(page*limit, total); i++ {
			if i > (page-1)*limit {
				b.WriteByte(',')
			}
			rank := total - 1 - i
			fmt.Fprintf(&b, `{"_id":"%024x","name":"Person %d","email":"p%d@example.com","phone":"+254700%06d",`+
				`"position":"Buyer","companyname":"Acme, Ltd","createdat":"2024-01-15T12:00:00.000Z"}`, rank, rank, rank, rank)
		}
		fmt.Fprintf(&b, `],"pagination":{"total":%d,"page":%d,"limit":%d,"pages":%d}}`, total, page, limit, (total+limit-1)/limit)
		w.Header().Set("Content-Type", "application/json")
		w.Write(b.Bytes())
	})
}

// sampleHeap records the largest HeapInuse seen every 10ms until stop is called.
func sampleHeap() (peak *uint64, stop func()) {
	peak = new(uint64)
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			*peak = max(*peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return peak, func() { close(done); <-finished }
}
