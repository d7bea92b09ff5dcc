// Package redacttest holds what the SDK's tests use to hunt for the client secret: secrets made
// of the characters encodings change, each secret in every form a server might echo it in, and a
// sweep of an error chain for any of them. Tests import it; the SDK does not.
package redacttest

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Secrets hold the characters that encodings change: / + & = % " \ and a non-ASCII letter.
var Secrets = []string{
	"cs_live_a/b+c&d=e%f",
	`cs_test_x"y\z/+&=%41é`,
	"cs_live_%2F%2f==++//&&",
}

// Encodings returns secret in every form a server might echo it in, keyed by a name. Each is
// written here independently of the redactor.
func Encodings(secret string) map[string]string {
	jsonText, _ := json.Marshal(secret)
	jsonStr := string(jsonText[1 : len(jsonText)-1])
	everyU := func(hexFmt string) string {
		var b strings.Builder
		for _, u := range utf16.Encode([]rune(secret)) {
			fmt.Fprintf(&b, `\u`+hexFmt, u)
		}
		return b.String()
	}
	mixed := func(s string) string { // alternate the case of hex letters
		out := []byte(s)
		for i := range out {
			if i%2 == 0 {
				out[i] = strings.ToUpper(string(out[i]))[0]
			}
		}
		return string(out)
	}
	everyPct := func(hexFmt string) string {
		var b strings.Builder
		for i := 0; i < len(secret); i++ {
			fmt.Fprintf(&b, "%%"+hexFmt, secret[i])
		}
		return b.String()
	}
	lowerPct := regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(secret), strings.ToLower)
	quoted := strconv.Quote(secret)
	ascii := strconv.QuoteToASCII(secret)
	var entities, hexEntities strings.Builder
	for _, r := range secret {
		fmt.Fprintf(&entities, "&#%d;", r)
		fmt.Fprintf(&hexEntities, "&#X%x;", r)
	}
	nested, _ := json.Marshal(quoted[1 : len(quoted)-1]) // a JSON body quoting a Go error's %q
	return map[string]string{
		"raw":                       secret,
		"JSON":                      jsonStr,
		`JSON with \/`:              strings.ReplaceAll(jsonStr, "/", `\/`),
		`every char \u, lower hex`:  everyU("%04x"),
		`every char \u, upper hex`:  everyU("%04X"),
		`every char \u, mixed case`: mixed(everyU("%04x")),
		"query escape":              url.QueryEscape(secret),
		"query escape, lower hex":   lowerPct,
		"path escape":               url.PathEscape(secret),
		"every byte %, upper":       everyPct("%02X"),
		"every byte %, lower":       everyPct("%02x"),
		"strconv.Quote":             quoted[1 : len(quoted)-1],
		"strconv.QuoteToASCII":      ascii[1 : len(ascii)-1],
		"HTML escape":               html.EscapeString(secret),
		"HTML decimal references":   entities.String(),
		"HTML hex references":       hexEntities.String(),
		"JSON of a Go quote":        string(nested[1 : len(nested)-1]),
		`URL-encoded, % as \u0025`:  strings.ReplaceAll(url.QueryEscape(secret), "%", `\u0025`),
		`JSON-escaped, \ as %5C`:    strings.ReplaceAll(everyU("%04x"), `\`, "%5C"),
		"JSON of every byte %":      strings.ReplaceAll(everyPct("%02x"), "%", `\u0025`),
	}
}

// Leaks lists where any form of secret shows in err, any error in its chain, or what errors.As
// finds, printed with each verb.
func Leaks(secret string, err error) []string {
	var out []string
	check := func(where string, v any) { out = append(out, Shows(secret, where, v)...) }
	var visit func(string, error)
	visit = func(where string, e error) {
		if e == nil {
			return
		}
		check(where, e)
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			visit(where+" > Unwrap", u.Unwrap())
		case interface{ Unwrap() []error }:
			for i, c := range u.Unwrap() {
				visit(fmt.Sprintf("%s > Unwrap[%d]", where, i), c)
			}
		}
	}
	visit("err", err)
	var ue *url.Error
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	var se *os.SyscallError
	for _, target := range []any{&ue, &ne, &oe, &de, &se} {
		if errors.As(err, target) {
			check(fmt.Sprintf("errors.As %T", target), target)
			check(fmt.Sprintf("errors.As %T", target), fmt.Sprintf("%+v", target))
		}
	}
	if ue != nil {
		check("url.Error.URL", ue.URL)
	}
	return out
}

// Shows lists where any form of secret shows in v printed with %v, %+v, %#v, %q or %s.
func Shows(secret, where string, v any) []string {
	var out []string
	forms := Encodings(secret)
	for _, verb := range []string{"%v", "%+v", "%#v", "%q", "%s"} {
		s := fmt.Sprintf(verb, v)
		for name, form := range forms {
			if strings.Contains(s, form) {
				out = append(out, fmt.Sprintf("%s (%T) %s shows the secret %s", where, v, verb, name))
			}
		}
	}
	return out
}
