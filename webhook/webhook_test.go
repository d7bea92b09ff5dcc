package webhook_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/webhook"
)

// testSecret is a recognisable webhook secret: tests look for it wherever it must not be.
const testSecret = "cashfin_webhook_SECRET_CANARY_5a4b3c"

const paymentBody = `{"type":"payment.completed","data":{"_id":"665f1f77bcf86cd799439011","amount": 1500,"referenceid":"ORDER-1001"}}`

func TestSign(t *testing.T) {
	// RFC 4231, test case 2: an HMAC-SHA256 vector from outside this package.
	assert.Equal(t, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		webhook.Sign([]byte("what do ya want for nothing?"), "Jefe"))
	// The docs' own receiver code, run in Node: crypto.createHmac("sha256", secret)
	// .update(rawBody).digest("hex").
	assert.Equal(t, "7175cdbdcb6ec219011104e49f0c7425cce2cf1db0980226c0a48fc986a3cdbe",
		webhook.Sign([]byte(`{"type":"payment.completed","data":{"referenceid":"ORDER-1001"}}`), "example-webhook-secret"))

	sig := webhook.Sign([]byte(paymentBody), testSecret)
	assert.Len(t, sig, 64)
	assert.Equal(t, strings.ToLower(sig), sig, "lower-case hex")
	assert.NotEqual(t, sig, webhook.Sign([]byte(paymentBody+" "), testSecret), "one more byte of body")
	assert.NotEqual(t, sig, webhook.Sign([]byte(paymentBody), testSecret+"x"), "another secret")
}

func TestVerifyAccepts(t *testing.T) {
	body := []byte(paymentBody)
	sig := webhook.Sign(body, testSecret)
	for name, s := range map[string]string{
		"lower case": sig,
		"upper case": strings.ToUpper(sig),
		"mixed case": strings.ToUpper(sig[:32]) + sig[32:],
	} {
		assert.NoError(t, webhook.Verify(body, s, testSecret), name)
	}
	assert.NoError(t, webhook.Verify(nil, webhook.Sign(nil, testSecret), testSecret), "an empty body")
}

// TestVerifyRejects is the table of signatures that must not verify: missing, malformed (not
// exactly 64 hex digits) and well-formed but wrong.
func TestVerifyRejects(t *testing.T) {
	body := []byte(paymentBody)
	sig := webhook.Sign(body, testSecret)
	tampered := []byte(strings.Replace(paymentBody, "1500", "9500", 1))
	cases := []struct {
		name, sig, secret string
		payload           []byte
		reason            string
	}{
		{"missing", "", testSecret, body, "no X-Cashfin-Signature header"},
		{"leading space", " " + sig, testSecret, body, "not 64 hex digits"},
		{"trailing space", sig + " ", testSecret, body, "not 64 hex digits"},
		{"trailing newline", sig + "\n", testSecret, body, "not 64 hex digits"},
		{"sha256= prefix", "sha256=" + sig, testSecret, body, "not 64 hex digits"},
		{"t=,v1= form", "t=1700000000,v1=" + sig, testSecret, body, "not 64 hex digits"},
		{"63 digits", sig[:63], testSecret, body, "not 64 hex digits"},
		{"65 digits", sig + "0", testSecret, body, "not 64 hex digits"},
		{"two signatures", sig + "," + sig, testSecret, body, "not 64 hex digits"},
		{"non-hex letter", "g" + sig[1:], testSecret, body, "not 64 hex digits"},
		{"0x prefix in 64", "0x" + sig[2:], testSecret, body, "not 64 hex digits"},
		{"inner space", sig[:31] + " " + sig[32:], testSecret, body, "not 64 hex digits"},
		{"non-ASCII of the same length", "é" + sig[2:], testSecret, body, "not 64 hex digits"},
		{"base64 of the sum", "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", testSecret, body, "not 64 hex digits"},
		{"all zeros", strings.Repeat("0", 64), testSecret, body, "does not match"},
		{"another secret's", webhook.Sign(body, "other"), testSecret, body, "does not match"},
		{"a tampered body", sig, testSecret, tampered, "does not match"},
		{"re-encoded JSON", webhook.Sign([]byte(`{"type": "payment.completed"}`), testSecret), testSecret, []byte(`{"type":"payment.completed"}`), "does not match"},
		{"empty secret, signed with it", webhook.Sign(body, ""), "", body, "no webhook secret"},
		{"empty secret, signed with another", sig, "", body, "no webhook secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := webhook.Verify(tc.payload, tc.sig, tc.secret)
			require.ErrorIs(t, err, webhook.ErrInvalidSignature)
			assert.Contains(t, err.Error(), tc.reason)
			assertNothingSecret(t, err.Error(), tc.payload)

			_, perr := webhook.Parse(tc.payload, tc.sig, tc.secret)
			assert.ErrorIs(t, perr, webhook.ErrInvalidSignature, "Parse verifies first")
		})
	}
}

// assertNothingSecret fails if s holds the secret or the expected signature of payload.
func assertNothingSecret(t *testing.T, s string, payload []byte) {
	t.Helper()
	want := webhook.Sign(payload, testSecret)
	for _, x := range []string{testSecret, want, strings.ToUpper(want), want[:16]} {
		assert.NotContains(t, strings.ToLower(s), strings.ToLower(x))
	}
}

func TestParse(t *testing.T) {
	parse := func(body string) (*webhook.Event, error) {
		return webhook.Parse([]byte(body), webhook.Sign([]byte(body), testSecret), testSecret)
	}
	e, err := parse(paymentBody)
	require.NoError(t, err)
	assert.Equal(t, webhook.EventPaymentCompleted, e.Type)
	assert.Equal(t, `{"_id":"665f1f77bcf86cd799439011","amount": 1500,"referenceid":"ORDER-1001"}`, string(e.Data),
		"data exactly as sent, spacing included")

	e, err = parse(`{"id":"evt_1","created":1700000000,"type":"subscription.updated","data":[1,2]}`)
	require.NoError(t, err, "unknown keys and an event type this package does not name")
	assert.Equal(t, "subscription.updated", e.Type)
	assert.Equal(t, `[1,2]`, string(e.Data))

	e, err = parse(`{"type":"order.created"}`)
	require.NoError(t, err)
	assert.Nil(t, e.Data, "no data")

	e, err = parse(" {\"data\":null,\n\"type\":\"payment.initiated\"} \n")
	require.NoError(t, err)
	assert.Equal(t, webhook.EventPaymentInitiated, e.Type)
	assert.Equal(t, "null", string(e.Data), "null as sent")
}

// TestParseMalformed: a body whose signature is good but which is not an event is an error that
// says why, and not ErrInvalidSignature (the sender is genuine; retrying will not help).
func TestParseMalformed(t *testing.T) {
	for body, why := range map[string]string{
		``:                                    "not a JSON object",
		`null`:                                "not a JSON object",
		`[]`:                                  "not a JSON object",
		`[{"type":"payment.completed"}]`:      "not a JSON object",
		`"payment.completed"`:                 "not a JSON object",
		`42`:                                  "not a JSON object",
		`{`:                                   "not a JSON object",
		`{"type":"a"} {}`:                     "not a JSON object",
		`{"type":"a"`:                         "not a JSON object",
		`{}`:                                  `no "type"`,
		`{"data":{}}`:                         `no "type"`,
		`{"TYPE":"payment.completed"}`:        `no "type"`,
		`{"Type":"payment.completed"}`:        `no "type"`,
		`{"type":""}`:                         `"type" is empty`,
		`{"type":null}`:                       `"type" is not a string`,
		`{"type":1}`:                          `"type" is not a string`,
		`{"type":true}`:                       `"type" is not a string`,
		`{"type":["payment.completed"]}`:      `"type" is not a string`,
		`{"type":{"name":"payment.created"}}`: `"type" is not a string`,
	} {
		_, err := webhook.Parse([]byte(body), webhook.Sign([]byte(body), testSecret), testSecret)
		require.Error(t, err, body)
		assert.NotErrorIs(t, err, webhook.ErrInvalidSignature, body)
		assert.Contains(t, err.Error(), "webhook: malformed event: ", body)
		assert.Contains(t, err.Error(), why, body)
	}
}

// TestVerifyComparesInConstantTime reads the package's source: Verify compares with hmac.Equal,
// and no code in the package compares with a function that stops at the first difference.
// (A timing measurement would be flaky on a shared machine; this cannot be.)
func TestVerifyComparesInConstantTime(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	banned := map[string]bool{"bytes.Equal": true, "bytes.EqualFold": true, "bytes.Compare": true,
		"strings.EqualFold": true, "strings.Compare": true, "reflect.DeepEqual": true}
	verifyUsesHMACEqual := false
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				if call := selectorCall(n); call != "" {
					assert.False(t, banned[call], "%s: %s calls %s", name, fn.Name.Name, call)
					if fn.Name.Name == "Verify" && call == "hmac.Equal" {
						verifyUsesHMACEqual = true
					}
				}
				return true
			})
		}
	}
	assert.True(t, verifyUsesHMACEqual, "Verify does not compare with hmac.Equal")
}

// selectorCall returns "pkg.Func" when n is a call to pkg.Func, else "".
func selectorCall(n ast.Node) string {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if pkg, ok := sel.X.(*ast.Ident); ok {
		return pkg.Name + "." + sel.Sel.Name
	}
	return ""
}
