package bulk

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// ErrReported is a failure already described on standard error (a failed row, an interrupted
// import): the command exits 1 without a further message.
var ErrReported = errors.New("failure already reported")

// Summary ends an import with its account on w, whatever happened: the failures not shown, the
// rows not sent and why, the replays, the skipped rows' file, and the summary line. runErr is
// what Run returned (already said on w by the caller); errorsPath is the --errors file, or "".
// It returns ErrReported when anything failed or was left unsent.
func (im *Importer[T]) Summary(ctx context.Context, w io.Writer, runErr error, errorsPath string) error {
	failed := im.count(stateInvalid) + im.count(stateFailed)
	im.sayHidden(w, failed, errorsPath)
	if im.cfg.DryRun {
		n := im.count(statePending)
		fmt.Fprintf(w, "dry run: %d %s would be created; nothing was sent\n", n, term.Plural(n, "row", "rows"))
	}
	notSent := im.count(stateNotAttempted)
	im.sayNotSent(w, ctx, runErr, notSent)
	replays := im.count(stateReplayed)
	if replays > 0 {
		fmt.Fprintf(w, "%d %s already on the server from an earlier run (the same person, the same "+
			"idempotency key, not created twice): counted as existing\n", replays, term.Plural(replays, "row was", "rows were"))
	}
	if path, err := im.skips.close(); err != nil {
		fmt.Fprintf(w, "cashfin: writing the list of skipped rows: %v\n", err)
	} else if path != "" {
		fmt.Fprintf(w, "all %d skipped rows, with what each duplicates, are in %s\n", im.skips.n, path)
	}
	dups, existing := im.count(stateDuplicate), im.count(stateExisting)+replays
	line := fmt.Sprintf("created %d, skipped %d (duplicates %d, existing %d), failed %d",
		im.count(stateCreated), dups+existing, dups, existing, failed)
	if blank := im.count(stateBlank); blank > 0 {
		line += fmt.Sprintf(", blank rows %d", blank)
	}
	fmt.Fprintln(w, line)
	if runErr != nil || failed > 0 || notSent > 0 {
		return ErrReported
	}
	return nil
}

// sayHidden says how many failed rows were not described, and where they all are.
func (im *Importer[T]) sayHidden(w io.Writer, failed int, errorsPath string) {
	hidden := failed - int(im.shown.Load())
	switch {
	case hidden <= 0:
	case errorsPath != "":
		fmt.Fprintf(w, "... and %d more failed %s: all are in %s\n", hidden, term.Plural(hidden, "row", "rows"), errorsPath)
	default:
		fmt.Fprintf(w, "... and %d more failed %s (--errors FILE writes them all)\n", hidden, term.Plural(hidden, "row", "rows"))
	}
}

// sayNotSent says how many rows were not sent, and what to do.
func (im *Importer[T]) sayNotSent(w io.Writer, ctx context.Context, runErr error, notSent int) {
	rows := term.Plural(notSent, "row", "rows")
	switch {
	case notSent == 0:
	case ctx.Err() != nil:
		fmt.Fprintf(w, "interrupted: %d %s not sent (or not confirmed); run the same command again to finish "+
			"(rows already sent are not created twice)\n", notSent, rows)
	case isAuth(runErr):
		fmt.Fprintf(w, "%d %s not sent: fix the secret, then run the same command again\n", notSent, rows)
	default:
		fmt.Fprintf(w, "%d %s not sent; run the same command again to finish "+
			"(rows already sent are not created twice)\n", notSent, rows)
	}
}
