package cashfintest_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
	"github.com/cashfin-go/cashfin/cashfintest"
)

const concurrentCreates = 100

// TestConcurrentCreatesRaw sends 100 creates at once over HTTP, while others list and read:
// exactly 100 contacts are stored, with distinct IDs.
func TestConcurrentCreatesRaw(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	hc := rawClient(t)
	auth := map[string]string{"Authorization": srv.Secret}

	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, concurrentCreates)
	for i := range concurrentCreates {
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			r := call(t, hc, http.MethodPost, srv.URL+"/business/contact/create", fmt.Sprintf(`{"name":"Contact %d"}`, i), auth)
			statuses[i] = r.status
		}()
		go func() { // readers racing the writers
			defer wg.Done()
			<-start
			r := call(t, hc, http.MethodGet, srv.URL+"/business/contact/list?limit=100&search=contact", "", auth)
			assert.Equal(t, http.StatusOK, r.status)
		}()
	}
	close(start)
	wg.Wait()

	for i, s := range statuses {
		assert.Equal(t, http.StatusCreated, s, "create %d", i)
	}
	assertDistinct(t, srv.Contacts(), concurrentCreates)
}

// TestConcurrentCreatesSDK does the same through the SDK, one shared client.
func TestConcurrentCreatesSDK(t *testing.T) {
	srv := cashfintest.NewServer()
	defer srv.Close()
	client := srv.Client()

	var wg sync.WaitGroup
	errs := make([]error, concurrentCreates)
	for i := range concurrentCreates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = client.Contacts.Create(context.Background(), &cashfin.ContactCreateParams{Name: fmt.Sprintf("Contact %d", i)})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "create %d", i)
	}
	assertDistinct(t, srv.Contacts(), concurrentCreates)

	n := 0
	for c, err := range client.Contacts.ListAll(context.Background(), nil) {
		require.NoError(t, err)
		assert.NotEmpty(t, c.ID)
		n++
	}
	assert.Equal(t, concurrentCreates, n)
}

// assertDistinct checks that cs holds n contacts with distinct IDs and names.
func assertDistinct(t *testing.T, cs []cashfin.Contact, n int) {
	t.Helper()
	require.Len(t, cs, n)
	ids, names := map[string]bool{}, map[string]bool{}
	for _, c := range cs {
		ids[c.ID], names[c.Name] = true, true
	}
	assert.Len(t, ids, n, "distinct IDs")
	assert.Len(t, names, n, "every create stored once")
}
