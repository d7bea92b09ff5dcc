package term

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Clean removes control characters and escape sequences from text bound for the terminal, so
// that what a server (or a file) says cannot move the cursor, recolour or retitle the terminal.
// Tabs and line breaks become spaces.
func Clean(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := decodeRune(s[i:])
		switch {
		case r == 0x1b: // ESC: skip the whole sequence
			i += escapeLen(s[i:])
			continue
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case ControlRune(r):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// ControlRune reports whether r must not reach a terminal raw: C0, DEL, C1 (0x9b is a CSI on its
// own), the line separators and the bidi overrides.
func ControlRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// EscapeJSON returns JSON text with every controlRune that encoding/json leaves raw (DEL, C1, the
// bidi overrides) escaped as \uXXXX: the same JSON value, harmless to a terminal. Such runes only
// stand inside strings, where the escape is valid; a raw C0 byte is indentation, and stays.
func EscapeJSON(b []byte) []byte {
	raw := func(r rune) bool { return r >= 0x20 && ControlRune(r) }
	if !bytes.ContainsFunc(b, raw) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for _, r := range string(b) {
		if raw(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

// decodeRune is utf8.DecodeRuneInString with invalid bytes read as U+FFFD of width 1.
func decodeRune(s string) (rune, int) {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return utf8.RuneError, 1
	}
	return r, size
}

// escapeLen is the length of the escape sequence s starts with (s[0] is ESC): a CSI sequence up
// to its final byte, an OSC, DCS, SOS, PM or APC string up to its terminator, else ESC and one
// more character. An unterminated sequence runs to the end of s.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for i := 2; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_':
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	_, size := decodeRune(s[1:])
	return 1 + size
}

// OneLine folds line breaks into spaces.
func OneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")), " ")
}

// Plural is one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count writes n with thousands separated by commas: 50,000.
func Count(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}
