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

// stamps are the times every record carries, read tolerantly. A resource's wire type embeds it
// beside the resource's own fields, whose time fields are tagged "-" so that these are the ones
// decoded:
//
//	type customerFields Customer // Customer's fields and tags, without its methods
//	type customerJSON struct {
//		customerFields
//		stamps
//	}
type stamps struct {
	CreatedAt timestamp `json:"createdat"`
	UpdatedAt timestamp `json:"updatedat"`
}

// times returns the creation and update times, zero where the API sent none.
func (s stamps) times() (created, updated time.Time) {
	return time.Time(s.CreatedAt), time.Time(s.UpdatedAt)
}

// stampsJSON are a record's times as MarshalJSON writes them: as the API does, left out when zero.
type stampsJSON struct {
	CreatedAt string `json:"createdat,omitempty"`
	UpdatedAt string `json:"updatedat,omitempty"`
}

func stampsOf(created, updated time.Time) stampsJSON {
	return stampsJSON{formatTime(created), formatTime(updated)}
}
