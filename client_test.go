package cashfin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashfin-go/cashfin"
)

const testSecret = "cs_test_0123456789abcdef"

// newMockClient returns a client whose requests go to a per-test httpmock transport.
func newMockClient(t *testing.T, opts ...cashfin.Option) (*cashfin.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	opts = append([]cashfin.Option{
		cashfin.WithBaseURL("https://api.test"),
		cashfin.WithHTTPClient(&http.Client{Transport: mt}),
	}, opts...)
	c, err := cashfin.NewClient(testSecret, opts...)
	require.NoError(t, err)
	return c, mt
}

func TestGetSendsAuthAndDecodes(t *testing.T) {
	t.Parallel()
	c, mt := newMockClient(t)
	mt.RegisterResponder(http.MethodGet, "https://api.test/business/contact/details/507f1f77bcf86cd799439045",
		func(r *http.Request) (*http.Response, error) {
			assert.Equal(t, testSecret, r.Header.Get("Authorization"))
			return httpmock.NewStringResponse(200, `{"success":true,"data":{"_id":"507f1f77bcf86cd799439045","name":"Jane Wanjiku","active":true,"createdat":"2024-01-15T12:00:00.000Z"}}`), nil
		})
	got, err := c.Contacts.Get(context.Background(), "507f1f77bcf86cd799439045")
	require.NoError(t, err)
	assert.Equal(t, "Jane Wanjiku", got.Name)
	require.NotNil(t, got.Active)
	assert.True(t, *got.Active)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}
