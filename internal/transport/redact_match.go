package transport

import (
	"html"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file finds the secret in a text however it was encoded. Each decoder below undoes one
// family of escapes (backslash escapes of JSON and Go; URL percent escapes; HTML character
// references), leaving everything else as it is; the secret is searched for in the text as it is,
// and in every view of it that one decoder, or two in a row, make ("%5Cu0026" is a JSON escape
// inside a URL escape). Each view remembers where its bytes came from in the text, so that a match
// in a view is replaced in the text. It costs time linear in the text, whatever the text holds.

// span is a part of a text, [start, end).
type span struct{ start, end int }

// view is a decoding of a text: from[k] is the span of the text that text[k] came from (nil for the
// text itself, where it is [k, k+1)).
type view struct {
	text string
	from []span
}

func (v view) spanOf(k int) span {
	if v.from == nil {
		return span{k, k + 1}
	}
	return v.from[k]
}

// decoder undoes one family of escapes; trigger is the byte each of its escapes starts with.
type decoder struct {
	trigger byte
	decode  func(s string, i int) (text string, n int) // the escape at s[i] decodes to text and is n long; n == 0: none
}

var decoders = []decoder{
	{'\\', backslashEscape},
	{'%', percentEscape},
	{'&', entityEscape},
}

// spans returns where the secret shows in s, in any encoding, sorted and merged.
func (r redactor) spans(s string) []span {
	if r.text == "" {
		return nil
	}
	var found []span
	var search func(v view, depth int)
	search = func(v view, depth int) {
		for i := 0; ; {
			k := strings.Index(v.text[i:], r.text)
			if k < 0 {
				break
			}
			k += i
			found = append(found, span{v.spanOf(k).start, v.spanOf(k + len(r.text) - 1).end})
			i = k + 1
		}
		if depth == 0 {
			return
		}
		for _, d := range decoders {
			if strings.IndexByte(v.text, d.trigger) >= 0 {
				search(decodeView(v, d), depth-1)
			}
		}
	}
	search(view{text: s}, 2)
	return merge(found)
}

// decodeView applies d to v.
func decodeView(v view, d decoder) view {
	var b strings.Builder
	b.Grow(len(v.text))
	from := make([]span, 0, len(v.text))
	for i := 0; i < len(v.text); {
		if v.text[i] == d.trigger {
			if text, n := d.decode(v.text, i); n > 0 {
				sp := span{v.spanOf(i).start, v.spanOf(i + n - 1).end}
				b.WriteString(text)
				for range len(text) {
					from = append(from, sp)
				}
				i += n
				continue
			}
		}
		b.WriteByte(v.text[i])
		from = append(from, v.spanOf(i))
		i++
	}
	return view{text: b.String(), from: from}
}

// merge sorts spans and joins those that overlap.
func merge(spans []span) []span {
	if len(spans) < 2 {
		return spans
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	out := spans[:1]
	for _, sp := range spans[1:] {
		if last := &out[len(out)-1]; sp.start < last.end {
			last.end = max(last.end, sp.end)
		} else {
			out = append(out, sp)
		}
	}
	return out
}

// backslashEscape decodes a JSON or Go escape at s[i]: \/ \\ \" \' \b \f \n \r \t \a \v, \xHH
// (a byte), \uHHHH (a UTF-16 unit; a surrogate pair makes one rune) and \UHHHHHHHH, hex digits in
// either case.
func backslashEscape(s string, i int) (string, int) {
	if i+1 >= len(s) {
		return "", 0
	}
	switch c := s[i+1]; c {
	case '/', '\\', '"', '\'':
		return s[i+1 : i+2], 2
	case 'b', 'f', 'n', 'r', 't', 'a', 'v':
		return "\x00", 2 // a control character, which no secret holds
	case 'x':
		if v, ok := hexValue(s, i+2, 2); ok {
			return string([]byte{byte(v)}), 4
		}
	case 'U':
		if v, ok := hexValue(s, i+2, 8); ok && utf8.ValidRune(v) {
			return string(v), 10
		}
	case 'u':
		v, ok := hexValue(s, i+2, 4)
		if !ok {
			return "", 0
		}
		if utf16.IsSurrogate(v) && i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			if lo, ok := hexValue(s, i+8, 4); ok {
				if r := utf16.DecodeRune(v, lo); r != utf8.RuneError {
					return string(r), 12
				}
			}
		}
		return string(rune(v)), 6
	}
	return "", 0
}

// percentEscape decodes a URL escape at s[i]: %HH, either case, a byte.
func percentEscape(s string, i int) (string, int) {
	if v, ok := hexValue(s, i+1, 2); ok {
		return string([]byte{byte(v)}), 3
	}
	return "", 0
}

// entityEscape decodes an HTML character reference at s[i]: &#NN; &#xHH; or a named one (&amp;).
func entityEscape(s string, i int) (string, int) {
	semi := strings.IndexByte(s[i:min(len(s), i+34)], ';')
	if semi < 2 {
		return "", 0
	}
	ref := s[i : i+semi+1]
	if text := html.UnescapeString(ref); text != ref {
		return text, semi + 1
	}
	return "", 0
}

// hexValue reads n hexadecimal digits at s[i].
func hexValue(s string, i, n int) (rune, bool) {
	if i+n > len(s) {
		return 0, false
	}
	var v rune
	for _, c := range []byte(s[i : i+n]) {
		var h byte
		switch {
		case '0' <= c && c <= '9':
			h = c - '0'
		case 'a' <= c && c <= 'f':
			h = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			h = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | rune(h)
	}
	return v, true
}
