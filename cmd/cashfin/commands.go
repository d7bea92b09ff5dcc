package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// commands is every command of the CLI, in the order the usage lists them. It is the one place
// that says what the commands are: the dispatch, the usage text, each command's -h, and (a test
// checks) the package comment's and the README's synopsis all come from it. A verb that several
// resources share is written once over a resource (see resource and verbs.go).
var commands = []*command{
	createCommand(contacts),
	getCommand(contacts),
	listCommand(contacts),
	importCommand(contacts),
	exportCommand(contacts),
	createCommand(customers),
	getCommand(customers),
	listCommand(customers),
	updateCommand(customers),
	importCommand(customers),
	exportCommand(customers),
	webhooksSend,
}

// command is one command of the CLI: "cashfin GROUP NAME".
type command struct {
	group    string // "contacts"
	name     string // "create"
	synopsis string // the arguments and flags after "cashfin GROUP NAME"; "\n" continues them on a line of their own
	format   string // the default of --format; "" for none (the command writes records only when asked)
	offline  bool   // the command does not call the Cashfin API: it takes neither --format nor --base-url
	// flags registers the command's own flags on fs and returns the command's run function,
	// which reads them once fs is parsed.
	flags func(fs *flag.FlagSet) runFunc
}

// runFunc runs a command whose flags are parsed.
type runFunc func(ctx context.Context, a *app, in *invocation) error

// invocation is one command being run: its common flags (nil for an offline command) and its
// positional arguments.
type invocation struct {
	cmd    *command
	fs     *flag.FlagSet
	common *commonFlags
	args   []string
}

// title is "GROUP NAME", as messages name the command.
func (c *command) title() string { return c.group + " " + c.name }

// groups are the command groups, in table order.
func groups() []string {
	var gs []string
	for _, c := range commands {
		if !slices.Contains(gs, c.group) {
			gs = append(gs, c.group)
		}
	}
	return gs
}

// verbs are the names of the commands of group, in table order.
func verbs(group string) []string {
	var vs []string
	for _, c := range commands {
		if c.group == group {
			vs = append(vs, c.name)
		}
	}
	return vs
}

// lookup is the command "group name", or nil.
func lookup(group, name string) *command {
	for _, c := range commands {
		if c.group == group && c.name == name {
			return c
		}
	}
	return nil
}

// orList joins words as "a, b or c".
func orList(words []string) string { return joinList(words, " or ") }

// andList joins words as "a, b and c".
func andList(words []string) string { return joinList(words, " and ") }

func joinList(words []string, last string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + last + words[len(words)-1]
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string { return term.Plural(n, one, many) }

// synopsis is the commands' synopsis, one line per command (and per continuation line of a long
// one, aligned under its first flag), then --version: the usage text, the package
// comment and the CLI page (cmd/cashfin/README.md) show these lines.
func synopsis() []string {
	var lines []string
	for _, c := range commands {
		first, more, _ := strings.Cut(c.synopsis, "\n")
		first = strings.TrimRight("cashfin "+c.title()+" "+first, " ")
		lines = append(lines, first)
		indent := strings.Repeat(" ", flagColumn(first))
		for _, part := range strings.Split(more, "\n") {
			if part != "" {
				lines = append(lines, indent+part)
			}
		}
	}
	return append(lines, "cashfin --version")
}

// flagColumn is where the first flag of a synopsis line starts ("--name", or "[--page").
func flagColumn(line string) int {
	i := strings.Index(line, "--")
	if i > 0 && line[i-1] == '[' {
		i--
	}
	return max(i, 0)
}

// usageText is the top-level help.
func usageText() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, line := range synopsis() {
		b.WriteString("  " + line + "\n")
	}
	fmt.Fprintf(&b, `
Every command that calls the API takes --format table|json|jsonl|csv and --base-url URL.
The client secret is read from %s; the base URL from --base-url,
else %s, else %s.
webhooks send signs with the webhook secret, read from %s.
Run "cashfin GROUP COMMAND -h" for a command's flags.
`, cashfin.EnvClientSecret, cashfin.EnvBaseURL, cashfin.DefaultBaseURL, envWebhookSecret)
	return b.String()
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}

// dispatch finds the command args name and runs it with the rest.
func (a *app) dispatch(ctx context.Context, args []string) error {
	group := args[0]
	if !slices.Contains(groups(), group) {
		return usagef("unknown command %q: want %s (see \"cashfin -h\")", group, orList(groups()))
	}
	if len(args) < 2 {
		return usagef("missing subcommand: want %s %s", group, orList(verbs(group)))
	}
	if isHelp(args[1]) {
		io.WriteString(a.stderr, usageText())
		return nil
	}
	cmd := lookup(group, args[1])
	if cmd == nil {
		return usagef("unknown subcommand %q: want %s", args[1], orList(verbs(group)))
	}
	return a.runCommand(ctx, cmd, args[2:])
}

// runCommand parses cmd's flags from args and runs it.
func (a *app) runCommand(ctx context.Context, cmd *command, args []string) error {
	fs := flag.NewFlagSet("cashfin "+cmd.title(), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {} // the flag package calls Usage on any parse error; parse prints it for -h only
	in := &invocation{cmd: cmd, fs: fs}
	if !cmd.offline {
		in.common = commonFlagsOn(fs, cmd.format)
	}
	run := cmd.flags(fs)
	var err error
	if in.args, err = a.parse(in, args); err != nil {
		return err
	}
	return run(ctx, a, in)
}

// commandUsage writes a command's help: its synopsis and its flags.
func (a *app) commandUsage(in *invocation) {
	fmt.Fprintf(a.stderr, "usage: cashfin %s %s\n\nflags:\n", in.cmd.title(), strings.ReplaceAll(in.cmd.synopsis, "\n", " "))
	in.fs.SetOutput(a.stderr)
	in.fs.PrintDefaults()
	in.fs.SetOutput(io.Discard)
}

// commonFlagsOn registers the flags every command calling the API takes, the format defaulting to
// defaultFormat ("" for none).
func commonFlagsOn(fs *flag.FlagSet, defaultFormat string) *commonFlags {
	c := &commonFlags{}
	formatHelp := "output format: table, json, jsonl or csv"
	if defaultFormat == "" {
		formatHelp = "write each created record to standard output in this format: table, json, jsonl or csv"
	}
	fs.StringVar(&c.format, "format", defaultFormat, formatHelp)
	fs.StringVar(&c.baseURL, "base-url", "", "API base URL (default $CASHFIN_BASE_URL, else "+cashfin.DefaultBaseURL+")")
	return c
}

// parse parses the command line of in, allowing flags after positional arguments ("import FILE
// --dry-run"), and returns the positional arguments. A "--" ends the flags.
func (a *app) parse(in *invocation, args []string) ([]string, error) {
	fs, name := in.fs, in.cmd.title()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				a.commandUsage(in)
				return nil, err
			}
			return nil, usagef("%s: %v (see \"cashfin %s -h\")", name, err, name)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	if c := in.common; c != nil && c.format != "" && !slices.Contains(formats, c.format) {
		return nil, usagef("%s: unknown format %q: want table, json, jsonl or csv", name, c.format)
	}
	return positional, nil
}

// noArgs is an error when a command that takes no positional argument got one.
func noArgs(in *invocation, hint string) error {
	if len(in.args) > 0 {
		return usagef("%s: unexpected argument %q%s", in.cmd.title(), in.args[0], hint)
	}
	return nil
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
