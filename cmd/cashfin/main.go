// Command cashfin works with the records of a Cashfin business from the shell: create, get and
// list contacts, and import or export them in bulk, fast, resumably and without duplicates;
// create, get, list, update, import and export customers; and send a signed webhook event to a receiver,
// to test it locally. The commands a resource shares behave alike for every resource.
//
//	cashfin contacts create --name NAME [--email E] [--phone P] [--position P] [--company C]
//	                        [--phone-region CC] [--keep-phones]
//	cashfin contacts get ID
//	cashfin contacts list [--page N] [--limit N] [--search S] [--all]
//	cashfin contacts import FILE [--concurrency N] [--rate R | --plan PLAN [--redis URL]] [--skip-existing] [--dry-run]
//	                             [--errors OUT.csv] [--map COLUMN=FIELD]... [--encoding E] [--delimiter D]
//	                             [--sheet NAME] [--phone-region CC] [--keep-phones] [--skipped FILE]
//	cashfin contacts export [--search S] [--concurrency N] [--rate R | --plan PLAN [--redis URL]]
//	                        [--out FILE] [--excel-safe]
//	cashfin customers create --name NAME --email EMAIL --phone PHONE --country COUNTRY --currency CODE
//	                         [--company C] [--address A] [--city CITY] [--type TYPE]
//	                         [--phone-region CC] [--keep-phones]
//	cashfin customers get ID
//	cashfin customers list [--page N] [--limit N] [--search S] [--all]
//	cashfin customers update ID [--name NAME] [--email EMAIL] [--phone PHONE] [--country COUNTRY]
//	                            [--currency CODE] [--company C] [--address A] [--city CITY] [--type TYPE]
//	                            [--phone-region CC] [--keep-phones]
//	cashfin customers import FILE [--concurrency N] [--rate R | --plan PLAN [--redis URL]] [--skip-existing] [--dry-run]
//	                              [--errors OUT.csv] [--map COLUMN=FIELD]... [--encoding E] [--delimiter D]
//	                              [--sheet NAME] [--phone-region CC] [--keep-phones] [--skipped FILE]
//	                              [--country COUNTRY] [--currency CODE]
//	cashfin customers export [--search S] [--concurrency N] [--rate R | --plan PLAN [--redis URL]]
//	                         [--out FILE] [--excel-safe]
//	cashfin webhooks send --url URL --type TYPE [--data JSON|@FILE]
//	cashfin --version
//
// Every command that calls the API takes --format table|json|jsonl|csv and --base-url URL. The
// client secret is read from CASHFIN_CLIENT_SECRET only (a flag would show in process lists); the
// base URL is --base-url, else CASHFIN_BASE_URL, else the production API. webhooks send signs with
// the webhook secret, read from CASHFIN_WEBHOOK_SECRET (it needs no client secret).
//
// This package is the commands and their flags. The work is in internal packages: bulk (the
// engine every import and export runs on), rows (reading import files, and who is who) and term
// (what the terminal shows).
//
// Exit status: 0 success; 1 an API or network failure, an interrupted run, or any import row that
// failed; 2 a usage or input error.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/redis/go-redis/v9/logging"
)

func main() {
	softMemoryLimit()
	logging.Disable() // go-redis's own log lines: the shared plan's limiter reports Redis failures itself
	ctx, abort := interrupts()
	os.Exit(run(ctx, abort, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// interrupts returns a context ended by the first Ctrl-C (or SIGTERM), after which a command
// sends nothing new, and one ended by the second, after which it abandons the requests in
// flight. No number of them kills the process: an import always ends with its errors file
// written whole and its summary said.
func interrupts() (ctx, abort context.Context) {
	ctx, stop := context.WithCancel(context.Background())
	abort, abandon := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		stop()
		<-sigs
		abandon()
		for range sigs { // the account is being written; it ends the process
		}
	}()
	return ctx, abort
}

// memoryLimit is the heap the command aims to stay under, unless GOMEMLIMIT says otherwise. Every
// command holds little (an import one small key per row, an export a window of pages); the limit
// makes the runtime give memory back as it goes rather than let the heap double between
// collections.
const memoryLimit = 40 << 20

// softMemoryLimit sets memoryLimit as the runtime's soft memory limit, unless GOMEMLIMIT is set.
func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
