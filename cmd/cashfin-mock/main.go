// Command cashfin-mock serves the fake Cashfin Business API of package cashfintest (contacts and
// customers) on a port, for demos and for tests written in any language (curl, JavaScript,
// Python):
//
//	go run ./cmd/cashfin-mock -seed 25 -plan 5,60,1000
//	listening on http://127.0.0.1:8080
//	export CASHFIN_BASE_URL=http://127.0.0.1:8080 CASHFIN_CLIENT_SECRET=cs_test_cashfintest
//
// It logs one line per request to standard error and shuts down gracefully on SIGINT or SIGTERM.
// The secret is -secret, never read from the environment, so a real secret is never handed to the
// fake by accident. Bound to an address other than a loopback one, it warns on standard error:
// anyone who can reach it can use it, and its default secret is public.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cashfin-go/cashfin/cashfintest"
)

// shutdownGrace is how long requests in flight get to finish after a signal.
const shutdownGrace = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal during the graceful shutdown ends the process at once
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		if !usage.printed {
			fmt.Fprintln(os.Stderr, "cashfin-mock:", err)
		}
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "cashfin-mock:", err)
		os.Exit(1)
	}
}

// usageError is a bad command line. printed says the flag package has already reported it.
type usageError struct {
	err     error
	printed bool
}

// Error returns the message of the wrapped error.
func (e usageError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e usageError) Unwrap() error { return e.err }

// run serves the fake as the command line args say until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	h := cashfintest.NewHandler(
		cashfintest.WithSecret(cfg.secret),
		cashfintest.WithLatency(cfg.latency),
		cashfintest.WithPlan(cfg.plan.perSecond, cfg.plan.perMinute, cfg.plan.perDay),
	)
	h.AddContacts(demoContacts(cfg.seed)...)
	h.AddCustomers(demoCustomers(cfg.seed)...)

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	url := "http://" + dialAddr(ln.Addr())
	if warning := warnFor(ln.Addr(), cfg.secret == cashfintest.DefaultSecret); warning != "" {
		fmt.Fprintln(stderr, warning)
	}
	fmt.Fprintf(stdout, "listening on %s\n", url)
	fmt.Fprintf(stdout, "export CASHFIN_BASE_URL=%s CASHFIN_CLIENT_SECRET=%s\n", url, shellQuote(cfg.secret))

	logger := log.New(stderr, "", log.LstdFlags)
	srv := &http.Server{
		Handler:           logRequests(logger, h),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Println("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close() // the grace period is over: drop what is left
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// config is what the command line asks for.
type config struct {
	addr, secret string
	seed         int
	latency      time.Duration
	plan         plan
}

// parseFlags reads and checks the command line: a usageError if it is bad, flag.ErrHelp for -h.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("cashfin-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	fs.StringVar(&cfg.secret, "secret", cashfintest.DefaultSecret, "the only Authorization value accepted")
	fs.IntVar(&cfg.seed, "seed", 0, "store `N` demo contacts and N demo customers first")
	fs.DurationVar(&cfg.latency, "latency", 0, "delay every response by `D` (such as 200ms)")
	rateLimit := fs.Int("rate-limit", 0, "admit `N` requests a second, answering 429 over it (0: no limit)")
	fs.Var(&cfg.plan, "plan", "rate limits as Cashfin's plans set them: `PS,PM,PD` requests a second, a minute and a day\n(such as 5,60,1000, the free plan; 0: no limit for that window)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: cashfin-mock [-addr host:port] [-secret S] [-seed N] [-latency D] [-rate-limit N | -plan PS,PM,PD]")
		fmt.Fprintln(fs.Output(), "\nServes a fake Cashfin Business API (contacts and customers) until interrupted.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err: err, printed: true}
	}
	var bad error
	switch {
	case fs.NArg() > 0:
		bad = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case cfg.secret == "" || strings.ContainsFunc(cfg.secret, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		bad = errors.New("-secret must be non-empty, without white space or control characters")
	case cfg.seed < 0 || cfg.seed > maxSeed:
		bad = fmt.Errorf("-seed must be between 0 and %d", maxSeed)
	case cfg.latency < 0:
		bad = errors.New("-latency must not be negative")
	case *rateLimit < 0:
		bad = errors.New("-rate-limit must not be negative")
	case cfg.plan.set && isSet(fs, "rate-limit"):
		bad = errors.New("give -plan or -rate-limit, not both (-rate-limit N is -plan N,0,0)")
	}
	if bad != nil {
		return nil, usageError{err: bad}
	}
	if !cfg.plan.set {
		cfg.plan.perSecond = *rateLimit
	}
	return cfg, nil
}

// plan is the value of -plan: "PS,PM,PD", three limits of zero or more.
type plan struct {
	perSecond, perMinute, perDay int
	set                          bool
}

// String returns the plan as the flag takes it.
func (p *plan) String() string {
	if p == nil || !p.set {
		return ""
	}
	return fmt.Sprintf("%d,%d,%d", p.perSecond, p.perMinute, p.perDay)
}

// Set parses "PS,PM,PD".
func (p *plan) Set(s string) error {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return errors.New("want three limits, PS,PM,PD (such as 5,60,1000)")
	}
	var n [3]int
	for i, part := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || v < 0 {
			return fmt.Errorf("limit %q is not a whole number of zero or more", part)
		}
		n[i] = v
	}
	p.perSecond, p.perMinute, p.perDay, p.set = n[0], n[1], n[2], true
	return nil
}

// isSet reports whether the command line gave the flag name.
func isSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// exposureWarning is the warning to print when the fake listens on a non-loopback address
// (another host, or every interface): anyone who can reach it can read and write its data, with
// a secret that, by default, is public. "" for a loopback address. It never holds the secret.
func exposureWarning(a net.Addr, defaultSecret bool) string {
	tcp, ok := a.(*net.TCPAddr)
	if ok && tcp.IP.IsLoopback() {
		return ""
	}
	why := "anyone who can reach it can use it with its secret"
	if defaultSecret {
		why = "anyone who can reach it can use it: its default secret is public (see -secret)"
	}
	return "cashfin-mock: warning: listening on " + a.String() + ", which is not a loopback address: " + why
}

// warnFor is exposureWarning; a test replaces it to see the warning without leaving loopback.
var warnFor = exposureWarning

// testHookRequestStarted, when set, is called as each request reaches the fake, so that a test
// can signal a shutdown while one is certainly in flight.
var testHookRequestStarted func()

// logRequests logs one line per request: method, path, status and duration. Never a header (the
// Authorization header holds the secret) nor the query.
func logRequests(logger *log.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if testHookRequestStarted != nil {
			testHookRequestStarted()
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		logger.Printf("%s %s %d %s", r.Method, r.URL.EscapedPath(), sw.status, time.Since(start).Round(time.Microsecond))
	})
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader remembers the first status written, and passes it on.
func (w *statusWriter) WriteHeader(status int) {
	if !w.wrote {
		w.status, w.wrote = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write passes b on; a body written without WriteHeader is a 200, as net/http has it.
func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// dialAddr is the host:port to reach a listener at: its own address, with a loopback name
// standing in for an unspecified host (":8080" listens on every interface).
func dialAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	switch {
	case !ok || !tcp.IP.IsUnspecified():
		return a.String()
	case tcp.IP.To4() != nil:
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	default: // "::", which on most systems also accepts IPv4
		return net.JoinHostPort("localhost", strconv.Itoa(tcp.Port))
	}
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe characters.
func shellQuote(s string) string {
	safe := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.,:/@%+=", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
