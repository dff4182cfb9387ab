package envelope

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// faultWait bounds how long a fault test waits for something that must
// happen; it only matters when the test is about to fail.
const faultWait = 10 * time.Second

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(faultWait):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// rawGet sends a GET over a fresh connection and returns it with a reader
// positioned after the request, so the test controls when to hang up.
func rawGet(t *testing.T, addr, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
	require.NoError(t, err)
	return c, bufio.NewReader(c)
}

// TestClientDisconnects hangs up in the middle of a large success body and
// before an error body is written. In both cases the handler returns, the
// cut-short error body is logged, and the server goes on serving others.
func TestClientDisconnects(t *testing.T) {
	t.Parallel()
	rec, logger := newLogRecorder()
	ew, err := NewErrorWriter(Config{Logger: logger})
	require.NoError(t, err)
	mw, err := Middleware(MiddlewareOptions{ErrorWriter: ew, Logger: logger})
	require.NoError(t, err)
	streamDone := make(chan struct{})
	errorWaiting := make(chan struct{})
	errorDone := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/stream", func(w http.ResponseWriter, _ *http.Request) {
		defer close(streamDone)
		chunk := []byte(strings.Repeat("a", 32<<10))
		for range 4096 { // 128 MiB: far more than the socket buffers hold
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) {
		defer close(errorDone)
		close(errorWaiting)
		<-r.Context().Done() // net/http saw the client hang up
		// A body far larger than socket buffers, so writing it reaches
		// the closed connection.
		Write(w, r, Conflict("x").WithDetails(strings.Repeat("d", 8<<20)))
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	srv := serve(t, mw(mux))
	addr := srv.Listener.Addr().String()

	t.Run("mid-stream", func(t *testing.T) {
		c, br := rawGet(t, addr, "/stream")
		line, err := br.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, "HTTP/1.1 200 OK\r\n", line)
		_, err = io.ReadFull(br, make([]byte, 64<<10))
		require.NoError(t, err)
		require.NoError(t, c.Close())
		waitFor(t, streamDone, "the streaming handler to return")
	})
	t.Run("before the error body", func(t *testing.T) {
		c, _ := rawGet(t, addr, "/error")
		waitFor(t, errorWaiting, "the handler")
		require.NoError(t, c.Close())
		waitFor(t, errorDone, "the error handler to return")
		assert.Contains(t, loggedMessages(rec), "envelope: error body not fully written")
	})
	resp, body := do(t, srv, http.MethodGet, "/ok", nil, nil)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "ok", string(body))
}

// failingWriter is a ResponseWriter whose Write always fails.
type failingWriter struct {
	http.ResponseWriter
	writes int
}

func (f *failingWriter) Write([]byte) (int, error) {
	f.writes++
	return 0, errors.New("disk on fire")
}

func (f *failingWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// TestWriterFails puts a ResponseWriter whose Write fails under the error
// writer: Write tries once, does not panic, and logs that the body was not
// written; the server goes on serving.
func TestWriterFails(t *testing.T) {
	t.Parallel()
	ew, rec := recordingWriter(t)
	var mu sync.Mutex
	writes := 0
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			fw := &failingWriter{ResponseWriter: w}
			ew.Write(fw, r, Conflict("x"))
			mu.Lock()
			writes += fw.writes
			mu.Unlock()
			return
		}
		ew.Write(w, r, NotFound("y"))
	}))
	resp, body := do(t, srv, http.MethodGet, "/fail", nil, nil)
	assert.Equal(t, 409, resp.StatusCode, "the status line went out")
	assert.Empty(t, body, "the body did not")
	mu.Lock()
	assert.Equal(t, 1, writes)
	mu.Unlock()
	logs := rec.all()
	require.NotEmpty(t, logs)
	assert.Equal(t, "envelope: error body not fully written", logs[0].msg)
	assert.Equal(t, slog.LevelWarn, logs[0].level)
	assert.Equal(t, "disk on fire", logs[0].attrs["error"])
	resp, body = do(t, srv, http.MethodGet, "/other", nil, nil)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Contains(t, string(body), `"not_found"`)
}

// blockingHandler blocks every record of a request to /block until
// released, and passes the others.
type blockingHandler struct {
	blocked chan struct{} // closed when a record is blocked
	release chan struct{}
	once    sync.Once
}

func (h *blockingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *blockingHandler) Handle(_ context.Context, r slog.Record) error {
	block := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "path" && a.Value.String() == "/block" {
			block = true
		}
		return true
	})
	if block {
		h.once.Do(func() { close(h.blocked) })
		<-h.release
	}
	return nil
}
func (h *blockingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *blockingHandler) WithGroup(string) slog.Handler      { return h }

// TestBlockingLogger shows that a logger that blocks holds up only the
// request it logs for: Write holds no lock while logging, so other requests,
// error responses included, are served meanwhile. The blocked request
// completes, intact, when the logger returns.
func TestBlockingLogger(t *testing.T) {
	t.Parallel()
	bh := &blockingHandler{blocked: make(chan struct{}), release: make(chan struct{})}
	ew, err := NewErrorWriter(Config{Logger: slog.New(bh)})
	require.NoError(t, err)
	mw, err := Middleware(MiddlewareOptions{ErrorWriter: ew, Logger: slog.New(bh)})
	require.NoError(t, err)
	srv := serve(t, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, fmt.Errorf("unexpected on %s", r.URL.Path))
	})))
	type result struct {
		status int
		body   []byte
		err    error
	}
	blockedResult := make(chan result, 1)
	go func() {
		resp, err := srv.Client().Get(srv.URL + "/block")
		if err != nil {
			blockedResult <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		blockedResult <- result{resp.StatusCode, b, err}
	}()
	waitFor(t, bh.blocked, "the logger to block")
	for range 20 {
		resp, body := do(t, srv, http.MethodGet, "/other", nil, nil)
		assert.Equal(t, 500, resp.StatusCode)
		assertWellFormed(t, resp.Header, body)
	}
	close(bh.release)
	r := <-blockedResult
	require.NoError(t, r.err)
	assert.Equal(t, 500, r.status)
	assert.Contains(t, string(r.body), `"internal"`)
}

// secretStringer panics with text that must not reach the wire.
type secretStringer struct{}

func (secretStringer) String() string { panic("SECRET") }

// TestPanickingHooks covers user code that panics inside the error path: a
// log handler (for Write and for Recover), an OnError hook, and a localized
// message argument whose String method panics. Each response is still a
// clean envelope, nothing of the panic reaches the wire, and the server
// goes on serving.
func TestPanickingHooks(t *testing.T) {
	t.Parallel()
	loc, err := NewLocalizer(LocalizerOptions{})
	require.NoError(t, err)
	hookRec, hookLogger := newLogRecorder()
	badClock, err := NewRateLimitHeaders(RateLimitConfig{Now: func() time.Time { panic("SECRET") }})
	require.NoError(t, err)
	cases := []struct {
		name    string
		cfg     Config
		recover *slog.Logger
		fail    func(w http.ResponseWriter, r *http.Request)
		status  int
		check   func(t *testing.T, body map[string]any)
	}{
		{name: "panicking logger", cfg: Config{Logger: panickyLogger()}, status: 500,
			fail: func(w http.ResponseWriter, r *http.Request) { Write(w, r, errors.New("SECRET")) }},
		{name: "panicking logger in Recover", cfg: Config{Logger: panickyLogger()}, recover: panickyLogger(), status: 500,
			fail: func(http.ResponseWriter, *http.Request) { panic("SECRET") }},
		{name: "panicking OnError", cfg: Config{Logger: hookLogger, OnError: func(*http.Request, int, *APIError) { panic("SECRET") }}, status: 409,
			fail: func(w http.ResponseWriter, r *http.Request) { Write(w, r, Conflict("x")) },
			check: func(t *testing.T, _ map[string]any) {
				assert.Contains(t, loggedMessages(hookRec), "envelope: OnError panicked")
			}},
		// A panicking rate-limit clock escapes Write; Recover turns it
		// into a clean 500, without the rate-limit headers.
		{name: "panicking rate-limit clock", cfg: Config{Logger: discardLogger(), RateLimit: badClock}, status: 500,
			fail: func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, RateLimitedBy(Bucket{Policy: "p", Limit: 10, Window: time.Minute, Denied: true}))
			},
			check: func(t *testing.T, body map[string]any) {
				assert.Equal(t, "internal", body["code"])
			}},
		{name: "panicking field argument", cfg: Config{Logger: discardLogger(), Localizer: loc}, status: 400,
			fail: func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, Validation("").WithFields(FieldError{Field: "name", Code: "min_length", Args: []any{panickyStringer{}}}))
			},
			check: func(t *testing.T, body map[string]any) {
				assert.Equal(t, map[string]any{"name": "ist ungültig"}, body["fields"], "the generic field message")
			}},
		{name: "field argument panicking with text", cfg: Config{Logger: discardLogger(), Localizer: loc}, status: 400,
			fail: func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, Validation("").WithFields(FieldError{Field: "name", Code: "min_length", Args: []any{secretStringer{}}}))
			},
			check: func(t *testing.T, body map[string]any) {
				assert.Equal(t, map[string]any{"name": "ist ungültig"}, body["fields"], "the generic field message")
			}},
		{name: "panicking code argument", cfg: Config{Logger: discardLogger(), Localizer: loc}, status: 400,
			fail: func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, New(CodeValidation, "").WithArgs(panickyStringer{}).WithFields(FieldError{Field: "a", Code: "min", Args: []any{panickyStringer{}}}))
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ew, err := NewErrorWriter(c.cfg)
			require.NoError(t, err)
			rl := c.recover
			if rl == nil {
				rl = discardLogger()
			}
			mw, err := Middleware(MiddlewareOptions{ErrorWriter: ew, Logger: rl})
			require.NoError(t, err)
			srv := serve(t, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/ok" {
					_, _ = io.WriteString(w, "ok")
					return
				}
				c.fail(w, r)
			})))
			for range 3 {
				resp, body := do(t, srv, http.MethodGet, "/", http.Header{"Accept-Language": {"de"}}, nil)
				assert.Equal(t, c.status, resp.StatusCode)
				assertWellFormed(t, resp.Header, body)
				assertNoLeak(t, c.name, resp.Header, body, "SECRET")
				assert.NotContains(t, string(body), "PANIC")
				if c.check != nil {
					c.check(t, decodeBody(t, body))
				}
				resp, body = do(t, srv, http.MethodGet, "/ok", nil, nil)
				assert.Equal(t, 200, resp.StatusCode)
				assert.Equal(t, "ok", string(body))
			}
		})
	}
}
