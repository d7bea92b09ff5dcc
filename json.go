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

// A resource's wire type (its JSON form as the API sends it; see wire in request.go) declares each
// field the API docs do not show in an answer with the tag `cashfin:"inferred"`:
//
//	Active *bool `json:"active" cashfin:"inferred"`
//
// The generic decoding (internal/envelope.Unmarshal, under every Get, List, walk, Create, Update and
// UnmarshalJSON) then leaves such a field zero when its JSON type is unexpected, instead of failing
// the record and its page; untagged fields stay strict. A well-typed answer costs nothing more.

// stampsJSON are a record's times as MarshalJSON writes them: as the API does, left out when zero.
type stampsJSON struct {
	CreatedAt string `json:"createdat,omitempty"`
	UpdatedAt string `json:"updatedat,omitempty"`
}

func stampsOf(created, updated time.Time) stampsJSON {
	return stampsJSON{formatTime(created), formatTime(updated)}
}
