package main

import (
	"context"
	"flag"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/bulk"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/rows"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// The verbs every resource shares, each written once over a resource descriptor.

// createCommand is "cashfin GROUP create": add one record and print it as get does.
func createCommand[T any](r *resource[T]) *command {
	return &command{group: r.Name, name: "create", synopsis: r.fieldSynopsis(), format: "json",
		flags: func(fs *flag.FlagSet) runFunc {
			given := r.fieldFlags(fs, true)
			var phones rows.Phones
			phoneFlagsOn(fs, &phones)
			return func(ctx context.Context, a *app, in *invocation) error {
				if err := noArgs(in, " (the fields are flags: --name, --email, ...)"); err != nil {
					return err
				}
				v := given()
				if missing := r.missing(v); len(missing) > 0 {
					return usagef("%s: %s %s required", in.cmd.title(), andList(missing), plural(len(missing), "is", "are"))
				}
				if err := r.tidyValues(in, v, phones); err != nil {
					return err
				}
				return writeOne(ctx, a, in, r, func(ctx context.Context, c *cashfin.Client) (*T, error) {
					return r.Create(ctx, c, v, "")
				})
			}
		}}
}

// getCommand is "cashfin GROUP get ID": print one record with all its fields.
func getCommand[T any](r *resource[T]) *command {
	return &command{group: r.Name, name: "get", synopsis: "ID", format: "json",
		flags: func(fs *flag.FlagSet) runFunc {
			return func(ctx context.Context, a *app, in *invocation) error {
				if len(in.args) != 1 {
					return usagef("%s: want exactly one %s ID", in.cmd.title(), r.One)
				}
				return writeOne(ctx, a, in, r, func(ctx context.Context, c *cashfin.Client) (*T, error) {
					return r.get(ctx, c, in.args[0])
				})
			}
		}}
}

// updateCommand is "cashfin GROUP update ID": change the fields given, and only those, and print
// the record as it stands after the update, as get does.
func updateCommand[T any](r *resource[T]) *command {
	return &command{group: r.Name, name: "update", synopsis: "ID " + r.optionalFieldSynopsis(), format: "json",
		flags: func(fs *flag.FlagSet) runFunc {
			given := r.fieldFlags(fs, false)
			var phones rows.Phones
			phoneFlagsOn(fs, &phones)
			return func(ctx context.Context, a *app, in *invocation) error {
				if len(in.args) != 1 {
					return usagef("%s: want exactly one %s ID", in.cmd.title(), r.One)
				}
				v := given()
				if len(v) == 0 {
					return usagef("%s: nothing to change: give at least one of %s", in.cmd.title(), r.flagList())
				}
				if err := r.tidyValues(in, v, phones); err != nil {
					return err
				}
				return writeOne(ctx, a, in, r, func(ctx context.Context, c *cashfin.Client) (*T, error) {
					return r.update(ctx, c, in.args[0], v)
				})
			}
		}}
}

// writeOne makes one call that answers one record, and prints the record in the detail form.
func writeOne[T any](ctx context.Context, a *app, in *invocation, r *resource[T], call func(context.Context, *cashfin.Client) (*T, error)) error {
	client, err := a.client(in.common, 0)
	if err != nil {
		return err
	}
	callCtx, attempts := bulk.CountAttempts(ctx)
	rec, err := call(callCtx, client)
	if err != nil {
		return a.callError(in.common, err, attempts)
	}
	return term.WriteRecord(a.stdout, in.common.format, a.terminal(a.stdout), r.detail, rec)
}

// tidyValues writes v as the API spells it (the phone as an import sends it, under phones; a
// customer's type in any case), or is a usage error saying why it cannot, with the reason an
// import gives a row.
func (r *resource[T]) tidyValues(in *invocation, v bulk.Values, phones rows.Phones) error {
	if why := phones.Check(); why != "" {
		return usagef("%s: %s", in.cmd.title(), why)
	}
	if p, ok := v[rows.FieldPhone]; ok {
		sent, err := phones.Send(p)
		if err != nil {
			return usagef("%s: %v", in.cmd.title(), err)
		}
		v[rows.FieldPhone] = sent
	}
	if r.Check == nil {
		return nil
	}
	if why := r.Check(v); why != "" {
		return usagef("%s: --%s", in.cmd.title(), why)
	}
	return nil
}
