package envelope

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chunked hides the length of r, so the client sends it chunked.
type chunked struct{ io.Reader }

// echoBody returns a handler that counts its calls and echoes the body it
// reads, returning the read error (a *http.MaxBytesError past the limit).
func echoBody(ran *atomic.Int32) http.Handler {
	return HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		ran.Add(1)
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    io.Reader
		status  int
		handler bool // the handler ran
	}{
		{"within limit", strings.NewReader("0123456789"), 200, true},
		{"no body", nil, 200, true},
		{"Content-Length over", strings.NewReader("0123456789x"), 413, false},
		{"chunked within", chunked{strings.NewReader("0123")}, 200, true},
		{"chunked at the limit", chunked{strings.NewReader("0123456789")}, 200, true},
		{"chunked over", chunked{strings.NewReader(strings.Repeat("x", 100))}, 413, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ran atomic.Int32
			srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{MaxBodyBytes: 10}, echoBody(&ran)))
			resp, body := do(t, srv, http.MethodPost, "/", nil, tt.body)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.handler, ran.Load() == 1)
			if tt.status != http.StatusRequestEntityTooLarge {
				return
			}
			m := decodeBody(t, body)
			assert.Equal(t, "payload_too_large", m["code"])
			assert.Equal(t, "The request body must not exceed 10 bytes.", m["message"])
			assert.Equal(t, resp.Header.Get("X-Request-Id"), m["requestId"])
			assert.Empty(t, resp.Header.Get("Retry-After"), "the limit is not temporary")
			assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
			assert.True(t, resp.Close, "the connection is closed rather than the rest of the body read")
		})
	}
}

// MaxBodyBytes zero means no limit; a negative one is refused with an
// error, not a panic (v1's BodyLimit panicked on a limit below one).
func TestBodyLimitOptions(t *testing.T) {
	t.Parallel()
	var ran atomic.Int32
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{MaxBodyBytes: 0}, echoBody(&ran)))
	big := strings.Repeat("x", 1<<20)
	resp, body := do(t, srv, http.MethodPost, "/", nil, strings.NewReader(big))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, len(big), len(body))

	for _, n := range []int64{-1, -1 << 40} {
		var mw func(http.Handler) http.Handler
		var err error
		require.NotPanics(t, func() { mw, err = Middleware(MiddlewareOptions{MaxBodyBytes: n}) })
		require.Error(t, err, "%d", n)
		assert.Equal(t, fmt.Sprintf("envelope: MaxBodyBytes %d is negative", n), err.Error())
		assert.Nil(t, mw)
	}
	_, err := Middleware(MiddlewareOptions{MaxBodyBytes: 1})
	assert.NoError(t, err)
}

// readResponse reads one response from c, failing the test if none comes
// within waitBound.
func readResponse(t *testing.T, c net.Conn, method string) (*http.Response, []byte) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(waitBound)))
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	require.NoError(t, err, "a response, without the client sending the body")
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// A Content-Length over the limit is refused before the handler runs and
// before any of the body is read: a client that sends only the headers
// (or waits for 100 Continue) gets its 413 at once, and the connection is
// closed.
func TestBodyLimitContentLengthNotRead(t *testing.T) {
	t.Parallel()
	var ran atomic.Int32
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{MaxBodyBytes: 1 << 10}, echoBody(&ran)))
	for _, expect := range []string{"", "Expect: 100-continue\r\n"} {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		_, err = fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n%s\r\n", expect)
		require.NoError(t, err)
		resp, body := readResponse(t, c, http.MethodPost)
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "%q", expect)
		assert.True(t, resp.Close, "Connection: close")
		assert.Equal(t, "payload_too_large", decodeBody(t, body)["code"])
		assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	}
	assert.Zero(t, ran.Load(), "the handler never ran")
}

// A chunked body that runs over the limit is answered as soon as the
// handler has read past it, without waiting for the rest of the body.
func TestBodyLimitChunkedOverrunNotDrained(t *testing.T) {
	t.Parallel()
	var ran atomic.Int32
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{MaxBodyBytes: 10}, echoBody(&ran)))
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	chunk := strings.Repeat("x", 100)
	// One chunk over the limit, and never the last chunk.
	_, err = fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(chunk), chunk)
	require.NoError(t, err)
	resp, body := readResponse(t, c, http.MethodPost)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.True(t, resp.Close, "Connection: close")
	assert.Equal(t, "The request body must not exceed 10 bytes.", decodeBody(t, body)["message"])
	assert.Equal(t, int32(1), ran.Load())
}

// DecodeRequest inside the chain reports the overrun as the same 413.
func TestBodyLimitWithDecodeRequest(t *testing.T) {
	t.Parallel()
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{MaxBodyBytes: 16}, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		if err := DecodeRequest(r, &v); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})))
	h := []string{"Content-Type", "application/json"}
	resp, _ := fetch(t, srv, http.MethodPost, "/", strings.NewReader(`{"a":1}`), h...)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, body := fetch(t, srv, http.MethodPost, "/", chunked{strings.NewReader(`{"a":"far too long for the limit"}`)}, h...)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Equal(t, "payload_too_large", decodeBody(t, body)["code"])
}

// The limit never modifies a request it did not make: with the chain
// wrapped twice, the inner layer caps the body on a copy of its own, so the
// handler between the two layers still holds its own body; and the cap is
// the inner one.
func TestBodyLimitInnerChainCopiesTheRequest(t *testing.T) {
	t.Parallel()
	var ran atomic.Int32
	inner := chainFor(t, quietWriter(t), MiddlewareOptions{MaxBodyBytes: 4}, echoBody(&ran))
	between := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		before := r.Body
		inner.ServeHTTP(w, r)
		if r.Body != before {
			panic("the inner chain replaced the body of the request it was given")
		}
	})
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{}, between))
	resp, body := do(t, srv, http.MethodPost, "/", nil, chunked{strings.NewReader("0123456789")})
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "%s", body)
	assert.Equal(t, "payload_too_large", decodeBody(t, body)["code"])
	resp, body = do(t, srv, http.MethodPost, "/", nil, chunked{strings.NewReader("0123")})
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "0123", string(body))
}
