package main

import (
	"context"
	"strings"

	"github.com/cashfin-go/cashfin"
)

// create is "cashfin contacts create": add one contact and print it as the API returns it.
func (a *app) create(ctx context.Context, args []string) error {
	fs, common := a.newFlagSet("create", "--name NAME [--email E] [--phone P] [--position P] [--company C]", "json")
	var p cashfin.ContactCreateParams
	fs.StringVar(&p.Name, "name", "", "full name (required)")
	fs.StringVar(&p.Email, "email", "", "email address")
	fs.StringVar(&p.Phone, "phone", "", "phone number")
	fs.StringVar(&p.Position, "position", "", "job title or role")
	fs.StringVar(&p.CompanyName, "company", "", "company or organisation")
	rest, err := a.parse(fs, common, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("contacts create: unexpected argument %q (the fields are flags: --name, --email, ...)", rest[0])
	}
	p.Name, p.Email, p.Phone = strings.TrimSpace(p.Name), strings.TrimSpace(p.Email), strings.TrimSpace(p.Phone)
	p.Position, p.CompanyName = strings.TrimSpace(p.Position), strings.TrimSpace(p.CompanyName)
	if p.Name == "" {
		return usagef("contacts create: --name is required")
	}
	client, err := a.client(common, 0)
	if err != nil {
		return err
	}
	callCtx, attempts := countAttempts(ctx)
	c, err := client.Contacts.Create(callCtx, &p)
	if err != nil {
		return a.callError(common, err, attempts)
	}
	return writeContact(a.stdout, common.format, a.terminal(a.stdout), c)
}
