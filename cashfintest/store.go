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

	"github.com/cashfin-go/cashfin"
)

// record is one stored contact. Records never change once stored (the API has no update or
// delete), so a *record may be read without the lock once it has been published.
type record struct {
	id          string
	name        string
	email       string
	phone       string
	position    string
	companyName string
	active      bool
	createdAt   time.Time // UTC, whole milliseconds
	updatedAt   time.Time // UTC, whole milliseconds
	seq         uint64    // insertion order: breaks ties between equal createdAt
	// folded holds the searchable fields (name, email, phone, company name) in lower case.
	folded [4]string
}

// contact is the record as the SDK type.
func (r *record) contact() cashfin.Contact {
	active := r.active
	return cashfin.Contact{
		ID:          r.id,
		Name:        r.name,
		Email:       r.email,
		Phone:       r.phone,
		Position:    r.position,
		CompanyName: r.companyName,
		Active:      &active,
		CreatedAt:   r.createdAt,
		UpdatedAt:   r.updatedAt,
	}
}

// matches reports whether the record's name, email, phone or company name holds folded, a
// lower-cased search string.
func (r *record) matches(folded string) bool {
	for _, f := range r.folded {
		if strings.Contains(f, folded) {
			return true
		}
	}
	return false
}

// idemEntry is what an Idempotency-Key was first used for: the body's digest and the contact
// its create made. Records never change, so the first response can be rendered again byte for
// byte.
type idemEntry struct {
	digest [32]byte
	rec    *record
}

// store holds the contacts and the idempotency keys. All its methods are safe for concurrent use.
type store struct {
	mu sync.RWMutex
	// byAge holds every record, oldest first (by createdAt, then insertion order): the list is
	// this slice read backwards, so a page is found by index without copying the store.
	byAge []*record
	byID  map[string]*record
	idem  map[string]idemEntry
	seq   uint64

	// ID generation: an ObjectID is a 4-byte Unix time, 5 random bytes and a 3-byte counter.
	idTime    uint32
	idCounter uint32
	idRandom  [5]byte
}

func newStore() *store {
	s := &store{
		byID: make(map[string]*record),
		idem: make(map[string]idemEntry),
	}
	_, _ = rand.Read(s.idRandom[:]) // crypto/rand.Read does not fail on supported platforms
	return s
}

// newID returns a fresh ObjectID, greater than every ID it returned before. Callers hold s.mu.
func (s *store) newID(now time.Time) string {
	ts := uint32(max(now.Unix(), 0))
	if ts < s.idTime {
		ts = s.idTime // the clock went back: keep IDs increasing
	}
	if ts > s.idTime {
		s.idTime, s.idCounter = ts, 0
	}
	s.idCounter++
	if s.idCounter >= 1<<24 { // 16M IDs in one second: borrow the next second
		s.idTime++
		s.idCounter = 1
	}
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], s.idTime)
	copy(b[4:9], s.idRandom[:])
	b[9], b[10], b[11] = byte(s.idCounter>>16), byte(s.idCounter>>8), byte(s.idCounter)
	return hex.EncodeToString(b[:])
}

// newRecord builds a record from c, filling in a missing ID and timestamps. Callers hold s.mu.
func (s *store) newRecord(c cashfin.Contact, now time.Time) *record {
	r := &record{
		id:          strings.ToLower(c.ID),
		name:        c.Name,
		email:       c.Email,
		phone:       c.Phone,
		position:    c.Position,
		companyName: c.CompanyName,
		active:      c.Active == nil || *c.Active,
		createdAt:   apiTime(c.CreatedAt),
		updatedAt:   apiTime(c.UpdatedAt),
	}
	if r.id == "" {
		r.id = s.newID(now)
	}
	if r.createdAt.IsZero() {
		r.createdAt = apiTime(now)
	}
	if r.updatedAt.IsZero() {
		r.updatedAt = r.createdAt
	}
	s.seq++
	r.seq = s.seq
	r.folded = [4]string{
		strings.ToLower(r.name), strings.ToLower(r.email),
		strings.ToLower(r.phone), strings.ToLower(r.companyName),
	}
	return r
}

// apiTime is t as the API stores it: UTC, whole milliseconds.
func apiTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

// olderThan orders records oldest first.
func olderThan(a, b *record) int {
	if c := a.createdAt.Compare(b.createdAt); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// insert adds r in age order. Callers hold s.mu. New records are almost always the newest, so
// this is an append.
func (s *store) insert(r *record) {
	s.byID[r.id] = r
	if n := len(s.byAge); n == 0 || olderThan(s.byAge[n-1], r) < 0 {
		s.byAge = append(s.byAge, r)
		return
	}
	i, _ := slices.BinarySearchFunc(s.byAge, r, olderThan)
	s.byAge = slices.Insert(s.byAge, i, r)
}

// add stores contacts as AddContacts does, and returns the stored records. It panics on a
// duplicate or malformed ID, as a test helper should on a bad fixture.
func (s *store) add(cs []cashfin.Contact, now time.Time) []*record {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := make([]*record, len(cs))
	seen := make(map[string]bool, len(cs))
	for i, c := range cs {
		if c.ID != "" && !isObjectID(c.ID) {
			panic("cashfintest: AddContacts: contact ID " + strconv.Quote(c.ID) + " is not 24 hexadecimal characters")
		}
		id := strings.ToLower(c.ID)
		if id != "" && (s.byID[id] != nil || seen[id]) {
			panic("cashfintest: AddContacts: duplicate contact ID " + strconv.Quote(c.ID))
		}
		seen[id] = true
		recs[i] = s.newRecord(c, now)
	}
	// Append, then restore age order once: seeding many contacts stays O(n log n).
	sorted := len(s.byAge) == 0 || len(recs) == 0 || olderThan(s.byAge[len(s.byAge)-1], recs[0]) < 0
	for i, r := range recs {
		s.byID[r.id] = r
		if i > 0 && olderThan(recs[i-1], r) > 0 {
			sorted = false
		}
	}
	s.byAge = append(s.byAge, recs...)
	if !sorted {
		slices.SortFunc(s.byAge, olderThan)
	}
	return recs
}

// create stores a contact made through the API, honouring an Idempotency-Key: a key seen before
// with the same body digest returns the first record (replay true); with a different digest,
// conflict is true and nothing is stored. The check and the insert happen under one lock, so
// concurrent requests with one key create one contact.
func (s *store) create(c cashfin.Contact, key string, digest [32]byte, now time.Time) (r *record, replay, conflict bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if key != "" {
		if e, ok := s.idem[key]; ok {
			if e.digest != digest {
				return nil, false, true
			}
			return e.rec, true, false
		}
	}
	c.ID, c.CreatedAt, c.UpdatedAt, c.Active = "", time.Time{}, time.Time{}, nil
	r = s.newRecord(c, now)
	s.insert(r)
	if key != "" {
		s.idem[key] = idemEntry{digest: digest, rec: r}
	}
	return r, false, false
}

// get returns the record with the given ID, or nil.
func (s *store) get(id string) *record {
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
func (s *store) page(page, limit int, search string) (recs []*record, total int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := len(s.byAge)
	if search == "" {
		total = n
		if page-1 >= ceilDiv(total, limit) {
			return []*record{}, total
		}
		skip := (page - 1) * limit // no overflow: page-1 < ceil(total/limit)
		hi := n - skip             // records hi-1 down to lo, newest first
		lo := max(hi-limit, 0)
		recs = make([]*record, 0, hi-lo)
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
	recs = []*record{}
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
func (s *store) all() []*record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*record, len(s.byAge))
	for i, r := range s.byAge {
		out[len(out)-1-i] = r
	}
	return out
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
