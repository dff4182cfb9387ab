package envelope

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveLogged starts a real server whose own error log is captured.
func serveLogged(t *testing.T, h http.Handler) (*httptest.Server, *syncBuffer) {
	t.Helper()
	buf := &syncBuffer{}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(buf, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, buf
}

// panicChain returns the default chain whose ErrorWriter and panic logger
// both log to one recorder, so the test can count every record.
func panicChain(t *testing.T) (func(http.Handler) http.Handler, *logRecorder) {
	t.Helper()
	rec, logger := newLogRecorder()
	ew, err := NewErrorWriter(Config{Logger: logger})
	require.NoError(t, err)
	mw, err := Middleware(MiddlewareOptions{ErrorWriter: ew, Logger: logger})
	require.NoError(t, err)
	return mw, rec
}

type panickyStringer struct{}

func (panickyStringer) String() string { panic(panickyError{}) }

func TestRecoverBeforeResponse(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 1<<20)
	tests := []struct {
		name      string
		value     any
		wantPanic string // substring of the logged value
	}{
		{"string", "boom secret-detail", "boom secret-detail"},
		{"error", errors.New("db password=hunter2"), "db password=hunter2"},
		{"nil", nil, "nil"},
		{"Error panics", panickyError{}, "Error method panicked"},
		{"String panics", panickyStringer{}, "formatting panicked"},
		{"huge", huge, "xxxx"},
		{"control characters", "line1\nFAKE level=INFO msg=forged\x1b[31m", `line1\nFAKE`},
		{"int", 42, "42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mw, rec := panicChain(t)
			h := mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				h := w.Header()
				h.Set("Content-Type", "text/html")
				h.Set("Content-Length", "12345")
				h.Set("Etag", `"v1"`)
				h.Set("Set-Cookie", "session=half-done")
				h.Set("X-Frame-Options", "SAMEORIGIN")
				panic(tt.value)
			}))
			srv, serverLog := serveLogged(t, h)
			resp, body := do(t, srv, http.MethodGet, "/things/1", http.Header{"X-Request-Id": {"req-7"}}, nil)

			assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
			assert.Equal(t, "req-7", resp.Header.Get("X-Request-Id"))
			for k, v := range defaultSecurity {
				assert.Equal(t, []string{v}, resp.Header.Values(k), k)
			}
			assert.Empty(t, resp.Header.Values("Etag"))
			assert.Empty(t, resp.Header.Values("Set-Cookie"))
			assert.Equal(t, int64(len(body)), resp.ContentLength)
			m := decodeBody(t, body)
			assert.Equal(t, "internal", m["code"])
			assert.Equal(t, "An internal error occurred.", m["message"])
			assert.Equal(t, "req-7", m["requestId"])
			assert.NotContains(t, string(body), "secret")
			assert.NotContains(t, string(body), "hunter2")
			assert.NotContains(t, string(body), "goroutine")

			logs := rec.all()
			require.Len(t, logs, 1, "logged exactly once")
			l := logs[0]
			assert.Equal(t, "envelope: panic recovered", l.msg)
			assert.Equal(t, "req-7", l.attrs["requestId"])
			assert.Equal(t, "GET", l.attrs["method"])
			assert.Equal(t, "/things/1", l.attrs["path"])
			assert.Contains(t, l.attrs["panic"], tt.wantPanic)
			assert.LessOrEqual(t, len(l.attrs["panic"]), maxPanicValueBytes+8)
			assert.False(t, containsControl(l.attrs["panic"]), "escaped: %q", l.attrs["panic"])
			assert.Contains(t, l.attrs["stack"], "TestRecoverBeforeResponse")
			assert.LessOrEqual(t, len(l.attrs["stack"]), maxPanicStackBytes)
			assert.Empty(t, serverLog.String(), "net/http logged nothing")
		})
	}
}

func TestRecoverAfterResponseStarted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter)
		status  int // 0: the client sees no response at all
	}{
		{"WriteHeader only", func(w http.ResponseWriter) { w.WriteHeader(http.StatusAccepted) }, 0},
		{"buffered partial body", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"items":[1,2`)) }, 0},
		{"flushed partial body", func(w http.ResponseWriter) {
			_, _ = w.Write([]byte(`{"items":[1,2`))
			require.NoError(t, http.NewResponseController(w).Flush())
		}, http.StatusOK},
		{"flushed with Content-Length", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte(`{"items":[1,2`))
			w.(http.Flusher).Flush()
		}, http.StatusOK},
		{"flushed header", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusCreated)
			w.(http.Flusher).Flush()
		}, http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mw, rec := panicChain(t)
			srv, serverLog := serveLogged(t, mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				tt.handler(w)
				panic("late boom")
			})))
			resp, err := srv.Client().Get(srv.URL)
			if tt.status == 0 {
				require.Error(t, err, "the connection is closed without a response")
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.status, resp.StatusCode)
				body, rerr := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				require.Error(t, rerr, "the client sees a truncated body, not a clean one")
				assert.ErrorIs(t, rerr, io.ErrUnexpectedEOF)
				assert.NotContains(t, string(body), "internal")
			}
			logs := rec.all()
			require.Len(t, logs, 1, "logged exactly once")
			assert.Equal(t, "envelope: panic after the response started; aborting it", logs[0].msg)
			assert.Equal(t, "late boom", logs[0].attrs["panic"])
			assert.NotEmpty(t, logs[0].attrs["status"])
			assert.Empty(t, serverLog.String(), "no superfluous WriteHeader, no second panic log")
		})
	}
}

func TestRecoverAbortHandlerPropagates(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t)
	got := make(chan any, 1)
	inner := mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	srv, serverLog := serveLogged(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			got <- p
			panic(p)
		}()
		inner.ServeHTTP(w, r)
	}))
	_, err := srv.Client().Get(srv.URL)
	require.Error(t, err)
	assert.Same(t, http.ErrAbortHandler, <-got, "propagated untouched")
	assert.Empty(t, rec.all())
	assert.Empty(t, serverLog.String())
}

func TestRecoverHijacked(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t)
	done := make(chan struct{})
	srv, serverLog := serveLogged(t, returned(done, mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		require.NoError(t, err)
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
		_ = brw.Flush()
		panic("after hijack")
	}))))
	resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hi", string(body))
	waitReturned(t, done)
	logs := rec.all()
	require.Len(t, logs, 1)
	assert.Equal(t, "envelope: panic after hijacking the connection", logs[0].msg)
	assert.Empty(t, serverLog.String(), "nothing written to the hijacked connection")
}

func TestRecoverHijackedThroughAssertion(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t)
	done := make(chan struct{})
	srv, serverLog := serveLogged(t, returned(done, mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		require.NoError(t, err)
		_ = conn.Close()
		panic("after hijack")
	}))))
	_, err := srv.Client().Get(srv.URL)
	require.Error(t, err)
	waitReturned(t, done)
	require.Len(t, rec.all(), 1)
	assert.Empty(t, serverLog.String())
}

func TestRecoverHEAD(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t)
	srv := serve(t, mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("head boom") })))
	resp, body := do(t, srv, http.MethodHead, "/", nil, nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Empty(t, body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	assert.Len(t, rec.all(), 1)
}

func TestRecoverStandalone(t *testing.T) {
	t.Parallel()
	rec, logger := newLogRecorder()
	ew, err := NewErrorWriter(Config{Logger: logger})
	require.NoError(t, err)
	h := Recover(RecoverOptions{Logger: logger, ErrorWriter: ew})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(fmt.Errorf("wrapped: %w", errors.New("cause")))
	}))
	srv, serverLog := serveLogged(t, h)
	resp, body := do(t, srv, http.MethodPost, "/x", nil, strings.NewReader("{}"))
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Equal(t, "internal", decodeBody(t, body)["code"])
	logs := rec.all()
	require.Len(t, logs, 1)
	assert.Equal(t, "POST", logs[0].attrs["method"])
	assert.NotContains(t, logs[0].attrs, "requestId", "no request ID middleware in front")
	assert.Empty(t, serverLog.String())
}

func TestRecoverOnErrorSeesPanic(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var statuses []int
	var causes []error
	ew, err := NewErrorWriter(Config{
		Logger: discardLogger(),
		OnError: func(_ *http.Request, status int, e *APIError) {
			mu.Lock()
			defer mu.Unlock()
			statuses = append(statuses, status)
			causes = append(causes, errors.Unwrap(e))
		},
	})
	require.NoError(t, err)
	mw, err := Middleware(MiddlewareOptions{ErrorWriter: ew, Logger: discardLogger()})
	require.NoError(t, err)
	srv := serve(t, mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("x") })))
	resp, _ := do(t, srv, http.MethodGet, "/", nil, nil)
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []int{500}, statuses)
	require.Len(t, causes, 1)
	assert.ErrorAs(t, causes[0], new(recoveredPanic))
}

// A handler that writes an error and then panics: Write already sent the
// error, so the panic only aborts.
func TestRecoverAfterWrite(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t)
	srv, serverLog := serveLogged(t, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, NotFound(""))
		w.(http.Flusher).Flush()
		panic("after the error")
	})))
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	logs := rec.all()
	require.Len(t, logs, 2, "the 404 at debug level, then the panic")
	assert.Equal(t, "envelope: panic after the response started; aborting it", logs[1].msg)
	assert.Empty(t, serverLog.String())
}

// A panicking log handler cannot take the server down.
func TestRecoverLoggerPanics(t *testing.T) {
	t.Parallel()
	mw, err := Middleware(MiddlewareOptions{Logger: panickyLogger(), ErrorWriter: quietWriterNoT()})
	require.NoError(t, err)
	srv := serve(t, mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("x") })))
	resp, _ := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
}

func TestEscapeLogText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text: ok", "plain text: ok"},
		{"café", "café"},
		{"a\nb", `a\nb`},
		{"a\x00b", `a\x00b`},
		{"bad \xff", `bad \xff`},
		{"\u2028", `\u2028`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, escapeLogText(tt.in, 100), "%q", tt.in)
	}
	got := escapeLogText(strings.Repeat("é", 100), 11)
	assert.Equal(t, strings.Repeat("é", 5)+"…", got, "capped on a rune boundary")
}

func TestRecoverRace(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t)
	var n sync.WaitGroup
	srv := serve(t, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("panic") {
			panic("concurrent")
		}
		Write(w, r, Conflict(""))
	})))
	const workers, each = 8, 10
	errs := make(chan error, workers*each)
	for i := range workers {
		n.Add(1)
		go func() {
			defer n.Done()
			for j := range each {
				path := "/"
				if (i+j)%2 == 0 {
					path = "/?panic"
				}
				resp, err := srv.Client().Get(srv.URL + path)
				if err != nil {
					errs <- err
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusInternalServerError && resp.StatusCode != http.StatusConflict {
					errs <- fmt.Errorf("status %d", resp.StatusCode)
				}
			}
		}()
	}
	n.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	panics := 0
	for _, l := range rec.all() {
		if l.msg == "envelope: panic recovered" {
			panics++
		}
	}
	assert.Equal(t, workers*each/2, panics)
}

// Over HTTP/2 the writer can flush but not hijack; a late panic resets
// the stream, so the client sees an error rather than a clean body.
func TestRecoverHTTP2(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t)
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, canHijack := w.(http.Hijacker)
		w.Header().Set("X-Can-Hijack", fmt.Sprint(canHijack))
		if r.URL.Path == "/early" {
			panic("early")
		}
		_, _ = w.Write([]byte(`{"items":[`))
		w.(http.Flusher).Flush()
		panic("late")
	}))
	buf := &syncBuffer{}
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(buf, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	resp, err := srv.Client().Get(srv.URL + "/early")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 2, resp.ProtoMajor)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Equal(t, "false", resp.Header.Get("X-Can-Hijack"))
	assert.Equal(t, "internal", decodeBody(t, body)["code"])

	resp, err = srv.Client().Get(srv.URL + "/late")
	require.NoError(t, err)
	_, err = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Error(t, err, "the stream is reset")

	assert.Len(t, rec.all(), 2)
	assert.Empty(t, buf.String())
}

// returned wraps h so that done is closed once h has returned: a test whose
// client sees the connection end (a hijack) can then wait for the server
// side to finish logging before it looks at the log.
func returned(done chan struct{}, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		h.ServeHTTP(w, r)
	})
}

func waitReturned(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler chain never returned")
	}
}
