package cashfintest_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/cashfintest"
)

func TestIdempotencyKey(t *testing.T) {
	h := cashfintest.NewHandler()
	create := func(key, body string) *response {
		hdr := map[string]string{}
		if key != "" {
			hdr["Idempotency-Key"] = key
		}
		return send(t, h, req{method: http.MethodPost, target: "/business/contact/create", body: body, header: hdr})
	}
	jane := `{"name":"Jane Wanjiku","email":"jane@acme.co.ke"}`

	first := create("key-1", jane)
	require.Equal(t, http.StatusCreated, first.status)
	assert.Empty(t, first.header.Get("Idempotent-Replayed"))

	again := create("key-1", jane)
	assert.Equal(t, first.status, again.status)
	assert.Equal(t, string(first.body), string(again.body), "a replay answers the first response byte for byte")
	assert.Equal(t, "true", again.header.Get("Idempotent-Replayed"))
	assert.NotEqual(t, first.header.Get("X-Request-Id"), again.header.Get("X-Request-Id"), "each response has its own request ID")
	assert.Len(t, h.Contacts(), 1, "a replay creates nothing")

	conflict := create("key-1", `{"name":"Jane Wanjiku","email":"jane@acme.co"}`)
	assert.Equal(t, http.StatusConflict, conflict.status)
	assert.JSONEq(t, errorEnvelope("Idempotency-Key was already used with a different request body"), string(conflict.body))
	assert.Len(t, h.Contacts(), 1, "a conflict creates nothing")

	assert.Equal(t, string(first.body), string(create("key-1", jane).body), "the key still replays after a conflict")

	other := create("key-2", jane)
	require.Equal(t, http.StatusCreated, other.status, "the same body under another key is another contact")
	assert.NotEqual(t, first.env["data"].(map[string]any)["_id"], other.env["data"].(map[string]any)["_id"])

	noKey1, noKey2 := create("", jane), create("", jane)
	assert.Equal(t, http.StatusCreated, noKey1.status)
	assert.Equal(t, http.StatusCreated, noKey2.status)
	assert.Len(t, h.Contacts(), 4, "without a key every create counts")

	t.Run("a rejected body does not use up the key", func(t *testing.T) {
		bad := create("key-3", `{"name":""}`)
		assert.Equal(t, http.StatusBadRequest, bad.status)
		good := create("key-3", `{"name":"Kofi"}`)
		assert.Equal(t, http.StatusCreated, good.status)
	})
	t.Run("keys are case-sensitive", func(t *testing.T) {
		assert.Equal(t, http.StatusCreated, create("KEY-1", `{"name":"Other"}`).status)
	})
}

// TestIdempotencyKeyConcurrent sends one key and body many times at once, as retries racing a
// slow first attempt do: exactly one contact is created and every answer is the same.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	hc := rawClient(t)
	const n = 50
	bodies := make([][]byte, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			hr, err := http.NewRequest(http.MethodPost, srv.URL+"/business/contact/create", strings.NewReader(`{"name":"Jane"}`))
			if !assert.NoError(t, err) {
				return
			}
			hr.Header.Set("Authorization", srv.Secret)
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set("Idempotency-Key", "same-key")
			resp, err := hc.Do(hr)
			if !assert.NoError(t, err) {
				return
			}
			defer resp.Body.Close()
			statuses[i] = resp.StatusCode
			bodies[i], _ = io.ReadAll(resp.Body)
		}()
	}
	close(start)
	wg.Wait()
	assert.Len(t, srv.Contacts(), 1)
	for i := range n {
		assert.Equal(t, http.StatusCreated, statuses[i])
		assert.True(t, bytes.Equal(bodies[0], bodies[i]), "answer %d differs: %s vs %s", i, bodies[i], bodies[0])
	}
}
