package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/rows"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// importFlags are the flags of "GROUP import".
type importFlags struct {
	concurrency  int
	pace         *paceFlags
	skipExisting bool
	dryRun       bool
	errorsPath   string
	skippedPath  string
	defaults     bulk.Values // --country, --currency: for rows that leave them empty
	input        rows.Options
}

// importSynopsis is the arguments of "GROUP import" for r.
func importSynopsis[T any](r *resource[T]) string {
	s := "FILE [--concurrency N] [--rate R | --plan PLAN [--redis URL]] [--skip-existing] [--dry-run]\n[--errors OUT.csv] " +
		"[--map COLUMN=FIELD]... [--encoding E] [--delimiter D]\n[--sheet NAME] " + phoneSynopsis + " [--skipped FILE]"
	var defaults []string
	for _, d := range r.defaults {
		for _, f := range r.fields {
			if f.json == d {
				defaults = append(defaults, "[--"+f.flag+" "+f.meta+"]")
			}
		}
	}
	if len(defaults) > 0 {
		s += "\n" + strings.Join(defaults, " ")
	}
	return s
}

// importCommand is "cashfin GROUP import FILE": one importer for every resource.
func importCommand[T any](r *resource[T]) *command {
	return &command{group: r.Name, name: "import", synopsis: importSynopsis(r),
		flags: func(fs *flag.FlagSet) runFunc {
			fl, check := importFlagsOn(fs, r)
			return func(ctx context.Context, a *app, in *invocation) error {
				file, err := check(in.cmd.title(), in.args)
				if err != nil {
					return err
				}
				return importFile(ctx, a, in, r, fl, file)
			}
		}}
}

// importFlagsOn registers the flags of "GROUP import" on fs, and returns them with a function
// that checks them, once parsed, with the positional arguments, and returns the FILE argument.
func importFlagsOn[T any](fs *flag.FlagSet, r *resource[T]) (*importFlags, func(name string, args []string) (string, error)) {
	fl := &importFlags{defaults: bulk.Values{}, input: rows.Options{KeepBlank: true}}
	fs.IntVar(&fl.concurrency, "concurrency", 4, "requests in flight at once")
	fl.pace = paceFlagsOn(fs)
	fs.BoolVar(&fl.skipExisting, "skip-existing", false, "first list the "+r.Name+" on the server and skip rows that are the same person")
	fs.BoolVar(&fl.dryRun, "dry-run", false, "validate and report, sending nothing")
	fs.StringVar(&fl.errorsPath, "errors", "", "write every failed row, with its line and the reason, to this CSV `file` (none when nothing failed)")
	fs.StringVar(&fl.skippedPath, "skipped", "", "list every skipped row, with what it duplicates, in this `file` (default: a new file, past 20 of them)")
	phoneFlagsOn(fs, &fl.input.Phones)
	fs.StringVar(&fl.input.Sheet, "sheet", "", "the workbook sheet to read (.xlsx; default: the first visible one)")
	fs.StringVar(&fl.input.Encoding, "encoding", "", "the file's encoding: utf-8 (default; UTF-16 is found by its byte-order mark), windows-1252, latin1 or utf-16")
	delimiter := fs.String("delimiter", "", "CSV delimiter: , ; tab or any one character (default: found from the header line)")
	for _, d := range r.defaults {
		fs.Func(d, "the "+d+" of rows that leave it empty", func(v string) error {
			fl.defaults[d] = strings.TrimSpace(v)
			return nil
		})
	}
	fs.Func("map", "read a column as a field: COLUMN=FIELD ("+strings.Join(r.imported, ", ")+"), or COLUMN= to ignore it; "+
		"repeatable (several columns to name are joined, in this order)", func(v string) error {
		fl.input.Map = append(fl.input.Map, v)
		return nil
	})
	return fl, func(name string, rest []string) (string, error) {
		return checkImportFlags(name, r, fl, *delimiter, rest)
	}
}

// checkImportFlags checks the flags of an import once parsed, and returns the FILE argument.
func checkImportFlags[T any](name string, r *resource[T], fl *importFlags, delimiter string, rest []string) (string, error) {
	var err error
	if len(rest) != 1 {
		return "", usagef("%s: want one FILE (CSV; JSON lines when it ends in .jsonl or .ndjson; a JSON array when it ends in .json; - for standard input)", name)
	}
	if err := checkConcurrency(name, fl.concurrency); err != nil {
		return "", err
	}
	if err := fl.pace.check(name); err != nil {
		return "", err
	}
	if why := tidyDefaults(r, fl.defaults); why != "" {
		return "", usagef("%s: --%s", name, why)
	}
	if fl.input.Delimiter, err = rows.ParseDelimiter(delimiter); err != nil {
		return "", usagef("%s: %v", name, err)
	}
	fl.input.Fields = r.importFields(fl.defaults)
	for _, p := range []string{fl.errorsPath, fl.skippedPath} {
		if p != "" && sameFile(p, rest[0]) {
			return "", usagef("%s: %s is the input file: it would be overwritten; name another file", name, p)
		}
	}
	return rest[0], nil
}

// tidyDefaults checks the defaults given by flag as a row's values are checked (Resource.Check).
func tidyDefaults[T any](r *resource[T], v bulk.Values) string {
	if r.Check == nil {
		return ""
	}
	return r.Check(v)
}

// sameFile reports whether the paths a and b name the same file (b need not exist).
func sameFile(a, b string) bool {
	if a == "-" || b == "-" {
		return false
	}
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	if aerr == nil && berr == nil {
		return os.SameFile(ai, bi)
	}
	aa, _ := filepath.Abs(a)
	ba, _ := filepath.Abs(b)
	return aa == ba
}

// importFile imports file into r: it opens the file, sets the engine up from the flags, runs it,
// and ends with the account, whatever happened.
func importFile[T any](ctx context.Context, a *app, in *invocation, r *resource[T], fl *importFlags, file string) error {
	name, common := in.cmd.title(), in.common
	src, err := rows.Open(file, a.stdin, fl.input)
	if err != nil {
		return inputError(name, err)
	}
	defer src.Close()
	if d := src.Describe(); d != "" {
		fmt.Fprintln(a.stderr, term.Clean(d))
	}
	cfg, err := importConfig(a, common, r, fl, src)
	if err != nil {
		return err
	}
	im := bulk.NewImporter(cfg)
	runErr := inputError(name, im.Run(ctx, source{src, fl.input.Fields}))
	cfg.Progress.Finish()
	if cfg.Out != nil {
		if err := cfg.Out.Close(); err != nil && runErr == nil {
			runErr = fmt.Errorf("%s: writing the output: %w", name, err)
		}
	}
	var ue *usageError
	if errors.As(runErr, &ue) { // the input, found wrong by a dry run's single pass
		if cfg.Errors != nil {
			cfg.Errors.Discard()
		}
		return runErr
	}
	if cfg.Errors != nil {
		if werr := cfg.Errors.Close(); werr != nil && runErr == nil {
			runErr = fmt.Errorf("%s: writing %s: %w", name, fl.errorsPath, werr)
		}
	}
	if runErr != nil {
		a.fail(runErr)
	}
	return im.Summary(ctx, a.stderr, runErr, fl.errorsPath)
}

// importConfig sets the engine up for one import from the flags.
func importConfig[T any](a *app, common *commonFlags, r *resource[T], fl *importFlags, src *rows.Source) (bulk.ImportConfig[T], error) {
	region := fl.input.Region
	cfg := bulk.ImportConfig[T]{Resource: r.Resource, NewIndex: func() bulk.Index { return &index{region: region} },
		Concurrency: fl.concurrency, DryRun: fl.dryRun, SkipExisting: fl.skipExisting, Abort: a.abort, Skipped: fl.skippedPath}
	var err error
	if !fl.dryRun || fl.skipExisting {
		if cfg.Client, err = a.pacedClient(common, fl.pace); err != nil {
			return cfg, err
		}
	}
	if fl.errorsPath != "" {
		// Started before anything is sent, so an unwritable path stops the import at once.
		if cfg.Errors, err = bulk.CreateErrorsFile(fl.errorsPath, errorsForm(src)); err != nil {
			return cfg, usagef("%s import: --errors: %v", r.Name, err)
		}
	}
	cfg.Progress = a.progress("imported")
	cfg.Pacer = a.pacer(cfg.Progress, common)
	if common.format != "" && !fl.dryRun {
		cfg.Out = term.NewRecordWriter(a.stdout, common.format, r.Columns, term.WriterOptions{Terminal: a.terminal(a.stdout)})
	}
	return cfg, nil
}
