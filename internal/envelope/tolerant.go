package envelope

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
)

// Tolerant decoding of inferred fields.
//
// A struct field tagged `cashfin:"inferred"` holds a fact the API documentation does not show (a
// field inferred from other endpoints or conventions). When such a field's JSON value does not
// decode into its Go type ("active":"true" for a *bool, an object for a string), Unmarshal leaves
// the field at its zero value, as if the API had not sent it, and decodes the rest: one odd field
// does not fail a record, and one odd record does not fail a page. Untagged fields stay strict.
//
// A value of the wrong type is zeroed, never converted: "true" is not read as true, nor 404 as
// "404". The zero value says "the API did not tell us", which is true; a conversion would be a
// guess about what the server meant, presented as a fact.
//
// The tag is honoured at any depth of the decoded type: in a struct, through pointers, in the
// elements of a slice or array, and in embedded structs.

// InferredTag is the struct tag key and value that mark an inferred field: `cashfin:"inferred"`.
const (
	InferredTag   = "cashfin"
	InferredValue = "inferred"
)

// Unmarshal is json.Unmarshal, tolerant of v's inferred fields (see InferredTag). A well-typed
// value is decoded once, by json.Unmarshal alone: tolerance costs nothing until a value has the
// wrong type. Then the JSON is decoded again, without the inferred members whose values do not fit;
// an error that remains (a documented field of the wrong type, JSON that is not valid) is returned
// as json.Unmarshal returns it.
func Unmarshal(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return retry(data, v, err)
	}
	return nil
}

// retry decodes data into v again, without the inferred members whose values do not fit, when
// err, json.Unmarshal's, is a type error; else it returns err. (Apart from Unmarshal, so that
// what it declares is allocated only for a value that needs it.)
func retry(data []byte, v any, err error) error {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err
	}
	rv := reflect.ValueOf(v)
	p := planOf(rv.Type())
	if p == nil {
		return err
	}
	clean, changed := p.clean(data)
	if !changed {
		return err
	}
	rv.Elem().SetZero() // json.Unmarshal merges into what is there; the first pass left some
	return json.Unmarshal(clean, v)
}

// plan says where in the JSON form of a type inferred fields sit. A nil *plan is a type without
// any: it is decoded strictly.
type plan struct {
	elem   *plan       // a slice's or array's elements; nil for a struct
	fields []fieldPlan // a struct's fields that are inferred or hold inferred fields
}

type fieldPlan struct {
	name     string       // the JSON member name
	typ      reflect.Type // the field's Go type
	inferred bool         // tagged `cashfin:"inferred"`
	sub      *plan        // the field's own plan, nil if none
}

var plans sync.Map // reflect.Type → *plan (nil included)

// planOf returns t's plan, built once per type.
func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := build(t, map[reflect.Type]bool{})
	plans.Store(t, p)
	return p
}

// build makes t's plan; visiting guards against recursive types (a type met again inside itself
// is decoded strictly there).
func build(t reflect.Type, visiting map[reflect.Type]bool) *plan {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if visiting[t] {
		return nil
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // []byte, json.RawMessage
			return nil
		}
		if e := build(t.Elem(), visiting); e != nil {
			return &plan{elem: e}
		}
	case reflect.Struct:
		var fields []fieldPlan
		collect(t, visiting, map[string]bool{}, &fields)
		if len(fields) > 0 {
			return &plan{fields: fields}
		}
	}
	return nil
}

// collect appends the fields of struct t that need a plan to fields, as encoding/json names them:
// t's own first, then those its embedded structs promote, unless t names them itself. seen holds
// the names already taken.
func collect(t reflect.Type, visiting map[reflect.Type]bool, seen map[string]bool, fields *[]fieldPlan) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			embedded = append(embedded, ft)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		inferred := f.Tag.Get(InferredTag) == InferredValue
		if sub := build(f.Type, visiting); inferred || sub != nil {
			*fields = append(*fields, fieldPlan{name: name, typ: f.Type, inferred: inferred, sub: sub})
		}
	}
	for _, e := range embedded {
		collect(e, visiting, seen, fields)
	}
}

// clean returns data without the inferred members whose values do not fit their type, and
// whether it removed any. Data that is not the JSON kind the plan expects is returned as it is:
// the strict decoding then says what is wrong with it.
func (p *plan) clean(data []byte) ([]byte, bool) {
	if p.elem != nil {
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return data, false
		}
		changed := false
		for i, item := range items {
			if c, ok := p.elem.clean(item); ok {
				items[i], changed = c, true
			}
		}
		return remarshal(data, items, changed)
	}
	members, ok := objectMembers(data)
	if !ok {
		return data, false
	}
	changed := false
	kept := members[:0]
	for _, m := range members {
		if f := p.field(m.key); f != nil {
			if f.sub != nil {
				if c, ok := f.sub.clean(m.value); ok {
					m.value, changed = c, true
				}
			}
			if f.inferred && !fits(m.value, f.typ) {
				changed = true
				continue
			}
		}
		kept = append(kept, m)
	}
	if !changed {
		return data, false
	}
	return writeObject(kept), true
}

// member is one member of a JSON object.
type member struct {
	key   string
	value json.RawMessage
}

// objectMembers reads the members of the JSON object data in their order, duplicates included
// (encoding/json lets the last of them win: a map would lose which one that is).
func objectMembers(data []byte) ([]member, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var members []member
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey {
			return nil, false
		}
		var value json.RawMessage
		if dec.Decode(&value) != nil {
			return nil, false
		}
		members = append(members, member{key, value})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, false
	}
	return members, true
}

// writeObject is the JSON object of members, in their order.
func writeObject(members []member) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(m.key) // a string always encodes
		b.Write(key)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// field finds the plan of the field a JSON member named key decodes into, matching names as
// encoding/json does: exactly first, else ignoring case.
func (p *plan) field(key string) *fieldPlan {
	for i := range p.fields {
		if p.fields[i].name == key {
			return &p.fields[i]
		}
	}
	for i := range p.fields {
		if strings.EqualFold(p.fields[i].name, key) {
			return &p.fields[i]
		}
	}
	return nil
}

// fits reports whether value decodes into a t.
func fits(value json.RawMessage, t reflect.Type) bool {
	return json.Unmarshal(value, reflect.New(t).Interface()) == nil
}

func remarshal(data []byte, v any, changed bool) ([]byte, bool) {
	if !changed {
		return data, false
	}
	out, err := json.Marshal(v)
	if err != nil {
		return data, false
	}
	return out, true
}
