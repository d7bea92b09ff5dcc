package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
// same. Targets: 3s each.
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
		assert.Less(t, elapsed, 3*time.Second)

		start = time.Now()
		res = c.run("contacts", "import", in, "--concurrency", "8", "--rate", "0")
		t.Logf("the same import again (idempotent replays): %s, %d contacts", time.Since(start).Round(time.Millisecond), len(srv.Contacts()))
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
		start := time.Now()
		res := c.run("contacts", "export", "--concurrency", "8", "--rate", "0", "--out", out)
		elapsed := time.Since(start)
		require.Equal(t, exitOK, res.code, res.stderr)
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		info, err := os.Stat(out)
		require.NoError(t, err)
		t.Logf("export 100,000 contacts (1,000 pages), 20ms latency, --concurrency 8: %s, %.1f MB written (floor 2.5s, target <= 3.0s)",
			elapsed.Round(time.Millisecond), float64(info.Size())/1e6)
		t.Logf("heap in use after the export: %.1f MB (before: %.1f MB, the fake's store included)",
			float64(after.HeapInuse)/1e6, float64(before.HeapInuse)/1e6)
		assert.Equal(t, "exported 100000 contacts to "+out+"\n", res.stderr)
		assert.Less(t, elapsed, 3*time.Second)
	})
}
