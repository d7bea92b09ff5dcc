// Command cashfin works with the records of a Cashfin business from the shell: create, get and
// list contacts, and import or export them in bulk, fast, resumably and without duplicates;
// create, get, list, update and export customers; and send a signed webhook event to a receiver,
// to test it locally. The commands a resource shares behave alike for every resource.
//
//	cashfin contacts create --name NAME [--email E] [--phone P] [--position P] [--company C]
//	cashfin contacts get ID
//	cashfin contacts list [--page N] [--limit N] [--search S] [--all]
//	cashfin contacts import FILE [--concurrency N] [--rate R] [--skip-existing] [--dry-run] [--errors OUT.csv]
//	                             [--map COLUMN=FIELD]... [--encoding E] [--delimiter D]
//	cashfin contacts export [--search S] [--concurrency N] [--rate R] [--out FILE] [--excel-safe]
//	cashfin customers create --name NAME --email EMAIL --phone PHONE --country COUNTRY --currency CODE
//	                         [--company C] [--address A] [--city CITY] [--type TYPE]
//	cashfin customers get ID
//	cashfin customers list [--page N] [--limit N] [--search S] [--all]
//	cashfin customers update ID [--name NAME] [--email EMAIL] [--phone PHONE] [--country COUNTRY]
//	                            [--currency CODE] [--company C] [--address A] [--city CITY] [--type TYPE]
//	cashfin customers export [--search S] [--concurrency N] [--rate R] [--out FILE] [--excel-safe]
//	cashfin webhooks send --url URL --type TYPE [--data JSON|@FILE]
//	cashfin --version
//
// Every command that calls the API takes --format table|json|jsonl|csv and --base-url URL. The
// client secret is read from CASHFIN_CLIENT_SECRET only (a flag would show in process lists); the
// base URL is --base-url, else CASHFIN_BASE_URL, else the production API. webhooks send signs with
// the webhook secret, read from CASHFIN_WEBHOOK_SECRET (it needs no client secret).
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
)

func main() {
	softMemoryLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first Ctrl-C the commands wind down; a second one kills the process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
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
