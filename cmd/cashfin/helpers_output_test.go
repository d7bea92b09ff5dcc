package main

import (
	"io"

	"github.com/cashfin-go/cashfin"
)

// newContactWriter is a writer of contacts in the list form.
func newContactWriter(w io.Writer, format string, opts writerOptions) recordWriter[cashfin.Contact] {
	return newRecordWriter(w, format, contacts.columns, opts)
}

// writeContact writes one contact in the detail form, as get does.
func writeContact(w io.Writer, format string, terminal bool, c *cashfin.Contact) error {
	return writeRecord(w, format, terminal, contacts.detail, c)
}
