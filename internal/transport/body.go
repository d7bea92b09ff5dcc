package transport

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// TooLargeError reports a response body over the size limit; the body was not read.
type TooLargeError struct {
	StatusCode int
	Header     http.Header
	Limit      int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("response body exceeds %d MiB", e.Limit>>20)
}

// bufferingTransport reads every response body whole, within the attempt: a connection that
// breaks mid-body is then a failed attempt (and retried like one), the per-attempt timeout covers
// the body, and the connection goes back to the pool before any retry decision. A body over the
// limit is never read into memory.
type bufferingTransport struct {
	base  http.RoundTripper
	limit int64
}

func (b *bufferingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := b.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > b.limit {
		resp.Body.Close()
		return nil, &TooLargeError{StatusCode: resp.StatusCode, Header: resp.Header, Limit: b.limit}
	}
	data, err := readBody(resp.Body, resp.ContentLength, b.limit)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > b.limit {
		return nil, &TooLargeError{StatusCode: resp.StatusCode, Header: resp.Header, Limit: b.limit}
	}
	resp.Body = &bufferedBody{Reader: bytes.NewReader(data), data: data}
	return resp, nil
}

// readBody reads at most limit+1 bytes, in one allocation when the length is known.
func readBody(r io.Reader, length, limit int64) ([]byte, error) {
	if length >= 0 {
		buf := make([]byte, length)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(io.LimitReader(r, limit+1))
}

// bufferedBody is a response body already in memory.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }

// bodyBytes returns the whole body of a response that went through bufferingTransport.
func bodyBytes(resp *http.Response) []byte {
	if b, ok := resp.Body.(*bufferedBody); ok {
		return b.data
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, MaxBodySize))
	resp.Body.Close()
	return data
}
