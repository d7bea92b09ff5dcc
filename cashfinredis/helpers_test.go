package cashfinredis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// envRedisURL names a real Redis (redis://host:port/db) to run every test against too, besides
// the in-process miniredis. When it is set and that Redis does not answer, the tests fail.
const envRedisURL = "CASHFIN_REDIS_URL"

// backend is one Redis the tests run against: miniredis in process (mr set, its clock under the
// test's control), or the real one CASHFIN_REDIS_URL names (mr nil).
type backend struct {
	name   string
	mr     *miniredis.Miniredis
	url    string
	prefix string // unique to the test: every key it makes starts with it
}

// forEachRedis runs f as a subtest against miniredis and, when CASHFIN_REDIS_URL is set,
// against that Redis too.
func forEachRedis(t *testing.T, f func(t *testing.T, b *backend)) {
	t.Helper()
	t.Run("miniredis", func(t *testing.T) {
		mr := miniredis.RunT(t) // on a loopback port, closed when the test ends
		f(t, &backend{name: "miniredis", mr: mr, url: "redis://" + mr.Addr() + "/0", prefix: uniquePrefix(t)})
	})
	if u := os.Getenv(envRedisURL); u != "" {
		t.Run("redis", func(t *testing.T) {
			requireReachable(t, u)
			f(t, &backend{name: "redis", url: u, prefix: uniquePrefix(t)})
		})
	}
}

// requireReachable fails the test (it does not skip it) when the Redis at url does not answer.
func requireReachable(t *testing.T, url string) {
	t.Helper()
	opt, err := redis.ParseURL(url)
	require.NoError(t, err, "%s is not a Redis URL", envRedisURL)
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	require.NoError(t, c.Ping(ctx).Err(), "%s is set, but its Redis does not answer", envRedisURL)
}

// uniquePrefix is a key prefix no other test (nor an earlier run against the same Redis) uses.
func uniquePrefix(t *testing.T) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := strings.NewReplacer("/", ":", " ", "_").Replace(t.Name())
	return "cashfintest:" + name + ":" + hex.EncodeToString(b) + ":"
}

// client returns a new client of b's Redis, closed when the test ends.
func (b *backend) client(t *testing.T) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(b.url)
	require.NoError(t, err)
	c := redis.NewClient(opt)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// now is the Redis server's time.
func (b *backend) now(t *testing.T, c *redis.Client) time.Time {
	t.Helper()
	now, err := c.Time(context.Background()).Result()
	require.NoError(t, err)
	return now
}

// keys returns every key holding b's prefix (at its start, or inside a hash tag) with its time
// to live (-1: none).
func (b *backend) keys(t *testing.T, c *redis.Client) map[string]time.Duration {
	t.Helper()
	ctx := context.Background()
	out := map[string]time.Duration{}
	stem := strings.TrimSuffix(b.prefix, ":")
	iter := c.Scan(ctx, 0, "*"+stem+"*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		ttl, err := c.PTTL(ctx, k).Result()
		require.NoError(t, err)
		out[k] = ttl
	}
	require.NoError(t, iter.Err())
	return out
}

// deadAddr is a loopback address where nothing listens: connecting is refused.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// deadClient is a client of a Redis that is down.
func deadClient(t *testing.T) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: deadAddr(t), MaxRetries: -1, DialTimeout: time.Second, DialerRetries: 1})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// tripCounter is a go-redis hook counting what a client sends: each command or pipeline is one
// round trip, and each dial one connection.
type tripCounter struct {
	trips, dials atomic.Int64
	mu           sync.Mutex
	names        []string
}

func (c *tripCounter) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c.dials.Add(1)
		return next(ctx, network, addr)
	}
}

func (c *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.note(cmd.Name())
		return next(ctx, cmd)
	}
}

func (c *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.note("pipeline")
		return next(ctx, cmds)
	}
}

func (c *tripCounter) note(name string) {
	c.trips.Add(1)
	c.mu.Lock()
	c.names = append(c.names, name)
	c.mu.Unlock()
}

// reset forgets what was counted.
func (c *tripCounter) reset() {
	c.trips.Store(0)
	c.dials.Store(0)
	c.mu.Lock()
	c.names = nil
	c.mu.Unlock()
}

func (c *tripCounter) commands() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.names...)
}
