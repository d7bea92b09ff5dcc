// Command planlimit measures one process pacing itself to a Cashfin plan: it makes -creates
// contact creates from -goroutines goroutines sharing one client, against the server at
// CASHFIN_BASE_URL (a cashfin-mock started with the same -plan, see run.sh), and reports the
// 429s its client met, the calls that failed (ErrRateLimited and others), the time taken, and the
// plan's floor: the earliest moment the last request could be sent, counted from where in the
// minute (and the day) the run starts.
//
//	go run ./internal/measure/planlimit -plan 5,60,0 -goroutines 8 -creates 80 -pacer plan
//
// -pacer plan gives the client WithLimiter(NewPlanLimiter(plan)); -pacer rate gives it
// WithRateLimit(plan.PerSecond), the per-second pacing alone; -pacer none gives it neither.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cashfin-go/cashfin"
)

func main() {
	planFlag := flag.String("plan", "5,60,0", "the plan `PS,PM,PD`, as given to cashfin-mock")
	goroutines := flag.Int("goroutines", 8, "goroutines sharing the client")
	creates := flag.Int("creates", 80, "contacts to create")
	pacer := flag.String("pacer", "plan", "plan (NewPlanLimiter), rate (WithRateLimit(PS)) or none")
	flag.Parse()
	plan, err := parsePlan(*planFlag)
	if err == nil {
		err = run(plan, *goroutines, *creates, *pacer)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "planlimit:", err)
		os.Exit(1)
	}
}

// parsePlan reads "PS,PM,PD".
func parsePlan(s string) (cashfin.Plan, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return cashfin.Plan{}, fmt.Errorf("-plan %q: want PS,PM,PD", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return cashfin.Plan{}, fmt.Errorf("-plan %q: %w", s, err)
		}
		n[i] = v
	}
	plan := cashfin.Plan{PerSecond: n[0], PerMinute: n[1], PerDay: n[2]}
	return plan, plan.Validate()
}

// counter is a RoundTripper counting the statuses the server answered.
type counter struct {
	base     http.RoundTripper
	requests atomic.Int64
	limited  atomic.Int64
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	c.requests.Add(1)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		c.limited.Add(1)
	}
	return resp, err
}

func run(plan cashfin.Plan, goroutines, creates int, pacer string) error {
	cnt := &counter{base: http.DefaultTransport}
	client, err := newClient(plan, pacer, cnt)
	if err != nil {
		return err
	}

	var rateLimited, failed, ok atomic.Int64
	var firstErr sync.Once
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				_, err := client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: fmt.Sprintf("Measure %d", i)})
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, cashfin.ErrRateLimited):
					rateLimited.Add(1)
					firstErr.Do(func() { fmt.Println("first ErrRateLimited:", err) })
				default:
					failed.Add(1)
					fmt.Println("error:", err)
				}
			}
		}()
	}
	for i := range creates {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	fl := floor(plan, start, creates)
	fmt.Printf("plan %d,%d,%d pacer=%s goroutines=%d creates=%d start=:%02d.%03d into the minute\n",
		plan.PerSecond, plan.PerMinute, plan.PerDay, pacer, goroutines, creates,
		start.Second(), start.Nanosecond()/1e6)
	fmt.Printf("created %d, ErrRateLimited %d, other errors %d; requests %d, 429s %d\n",
		ok.Load(), rateLimited.Load(), failed.Load(), cnt.requests.Load(), cnt.limited.Load())
	fmt.Printf("time %s, floor %s, time/floor %.3f\n", elapsed.Round(time.Millisecond), fl.Round(time.Millisecond),
		float64(elapsed)/float64(fl))
	return nil
}

// newClient returns a client on the mock (CASHFIN_BASE_URL) that counts its requests in cnt,
// paced by pacer: "plan" (NewPlanLimiter), "rate" (WithRateLimit of the per-second limit) or
// "none".
func newClient(plan cashfin.Plan, pacer string, cnt *counter) (*cashfin.Client, error) {
	opts := []cashfin.Option{cashfin.WithHTTPClient(&http.Client{Transport: cnt})}
	switch pacer {
	case "plan":
		lim, err := cashfin.NewPlanLimiter(plan)
		if err != nil {
			return nil, err
		}
		opts = append(opts, cashfin.WithLimiter(lim))
	case "rate":
		opts = append(opts, cashfin.WithRateLimit(float64(plan.PerSecond)))
	case "none":
	default:
		return nil, fmt.Errorf("-pacer %q: want plan, rate or none", pacer)
	}
	return cashfin.NewClient("", opts...)
}

// floor is how long after start the n-th request can be sent at the earliest under plan: each
// request goes at the first moment every window of the plan has room, the windows fixed and
// aligned to the clock as Cashfin's are.
func floor(plan cashfin.Plan, start time.Time, n int) time.Duration {
	ws := plan.Windows()
	counts, starts := make([]int, len(ws)), make([]time.Time, len(ws))
	t := start
	for sent := 0; sent < n; {
		var blocked time.Time
		for i, w := range ws {
			if s := w.Start(t); !s.Equal(starts[i]) {
				starts[i], counts[i] = s, 0
			}
			if counts[i] >= w.Limit && w.Reset(t).After(blocked) {
				blocked = w.Reset(t)
			}
		}
		if !blocked.IsZero() {
			t = blocked
			continue
		}
		for i := range counts {
			counts[i]++
		}
		sent++
	}
	return t.Sub(start)
}
