package transport

// Holds reports whether s holds the client secret, for a caller that must refuse to send it where
// it would travel or be printed in the clear (a URL's path or query).
func (t *Transport) Holds(s string) bool { return t.redact.holds(s) }

// RedactString returns s with every occurrence of the client secret replaced by "[redacted]".
func (t *Transport) RedactString(s string) string { return t.redact.string(s) }
