package rows

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONLines(t *testing.T) {
	in := "\ufeff{\"name\":\"Jane\",\"email\":\"jane@acme.co.ke\",\"Company\":\"Acme\"}\n" +
		"\n" +
		"  {\"NAME\":\" Otieno \",\"phone\":254722000111,\"position\":null,\"extra\":[1,2]}  \n" +
		"[\"not\",\"an\",\"object\"]\n" +
		"{\"name\":\"Bad\",\"email\":{\"x\":1}}\n" +
		"{\"name\":\"Both\",\"company\":\"Alias\",\"companyname\":\"Real\"}\n" +
		"{not json\n"
	src, rows := readString(t, "in.jsonl", in, Options{})
	assert.Equal(t, JSONLines, src.Format())
	assert.Equal(t, []string{"name", "email", "phone", "position", "companyname"}, src.Header())
	require.Len(t, rows, 6)
	assert.Equal(t, []int{1, 3, 4, 5, 6, 7}, lines(rows))
	assert.Equal(t, []string{"Jane", "jane@acme.co.ke", "", "", "Acme"}, rows[0].Values)
	assert.Equal(t, []string{"Otieno", "", "+254722000111", "", ""}, rows[1].Values,
		"keys match case-insensitively, values are trimmed, a number is kept as written, null is empty")
	assert.Equal(t, "254722000111", rows[1].Cells[2], "cells are the values as read")
	assert.Contains(t, rows[2].Err, "not a JSON object")
	assert.Contains(t, rows[3].Err, "want a string")
	assert.Equal(t, "Real", rows[4].Get("companyname"))
	assert.Contains(t, rows[5].Err, "not a JSON object")
}

func TestJSONLineTooLong(t *testing.T) {
	src, err := Open(file(t, "in.jsonl", `{"name":"`+strings.Repeat("x", maxJSONLine)+`"}`), nil, Options{Fields: contactFields()})
	require.NoError(t, err)
	defer src.Close()
	assert.ErrorContains(t, src.Each(func(*Row) error { return nil }), "longer than")
}

func TestJSONArray(t *testing.T) {
	in := "[\n  {\"name\": \"Ann\", \"phone\": \"0712345678\"},\n  {\n    \"name\": \"Ben\"\n  }\n]\n"
	src, rows := readString(t, "export.json", in, Options{})
	assert.Equal(t, JSONArray, src.Format())
	assert.Equal(t, []string{"Ann", "Ben"}, names(rows))
	assert.Equal(t, []int{2, 3}, lines(rows), "the line where each element starts")
}

func TestJSONObjectWrappingAnArray(t *testing.T) {
	// Previously answered with "line 1: no name": the whole object was read as one row.
	in := "{\n  \"contacts\": [\n    {\"name\": \"Ann\", \"email\": \"ann@acme.co.ke\"},\n    {\"name\": \"Ben\"}\n  ]\n}\n"
	for _, name := range []string{"contacts.json", "contacts.txt"} {
		src, rows := readString(t, name, in, Options{})
		assert.Equal(t, JSONArray, src.Format(), name)
		assert.Equal(t, []string{"Ann", "Ben"}, names(rows), name)
		assert.Equal(t, []int{3, 4}, lines(rows), name)
	}
	t.Run("an API page: data and pagination", func(t *testing.T) {
		in := `{"success":true,"pagination":{"total":1,"tags":["a"]},"data":[{"name":"Ann"}],"note":"x"}`
		_, rows := readString(t, "page.json", in, Options{})
		assert.Equal(t, []string{"Ann"}, names(rows))
	})
	t.Run("an empty array", func(t *testing.T) {
		_, rows := readString(t, "empty.json", `{"contacts":[]}`, Options{})
		assert.Empty(t, rows)
	})
	t.Run("two arrays of records are refused, not half read", func(t *testing.T) {
		src, err := Open(file(t, "two.json", `{"contacts":[{"name":"A"}],"more":[{"name":"B"}]}`), nil, Options{Fields: contactFields()})
		require.NoError(t, err)
		defer src.Close()
		assert.ErrorContains(t, src.Each(func(*Row) error { return nil }), `two arrays of records, "contacts" and "more"`)
	})
}

func TestJSONMapJoinsNames(t *testing.T) {
	in := `{"first":"Wanjikũ","last":"Kamau","cell":"0712345678"}` + "\n"
	_, rows := readString(t, "in.jsonl", in, Options{Map: []string{"last=name", "first=name"}})
	assert.Equal(t, "Kamau Wanjikũ", rows[0].Get("name"))
	assert.Equal(t, "+254712345678", rows[0].Get("phone"))
}

func TestJSONIgnoredKeyThatLooksLikeContactData(t *testing.T) {
	src, err := Open(file(t, "in.jsonl", `{"name":"Ann","work_email":"ann@x.co"}`+"\n"), nil, Options{Fields: contactFields()})
	require.NoError(t, err)
	defer src.Close()
	assert.ErrorContains(t, src.Each(func(*Row) error { return nil }), `key "work_email" looks like an email or phone`)
}
