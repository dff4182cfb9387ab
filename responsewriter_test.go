package envelope

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bareWriter is a ResponseWriter with no optional capability.
type bareWriter struct {
	h      http.Header
	status int
	body   strings.Builder
}

func (b *bareWriter) Header() http.Header {
	if b.h == nil {
		b.h = http.Header{}
	}
	return b.h
}
func (b *bareWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bareWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// unwrapOnly wraps a writer and offers nothing but Unwrap, like many
// third-party wrappers.
type unwrapOnly struct{ http.ResponseWriter }

func (u unwrapOnly) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// hijackOnly is a writer that can hijack but not flush.
type hijackOnly struct{ bareWriter }

func (*hijackOnly) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, http.ErrNotSupported
}

func TestResponseWriterCapabilities(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		inner         func() http.ResponseWriter
		flush, hijack bool
	}{
		{"bare", func() http.ResponseWriter { return &bareWriter{} }, false, false},
		{"recorder (flush only)", func() http.ResponseWriter { return httptest.NewRecorder() }, true, false},
		{"hijack only", func() http.ResponseWriter { return &hijackOnly{} }, false, true},
		{"flush through Unwrap", func() http.ResponseWriter { return unwrapOnly{httptest.NewRecorder()} }, true, false},
		{"bare through Unwrap", func() http.ResponseWriter { return unwrapOnly{&bareWriter{}} }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			chainInner, routerInner := tt.inner(), tt.inner()
			chainW := (&responseWriter{w: chainInner}).public()
			for name, c := range map[string]struct {
				w, inner http.ResponseWriter
			}{
				"chain":  {chainW, chainInner},
				"router": {withCapabilities[*routerErrorWriter](&routerErrorWriter{w: routerInner}, routerInner), routerInner},
				// The router step inside the chain: it looks through the
				// chain's wrapper to the writer below.
				"router in chain": {withCapabilities[*routerErrorWriter](&routerErrorWriter{w: chainW}, chainW), chainW},
			} {
				_, f := c.w.(http.Flusher)
				_, h := c.w.(http.Hijacker)
				assert.Equal(t, tt.flush, f, "%s Flusher", name)
				assert.Equal(t, tt.hijack, h, "%s Hijacker", name)
				u, ok := c.w.(interface{ Unwrap() http.ResponseWriter })
				require.True(t, ok, name)
				assert.Equal(t, c.inner, u.Unwrap(), name)
				err := http.NewResponseController(c.w).Flush()
				if tt.flush {
					assert.NoError(t, err, name)
				} else {
					assert.ErrorIs(t, err, http.ErrNotSupported, name)
				}
			}
		})
	}
}

// What a handler behind the whole chain can find by type assertion is
// what the writer below offers: a Flusher that would fail is never
// claimed, and one that is claimed works.
func TestChainCapabilitiesMatchTheWriterBelow(t *testing.T) {
	t.Parallel()
	for _, plain := range []bool{false, true} {
		for name, tt := range map[string]struct {
			w             func() http.ResponseWriter
			flush, hijack bool
		}{
			"bare":      {func() http.ResponseWriter { return &bareWriter{} }, false, false},
			"recorder":  {func() http.ResponseWriter { return httptest.NewRecorder() }, true, false},
			"hijack":    {func() http.ResponseWriter { return &hijackOnly{} }, false, true},
			"unwrapped": {func() http.ResponseWriter { return unwrapOnly{httptest.NewRecorder()} }, true, false},
		} {
			var flush, hijack bool
			var flushErr error
			h := chainFor(t, quietWriter(t), MiddlewareOptions{PlainRouterPages: plain}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, flush = w.(http.Flusher)
				_, hijack = w.(http.Hijacker)
				_, _ = w.Write([]byte("x"))
				flushErr = http.NewResponseController(w).Flush()
			}))
			h.ServeHTTP(tt.w(), httptest.NewRequest(http.MethodGet, "/", nil))
			assert.Equal(t, tt.flush, flush, "%s (plain pages %v) Flusher", name, plain)
			assert.Equal(t, tt.hijack, hijack, "%s (plain pages %v) Hijacker", name, plain)
			if tt.flush {
				assert.NoError(t, flushErr, name)
			} else {
				assert.ErrorIs(t, flushErr, http.ErrNotSupported, name)
			}
		}
	}
}

func TestResponseWriterStarted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		act     func(w http.ResponseWriter)
		started bool
		status  int
	}{
		{"nothing", func(http.ResponseWriter) {}, false, 0},
		{"header map only", func(w http.ResponseWriter) { w.Header().Set("X-A", "1") }, false, 0},
		{"103 Early Hints", func(w http.ResponseWriter) { w.WriteHeader(http.StatusEarlyHints) }, false, 0},
		{"101", func(w http.ResponseWriter) { w.WriteHeader(http.StatusSwitchingProtocols) }, true, 101},
		{"WriteHeader", func(w http.ResponseWriter) { w.WriteHeader(http.StatusTeapot) }, true, 418},
		{"Write", func(w http.ResponseWriter) { _, _ = w.Write(nil) }, true, 200},
		{"second WriteHeader ignored", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusCreated)
			w.WriteHeader(http.StatusConflict)
		}, true, 201},
		{"flush", func(w http.ResponseWriter) { w.(http.Flusher).Flush() }, true, 200},
		{"flush through a ResponseController", func(w http.ResponseWriter) {
			_ = http.NewResponseController(w).Flush()
		}, true, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rw := &responseWriter{w: httptest.NewRecorder()}
			tt.act(rw.public())
			assert.Equal(t, tt.started, rw.envelopeStarted())
			assert.Equal(t, tt.status, rw.status)
			assert.Equal(t, tt.started, responseStarted(rw.public()), "seen by Write")
			assert.Equal(t, tt.started, responseStarted(unwrapOnly{rw.public()}), "seen through Unwrap")
		})
	}
}

// Write refuses a second body once the handler started its response, and
// logs the error it could not send.
func TestResponseWriterBlocksSecondBody(t *testing.T) {
	t.Parallel()
	ew, rec := recordingWriter(t)
	for name, write := range map[string]func(http.ResponseWriter, *http.Request, error){
		"Writer.Write":  ew.Write,
		"package Write": Write,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(`{"partial":`))
				write(w, r, Internal("").WithCause(io.ErrClosedPipe))
			})))
			resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, `{"partial":`, string(body))
			id := resp.Header.Get("X-Request-Id")
			l := rec.waitRecord(t, "the refused error of "+id, func(l loggedRecord) bool { return l.attrs["requestId"] == id })
			assert.Equal(t, "envelope: error after the response started; nothing written", l.msg)
			assert.Equal(t, "internal", l.attrs["code"])
			assert.Contains(t, l.attrs["error"], io.ErrClosedPipe.Error())
		})
	}
}

// Streaming through the wrapper: each flushed chunk reaches the client
// while the handler still runs, and deadlines work through Unwrap.
func TestResponseControllerThroughChain(t *testing.T) {
	t.Parallel()
	next := make(chan struct{})
	h := chainFor(t, quietWriter(t), MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if !assert.NoError(t, rc.SetWriteDeadline(time.Now().Add(time.Minute))) ||
			!assert.NoError(t, rc.SetReadDeadline(time.Time{})) ||
			!assert.NoError(t, rc.EnableFullDuplex()) {
			return
		}
		for _, chunk := range []string{"one\n", "two\n"} {
			_, _ = io.WriteString(w, chunk)
			if !assert.NoError(t, rc.Flush()) {
				return
			}
			select {
			case <-next: // the client has read the chunk: it was flushed
			case <-r.Context().Done():
				return
			}
		}
	}))
	srv := serve(t, h)
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	br := bufio.NewReader(resp.Body)
	for _, want := range []string{"one\n", "two\n"} {
		line, err := br.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, want, line)
		next <- struct{}{}
	}
	rest, err := io.ReadAll(br)
	require.NoError(t, err)
	assert.Empty(t, rest)
}
