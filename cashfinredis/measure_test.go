package cashfinredis_test

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// envMeasure enables TestMeasureMockRun, a scripted run of about 30 seconds whose figures go in
// the log: it is a measurement, not a unit test.
const envMeasure = "CASHFIN_MEASURE"

// TestMeasureMockRun: 3 processes × 100 creates sharing one cashfinredis limiter (on
// CASHFIN_REDIS_URL's Redis, else miniredis) against cmd/cashfin-mock -plan 10,0,0. It reports
// the 429s (the goal: none), and the total time against the plan's floor (the goal: ≤ 1.1×).
func TestMeasureMockRun(t *testing.T) {
	if os.Getenv(envMeasure) == "" {
		t.Skip("set " + envMeasure + "=1 to run this measurement (about 30 s)")
	}
	const procs, per = 3, 100
	plan := cashfin.Plan{PerSecond: 10}
	bin := filepath.Join(t.TempDir(), "cashfin-mock")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/cashfin-mock").CombinedOutput()
	require.NoError(t, err, "%s", out)

	mock := exec.Command(bin, "-addr", "127.0.0.1:0", "-plan", "10,0,0")
	stdout, err := mock.StdoutPipe()
	require.NoError(t, err)
	stderr, err := mock.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, mock.Start())
	statuses := map[string]int{}
	var logDone sync.WaitGroup
	logDone.Add(1)
	go func() { // the mock logs "... POST /business/contact/create 201 1.2ms" per request
		defer logDone.Done()
		line := regexp.MustCompile(` (GET|POST|PATCH|PUT|DELETE) \S+ (\d{3}) `)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := line.FindStringSubmatch(sc.Text()); m != nil {
				statuses[m[2]]++
			}
		}
	}()
	sc := bufio.NewScanner(stdout)
	require.True(t, sc.Scan(), "the mock printed nothing")
	url, ok := strings.CutPrefix(sc.Text(), "listening on ")
	require.True(t, ok, sc.Text())
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	redisURL, redisName := os.Getenv(envRedisURL), "redis-server"
	if redisURL == "" {
		mr := miniredis.RunT(t)
		redisURL, redisName = "redis://"+mr.Addr()+"/0", "miniredis"
	}
	start := time.Now()
	admitted := runChildren(t, procs, per, url, cashfintest.DefaultSecret, redisURL, uniquePrefix(t)+"plan", plan)
	total := time.Since(start)

	require.NoError(t, mock.Process.Signal(os.Interrupt))
	_ = mock.Wait()
	logDone.Wait()

	slices.SortFunc(admitted, func(a, b time.Time) int { return a.Compare(b) })
	// The floor: from the first admission, fixed one-second windows of 10 hold 300 requests
	// only once the 30th window (the 29th after the first's) opens.
	windows := time.Duration(procs*per/plan.PerSecond-1) * time.Second
	floor := admitted[0].Truncate(time.Second).Add(windows).Sub(admitted[0])
	t.Logf("%d processes × %d creates, shared limiter on %s, cashfin-mock -plan 10,0,0", procs, per, redisName)
	t.Logf("answers by status: %v", statuses)
	t.Logf("total %.2fs (processes started to all done); first to last admission %.2fs; floor %.2fs; total/floor %.3f",
		total.Seconds(), admitted[len(admitted)-1].Sub(admitted[0]).Seconds(), floor.Seconds(), total.Seconds()/floor.Seconds())
	assert.Zero(t, statuses["429"], "429s")
	assert.Equal(t, procs*per, statuses["201"])
	assertWithin(t, admitted, plan, 20*time.Millisecond)
	assert.LessOrEqual(t, total.Seconds(), 1.1*floor.Seconds())
}
