package transport

// Holds reports whether s holds the client secret, in any encoding the redactor knows, for a
// caller that must refuse to send it where it would travel or be printed in the clear (a URL's
// path or query).
func (t *Transport) Holds(s string) bool { return t.redact.holds(s) }
