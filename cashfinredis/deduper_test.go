package cashfinredis_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin/cashfinredis"
	"github.com/cashfin-go/cashfin/webhook"
)

// TestNewDeduperErrors: a nil client, an empty prefix, and a Remember or Lease that is not
// positive are errors.
func TestNewDeduperErrors(t *testing.T) {
	c := deadClient(t)
	for _, tc := range []struct {
		name   string
		rdb    redis.UniversalClient
		prefix string
		opts   []cashfinredis.DeduperOption
		want   string
	}{
		{"nil client", nil, "p:", nil, "nil Redis client"},
		{"nil client in an interface", (*redis.ClusterClient)(nil), "p:", nil, "nil Redis client"},
		{"empty prefix", c, "", nil, "empty prefix"},
		{"zero Remember", c, "p:", []cashfinredis.DeduperOption{cashfinredis.Remember(0)}, "Remember"},
		{"negative Lease", c, "p:", []cashfinredis.DeduperOption{cashfinredis.Lease(-time.Second)}, "Lease"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := cashfinredis.NewDeduper(tc.rdb, tc.prefix, tc.opts...)
			require.Error(t, err)
			assert.Nil(t, d)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "cashfinredis: "))
		})
	}
}

// TestDeduperStates: a claim is SET NX with the lease (Claimed, then InProgress to everyone
// else); a handled event is kept for Remember (Handled); a failed one is deleted (Claimed
// again). Every key starts with the prefix and expires.
func TestDeduperStates(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		d, err := cashfinredis.NewDeduper(c, b.prefix, cashfinredis.Remember(time.Hour), cashfinredis.Lease(time.Minute))
		require.NoError(t, err)
		other, err := cashfinredis.NewDeduper(b.client(t), b.prefix)
		require.NoError(t, err)
		ctx := context.Background()
		key := webhook.Key([]byte(`{"type":"payment.completed"}`))
		claim := func(d webhook.Deduper, key string) webhook.ClaimState {
			t.Helper()
			s, err := d.Claim(ctx, key)
			require.NoError(t, err)
			return s
		}

		assert.Equal(t, webhook.Claimed, claim(d, key))
		assert.Equal(t, webhook.InProgress, claim(other, key))
		keys := b.keys(t, c)
		require.Contains(t, keys, b.prefix+key)
		assert.Positive(t, keys[b.prefix+key])
		assert.LessOrEqual(t, keys[b.prefix+key], time.Minute, "the lease")

		require.NoError(t, d.Finish(ctx, key, true))
		assert.Equal(t, webhook.Handled, claim(other, key))
		ttl := b.keys(t, c)[b.prefix+key]
		assert.Greater(t, ttl, time.Minute)
		assert.LessOrEqual(t, ttl, time.Hour, "Remember")

		assert.Equal(t, webhook.Claimed, claim(other, "failed"))
		require.NoError(t, other.Finish(ctx, "failed", false))
		assert.NotContains(t, b.keys(t, c), b.prefix+"failed", "a failed event is deleted")
		assert.Equal(t, webhook.Claimed, claim(d, "failed"))

		for k, ttl := range b.keys(t, c) {
			assert.True(t, strings.HasPrefix(k, b.prefix), k)
			assert.Positive(t, ttl, "%s does not expire", k)
		}
	})
}

// TestDeduperExpiry: a claim whose holder died lapses after the lease, and a handled event is
// forgotten after Remember (miniredis's clock is moved on; a real Redis's is not waited for).
func TestDeduperExpiry(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		if b.mr == nil {
			t.Skip("needs a Redis whose clock the test moves (miniredis); TestDeduperStates checks the expiries set")
		}
		d, err := cashfinredis.NewDeduper(b.client(t), b.prefix)
		require.NoError(t, err)
		ctx := context.Background()
		s, _ := d.Claim(ctx, "dead holder")
		require.Equal(t, webhook.Claimed, s)
		b.mr.FastForward(5*time.Minute - time.Second)
		s, _ = d.Claim(ctx, "dead holder")
		assert.Equal(t, webhook.InProgress, s)
		b.mr.FastForward(time.Second)
		s, _ = d.Claim(ctx, "dead holder")
		assert.Equal(t, webhook.Claimed, s, "the lease did not lapse")

		require.NoError(t, d.Finish(ctx, "dead holder", true))
		b.mr.FastForward(24*time.Hour - time.Second)
		s, _ = d.Claim(ctx, "dead holder")
		assert.Equal(t, webhook.Handled, s)
		b.mr.FastForward(time.Second)
		s, _ = d.Claim(ctx, "dead holder")
		assert.Equal(t, webhook.Claimed, s, "remembered beyond Remember")
	})
}

// TestDeduperDown: with Redis down, Claim and Finish fail, and webhook.Handler answers 503
// without calling handle.
func TestDeduperDown(t *testing.T) {
	d, err := cashfinredis.NewDeduper(deadClient(t), "p:")
	require.NoError(t, err)
	_, err = d.Claim(context.Background(), "k")
	assert.ErrorContains(t, err, "cashfinredis: claiming a webhook event")
	assert.ErrorContains(t, d.Finish(context.Background(), "k", true), "cashfinredis: finishing a webhook event")

	var calls atomic.Int32
	h := webhook.Handler(secret, func(context.Context, *webhook.Event) error { calls.Add(1); return nil }, webhook.WithDeduper(d))
	rec := deliver(h, []byte(`{"type":"payment.completed"}`))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Zero(t, calls.Load())
}

const secret = "cashfinredis-test-webhook-secret"

func deliver(h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/cashfin", bytes.NewReader(body))
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(body, secret))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestDeduperReplicas: three Handler replicas, each with its own Redis client and a Deduper on
// one prefix, each given every delivery 100 times concurrently: handle runs exactly once per
// distinct event, and every other answer is 200 (duplicate) or 409 (being handled).
func TestDeduperReplicas(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		const replicas, times, events = 3, 100, 4
		var mu sync.Mutex
		handled := map[string]int{}
		var hs []http.Handler
		for range replicas {
			d, err := cashfinredis.NewDeduper(b.client(t), b.prefix)
			require.NoError(t, err)
			hs = append(hs, webhook.Handler(secret, func(_ context.Context, e *webhook.Event) error {
				mu.Lock()
				handled[string(e.Data)]++
				mu.Unlock()
				return nil
			}, webhook.WithDeduper(d)))
		}
		var wg sync.WaitGroup
		var codes sync.Map
		start := make(chan struct{})
		for ev := range events {
			body := []byte(fmt.Sprintf(`{"type":"payment.completed","data":{"referenceid":"ORDER-%d"}}`, ev))
			for _, h := range hs {
				for range times {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						rec := deliver(h, body)
						n, _ := codes.LoadOrStore(rec.Code, new(atomic.Int32))
						n.(*atomic.Int32).Add(1)
					}()
				}
			}
		}
		close(start)
		wg.Wait()
		require.Len(t, handled, events)
		for data, n := range handled {
			assert.Equal(t, 1, n, "%s handled %d times", data, n)
		}
		total := 0
		codes.Range(func(code, n any) bool {
			assert.Contains(t, []int{200, 409}, code)
			total += int(n.(*atomic.Int32).Load())
			t.Logf("%d answers %d", n.(*atomic.Int32).Load(), code)
			return true
		})
		assert.Equal(t, events*replicas*times, total)
	})
}

// TestDeduperLapsedHolderLeavesTheNextClaim: a holder whose lease lapsed (its key expired, here
// deleted as the expiry would) and whose handler then failed does not delete the claim another
// receiver took meanwhile, so a third delivery still sees InProgress rather than handling the
// event a second time alongside the new holder.
func TestDeduperLapsedHolderLeavesTheNextClaim(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		ctx := context.Background()
		first, err := cashfinredis.NewDeduper(c, b.prefix)
		require.NoError(t, err)
		second, err := cashfinredis.NewDeduper(b.client(t), b.prefix)
		require.NoError(t, err)
		key := webhook.Key([]byte(`{"type":"payment.completed","data":{"id":"pay_1"}}`))

		s, err := first.Claim(ctx, key)
		require.NoError(t, err)
		require.Equal(t, webhook.Claimed, s)
		require.NoError(t, c.Del(ctx, b.prefix+key).Err(), "the first holder's lease lapses")
		s, err = second.Claim(ctx, key)
		require.NoError(t, err)
		require.Equal(t, webhook.Claimed, s)

		require.NoError(t, first.Finish(ctx, key, false))
		s, err = first.Claim(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, webhook.InProgress, s, "the second holder's claim survived the first's failure")

		require.NoError(t, second.Finish(ctx, key, false))
		s, err = first.Claim(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, webhook.Claimed, s, "the holder's own failure still frees the event for a redelivery")
	})
}

// TestDeduperLapsedHolderSameReplica: as TestDeduperLapsedHolderLeavesTheNextClaim, but the
// redelivery reaches the same replica (one Deduper), which cannot tell which of its two holders
// finishes first: the first failure still leaves the claim in Redis (it may be the live one's),
// and the second frees the event for a redelivery.
func TestDeduperLapsedHolderSameReplica(t *testing.T) {
	forEachRedis(t, func(t *testing.T, b *backend) {
		c := b.client(t)
		ctx := context.Background()
		d, err := cashfinredis.NewDeduper(c, b.prefix)
		require.NoError(t, err)
		key := webhook.Key([]byte(`{"type":"payment.completed","data":{"id":"pay_2"}}`))
		claimed := func() bool { // whether a claim is held, asked without taking one
			t.Helper()
			n, err := c.Exists(ctx, b.prefix+key).Result()
			require.NoError(t, err)
			return n == 1
		}
		s, err := d.Claim(ctx, key) // the slow holder
		require.NoError(t, err)
		require.Equal(t, webhook.Claimed, s)
		require.NoError(t, c.Del(ctx, b.prefix+key).Err(), "its lease lapses")
		s, err = d.Claim(ctx, key) // the redelivery, on the same replica
		require.NoError(t, err)
		require.Equal(t, webhook.Claimed, s)

		require.NoError(t, d.Finish(ctx, key, false))
		assert.True(t, claimed(), "a claim that may still be live was deleted")
		require.NoError(t, d.Finish(ctx, key, false))
		assert.False(t, claimed(), "both holders failed, yet the event stays claimed")
	})
}
