package envelope

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file put faults under the error path: a client that
// hangs up, a ResponseWriter that fails, a logger that blocks or panics,
// and user code that panics inside the writer.

// TestClientDisconnects hangs up in the middle of a large success body and
// before an error body is written. In both cases the handler returns, the
// cut-short error body is logged, and the server goes on serving others.
func TestClientDisconnects(t *testing.T) {
	t.Parallel()
	ew, rec := recordingWriter(t)
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
	srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, mux))
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
		r := rec.waitMsg(t, "envelope: error body not fully written")
		assert.Equal(t, slog.LevelWarn, r.level)
		assert.Equal(t, "409", r.attrs["status"])
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

// TestWriterFails puts a ResponseWriter whose Write fails under the
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
	r := rec.waitMsg(t, "envelope: error body not fully written")
	assert.Equal(t, slog.LevelWarn, r.level)
	assert.Equal(t, "disk on fire", r.attrs["error"])
	assert.Equal(t, "envelope: error body not fully written", rec.all()[0].msg, "the first record")
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
	ew := newWriter(t, WriterOptions{Logger: slog.New(bh)})
	srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	var r result
	select {
	case r = <-blockedResult:
	case <-time.After(waitBound):
		t.Fatal("timed out waiting for the blocked request")
	}
	require.NoError(t, r.err)
	assert.Equal(t, 500, r.status)
	assert.Contains(t, string(r.body), `"internal"`)
}

// TestPanickingHooks covers user code that panics inside the error path: a
// log handler (for Write and for the panic recovery, which both log
// through the writer's logger), a Prepare and an OnError hook, a
// rate-limit clock, and localized message arguments whose String method
// panics. Each response is still a clean envelope, nothing of the panic
// reaches the wire, and the server goes on serving.
func TestPanickingHooks(t *testing.T) {
	t.Parallel()
	loc, err := NewLocalizer(LocalizerOptions{})
	require.NoError(t, err)
	germanInvalid := builtinFieldsDE()["invalid"].Text
	cases := []struct {
		name   string
		opts   func(*logRecorder) WriterOptions
		fail   func(w http.ResponseWriter, r *http.Request)
		status int
		check  func(t *testing.T, body map[string]any, rec *logRecorder)
	}{
		{name: "panicking logger", status: 500,
			opts: func(*logRecorder) WriterOptions { return WriterOptions{Logger: panickyLogger()} },
			fail: func(w http.ResponseWriter, r *http.Request) { Write(w, r, errors.New("SECRET")) }},
		{name: "panicking logger in the panic recovery", status: 500,
			opts: func(*logRecorder) WriterOptions { return WriterOptions{Logger: panickyLogger()} },
			fail: func(http.ResponseWriter, *http.Request) { panic("SECRET") }},
		{name: "panicking Prepare", status: 500,
			opts: func(*logRecorder) WriterOptions {
				return WriterOptions{Prepare: func(*http.Request, *APIError) *APIError { panic("SECRET") }}
			},
			fail: func(w http.ResponseWriter, r *http.Request) { Write(w, r, Conflict("x")) },
			check: func(t *testing.T, body map[string]any, rec *logRecorder) {
				assert.Equal(t, "internal", body["code"])
				rec.waitMsg(t, "envelope: Prepare panicked; rendering a generic 500")
			}},
		{name: "panicking OnError", status: 409,
			opts: func(*logRecorder) WriterOptions {
				return WriterOptions{OnError: []func(*http.Request, int, *APIError){
					func(*http.Request, int, *APIError) { panic("SECRET") },
				}}
			},
			fail: func(w http.ResponseWriter, r *http.Request) { Write(w, r, Conflict("x")) },
			check: func(t *testing.T, _ map[string]any, rec *logRecorder) {
				rec.waitMsg(t, "envelope: OnError panicked")
			}},
		{name: "panicking OnError does not stop the next", status: 409,
			opts: func(rec *logRecorder) WriterOptions {
				return WriterOptions{OnError: []func(*http.Request, int, *APIError){
					func(*http.Request, int, *APIError) { panic("SECRET") },
					func(r *http.Request, status int, e *APIError) {
						slog.New(rec).Info("second hook ran", "status", status)
					},
				}}
			},
			fail: func(w http.ResponseWriter, r *http.Request) { Write(w, r, Conflict("x")) },
			check: func(t *testing.T, _ map[string]any, rec *logRecorder) {
				rec.waitMsg(t, "second hook ran")
			}},
		// A panicking rate-limit clock escapes Write; the panic recovery
		// turns it into a clean 500, without the rate-limit headers.
		{name: "panicking rate-limit clock", status: 500,
			opts: func(*logRecorder) WriterOptions {
				return WriterOptions{RateLimit: RateLimitOptions{Now: func() time.Time { panic("SECRET") }}}
			},
			fail: func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, RateLimited("").WithRateLimit(Bucket{Policy: "p", Limit: 10, Window: time.Minute, Denied: true}))
			},
			check: func(t *testing.T, body map[string]any, _ *logRecorder) {
				assert.Equal(t, "internal", body["code"])
			}},
		{name: "panicking field argument", status: 400,
			opts: func(*logRecorder) WriterOptions { return WriterOptions{Localizer: loc} },
			fail: func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, Validation("").WithFields(FieldError{Field: "name", Code: "min_length", Args: []any{panickyStringer{}}}))
			},
			check: func(t *testing.T, body map[string]any, _ *logRecorder) {
				assert.Equal(t, map[string]any{"name": germanInvalid}, body["fields"], "the generic field message")
			}},
		{name: "field argument panicking with text", status: 400,
			opts: func(*logRecorder) WriterOptions { return WriterOptions{Localizer: loc} },
			fail: func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, Validation("").WithFields(FieldError{Field: "name", Code: "min_length", Args: []any{secretStringer{}}}))
			},
			check: func(t *testing.T, body map[string]any, _ *logRecorder) {
				assert.Equal(t, map[string]any{"name": germanInvalid}, body["fields"], "the generic field message")
			}},
		{name: "panicking code argument", status: 400,
			opts: func(*logRecorder) WriterOptions { return WriterOptions{Localizer: loc} },
			fail: func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, New(CodeValidation, "").WithArgs(panickyStringer{}).WithFields(FieldError{Field: "a", Code: "min", Args: []any{panickyStringer{}}}))
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rec, logger := newLogRecorder()
			opts := c.opts(rec)
			if opts.Logger == nil {
				opts.Logger = logger
			}
			srv := serve(t, chainFor(t, newWriter(t, opts), MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
					c.check(t, decodeBody(t, body), rec)
				}
				resp, body = do(t, srv, http.MethodGet, "/ok", nil, nil)
				assert.Equal(t, 200, resp.StatusCode)
				assert.Equal(t, "ok", string(body))
			}
		})
	}
}
