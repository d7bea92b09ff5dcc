package bulk

import (
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cmd/cashfin/internal/term"
)

// collector is a recordWriter of contacts keeping the IDs written.
type collector struct{ ids []string }

// Write keeps ct's ID.
func (c *collector) Write(ct *cashfin.Contact) error { c.ids = append(c.ids, ct.ID); return nil }

// Flush does nothing.
func (c *collector) Flush() error { return nil }

// Close does nothing.
func (c *collector) Close() error { return nil }

// pageAt is page n of a newest-first list of total contacts whose IDs are their ranks from the end.
func pageAt(n, total int) *cashfin.Page[cashfin.Contact] {
	p := &cashfin.Page[cashfin.Contact]{Pagination: cashfin.Pagination{
		Total: total, Page: n, Limit: PageSize, Pages: (total + PageSize - 1) / PageSize}}
	for i := (n - 1) * PageSize; i < min(n*PageSize, total); i++ {
		p.Data = append(p.Data, cashfin.Contact{ID: rankID(total - 1 - i)})
	}
	return p
}

func rankID(rank int) string { return fmt.Sprintf("%024x", rank) }

// testContacts is enough of the Contacts resource for the exporter.
var testContacts = &Resource[cashfin.Contact]{Name: "contacts", One: "contact",
	ID: func(c *cashfin.Contact) string { return c.ID }}

func newTestExporter() (*Exporter[cashfin.Contact], *collector) {
	out := &collector{}
	e := &Exporter[cashfin.Contact]{Resource: testContacts, Out: out, Progress: term.NewProgress(io.Discard, false, nil, "exported", 0, 0)}
	e.recent.init(2 * PageSize)
	return e, out
}

// TestExporterDropsShiftedDuplicates: contacts created between two page fetches push the last
// contacts of a page onto the next one; they are written once.
func TestExporterDropsShiftedDuplicates(t *testing.T) {
	e, out := newTestExporter()
	gap, err := e.emit(1, pageAt(1, 250), false)
	require.NoError(t, err)
	require.False(t, gap)
	gap, err = e.emit(2, pageAt(2, 255), false) // 5 created since page 1
	require.NoError(t, err)
	require.False(t, gap)
	gap, err = e.emit(3, pageAt(3, 380), false) // 125 more: more than a page of duplicates
	require.NoError(t, err)
	require.False(t, gap)
	assert.False(t, e.done, "ranks 0..29 are still to come")
	gap, err = e.emit(4, pageAt(4, 380), false)
	require.NoError(t, err)
	require.False(t, gap)
	assert.True(t, e.done)

	want := make([]string, 0, 250)
	for r := 249; r >= 0; r-- {
		want = append(want, rankID(r))
	}
	assert.Equal(t, want, out.ids, "every contact of the first snapshot once, in list order")
}

// TestExporterDetectsGap: a page fetched before contacts were created that the page before it
// saw misses contacts pushed down past it; it is reported as a gap, not written.
func TestExporterDetectsGap(t *testing.T) {
	e, out := newTestExporter()
	_, err := e.emit(1, pageAt(1, 250), false)
	require.NoError(t, err)
	gap, err := e.emit(2, pageAt(2, 245), false) // fetched before 5 of the contacts page 1 saw
	require.NoError(t, err)
	assert.True(t, gap)
	assert.Len(t, out.ids, 100, "nothing of the stale page is written")

	gap, err = e.emit(2, pageAt(2, 250), false) // fetched again
	require.NoError(t, err)
	assert.False(t, gap)
	gap, err = e.emit(3, pageAt(3, 250), false)
	require.NoError(t, err)
	assert.False(t, gap)
	assert.True(t, e.done)
	assert.Len(t, out.ids, 250)

	e2, out2 := newTestExporter()
	_, _ = e2.emit(1, pageAt(1, 250), false)
	gap, err = e2.emit(2, pageAt(2, 245), true)
	require.NoError(t, err)
	assert.False(t, gap, "forced, a stale page is written anyway")
	assert.Len(t, out2.ids, 200)
}

func TestExporterEnds(t *testing.T) {
	for _, total := range []int{0, 1, 99, 100, 101, 200} {
		e, out := newTestExporter()
		for n := 1; !e.done; n++ {
			require.LessOrEqual(t, n, 3, "total %d", total)
			_, err := e.emit(n, pageAt(n, total), false)
			require.NoError(t, err)
		}
		assert.Len(t, out.ids, total)
	}
}

func TestIDWindow(t *testing.T) {
	var w idWindow
	w.init(3)
	for _, id := range []string{"a", "b", "c", "d"} {
		w.add(id)
	}
	assert.False(t, w.has("a"), "evicted")
	assert.True(t, w.has("b"))
	assert.True(t, w.has("d"))
	w.grow(1000)
	for i := range 500 {
		w.add(fmt.Sprint(i))
	}
	assert.True(t, w.has("b"), "kept once the window grew")
	assert.LessOrEqual(t, len(w.queue), 1000)
}
