package rows

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// contactFields are the fields of a contact, as package main gives them.
func contactFields() []Field {
	f := Fields("name", "email", "phone", "position", "companyname")
	f[0].Required = true
	return f
}

// customerFields are the fields of a customer, as package main gives them.
func customerFields() []Field {
	f := Fields("name", "email", "phone", "country", "currency", "company", "address", "city", "type")
	for i := range 5 {
		f[i].Required = true
	}
	f[3].Default, f[4].Default = "Kenya", "KES"
	return f
}

// file writes content to a file called name in a fresh directory, and returns its path.
func file(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// readAll opens path with opts and reads every row.
func readAll(t testing.TB, path string, opts Options) (*Source, []*Row) {
	t.Helper()
	if opts.Fields == nil {
		opts.Fields = contactFields()
	}
	src, err := Open(path, nil, opts)
	require.NoError(t, err)
	t.Cleanup(src.Close)
	var rows []*Row
	require.NoError(t, src.Each(func(r *Row) error {
		rows = append(rows, r)
		return nil
	}))
	return src, rows
}

// readString reads content as a file called name.
func readString(t testing.TB, name, content string, opts Options) (*Source, []*Row) {
	t.Helper()
	return readAll(t, file(t, name, content), opts)
}

// openErr is the error Open gives content as a file called name.
func openErr(t testing.TB, name, content string, opts Options) *Error {
	t.Helper()
	if opts.Fields == nil {
		opts.Fields = contactFields()
	}
	_, err := Open(file(t, name, content), nil, opts)
	require.Error(t, err)
	var re *Error
	require.ErrorAs(t, err, &re)
	return re
}

// names are the name fields of rows.
func names(rows []*Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Get("name")
	}
	return out
}

// lines are the lines of rows.
func lines(rows []*Row) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.Line
	}
	return out
}
