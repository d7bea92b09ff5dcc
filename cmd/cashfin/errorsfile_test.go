package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteErrorsFile(t *testing.T) {
	// An earlier errors file, imported again: its line and error columns are replaced, not doubled.
	in := "\ufeffName,email,Notes,line,error\nAnn,ann@x,keep me,3,old\nBob,bob@x.co,,4,old\n,c@x.co,short\n"
	file, err := readCSV(strings.NewReader(in))
	require.NoError(t, err)
	rows := classify(file.records)
	rows[1].state, rows[1].reason = stateFailed, "400 Bad Request: no, \"really\""

	var b bytes.Buffer
	require.NoError(t, writeErrorsFile(&b, file.header, rows))
	assert.Equal(t, "Name,email,Notes,line,error\n"+
		"Ann,ann@x,keep me,2,\"malformed email \"\"ann@x\"\"\"\n"+
		"Bob,bob@x.co,,3,\"400 Bad Request: no, \"\"really\"\"\"\n"+
		",c@x.co,short,4,no name\n", b.String())

	again, err := readCSV(&b)
	require.NoError(t, err, "the errors file imports again")
	require.Len(t, again.records, 3)
	assert.Equal(t, fields{Name: "Bob", Email: "bob@x.co"}, again.records[1].fields)
}

func TestWriteErrorsFileJSONL(t *testing.T) {
	file, err := readJSONL(strings.NewReader(`{"name":"","email":"a@b.co","company":"Acme"}` + "\n"))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, writeErrorsFile(&b, file.header, classify(file.records)))
	assert.Equal(t, "name,email,phone,position,companyname,line,error\n,a@b.co,,,Acme,1,no name\n", b.String())
}
