package webhook

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// Deduper remembers which events were handled, so that a redelivered or replayed event is not
// handled twice. Handler uses one (NewMemoryDeduper's, by default); cashfinredis.NewDeduper's is
// shared by every replica that uses the same Redis.
type Deduper interface {
	// Claim returns Claimed when the caller should handle the event now, Handled when it was
	// handled before, InProgress when another receiver holds a live claim on it.
	Claim(ctx context.Context, key string) (ClaimState, error)
	// Finish ends a Claimed event: handled true remembers it; false forgets it so that a
	// redelivery is handled.
	Finish(ctx context.Context, key string, handled bool) error
}

// ClaimState is what Deduper.Claim found.
type ClaimState int

// The answers of Deduper.Claim.
const (
	Claimed    ClaimState = iota // the caller holds the claim and should handle the event now
	Handled                      // the event was handled before
	InProgress                   // another receiver is handling the event now
)

// String returns the state's name.
func (s ClaimState) String() string {
	switch s {
	case Claimed:
		return "Claimed"
	case Handled:
		return "Handled"
	case InProgress:
		return "InProgress"
	}
	return "ClaimState(" + strconv.Itoa(int(s)) + ")"
}

// Key returns the de-duplication key of an event: the lower-case hex SHA-256 of its raw body,
// exactly as received. Cashfin signs no timestamp and sends no event ID, so an event's identity
// is its exact body: two deliveries of one event are byte for byte the same.
func Key(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

// NewMemoryDeduper returns a Deduper that keeps its memory in this process: enough for one
// receiver, not for replicas (use cashfinredis.NewDeduper there). A handled event is
// remembered for remember; at most max keys are kept, and when full the earliest-claimed key is
// forgotten first. A claim that is never finished is forgotten after remember too. It is safe
// for concurrent use. It panics if remember or max is not positive.
func NewMemoryDeduper(remember time.Duration, max int) Deduper {
	if remember <= 0 || max < 1 {
		panic("webhook: NewMemoryDeduper needs a positive remember duration and max")
	}
	return &memoryDeduper{remember: remember, max: max, now: memoryNow,
		keys: make(map[string]*list.Element), order: list.New()}
}

// memoryNow is the clock of the Dedupers NewMemoryDeduper returns (a variable for tests).
var memoryNow = time.Now

// memoryDeduper is NewMemoryDeduper's Deduper. order holds the keys earliest-claimed first.
type memoryDeduper struct {
	remember time.Duration
	max      int
	now      func() time.Time

	mu    sync.Mutex
	keys  map[string]*list.Element // of *memoryEntry
	order *list.List
}

type memoryEntry struct {
	key     string
	handled bool
	expires time.Time
}

// Claim implements Deduper. It never fails.
func (d *memoryDeduper) Claim(_ context.Context, key string) (ClaimState, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if el, ok := d.keys[key]; ok {
		e := el.Value.(*memoryEntry)
		switch {
		case !now.Before(e.expires):
			d.remove(el)
		case e.handled:
			return Handled, nil
		default:
			return InProgress, nil
		}
	}
	d.purge(now)
	d.add(&memoryEntry{key: key, expires: now.Add(d.remember)})
	return Claimed, nil
}

// Finish implements Deduper. It never fails. A handled key forgotten since its claim (evicted)
// is remembered again.
func (d *memoryDeduper) Finish(_ context.Context, key string, handled bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	el, ok := d.keys[key]
	switch {
	case !handled && ok:
		d.remove(el)
	case handled && ok:
		e := el.Value.(*memoryEntry)
		e.handled, e.expires = true, d.now().Add(d.remember)
	case handled:
		d.add(&memoryEntry{key: key, handled: true, expires: d.now().Add(d.remember)})
	}
	return nil
}

// purge forgets the expired keys at the front of the order (the earliest claimed); others are
// forgotten when next looked up, or evicted.
func (d *memoryDeduper) purge(now time.Time) {
	for el := d.order.Front(); el != nil && !now.Before(el.Value.(*memoryEntry).expires); el = d.order.Front() {
		d.remove(el)
	}
}

// add remembers e as the latest claimed, evicting the earliest-claimed keys to make room.
func (d *memoryDeduper) add(e *memoryEntry) {
	for len(d.keys) >= d.max {
		d.remove(d.order.Front())
	}
	d.keys[e.key] = d.order.PushBack(e)
}

func (d *memoryDeduper) remove(el *list.Element) {
	delete(d.keys, el.Value.(*memoryEntry).key)
	d.order.Remove(el)
}
