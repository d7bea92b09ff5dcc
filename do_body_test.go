package cashfin_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// Issue 15, rule 2: Client.Do with a body on GET, HEAD or DELETE is ErrInvalidParams, and nothing
// is sent.

type invoiceFilter struct {
	Status string `json:"status"`
}

// bodies are the non-nil bodies a caller might pass by mistake, a nil pointer among them (it would
// encode as null).
var bodies = []struct {
	name string
	body any
}{
	{"struct", invoiceFilter{Status: "unpaid"}},
	{"map", map[string]string{"status": "unpaid"}},
	{"json.RawMessage", json.RawMessage(`{"status":"unpaid"}`)},
	{"nil pointer", (*invoiceFilter)(nil)},
	{"empty string", ""},
}

// TestDoRefusesABodyOnGetHeadDelete runs against a loopback server that takes any request, body
// and all, as a real server would: none may reach it.
func TestDoRefusesABodyOnGetHeadDelete(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string // method and body of every request received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+string(b))
		mu.Unlock()
		_, _ = w.Write([]byte(`{"success":true,"data":[]}`))
	}))
	t.Cleanup(srv.Close)
	c, err := cashfin.NewClient(testSecret, cashfin.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()

	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodDelete, "get", "delete"} {
		for _, b := range bodies {
			err := c.Do(ctx, method, "/business/invoice/list", nil, b.body, nil)
			require.ErrorIs(t, err, cashfin.ErrInvalidParams, "%s with a %s body", method, b.name)
			assert.NotErrorIs(t, err, cashfin.ErrUnexpectedResponse)
		}
	}
	mu.Lock()
	assert.Empty(t, got, "a request was sent")
	mu.Unlock()

	// Without a body they are sent; and the methods that take a body still send it.
	require.NoError(t, c.Do(ctx, http.MethodGet, "/business/invoice/list", nil, nil, nil))
	require.NoError(t, c.Do(ctx, http.MethodDelete, "/business/invoice/list", nil, nil, nil))
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch} {
		require.NoError(t, c.Do(ctx, method, "/business/invoice/list", nil, invoiceFilter{Status: "unpaid"}, nil))
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"GET ", "DELETE ", `POST {"status":"unpaid"}`, `PUT {"status":"unpaid"}`, `PATCH {"status":"unpaid"}`}, got)
}

// TestDoRefusesABodyOnGetAgainstTheFake: the fake records every request that reaches it, and sees
// none.
func TestDoRefusesABodyOnGetAgainstTheFake(t *testing.T) {
	t.Parallel()
	srv := cashfintest.NewServer()
	t.Cleanup(srv.Close)
	c := srv.Client()
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodDelete} {
		err := c.Do(context.Background(), method, "/business/customer/list", nil, invoiceFilter{Status: "unpaid"}, nil)
		require.ErrorIs(t, err, cashfin.ErrInvalidParams, method)
	}
	assert.Empty(t, srv.Requests(), "the fake received a request")
}
