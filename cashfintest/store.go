package cashfintest

import (
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// record is one stored resource: the fields every record has, and F, the resource's own. A
// published record never changes: an update stores a changed copy in its place, so a *record may
// be read without the lock, and an idempotent replay can render a record as it was first answered.
type record[F any] struct {
	id        string
	fields    F
	active    bool
	createdAt time.Time // UTC, whole milliseconds
	updatedAt time.Time // UTC, whole milliseconds
	seq       uint64    // insertion order: breaks ties between equal createdAt
	folded    []string  // the searchable fields, lower-cased
}

// matches reports whether one of the record's searchable fields holds folded, a lower-cased
// search string.
func (r *record[F]) matches(folded string) bool {
	for _, f := range r.folded {
		if strings.Contains(f, folded) {
			return true
		}
	}
	return false
}

// store holds the records of one resource. All its methods are safe for concurrent use.
type store[F any] struct {
	noun       string            // "contact"
	adder      string            // "AddContacts": the method whose panics name this store
	searchable func(*F) []string // the fields a list search matches

	mu sync.RWMutex
	// byAge holds every record, oldest first (by createdAt, then insertion order): the list is
	// this slice read backwards, so a page is found by index without copying the store.
	byAge []*record[F]
	byID  map[string]*record[F]
	seq   uint64
	ids   idGen
}

func newStore[F any](noun, adder string, searchable func(*F) []string) *store[F] {
	s := &store[F]{noun: noun, adder: adder, searchable: searchable, byID: make(map[string]*record[F])}
	_, _ = rand.Read(s.ids.random[:]) // crypto/rand.Read does not fail on supported platforms
	return s
}

// idGen makes ObjectIDs: a 4-byte Unix time, 5 random bytes and a 3-byte counter.
type idGen struct {
	time    uint32
	counter uint32
	random  [5]byte
}

// next returns a fresh ObjectID, greater than every ID it returned before.
func (g *idGen) next(now time.Time) string {
	ts := uint32(max(now.Unix(), 0))
	if ts < g.time {
		ts = g.time // the clock went back: keep IDs increasing
	}
	if ts > g.time {
		g.time, g.counter = ts, 0
	}
	g.counter++
	if g.counter >= 1<<24 { // 16M IDs in one second: borrow the next second
		g.time++
		g.counter = 1
	}
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], g.time)
	copy(b[4:9], g.random[:])
	b[9], b[10], b[11] = byte(g.counter>>16), byte(g.counter>>8), byte(g.counter)
	return hex.EncodeToString(b[:])
}

// newRecord builds a record, filling in a missing ID and timestamps. Callers hold s.mu.
func (s *store[F]) newRecord(id string, f F, active bool, created, updated, now time.Time) *record[F] {
	r := &record[F]{id: strings.ToLower(id), fields: f, active: active,
		createdAt: apiTime(created), updatedAt: apiTime(updated)}
	if r.id == "" {
		r.id = s.ids.next(now)
	}
	if r.createdAt.IsZero() {
		r.createdAt = apiTime(now)
	}
	if r.updatedAt.IsZero() {
		r.updatedAt = r.createdAt
	}
	s.seq++
	r.seq = s.seq
	r.folded = s.fold(&r.fields)
	return r
}

// seed is a record given by a test, as AddContacts takes it.
type seed[F any] struct {
	id               string
	fields           F
	active           *bool
	created, updated time.Time
}

// add stores seeds as AddContacts does, and returns the stored records. It panics on a
// duplicate or malformed ID, as a test helper should on a bad fixture.
func (s *store[F]) add(seeds []seed[F], now time.Time) []*record[F] {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := make([]*record[F], len(seeds))
	seen := make(map[string]bool, len(seeds))
	for i, sd := range seeds {
		if sd.id != "" && !isObjectID(sd.id) {
			panic("cashfintest: " + s.adder + ": " + s.noun + " ID " + strconv.Quote(sd.id) + " is not 24 hexadecimal characters")
		}
		id := strings.ToLower(sd.id)
		if id != "" && (s.byID[id] != nil || seen[id]) {
			panic("cashfintest: " + s.adder + ": duplicate " + s.noun + " ID " + strconv.Quote(sd.id))
		}
		seen[id] = true
		recs[i] = s.newRecord(sd.id, sd.fields, sd.active == nil || *sd.active, sd.created, sd.updated, now)
	}
	// Append, then restore age order once: seeding many records stays O(n log n).
	sorted := len(s.byAge) == 0 || len(recs) == 0 || olderThan(s.byAge[len(s.byAge)-1], recs[0]) < 0
	for i, r := range recs {
		s.byID[r.id] = r
		if i > 0 && olderThan(recs[i-1], r) > 0 {
			sorted = false
		}
	}
	s.byAge = append(s.byAge, recs...)
	if !sorted {
		slices.SortFunc(s.byAge, olderThan[F])
	}
	return recs
}

// fold lower-cases the searchable fields of f.
func (s *store[F]) fold(f *F) []string {
	out := s.searchable(f)
	for i, v := range out {
		out[i] = strings.ToLower(v)
	}
	return out
}

// create stores a record made through the API: a fresh ID, now as its times, active.
func (s *store[F]) create(f F, now time.Time) *record[F] {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.newRecord("", f, true, time.Time{}, time.Time{}, now)
	s.byID[r.id] = r
	if n := len(s.byAge); n == 0 || olderThan(s.byAge[n-1], r) < 0 {
		s.byAge = append(s.byAge, r) // new records are almost always the newest
		return r
	}
	i, _ := slices.BinarySearchFunc(s.byAge, r, olderThan[F])
	s.byAge = slices.Insert(s.byAge, i, r)
	return r
}

// update applies change to a copy of the record with the given ID and stores the copy in its
// place, with updatedAt now when change reports a change. It returns the record as stored, and
// nil when there is no such record.
func (s *store[F]) update(id string, now time.Time, change func(*F) bool) (r *record[F], changed bool) {
	if !isObjectID(id) {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.byID[strings.ToLower(id)]
	if old == nil {
		return nil, false
	}
	cp := *old
	if !change(&cp.fields) {
		return old, false
	}
	cp.updatedAt = apiTime(now)
	if cp.updatedAt.Before(old.updatedAt) {
		cp.updatedAt = old.updatedAt // the clock went back: never before the last update
	}
	cp.folded = s.fold(&cp.fields)
	s.byID[cp.id] = &cp
	// createdAt and seq are unchanged, so the copy takes the old one's place in age order.
	i, found := slices.BinarySearchFunc(s.byAge, old, olderThan[F])
	if !found || s.byAge[i] != old {
		panic("cashfintest: store out of order") // cannot happen: byAge holds every record
	}
	s.byAge[i] = &cp
	return &cp, true
}

// get returns the record with the given ID, or nil.
func (s *store[F]) get(id string) *record[F] {
	if !isObjectID(id) {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byID[strings.ToLower(id)]
}

// page returns the records of page (1-based) of the list, newest first, limit a page, matching
// search (case-insensitive substring; "" matches all), and how many match in all. Without a search
// it reads only the page's records.
func (s *store[F]) page(page, limit int, search string) (recs []*record[F], total int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := len(s.byAge)
	if search == "" {
		total = n
		if page-1 >= ceilDiv(total, limit) {
			return []*record[F]{}, total
		}
		skip := (page - 1) * limit // no overflow: page-1 < ceil(total/limit)
		hi := n - skip             // records hi-1 down to lo, newest first
		lo := max(hi-limit, 0)
		recs = make([]*record[F], 0, hi-lo)
		for i := hi - 1; i >= lo; i-- {
			recs = append(recs, s.byAge[i])
		}
		return recs, total
	}
	folded := strings.ToLower(search)
	skip := -1 // unknown until we know the page is within reach
	if page-1 < ceilDiv(n, limit) {
		skip = (page - 1) * limit
	}
	recs = []*record[F]{}
	for i := n - 1; i >= 0; i-- {
		r := s.byAge[i]
		if !r.matches(folded) {
			continue
		}
		if skip >= 0 && total >= skip && len(recs) < limit {
			recs = append(recs, r)
		}
		total++
	}
	return recs, total
}

// all returns every record, newest first.
func (s *store[F]) all() []*record[F] {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*record[F], len(s.byAge))
	for i, r := range s.byAge {
		out[len(out)-1-i] = r
	}
	return out
}

// reset forgets every record. IDs keep increasing across a reset.
func (s *store[F]) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byAge, s.byID = nil, make(map[string]*record[F])
}

// apiTime is t as the API stores it: UTC, whole milliseconds.
func apiTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

// olderThan orders records oldest first.
func olderThan[F any](a, b *record[F]) int {
	if c := a.createdAt.Compare(b.createdAt); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// ceilDiv is ceil(a/b) for a >= 0, b > 0.
func ceilDiv(a, b int) int {
	return a/b + min(a%b, 1)
}

// isObjectID reports whether id is a MongoDB ObjectID: 24 hexadecimal characters.
func isObjectID(id string) bool {
	if len(id) != 24 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}
