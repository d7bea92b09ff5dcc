// Package bulk owns the CLI's bulk engine, generic over the resource, so that contacts and
// customers share one importer and one exporter: the workers, the pacing (pauses, the server's
// rate-limit windows, the plan's daily window), the duplicate rules applied through an Index,
// idempotency keys that follow a row's identity, replay accounting (the Idempotent-Replayed
// header first), the errors and skipped-rows files, and the summary. It knows nothing of flags,
// nor of how a file is read: a Source gives it rows.
package bulk
