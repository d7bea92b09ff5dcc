package rows

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// bigRows is the size of the files the memory checks read.
const bigRows = 50_000

// bigXLSX writes a workbook of n contacts with excelize's StreamWriter (so that writing it stays
// small too): names, emails, phones typed as numbers, a date, and a few blank rows.
func bigXLSX(t testing.TB, dir string, n int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	require.NoError(t, err)
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	require.NoError(t, err)
	require.NoError(t, sw.SetRow("A1", []any{"Name", "Email", "Phone", "Position", "Company", "Joined"}))
	for i := 1; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := []any{fmt.Sprintf("Person %d Wanjikũ", i), fmt.Sprintf("p%d@example.co.ke", i), 254700000000 + i,
			"Procurement", fmt.Sprintf("Company %d Ltd", i%977), excelize.Cell{StyleID: date, Value: 46000 + i%3000}}
		if i%1000 == 0 {
			row = []any{nil}
		}
		require.NoError(t, sw.SetRow(cell, row))
	}
	require.NoError(t, sw.Flush())
	path := filepath.Join(dir, "big.xlsx")
	require.NoError(t, f.SaveAs(path))
	return path
}

// bigXLSXShared writes the same workbook as bigXLSX the way Excel saves one: text in the shared
// strings table (which, this large, excelize reads from a temporary file) rather than inline.
func bigXLSXShared(t testing.TB, dir string, n int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	require.NoError(t, err)
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"Name", "Email", "Phone", "Position", "Company", "Joined"}))
	for i := 1; i <= n; i++ {
		if i%1000 == 0 {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &[]any{fmt.Sprintf("Person %d Wanjikũ", i), fmt.Sprintf("p%d@example.co.ke", i),
			254700000000 + i, "Procurement", fmt.Sprintf("Company %d Ltd", i%977), 46000 + i%3000}))
	}
	require.NoError(t, f.SetColStyle("Sheet1", "F", date))
	path := filepath.Join(dir, "big-shared.xlsx")
	require.NoError(t, f.SaveAs(path))
	return path
}

// bigCSV writes a CSV of n contacts.
func bigCSV(t testing.TB, dir string, n int) string {
	t.Helper()
	path := filepath.Join(dir, "big.csv")
	out, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriter(out)
	fmt.Fprintln(w, "Name,Email,Phone,Position,Company")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(w, "Person %d Wanjikũ,p%d@example.co.ke,0%d,Procurement,Company %d Ltd\n", i, i, 700000000+i, i%977)
	}
	require.NoError(t, w.Flush())
	require.NoError(t, out.Close())
	return path
}

// readCount reads every row of path and returns how many there were and the largest heap in
// use seen meanwhile, sampled every 1,000 rows.
func readCount(t testing.TB, path string) (rows int, peakHeap uint64) {
	src, err := Open(path, nil, Options{Fields: contactFields(), Map: []string{"Joined="}})
	if err != nil && strings.Contains(err.Error(), `no column "Joined"`) {
		src, err = Open(path, nil, Options{Fields: contactFields()})
	}
	require.NoError(t, err)
	defer src.Close()
	var ms runtime.MemStats
	require.NoError(t, src.Each(func(r *Row) error {
		if rows++; rows%1000 == 0 {
			runtime.ReadMemStats(&ms)
			peakHeap = max(peakHeap, ms.HeapInuse)
		}
		require.Empty(t, r.Err)
		return nil
	}))
	return rows, peakHeap
}

// TestPeakRSSChild is the reader alone in a process of its own, for TestPeakRSS: it reads the
// file ROWS_RSS_FILE names and prints the rows read and the process's peak RSS.
func TestPeakRSSChild(t *testing.T) {
	path := os.Getenv("ROWS_RSS_FILE")
	if path == "" {
		t.Skip("run by TestPeakRSS")
	}
	n, heap := readCount(t, path)
	status, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			fmt.Printf("ROWS %d HEAP %d %s\n", n, heap>>20, strings.Join(strings.Fields(l)[1:], ""))
		}
	}
}

// TestPeakRSS reads 50,000-row workbooks (inline strings, as StreamWriter writes them; shared
// strings, as Excel does) and a CSV, each in a fresh process, and checks that the peak resident
// memory stays under 64 MiB.
func TestPeakRSS(t *testing.T) {
	if testing.Short() || raceEnabled || runtime.GOOS != "linux" {
		t.Skip("needs Linux's /proc, and no race detector (it multiplies memory); not in -short")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		path string
		rows int
	}{
		{bigXLSX(t, dir, bigRows), bigRows - bigRows/1000},
		{bigXLSXShared(t, dir, bigRows), bigRows - bigRows/1000},
		{bigCSV(t, dir, bigRows), bigRows},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPeakRSSChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ROWS_RSS_FILE="+tc.path)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		i := bytes.Index(out, []byte("ROWS "))
		require.GreaterOrEqual(t, i, 0, "%s", out)
		var rows int
		var heap uint64
		var hwm string
		_, err = fmt.Sscanf(string(out[i:]), "ROWS %d HEAP %d %s", &rows, &heap, &hwm)
		require.NoError(t, err)
		kb, err := strconv.Atoi(strings.TrimSuffix(hwm, "kB"))
		require.NoError(t, err)
		t.Logf("%s: %d rows, peak heap in use %d MiB, peak RSS %.1f MiB", filepath.Base(tc.path), rows, heap, float64(kb)/1024)
		assert.Equal(t, tc.rows, rows)
		assert.Less(t, kb, 64<<10, "peak RSS under 64 MiB")
	}
}

// BenchmarkReadXLSX50k reads a 50,000-row workbook; peak-heap-MiB is the largest heap in use
// seen while reading.
func BenchmarkReadXLSX50k(b *testing.B) {
	path := bigXLSX(b, b.TempDir(), bigRows)
	benchRead(b, path)
}

// BenchmarkReadCSV50k reads a 50,000-row CSV.
func BenchmarkReadCSV50k(b *testing.B) {
	path := bigCSV(b, b.TempDir(), bigRows)
	benchRead(b, path)
}

func benchRead(b *testing.B, path string) {
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	for b.Loop() {
		_, heap := readCount(b, path)
		peak = max(peak, heap)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
