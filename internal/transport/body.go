package transport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// tooLargeError reports a response body over the size limit; the body was not read. Do turns it
// into a Response with TooLarge set.
type tooLargeError struct {
	StatusCode int
	Header     http.Header
	Limit      int64
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("response body exceeds %d MiB", e.Limit>>20)
}

// bufferingTransport reads every response body whole, within the attempt: a connection that
// breaks mid-body is then a failed attempt (and retried like one), the per-attempt timeout covers
// the body, and the connection goes back to the pool before any retry decision. A body over the
// limit is never read into memory.
//
// It also enforces the per-attempt timeout, rather than http.Client.Timeout: net/http handles a
// Client.Timeout over a RoundTripper it does not know (this one) with a timer, a goroutine and a
// body wrapper per request, where a context deadline costs one context.
type bufferingTransport struct {
	base  http.RoundTripper
	limit int64
}

func (b *bufferingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	var timeout time.Duration // the call's per-attempt timeout
	st, _ := parent.Value(attemptKey{}).(*attempt)
	if st != nil {
		timeout = st.call.Timeout
	}
	if timeout > 0 {
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel() // the body is read whole before this returns
		req = req.WithContext(ctx)
		resp, err := b.roundTrip(req, st)
		if err != nil && ctx.Err() == context.DeadlineExceeded && parent.Err() == nil {
			err = &attemptTimeoutError{limit: timeout, err: err}
		}
		return resp, err
	}
	return b.roundTrip(req, st)
}

// roundTrip runs one attempt and reads its body whole. When the body is too large or breaks off,
// the answer's header goes to st (the call's state, if any) as unreadHeader: the server answered,
// and counted the request, so its rate-limit window must be heard even though the attempt failed.
func (b *bufferingTransport) roundTrip(req *http.Request, st *attempt) (*http.Response, error) {
	resp, err := b.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	var data []byte
	tooLarge := resp.ContentLength > b.limit // then the body is not read at all
	if !tooLarge {
		data, tooLarge, err = readBody(resp.Body, resp.ContentLength, b.limit)
	}
	resp.Body.Close()
	if (err != nil || tooLarge) && st != nil {
		st.unreadHeader = resp.Header
	}
	if err != nil {
		return nil, err
	}
	if tooLarge {
		return nil, &tooLargeError{StatusCode: resp.StatusCode, Header: resp.Header, Limit: b.limit}
	}
	bb := &bufferedBody{data: data}
	bb.Reset(data)
	resp.Body = bb
	return resp, nil
}

// readBody reads a whole body, or reports that it is over limit after reading limit+1 bytes. A
// known length is read in one allocation. An unknown one is read in chunks of growing size (4 KiB
// doubling to 1 MiB) joined once at the end: a body over the limit then costs about the limit in
// memory, where io.ReadAll's append growth would allocate some five times the limit to find out.
func readBody(r io.Reader, length, limit int64) (data []byte, tooLarge bool, err error) {
	if length >= 0 {
		buf := make([]byte, length)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, false, err
		}
		return buf, false, nil
	}
	var (
		chunks [][]byte
		total  int64
		size   int64 = 4 << 10
	)
	for {
		buf := make([]byte, min(size, limit+1-total))
		n, err := fill(r, buf)
		total += int64(n)
		if n > 0 {
			chunks = append(chunks, buf[:n])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false, err
		}
		if total > limit {
			return nil, true, nil
		}
		size = min(size*2, 1<<20)
	}
	switch len(chunks) {
	case 0:
		return []byte{}, false, nil
	case 1:
		return chunks[0], false, nil
	}
	data = make([]byte, 0, total)
	for _, c := range chunks {
		data = append(data, c...)
	}
	return data, false, nil
}

// fill reads into buf until it is full or r fails. Unlike io.ReadFull it hands back r's own error:
// io.ReadFull reports a short read ending in io.EOF as io.ErrUnexpectedEOF, which cannot then be told
// apart from the io.ErrUnexpectedEOF of a chunked body cut off mid-stream, a broken connection.
func fill(r io.Reader, buf []byte) (n int, err error) {
	for n < len(buf) && err == nil {
		var m int
		m, err = r.Read(buf[n:])
		n += m
	}
	return n, err
}

// attemptTimeoutError is an attempt that ran out of its per-attempt time (the caller's context
// still being live). Like net/http's own Client.Timeout error it is a net.Error whose Timeout is
// true, and it matches context.DeadlineExceeded.
type attemptTimeoutError struct {
	limit time.Duration
	err   error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("%v (per-attempt timeout of %s exceeded)", e.err, e.limit)
}
func (e *attemptTimeoutError) Unwrap() error   { return e.err }
func (e *attemptTimeoutError) Timeout() bool   { return true }
func (e *attemptTimeoutError) Temporary() bool { return true }

// bufferedBody is a response body already in memory: one allocation, its reader included.
type bufferedBody struct {
	bytes.Reader
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
