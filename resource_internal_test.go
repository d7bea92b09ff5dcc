package cashfin

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestWholeRecord pins how update tells a record from a summary, for a resource whose telling
// field is not "name" (an invoice's "title", say).
func TestWholeRecord(t *testing.T) {
	t.Parallel()
	for data, want := range map[string]bool{
		`{"_id":"a","title":"INV-1","status":"paid"}`: true,
		`{"_id":"a","title":""}`:                      true,
		`{"_id":"a","modified":1}`:                    false,
		`{"_id":"a","title":null}`:                    false,
		`{"_id":"a","note":"the title changed"}`:      false,
		`{"_id":"a","name":"INV-1"}`:                  false,
		`{"_id":"a","subtitle":"x"}`:                  false,
		`"title"`:                                     false,
		`["title"]`:                                   false,
		``:                                            false,
		`null`:                                        false,
	} {
		assert.Equal(t, want, wholeRecord(json.RawMessage(data), "title"), data)
	}
}
