package rows

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// maxJSONLine is the longest JSON line read.
const maxJSONLine = 1 << 20

// sniffJSON tells JSON lines from a JSON array, bare or held by the member of an object that is
// an array of objects ({"contacts":[...]}, {"data":[...],"pagination":{...}}).
func (s *Source) sniffJSON(text *bufio.Reader, problems *[]string) error {
	defer s.jsonHeader()
	s.format = JSONLines
	head, _ := text.Peek(64 << 10)
	first := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(first) == 0:
		return nil
	case first[0] == '[':
		s.format = JSONArray
		return nil
	case first[0] != '{':
		return nil
	}
	w := newJSONWalk(text)
	w.dec.Token() // the "{" seen above
	for w.dec.More() {
		key, err := w.dec.Token()
		if err != nil {
			return nil // not an object after all: each line fails on its own
		}
		isRows, err := w.arrayOfObjects()
		if err != nil {
			return nil
		}
		if isRows {
			s.format, s.member = JSONArray, fmt.Sprint(key)
			return nil
		}
	}
	return nil
}

// jsonWalk decodes a JSON value token by token, knowing the line it has reached.
type jsonWalk struct {
	t    *tap
	dec  *json.Decoder
	line int // the line the decoder has reached
}

func newJSONWalk(r io.Reader) *jsonWalk {
	t := &tap{r: r}
	return &jsonWalk{t: t, dec: json.NewDecoder(t), line: 1}
}

// reach counts the lines read up to the decoder's offset, and lets the tap drop them.
func (w *jsonWalk) reach() {
	w.line += bytes.Count(w.t.take(w.dec.InputOffset()), []byte{'\n'})
}

// arrayOfObjects reads a member's value; when it is an array that is empty or starts with an
// object, it stops inside it, before the first element (the "{" is put back) and says so.
// Otherwise it reads the whole value.
func (w *jsonWalk) arrayOfObjects() (bool, error) {
	tok, err := w.dec.Token()
	if err != nil || tok != json.Delim('[') {
		return false, w.skip(tok, err)
	}
	if !w.dec.More() {
		return true, nil
	}
	// Peek at the first element without consuming it: buffered bytes after the offset.
	rest, _ := io.ReadAll(io.LimitReader(w.dec.Buffered(), 64))
	if bytes.HasPrefix(bytes.TrimLeft(rest, " \t\r\n,"), []byte("{")) {
		return true, nil
	}
	return false, w.skip(tok, nil)
}

// skip reads the rest of a value whose first token was tok.
func (w *jsonWalk) skip(tok json.Token, err error) error {
	depth := 0
	for {
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
		w.reach()
		if depth == 0 {
			return nil
		}
		tok, err = w.dec.Token()
	}
}

// enter reads the object up to the inside of its member's array.
func (w *jsonWalk) enter(member string) error {
	if tok, err := w.dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("line 1: want a JSON object")
	}
	for w.dec.More() {
		key, err := w.dec.Token()
		if err != nil {
			return fmt.Errorf("line %d: %v", w.line, err)
		}
		if fmt.Sprint(key) == member {
			_, err := w.dec.Token() // "["
			return err
		}
		if err := w.skip(w.dec.Token()); err != nil {
			return fmt.Errorf("line %d: %v", w.line, err)
		}
	}
	return fmt.Errorf("no member %q", member)
}

// leave reads the rest of the object after its member's array, refusing a second array of
// objects: its records would be left out.
func (w *jsonWalk) leave(member string) error {
	for w.dec.More() {
		key, err := w.dec.Token()
		if err != nil {
			return fmt.Errorf("line %d: %v", w.line, err)
		}
		isRows, err := w.arrayOfObjects()
		if err != nil {
			return fmt.Errorf("line %d: %v", w.line, err)
		}
		if isRows {
			return fmt.Errorf("line %d: two arrays of records, %q and %q: only one is imported; split the file", w.line, member, fmt.Sprint(key))
		}
	}
	_, err := w.dec.Token()
	return err
}

// eachJSONLine walks one JSON object per line. Blank lines are skipped; a line that is not such
// an object becomes a row that fails, not a reason to stop.
func (s *Source) eachJSONLine(r io.Reader, fn func(r *Row) error) error {
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
		r, err := s.jsonRow(text, line)
		if err != nil {
			return err
		}
		if err := s.emit(r, fn); err != nil {
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

// eachJSONElement walks a JSON array of objects (what "export --format json" writes), bare or
// held by an object's member, one element at a time.
func (s *Source) eachJSONElement(r io.Reader, fn func(r *Row) error) error {
	w := newJSONWalk(r)
	if s.member != "" {
		if err := w.enter(s.member); err != nil {
			return err
		}
	} else if tok, err := w.dec.Token(); err != nil || tok != json.Delim('[') {
		return errors.New("line 1: want a JSON array of objects")
	}
	for w.dec.More() {
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) && se.Offset > w.t.base+int64(w.t.start) {
				w.line += bytes.Count(w.t.buf[w.t.start:min(len(w.t.buf), int(se.Offset-w.t.base))], []byte{'\n'})
			}
			return fmt.Errorf("line %d: %v", w.line, err)
		}
		w.reach()
		at := w.line - bytes.Count(raw, []byte{'\n'}) // where the value started
		if err := checkText(raw, at); err != nil {
			return err
		}
		row, err := s.jsonRow(raw, at)
		if err != nil {
			return err
		}
		if err := s.emit(row, fn); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		w.reach()
		return fmt.Errorf("line %d: %v", w.line, err)
	}
	if s.member != "" {
		return w.leave(s.member)
	}
	return nil
}

// jsonRow is the row one JSON object makes. A key that looks like an email or phone but names no
// field (nor is ignored with --map KEY=) is an error: its values would be dropped silently.
func (s *Source) jsonRow(text []byte, line int) (*Row, error) {
	r := &Row{Line: line, Values: make([]string, len(s.schema.fields))}
	if err := s.decodeJSONRow(text, r.Values); err != nil {
		var ik ignoredKey
		if errors.As(err, &ik) {
			return nil, fmt.Errorf("line %d: key %q looks like an email or phone, but it would not be imported: "+
				"say which field it is with --map %q, or ignore it with --map %q", line, string(ik), string(ik)+"=FIELD", string(ik)+"=")
		}
		r.Err = err.Error()
	}
	r.Cells = slices.Clone(r.Values)
	return r, nil
}

// ignoredKey is a JSON key that looks like an email or phone but names no field.
type ignoredKey string

func (k ignoredKey) Error() string { return "ignored key " + string(k) }

// decodeJSONRow reads one JSON object into values: strings as they are, numbers as written (a
// phone stored as a number), null as empty. Keys are matched as header cells are, --map first
// (several keys mapped to name joined in flag order); of two keys for one field the better
// spelling wins ("companyname" over "company").
func (s *Source) decodeJSONRow(text []byte, values []string) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil || obj == nil {
		return errors.New("not a JSON object")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if err := s.jsonBySpelling(obj, keys, values); err != nil {
		return err
	}
	return s.jsonByMap(obj, keys, values)
}

// jsonBySpelling reads the keys no --map names, by the fields' spellings.
func (s *Source) jsonBySpelling(obj map[string]json.RawMessage, keys, values []string) error {
	rank := make([]int, len(values))
	for _, k := range keys {
		if slices.ContainsFunc(s.maps, func(m mapSpec) bool { return m.key == Key(k) }) {
			continue
		}
		f, r := s.schema.fieldOf(Key(k))
		if f < 0 && looksLikeContactColumn(k) {
			return ignoredKey(k)
		}
		if f < 0 || (values[f] != "" && r >= rank[f]) {
			continue
		}
		v, err := jsonScalar(obj[k])
		if err != nil {
			return fmt.Errorf("%q: %v", k, err)
		}
		if v = strings.TrimSpace(v); v != "" {
			values[f], rank[f] = v, r
		}
	}
	return nil
}

// jsonByMap reads the keys --map names, in flag order; a field a --map feeds takes nothing else.
func (s *Source) jsonByMap(obj map[string]json.RawMessage, keys, values []string) error {
	fed := make([][]string, len(values))
	for _, m := range s.maps {
		k := slices.IndexFunc(keys, func(k string) bool { return Key(k) == m.key })
		if m.field < 0 || k < 0 {
			continue
		}
		v, err := jsonScalar(obj[keys[k]])
		if err != nil {
			return fmt.Errorf("%q: %v", keys[k], err)
		}
		if v = strings.TrimSpace(v); v != "" {
			fed[m.field] = append(fed[m.field], v)
		}
	}
	for f, vs := range fed {
		if len(vs) > 0 || s.mapsFeed(f) {
			values[f] = strings.Join(vs, " ")
		}
	}
	return nil
}

// mapsFeed reports whether a --map flag feeds field f: then no other key does.
func (s *Source) mapsFeed(f int) bool {
	return slices.ContainsFunc(s.maps, func(m mapSpec) bool { return m.field == f })
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
