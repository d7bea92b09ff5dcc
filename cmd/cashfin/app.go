package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	xterm "golang.org/x/term"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// Exit statuses (see the package comment).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// run is the whole command, minus the process: tests call it directly.
func run(ctx, abort context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, env: env, abort: abort}
	return a.run(ctx, args)
}

// app is one run of the command, with everything it touches outside itself.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            func(string) string

	// Test hooks; zero values mean the production behaviour.
	isTerminal    func(w io.Writer) bool // whether w shows a progress bar; nil: a real terminal check
	termWidth     func() int             // standard error's width in columns; nil: asked of the terminal
	clientOptions []cashfin.Option       // appended to the CLI's own options
	pauseMin      time.Duration          // pause after a 429 that has no Retry-After; 0: defaultPauseMin
	announceMin   time.Duration          // the shortest pause said on standard error; 0: defaultAnnounceMin
	tick          time.Duration          // progress bar refresh interval; 0: term.DefaultTick
	abort         context.Context        // ended by a second interrupt: abandon requests in flight; nil: never

	closers []func() // run when the command ends: what its client holds (a Redis connection)
}

// usageError is a usage or input error: exit status 2.
type usageError struct{ err error }

// Error returns the message of the wrapped error.
func (e *usageError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		io.WriteString(a.stderr, usageText())
		return exitUsage
	}
	switch {
	case isHelp(args[0]):
		io.WriteString(a.stderr, usageText())
		return exitOK
	case args[0] == "-version" || args[0] == "--version" || args[0] == "version":
		fmt.Fprintln(a.stdout, versionLine())
		return exitOK
	}
	defer func() {
		for _, c := range a.closers {
			c()
		}
	}()
	return a.fail(a.dispatch(ctx, args))
}

// fail reports err, if any, as one line on standard error and returns the exit status it means.
func (a *app) fail(err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, bulk.ErrReported):
		return exitFailure
	case errors.As(err, &ue), errors.Is(err, cashfin.ErrInvalidParams):
		a.errorLine(err)
		return exitUsage
	case errors.Is(err, context.Canceled):
		a.errorLine(errors.New("interrupted"))
		return exitFailure
	}
	a.errorLine(err)
	return exitFailure
}

// errorLine writes err to standard error as one line starting "cashfin: ".
func (a *app) errorLine(err error) {
	// One "cashfin: " in front, however many wrapped errors brought their own.
	msg := strings.TrimPrefix(term.Clean(term.OneLine(err.Error())), "cashfin: ")
	msg = "cashfin: " + strings.NewReplacer(": cashfin: ", ": ", "(cashfin: ", "(").Replace(msg)
	fmt.Fprintln(a.stderr, msg)
}

// commonFlags are the flags every command takes.
type commonFlags struct {
	format  string
	baseURL string
}

var formats = []string{"table", "json", "jsonl", "csv"}

// client builds the API client: the secret from CASHFIN_CLIENT_SECRET, the base URL from
// --base-url, else CASHFIN_BASE_URL, else production. rate > 0 paces requests client-side;
// extra are a command's own options (a shared cashfin.Limiter, for one).
func (a *app) client(c *commonFlags, rate float64, extra ...cashfin.Option) (*cashfin.Client, error) {
	secret := a.env(cashfin.EnvClientSecret)
	if secret == "" {
		return nil, usagef("no client secret: set %s", cashfin.EnvClientSecret)
	}
	opts := []cashfin.Option{
		cashfin.WithBaseURL(a.baseURL(c)),
		cashfin.WithUserAgent("cashfin-cli/" + cashfin.Version),
	}
	if rate > 0 {
		opts = append(opts, cashfin.WithRateLimit(rate))
	}
	opts = append(opts, extra...)
	opts = append(opts, a.clientOptions...)
	client, err := cashfin.NewClient(secret, opts...)
	if err != nil {
		return nil, &usageError{err}
	}
	return client, nil
}

// baseURL is the API the command talks to: --base-url, else CASHFIN_BASE_URL, else production.
func (a *app) baseURL(c *commonFlags) string {
	switch {
	case c.baseURL != "":
		return c.baseURL
	case a.env(cashfin.EnvBaseURL) != "":
		return a.env(cashfin.EnvBaseURL)
	}
	return cashfin.DefaultBaseURL
}

// width returns a function giving standard error's width in columns, 0 when unknown.
func (a *app) width() func() int {
	if a.termWidth != nil {
		return a.termWidth
	}
	return func() int {
		f, ok := a.stderr.(*os.File)
		if !ok {
			return 0
		}
		w, _, err := xterm.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return w
	}
}

// terminal reports whether w is a terminal, where a progress bar belongs.
func (a *app) terminal(w io.Writer) bool {
	if a.isTerminal != nil {
		return a.isTerminal(w)
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return xterm.IsTerminal(int(f.Fd())) || isatty.IsCygwinTerminal(f.Fd())
}

// checkConcurrency and checkRate validate the shared bulk flags.
func checkConcurrency(name string, n int) error {
	if n < 1 || n > 64 {
		return usagef("%s: --concurrency %d: want 1 to 64", name, n)
	}
	return nil
}

func checkRate(name string, r float64) error {
	if !(r >= 0) || r > 1e6 {
		return usagef("%s: --rate %v: want a number of requests per second, 0 for no limit", name, r)
	}
	return nil
}

// versionLine says which cashfin this is: the module version it was built as ("(devel)" from a
// checkout), the SDK version it speaks as, and the VCS revision and time of the build, from the
// build information the Go toolchain embeds.
func versionLine() string {
	module, revision, when, modified := "(devel)", "unknown", "", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			module = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = " " + s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			}
		}
		if revision == "unknown" && module != "(devel)" {
			revision = module // go install ...@version: the module version names the commit
		}
	}
	return fmt.Sprintf("cashfin %s (cashfin-go SDK %s), revision %s%s%s, %s", module, cashfin.Version,
		revision, modified, when, runtime.Version())
}
