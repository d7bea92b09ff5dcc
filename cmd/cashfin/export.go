package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/rows"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// exportCommand is "cashfin GROUP export": every record, in list order, to standard output or --out.
func exportCommand[T any](r *resource[T]) *command {
	return &command{group: r.Name, name: "export", synopsis: "[--search S] [--concurrency N] [--rate R | --plan PLAN [--redis URL]]\n[--out FILE] [--excel-safe]", format: "csv",
		flags: func(fs *flag.FlagSet) runFunc {
			fl := &exportFlags{pace: paceFlagsOn(fs)}
			fs.StringVar(&fl.search, "search", "", "only "+r.Name+" whose name, email, phone or company contains this")
			fs.IntVar(&fl.concurrency, "concurrency", 4, "pages fetched at once")
			fs.StringVar(&fl.out, "out", "", "write to this `file` rather than standard output")
			fs.BoolVar(&fl.excelSafe, "excel-safe", false, "csv: start with a UTF-8 byte-order mark, quote cells a spreadsheet would run as a formula (= + - @), and write digit-only phones as =\"0712345678\" (import undoes both)")
			return func(ctx context.Context, a *app, in *invocation) error {
				name := in.cmd.title()
				if err := noArgs(in, ""); err != nil {
					return err
				}
				if err := checkConcurrency(name, fl.concurrency); err != nil {
					return err
				}
				if err := fl.pace.check(name); err != nil {
					return err
				}
				return export(ctx, a, in, r, fl)
			}
		}}
}

// exportFlags are the flags of an export.
type exportFlags struct {
	search      string
	concurrency int
	pace        *paceFlags
	out         string
	excelSafe   bool
}

// export writes every record of r to standard output or --out.
func export[T any](ctx context.Context, a *app, in *invocation, r *resource[T], fl *exportFlags) error {
	name, common := in.cmd.title(), in.common
	client, err := a.pacedClient(common, fl.pace)
	if err != nil {
		return err
	}
	var (
		w   io.Writer = a.stdout
		tmp *os.File
	)
	if fl.out != "" {
		if tmp, err = createBeside(name, fl.out); err != nil {
			return err
		}
		defer os.Remove(tmp.Name()) // fails harmlessly once renamed
		defer tmp.Close()
		w = tmp
	}
	cw := term.NewRecordWriter(w, common.format, r.Columns, term.WriterOptions{ExcelSafe: excelSafe(fl.excelSafe), Terminal: tmp == nil && a.terminal(a.stdout)})
	prog := a.progress("exported")
	ex := &bulk.Exporter[T]{
		Resource:    r.Resource,
		Client:      client,
		Pacer:       a.pacer(prog, common),
		Progress:    prog,
		Search:      fl.search,
		Concurrency: fl.concurrency,
		Out:         cw,
	}
	err = ex.Run(ctx)
	prog.Finish()
	if err == nil {
		err = ex.Accounted()
	}
	if err != nil {
		cw.Flush()
		return err
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("%s: writing the output: %w", name, err)
	}
	where := ""
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.Rename(tmp.Name(), fl.out); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		where = " to " + fl.out
	}
	fmt.Fprintf(a.stderr, "exported %d %s%s\n", ex.Written(), plural(ex.Written(), r.One, r.Name), where)
	return nil
}

// createBeside creates the temporary file an export to path is written to: in path's own
// directory (a bare name is the working directory), so that the final rename never crosses
// filesystems, and so that FILE is either the whole export or untouched. A path that is a
// directory, or whose directory is missing or not writable, is a usage error, found before
// anything is fetched.
func createBeside(name, path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, usagef("%s: --out %s is a directory: want a file name", name, path)
	}
	dir, base := filepath.Split(path)
	if base == "" {
		return nil, usagef("%s: --out %s: want a file name", name, path)
	}
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, usagef("%s: --out: %v", name, err)
	}
	return tmp, nil
}

// excelSafe is how --excel-safe protects a cell of a column: a phone made of digits in Excel's
// text form, any cell a spreadsheet would run as a formula quoted (rows.ExcelSafe, which the
// import undoes exactly); nil without the flag.
func excelSafe(on bool) func(column, v string) string {
	if !on {
		return nil
	}
	return func(column, v string) string {
		if column == rows.FieldPhone {
			return rows.ExcelSafePhone(v)
		}
		return rows.ExcelSafe(v)
	}
}
