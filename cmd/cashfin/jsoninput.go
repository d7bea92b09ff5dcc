package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxJSONLine is the longest JSON line read.
const maxJSONLine = 1 << 20

// eachJSONLine walks one JSON object per line, with the API's field names (or their aliases) as
// keys. Blank lines are skipped; a line that is not such an object becomes a row that fails, not
// a reason to stop.
func eachJSONLine(r io.Reader, maps map[string]string, schm *schema, fn func(rec *record) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxJSONLine)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if err := checkText(text, line); err != nil {
			return err
		}
		rec, err := jsonRecord(text, line, maps, schm)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("a line is longer than %d bytes", maxJSONLine)
		}
		return err
	}
	return nil
}

// eachJSONElement walks a JSON array of objects (what "export --format json" writes), one
// element at a time.
func eachJSONElement(r io.Reader, maps map[string]string, schm *schema, fn func(rec *record) error) error {
	t := &tap{r: r}
	dec := json.NewDecoder(t)
	line := 1 // the line the decoder has reached
	reach := func() { line += bytes.Count(t.take(dec.InputOffset()), []byte{'\n'}) }
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return errors.New("line 1: want a JSON array of objects")
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) && se.Offset > t.base+int64(t.start) {
				line += bytes.Count(t.buf[t.start:min(len(t.buf), int(se.Offset-t.base))], []byte{'\n'})
			}
			return fmt.Errorf("line %d: %v", line, err)
		}
		reach()
		at := line - bytes.Count(raw, []byte{'\n'}) // where the value started
		if err := checkText(raw, at); err != nil {
			return err
		}
		rec, err := jsonRecord(raw, at, maps, schm)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		reach()
		return fmt.Errorf("line %d: %v", line, err)
	}
	return nil
}

// jsonRecord is the row one JSON object makes. A key that looks like an email or phone but names
// no field (nor is ignored with --map KEY=) is an error: its values would be dropped silently.
func jsonRecord(text []byte, line int, maps map[string]string, sc *schema) (*record, error) {
	rec := &record{line: line, fields: make(fields, len(sc.names))}
	if err := decodeJSONRow(text, rec.fields, maps, sc); err != nil {
		var ik ignoredKey
		if errors.As(err, &ik) {
			return nil, fmt.Errorf("line %d: key %q looks like an email or phone, but it would not be imported: "+
				"say which field it is with --map %q, or ignore it with --map %q", line, string(ik), string(ik)+"=FIELD", string(ik)+"=")
		}
		rec.err = err.Error()
	}
	rec.raw = rec.fields.values()
	return rec, nil
}

// ignoredKey is a JSON key that looks like an email or phone but names no field.
type ignoredKey string

func (k ignoredKey) Error() string { return "ignored key " + string(k) }

// decodeJSONRow reads one JSON object into f: strings as they are, numbers as written (a phone
// number stored as a number), null as empty. Keys are matched as header names are, --map first;
// of two keys for one field the better spelling wins ("companyname" over "company").
func decodeJSONRow(text []byte, f fields, maps map[string]string, sc *schema) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil || obj == nil {
		return errors.New("not a JSON object")
	}
	const unset = 1 << 30
	best := make([]int, len(sc.names)) // rank of the key each field came from
	for i := range best {
		best[i] = unset
	}
	for k, raw := range obj {
		i, rank := sc.fieldOf(headerKey(k))
		if target, ok := maps[headerKey(k)]; ok {
			i, rank = sc.fieldByName(target), -1
			if target == "" {
				continue
			}
		}
		if i < 0 && looksLikeContactColumn(k) {
			return ignoredKey(k)
		}
		if i < 0 || rank >= best[i] {
			continue
		}
		v, err := jsonScalar(raw)
		if err != nil {
			return fmt.Errorf("%q: %v", k, err)
		}
		best[i] = rank
		f.set(i, v)
	}
	return nil
}

// jsonScalar renders a JSON string, number, boolean or null as text.
func jsonScalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case raw[0] == '{' || raw[0] == '[':
		return "", errors.New("want a string, not an object or array")
	}
	return string(raw), nil
}
