package rows

import (
	"fmt"
	"unicode/utf8"
)

// ParseDelimiter reads a --delimiter value: one character, or "tab"; "" is 0 (found from the
// header line).
func ParseDelimiter(v string) (rune, error) {
	switch v {
	case "":
		return 0, nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	r, size := utf8.DecodeRuneInString(v)
	if size != len(v) || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
		return 0, fmt.Errorf("--delimiter %q: want one character, such as , ; or tab", v)
	}
	return r, nil
}
