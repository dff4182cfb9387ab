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
		inner         http.ResponseWriter
		flush, hijack bool
	}{
		{"bare", &bareWriter{}, false, false},
		{"recorder (flush only)", httptest.NewRecorder(), true, false},
		{"hijack only", &hijackOnly{}, false, true},
		{"flush through Unwrap", unwrapOnly{httptest.NewRecorder()}, true, false},
		{"bare through Unwrap", unwrapOnly{&bareWriter{}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for name, w := range map[string]http.ResponseWriter{
				"chain":  (&responseWriter{w: tt.inner}).public(),
				"router": withCapabilities[*routerErrorWriter](&routerErrorWriter{w: tt.inner}, tt.inner),
			} {
				_, f := w.(http.Flusher)
				_, h := w.(http.Hijacker)
				assert.Equal(t, tt.flush, f, "%s Flusher", name)
				assert.Equal(t, tt.hijack, h, "%s Hijacker", name)
				u, ok := w.(interface{ Unwrap() http.ResponseWriter })
				require.True(t, ok, name)
				assert.Equal(t, tt.inner, u.Unwrap(), name)
				err := http.NewResponseController(w).Flush()
				if tt.flush {
					assert.NoError(t, err, name)
				} else {
					assert.ErrorIs(t, err, http.ErrNotSupported, name)
				}
			}
		})
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

// Write refuses a second body once the handler started its response.
func TestResponseWriterBlocksSecondBody(t *testing.T) {
	t.Parallel()
	ew, rec := recordingWriter(t)
	h := Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"partial":`))
		ew.Write(w, r, Internal(""))
	}))
	srv := serve(t, h)
	resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, `{"partial":`, string(body))
	logs := rec.all()
	require.Len(t, logs, 1)
	assert.Contains(t, logs[0].msg, "after the response started")
}

// Streaming through the wrapper: each flushed chunk reaches the client
// while the handler still runs, and deadlines work through Unwrap.
func TestResponseControllerThroughChain(t *testing.T) {
	t.Parallel()
	next := make(chan struct{})
	h := Protect(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		rc := http.NewResponseController(w)
		require.NoError(t, rc.SetWriteDeadline(time.Now().Add(time.Minute)))
		require.NoError(t, rc.SetReadDeadline(time.Time{}))
		require.NoError(t, rc.EnableFullDuplex())
		for _, chunk := range []string{"one\n", "two\n"} {
			_, _ = io.WriteString(w, chunk)
			require.NoError(t, rc.Flush())
			<-next // the client has read the chunk: it was flushed
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
