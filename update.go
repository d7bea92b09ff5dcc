package cashfin

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cashfin-go/cashfin/internal/transport"
)

// update runs r, a PATCH, and returns the record as it stands afterwards: the answer's data when
// it is a whole record (an object with a "name"), else what get reads back. The API's documented
// update answer is only {"_id": ..., "modified": n}, so get is the usual path; a whole record is
// taken when a server sends one.
//
// Once the PATCH has succeeded, every error says that the update was applied, and wraps the
// error of what failed after it (get's, or the answer's decoding), so that it still matches its
// kind.
func update[T any, W wire[T]](ctx context.Context, c *Client, r *transport.Request, get func(context.Context) (*T, error)) (*T, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	data, _, err := decode[json.RawMessage](resp)
	if err != nil {
		return nil, err // a success:false or a body that is not an envelope: not applied, as far as we know
	}
	if wholeRecord(data) {
		var w W
		if err := json.Unmarshal(data, &w); err != nil {
			return nil, applied(r, unexpectedError(resp.Redacted(), err))
		}
		v := w.value()
		return &v, nil
	}
	v, err := get(ctx)
	if err != nil {
		return nil, applied(r, err)
	}
	return v, nil
}

// wholeRecord reports whether data, an update's answer, is a record rather than a summary such
// as {"_id": ..., "modified": 1}: an object with a non-null "name".
func wholeRecord(data json.RawMessage) bool {
	var probe struct {
		Name json.RawMessage `json:"name"`
	}
	return json.Unmarshal(data, &probe) == nil && len(probe.Name) > 0 && string(probe.Name) != "null"
}

// applied wraps err, a failure after the update r succeeded, saying so.
func applied(r *transport.Request, err error) error {
	return fmt.Errorf("cashfin: %s %s succeeded (the update was applied), but reading the result failed: %w",
		r.Method, r.Path, err)
}
