package main

import (
	"context"
	"flag"

	"github.com/cashfin-go/cashfin"
)

// The verbs every resource shares, each written once over a resource descriptor.

// createCommand is "cashfin GROUP create": add one record and print it as get does.
func createCommand[T any](r *resource[T]) *command {
	return &command{group: r.name, name: "create", synopsis: r.fieldSynopsis(), format: "json",
		flags: func(fs *flag.FlagSet) runFunc {
			given := r.fieldFlags(fs, true)
			return func(ctx context.Context, a *app, in *invocation) error {
				if err := noArgs(in, " (the fields are flags: --name, --email, ...)"); err != nil {
					return err
				}
				v := given()
				for _, f := range r.fields {
					if f.required && v[f.flag] == "" {
						return usagef("%s: --%s is required", in.cmd.title(), f.flag)
					}
				}
				return writeOne(ctx, a, in, r, func(ctx context.Context, c *cashfin.Client) (*T, error) {
					return r.create(ctx, c, v)
				})
			}
		}}
}

// getCommand is "cashfin GROUP get ID": print one record with all its fields.
func getCommand[T any](r *resource[T]) *command {
	return &command{group: r.name, name: "get", synopsis: "ID", format: "json",
		flags: func(fs *flag.FlagSet) runFunc {
			return func(ctx context.Context, a *app, in *invocation) error {
				if len(in.args) != 1 {
					return usagef("%s: want exactly one %s ID", in.cmd.title(), r.one)
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
	return &command{group: r.name, name: "update", synopsis: "ID " + r.optionalFieldSynopsis(), format: "json",
		flags: func(fs *flag.FlagSet) runFunc {
			given := r.fieldFlags(fs, false)
			return func(ctx context.Context, a *app, in *invocation) error {
				if len(in.args) != 1 {
					return usagef("%s: want exactly one %s ID", in.cmd.title(), r.one)
				}
				v := given()
				if len(v) == 0 {
					return usagef("%s: nothing to change: give at least one of %s", in.cmd.title(), r.flagList())
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
	callCtx, attempts := countAttempts(ctx)
	rec, err := call(callCtx, client)
	if err != nil {
		return a.callError(in.common, err, attempts)
	}
	return writeRecord(a.stdout, in.common.format, a.terminal(a.stdout), r.detail, rec)
}
