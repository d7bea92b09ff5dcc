// Package cashfinredis shares one Cashfin plan, and the memory of webhooks handled, between
// processes through Redis (github.com/redis/go-redis/v9).
//
// Cashfin counts every request of a client secret against one plan, in fixed windows aligned to
// the clock: the Unix second, the Unix minute and the UTC day. Every process that uses the secret
// (replicas of a backend, bulk jobs side by side) spends the same allowance, so pacing each one
// alone is not enough. A Limiter is a cashfin.Limiter whose counts live in Redis: any number of
// processes given the same Redis and key never send more than the plan in any window.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	lim, err := cashfinredis.NewLimiter(rdb, "cashfin:plan:billing", cashfin.PlanStarter)
//	client, err := cashfin.NewClient(secret, cashfin.WithLimiter(lim))
//
// A Deduper is a webhook.Deduper whose memory lives in Redis, so that replicas behind a load
// balancer handle each event once:
//
//	d, err := cashfinredis.NewDeduper(rdb, "cashfin:webhook:")
//	http.Handle("POST /webhooks/cashfin", webhook.Handler(webhookSecret, handle, webhook.WithDeduper(d)))
//
// Neither constructor contacts Redis. When Redis cannot be reached, a Limiter lets attempts go
// (the server's own window, which each client honours, still protects the plan) and says so
// through its logger, unless built with FailClosed; a Deduper's failure makes webhook.Handler
// answer 503, so that the sender delivers the event again later.
//
// Both need Redis 7.0 or later: a Deduper's claim is one SET with NX and GET, which older
// servers refuse (every Claim would fail, and webhook.Handler answer 503).
//
// A program that imports only package cashfin compiles none of this package, nor go-redis.
package cashfinredis
