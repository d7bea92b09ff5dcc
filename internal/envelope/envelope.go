// Package envelope decodes the response envelope that every Cashfin Business API endpoint answers
// with:
//
//	{"success": true,  "message": "...", "data": ..., "pagination"|"meta": {...}}
//	{"success": false, "error": "...", "errors": {"field": "why"}, "message": "...", "retry_after": 30}
//
// It is tolerant of the variants the API documentation shows: the page block may be named
// "pagination" or "meta", any of the failure fields may be missing, and unknown fields are ignored.
// Fields tagged `cashfin:"inferred"` in the data's type are decoded tolerantly (see Unmarshal).
// It knows JSON, not HTTP and not resources.
package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNotEnvelope reports a body that is not a Cashfin envelope: not JSON, not an object, no boolean
// "success", or a "data" that does not decode into the expected type.
var ErrNotEnvelope = errors.New("response is not a cashfin envelope")

// PageInfo is the page block of a list response. Its numbers may come as JSON numbers or as
// numeric strings ("total": "62"); a missing, null or "" one reads as 0 (unknown).
type PageInfo struct {
	Total Num `json:"total"`
	Page  Num `json:"page"`
	Limit Num `json:"limit"`
	Pages Num `json:"pages"`
}

// Num is a count in a page block: a JSON integer, or a string holding one. Anything else (a
// fraction, a word, an object, a number past the int range) fails the decoding of the block.
type Num int

// UnmarshalJSON implements json.Unmarshaler, without allocating.
func (n *Num) UnmarshalJSON(raw []byte) error {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw = bytes.TrimSpace(raw[1 : len(raw)-1])
	}
	if len(raw) == 0 || string(raw) == "null" {
		*n = 0
		return nil
	}
	neg := raw[0] == '-'
	digits := raw
	if neg {
		digits = raw[1:]
	}
	const limit = 1<<(strconv.IntSize-1) - 1
	v := 0
	for i, c := range digits {
		if c < '0' || c > '9' {
			if c == '.' && allZero(digits[i+1:]) && i > 0 { // 62.0
				break
			}
			return errors.New("page block: " + strconv.Quote(string(raw)) + " is not a whole number")
		}
		if v > (limit-int(c-'0'))/10 {
			return errors.New("page block: " + strconv.Quote(string(raw)) + " is out of range")
		}
		v = v*10 + int(c-'0')
	}
	if len(digits) == 0 {
		return errors.New("page block: " + strconv.Quote(string(raw)) + " is not a whole number")
	}
	if neg {
		v = -v
	}
	*n = Num(v)
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != '0' {
			return false
		}
	}
	return true
}

// Failure is what a success:false envelope says.
type Failure struct {
	Message    string            // "error", else "message"; "" when neither is there
	Fields     map[string]string // "errors", if any
	RetryAfter time.Duration     // "retry_after" in seconds, if any
}

// body is the whole envelope with a typed data field.
type body[D any] struct {
	failureBody
	Data       D         `json:"data"`
	Pagination *PageInfo `json:"pagination"`
	Meta       *PageInfo `json:"meta"`
}

// failureBody is the envelope without data: what a failure says, and the whole of what is read
// from a body whose data does not fit the expected type. The failure fields are kept raw: they
// are read only when success is false, and their shapes vary.
type failureBody struct {
	Success    *bool           `json:"success"`
	Error      json.RawMessage `json:"error"`
	Errors     json.RawMessage `json:"errors"`
	Message    json.RawMessage `json:"message"`
	RetryAfter json.RawMessage `json:"retry_after"`
}

// Decode decodes raw into *dst (the envelope's data) and returns the page block, if any.
//
// It returns a non-nil *Failure (and a nil error) for a well-formed success:false envelope, and
// an error wrapping ErrNotEnvelope for anything that is not an envelope.
func Decode[D any](raw []byte, dst *D) (*PageInfo, *Failure, error) {
	var b body[D]
	if err := Unmarshal(raw, &b); err != nil { // tolerant of D's inferred fields
		// The data may not fit D in a failure envelope ("data": "" or a string): try without it.
		if f := decodeFailure(raw); f != nil {
			return nil, f, nil
		}
		return nil, nil, notEnvelope(err)
	}
	if b.Success == nil {
		return nil, nil, notEnvelope(errors.New(`no boolean "success" field`))
	}
	if !*b.Success {
		return nil, b.failure(), nil
	}
	*dst = b.Data
	if b.Pagination != nil {
		return b.Pagination, nil, nil
	}
	return b.Meta, nil, nil
}

// decodeFailure reads the failure fields of raw, or returns nil when raw is not an envelope with
// success:false.
func decodeFailure(raw []byte) *Failure {
	var b failureBody
	if err := json.Unmarshal(raw, &b); err != nil || b.Success == nil || *b.Success {
		return nil
	}
	return b.failure()
}

// DecodeError reads the failure fields of a non-2xx response's body: those of any JSON object, with
// or without "success", since a gateway or proxy in front of the API may answer {"message": "..."}.
// It returns nil when raw is not a JSON object (a gateway's HTML page, say).
func DecodeError(raw []byte) *Failure {
	var b failureBody
	if err := json.Unmarshal(raw, &b); err != nil || !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		return nil
	}
	return b.failure()
}

// RetryAfter reads the "retry_after" field (seconds) of a JSON body, whatever else it holds; 0
// when there is none, or it is not a positive number.
func RetryAfter(raw []byte) time.Duration {
	if !bytes.Contains(raw, []byte(`"retry_after"`)) {
		return 0
	}
	var b struct {
		RetryAfter json.RawMessage `json:"retry_after"`
	}
	if json.Unmarshal(raw, &b) != nil {
		return 0
	}
	return seconds(b.RetryAfter)
}

func notEnvelope(cause error) error {
	return &decodeError{cause: cause}
}

type decodeError struct{ cause error }

func (e *decodeError) Error() string        { return ErrNotEnvelope.Error() + ": " + e.cause.Error() }
func (e *decodeError) Is(target error) bool { return target == ErrNotEnvelope }
func (e *decodeError) Unwrap() error        { return e.cause }

func (b *failureBody) failure() *Failure {
	f := &Failure{
		Message:    text(b.Error),
		Fields:     fields(b.Errors),
		RetryAfter: seconds(b.RetryAfter),
	}
	if f.Message == "" {
		f.Message = text(b.Message)
	}
	return f
}

// text renders a JSON value as a message: a string as itself, an object by its "message" or
// "error" member, null as "", anything else as compact JSON.
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		for _, k := range []string{"message", "error"} {
			if m := text(obj[k]); m != "" {
				return m
			}
		}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		parts := make([]string, 0, len(list))
		for _, item := range list {
			if m := text(item); m != "" {
				parts = append(parts, m)
			}
		}
		return strings.Join(parts, "; ")
	}
	// Raw JSON may hold invalid UTF-8 inside its strings (the decoder accepts it): replace it as
	// the decoder does, so that a message is always printable text.
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return strings.ToValidUTF8(buf.String(), "\uFFFD")
	}
	return strings.ToValidUTF8(string(raw), "\uFFFD")
}

// fields reads "errors": {"field": "why"}, also accepting {"field": ["why", ...]} and
// [{"field": "f", "message": "why"}, ...].
func fields(raw json.RawMessage) map[string]string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	out := map[string]string{}
	var obj map[string]json.RawMessage
	var list []map[string]json.RawMessage
	switch {
	case json.Unmarshal(raw, &obj) == nil:
		for k, v := range obj {
			out[k] = text(v)
		}
	case json.Unmarshal(raw, &list) == nil:
		for i, item := range list {
			name := text(item["field"])
			if name == "" {
				name = strconv.Itoa(i)
			}
			msg := text(item["message"])
			if msg == "" {
				msg = text(item["error"])
			}
			out[name] = msg
		}
	default:
		if m := text(raw); m != "" {
			out[""] = m
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// MaxRetryAfter is the longest wait a server's Retry-After or retry_after is read as: a longer
// one (30 days, 10^18 seconds, a date in the year 9999) is saturated to it rather than overflowing
// or being mistaken for garbage.
const MaxRetryAfter = 365 * 24 * time.Hour

// Seconds reads a server's wait given in seconds, saturated at MaxRetryAfter; 0 when s is not a
// positive number.
func Seconds(s string) time.Duration {
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange), !(f > 0): // garbage, NaN, zero, negative
		return 0
	case f >= MaxRetryAfter.Seconds():
		return MaxRetryAfter
	}
	return time.Duration(f * float64(time.Second))
}

// seconds reads a number of seconds given as a JSON number or numeric string.
func seconds(raw json.RawMessage) time.Duration {
	raw = bytes.Trim(bytes.TrimSpace(raw), `"`)
	if len(raw) == 0 {
		return 0
	}
	return Seconds(string(raw))
}

// SortedKeys returns the keys of m in order, for stable messages.
func SortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
