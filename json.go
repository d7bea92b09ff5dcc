package cashfin

import (
	"bytes"
	"time"
)

// timestamp is a time as the API sends it: RFC 3339, with or without fractional seconds. A
// missing, null or "" value is the zero time, not an error; so is any value that does not parse,
// rather than failing a whole page over one field.
type timestamp time.Time

// UnmarshalJSON implements json.Unmarshaler.
func (t *timestamp) UnmarshalJSON(data []byte) error {
	data = bytes.Trim(data, `"`)
	if len(data) == 0 || string(data) == "null" {
		*t = timestamp{}
		return nil
	}
	parsed, err := time.Parse(time.RFC3339Nano, string(data))
	if err != nil {
		*t = timestamp{}
		return nil
	}
	*t = timestamp(parsed)
	return nil
}

// formatTime renders t as the API does (UTC, milliseconds), or "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
