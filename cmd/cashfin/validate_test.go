package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidEmail(t *testing.T) {
	for _, ok := range []string{"jane@acme.co.ke", "a.b+tag@x.io", "zoë@exämple.org", "A@B.CO", "o'neil@x.ie"} {
		assert.True(t, validEmail(ok), ok)
	}
	for _, bad := range []string{"", "jane", "@acme.co", "jane@", "jane@acme", "jane@@acme.co", "a@b@c.co",
		"jane @acme.co", "jane@acme..co", "jane@.acme.co", "jane@acme.co.", ".jane@acme.co", "ja..ne@acme.co",
		"Jane <jane@acme.co>", "jane@-acme.co", "jane@acme,co.ke", "jane@acme.co\n"} {
		assert.False(t, validEmail(bad), bad)
	}
}
