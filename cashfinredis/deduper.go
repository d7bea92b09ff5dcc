package cashfinredis

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cashfin-go/cashfin/webhook"
)

// Deduper is a webhook.Deduper whose memory is in Redis, shared by every receiver that uses the
// same Redis and prefix. Create one with NewDeduper and give it to webhook.Handler with
// webhook.WithDeduper. It is safe for concurrent use.
type Deduper struct {
	rdb      redis.UniversalClient
	prefix   string
	remember time.Duration
	lease    time.Duration

	mu     sync.Mutex
	claims map[string][]string // event key → the claim values this Deduper stored, oldest first
}

// The values a Deduper stores under an event's key: a claim is claimPrefix and a token of its
// holder's own, so that a holder whose lease lapsed cannot end the next holder's claim.
const (
	claimPrefix  = "claimed:"
	handledValue = "handled"
)

// releaseScript deletes a claim only while it is still the caller's.
var releaseScript = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`)

// DeduperOption configures NewDeduper.
type DeduperOption func(*Deduper) error

// Remember sets how long a handled event is remembered (24 hours unless set); it must be
// positive.
func Remember(d time.Duration) DeduperOption {
	return func(dd *Deduper) error {
		if d <= 0 {
			return fmt.Errorf("cashfinredis: Remember(%s): must be positive", d)
		}
		dd.remember = d
		return nil
	}
}

// Lease sets how long a claim lasts if its holder dies before finishing it (5 minutes unless
// set): after that, a redelivery is handled. Make it longer than your handler can take. It must
// be positive.
func Lease(d time.Duration) DeduperOption {
	return func(dd *Deduper) error {
		if d <= 0 {
			return fmt.Errorf("cashfinredis: Lease(%s): must be positive", d)
		}
		dd.lease = d
		return nil
	}
}

// NewDeduper returns a Deduper keeping one Redis key per event, named prefix followed by the
// event's key (webhook.Key), such as "cashfin:webhook:9f86d0…". Every key expires on its own. It
// does not contact Redis. An empty prefix or a nil rdb is an error.
func NewDeduper(rdb redis.UniversalClient, prefix string, opts ...DeduperOption) (*Deduper, error) {
	switch {
	case isNil(rdb):
		return nil, errors.New("cashfinredis: NewDeduper: nil Redis client")
	case strings.TrimSpace(prefix) == "":
		return nil, errors.New("cashfinredis: NewDeduper: empty prefix")
	}
	d := &Deduper{rdb: rdb, prefix: prefix, remember: 24 * time.Hour, lease: 5 * time.Minute,
		claims: make(map[string][]string)}
	for _, o := range opts {
		if err := o(d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Claim implements webhook.Deduper: one SET NX with the lease, and when the key exists, the
// value it holds (Handled or InProgress). SET with both NX and GET needs Redis 7.0 or later.
func (d *Deduper) Claim(ctx context.Context, key string) (webhook.ClaimState, error) {
	claim := claimPrefix + rand.Text()
	res, err := d.rdb.SetArgs(ctx, d.prefix+key, claim, redis.SetArgs{Mode: "NX", TTL: d.lease, Get: true}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		d.mu.Lock()
		d.claims[key] = append(d.claims[key], claim)
		d.mu.Unlock()
		return webhook.Claimed, nil
	case err != nil:
		return 0, fmt.Errorf("cashfinredis: claiming a webhook event: %w", err)
	case res == handledValue:
		return webhook.Handled, nil
	}
	return webhook.InProgress, nil
}

// Finish implements webhook.Deduper: a handled event is kept for Remember; a failed one's claim
// is deleted, so that a redelivery is handled, unless its lease lapsed and another receiver
// holds the event now (that claim is left alone).
//
// When this Deduper claimed key again after its own earlier claim lapsed, it cannot tell which
// holder is finishing: each Finish ends the oldest of its claims, so a failure never deletes a
// claim that may still be live, and the claim is deleted once both holders have failed.
func (d *Deduper) Finish(ctx context.Context, key string, handled bool) error {
	claim, ok := d.takeOldest(key)
	var err error
	if handled {
		err = d.rdb.Set(ctx, d.prefix+key, handledValue, d.remember).Err()
	} else if ok {
		err = releaseScript.Run(ctx, d.rdb, []string{d.prefix + key}, claim).Err()
	}
	if err != nil {
		return fmt.Errorf("cashfinredis: finishing a webhook event: %w", err)
	}
	return nil
}

// takeOldest removes and returns the oldest claim this Deduper holds on key, if any.
func (d *Deduper) takeOldest(key string) (claim string, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	held := d.claims[key]
	if len(held) == 0 {
		return "", false
	}
	if len(held) == 1 {
		delete(d.claims, key)
	} else {
		d.claims[key] = held[1:]
	}
	return held[0], true
}

var _ webhook.Deduper = (*Deduper)(nil)
