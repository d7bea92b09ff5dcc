// Package term owns what the CLI shows: the record writers (table, JSON, JSON lines, CSV, with
// the Excel-safe form), the progress bar and its plan-aware ETA, durations said in words, and
// terminal safety (no control character or escape sequence from a server or a file reaches the
// terminal raw). It knows nothing of the API's calls or of import files.
package term
