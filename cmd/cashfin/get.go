package main

import (
	"context"
)

// get is "cashfin contacts get ID": print one contact with all its fields.
func (a *app) get(ctx context.Context, args []string) error {
	fs, common := a.newFlagSet("get", "ID", "json")
	rest, err := a.parse(fs, common, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("contacts get: want exactly one contact ID")
	}
	client, err := a.client(common, 0)
	if err != nil {
		return err
	}
	callCtx, attempts := countAttempts(ctx)
	c, err := client.Contacts.Get(callCtx, rest[0])
	if err != nil {
		return a.callError(common, err, attempts)
	}
	return writeContact(a.stdout, common.format, a.terminal(a.stdout), c)
}
