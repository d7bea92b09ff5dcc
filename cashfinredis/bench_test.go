package cashfinredis_test

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfinredis"
	"github.com/cashfin-go/cashfin/cashfintest"
)

// benchRedis returns the Redis URLs to measure against: miniredis in process, and the real one
// CASHFIN_REDIS_URL names, if set.
func benchRedis(b *testing.B) map[string]string {
	mr := miniredis.RunT(b)
	urls := map[string]string{"miniredis": "redis://" + mr.Addr() + "/0"}
	if u := os.Getenv(envRedisURL); u != "" {
		urls["redis"] = u
	}
	return urls
}

func benchLimiter(b *testing.B, url string) (*cashfinredis.Limiter, *tripCounter) {
	b.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	c := redis.NewClient(opt)
	b.Cleanup(func() { _ = c.Close() })
	var trips tripCounter
	c.AddHook(&trips)
	key := "cashfinbench:" + b.Name()
	_ = c.Del(context.Background(), key)
	l, err := cashfinredis.NewLimiter(c, key, cashfin.Plan{PerDay: math.MaxInt32}, cashfinredis.FailClosed())
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Wait(context.Background()); err != nil { // loads the script
		b.Fatal(err)
	}
	trips.reset()
	return l, &trips
}

// BenchmarkLimiterWait measures Limiter.Wait with room in every window: one round trip to Redis
// (reported as trips/op), to miniredis in process and to a real Redis over loopback.
func BenchmarkLimiterWait(b *testing.B) {
	for name, url := range benchRedis(b) {
		b.Run("redis="+name, func(b *testing.B) {
			l, trips := benchLimiter(b, url)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := l.Wait(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(trips.trips.Load())/float64(b.N), "trips/op")
		})
	}
}

// BenchmarkCreateWithLimiter is a create against the fake (no plan) alone (limiter=none) and
// preceded by Limiter.Wait: the limiter's cost next to a call's.
func BenchmarkCreateWithLimiter(b *testing.B) {
	srv := cashfintest.NewServer()
	b.Cleanup(srv.Close)
	client := srv.Client()
	params := &cashfin.ContactCreateParams{Name: "Bench"}
	run := func(b *testing.B, l *cashfinredis.Limiter) {
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if l != nil {
				if err := l.Wait(ctx); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := client.Contacts.Create(ctx, params); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("limiter=none", func(b *testing.B) { run(b, nil) })
	for name, url := range benchRedis(b) {
		b.Run("limiter="+name, func(b *testing.B) {
			l, _ := benchLimiter(b, url)
			run(b, l)
		})
	}
}
