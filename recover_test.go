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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// panicChain returns the chain with opts whose Writer logs to a recorder:
// the Writer's logger receives both its error records and the recovered
// panics, so the test can count every record.
func panicChain(t *testing.T, opts MiddlewareOptions) (func(http.Handler) http.Handler, *logRecorder) {
	t.Helper()
	rec, logger := newLogRecorder()
	opts.Writer = newWriter(t, WriterOptions{Logger: logger})
	mw, err := Middleware(opts)
	require.NoError(t, err)
	return mw, rec
}

const (
	msgPanic      = "envelope: panic recovered"
	msgPanicLate  = "envelope: panic after the response started; aborting it"
	msgPanicHijak = "envelope: panic after hijacking the connection"
)

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
		{"String panics", secretStringer{}, "formatting panicked"},
		{"huge", huge, "xxxx"},
		{"control characters", "line1\nFAKE level=INFO msg=forged\x1b[31m", `line1\nFAKE`},
		{"int", 42, "42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mw, rec := panicChain(t, MiddlewareOptions{})
			h := mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				h := w.Header()
				h.Set("Content-Type", "text/html")
				h.Set("Content-Length", "12345")
				h.Set("Etag", `"v1"`)
				h.Set("Set-Cookie", "session=half-done")
				h.Set("Location", "/half-done")
				h.Set("Refresh", "0; url=/x")
				h.Set("Retry-After", "5")
				h.Set("Link", "</next>; rel=next")
				h.Set("Trailer", "X-Checksum")
				h.Set(http.TrailerPrefix+"X-Sum", "1")
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
			for _, k := range []string{"Etag", "Set-Cookie", "Location", "Refresh", "Retry-After", "Link", "Trailer"} {
				assert.Empty(t, resp.Header.Values(k), k)
			}
			assert.Empty(t, resp.Trailer)
			assert.Equal(t, int64(len(body)), resp.ContentLength)
			assert.JSONEq(t, `{"code":"internal","message":"An internal error occurred.","requestId":"req-7"}`, string(body))

			l := rec.waitMsg(t, msgPanic)
			assert.Equal(t, "req-7", l.attrs["requestId"])
			assert.Equal(t, "GET", l.attrs["method"])
			assert.Equal(t, "/things/1", l.attrs["path"])
			assert.Equal(t, "false", l.attrs["responseStarted"])
			assert.Contains(t, l.attrs["panic"], tt.wantPanic)
			assert.NotContains(t, l.attrs["panic"], "SECRET", "a String that panics does not leak its panic")
			assert.LessOrEqual(t, len(l.attrs["panic"]), maxLoggedBytes+8)
			assert.False(t, containsControl(l.attrs["panic"]), "escaped: %q", l.attrs["panic"])
			assert.Contains(t, l.attrs["stack"], "TestRecoverBeforeResponse")
			assert.LessOrEqual(t, len(l.attrs["stack"]), maxPanicStackBytes)
			srv.Close() // waits for the handler to return
			assert.Len(t, rec.all(), 1, "logged exactly once: the writer does not log the 500 again")
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
			_ = http.NewResponseController(w).Flush()
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
			mw, rec := panicChain(t, MiddlewareOptions{})
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
			l := rec.waitMsg(t, msgPanicLate)
			assert.Equal(t, "late boom", l.attrs["panic"])
			assert.Equal(t, "true", l.attrs["responseStarted"])
			want := tt.status
			if want == 0 {
				want = http.StatusOK
				if tt.name == "WriteHeader only" {
					want = http.StatusAccepted
				}
			}
			assert.Equal(t, fmt.Sprint(want), l.attrs["status"])
			srv.Close()
			assert.Len(t, rec.all(), 1, "logged exactly once")
			assert.Empty(t, serverLog.String(), "no superfluous WriteHeader, no second panic log")
		})
	}
}

// unwrapPanics is a panic value whose Unwrap panics: not an abort, and it
// cannot crash the recovery.
type unwrapPanics struct{}

func (unwrapPanics) Error() string { return "unwrap panics" }
func (unwrapPanics) Unwrap() error { panic("Unwrap panicked") }

// http.ErrAbortHandler, or any error that errors.Is it, is an abort: the
// chain re-panics with http.ErrAbortHandler itself (net/http recognizes
// only that value), logs nothing, and net/http closes the connection
// without logging.
func TestRecoverAbortHandlerPropagates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value error
		flush bool // the response started first
	}{
		{"itself", http.ErrAbortHandler, false},
		{"wrapped", fmt.Errorf("client gone: %w", http.ErrAbortHandler), false},
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", http.ErrAbortHandler)), false},
		{"joined", errors.Join(errors.New("x"), http.ErrAbortHandler), false},
		{"custom Is", abortIs{}, false},
		{"wrapped custom Is", fmt.Errorf("x: %w", abortIs{}), false},
		{"after the response started", fmt.Errorf("late: %w", http.ErrAbortHandler), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			mw, rec := panicChain(t, MiddlewareOptions{})
			got := make(chan any, 1)
			inner := mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tt.flush {
					_, _ = w.Write([]byte("partial"))
					w.(http.Flusher).Flush()
				}
				panic(tt.value)
			}))
			srv, serverLog := serveLogged(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() {
					p := recover()
					got <- p
					panic(p)
				}()
				inner.ServeHTTP(w, r)
			}))
			resp, err := srv.Client().Get(srv.URL)
			if tt.flush {
				require.NoError(t, err)
				_, err = io.ReadAll(resp.Body)
				_ = resp.Body.Close()
			}
			require.Error(t, err, "the response is aborted")
			p := receive(t, got, "the panic out of the chain")
			assert.Same(t, http.ErrAbortHandler, p, "re-panicked as http.ErrAbortHandler itself")
			srv.Close()
			assert.Empty(t, rec.all(), "an abort is not logged")
			assert.Empty(t, serverLog.String(), "nor by net/http")
		})
	}
	t.Run("Unwrap panics", func(t *testing.T) {
		t.Parallel()
		mw, rec := panicChain(t, MiddlewareOptions{})
		srv := serve(t, mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(unwrapPanics{}) })))
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
		assert.Equal(t, "internal", decodeBody(t, body)["code"])
		assert.Equal(t, "unwrap panics", rec.waitMsg(t, msgPanic).attrs["panic"])
	})
}

// abortIs matches http.ErrAbortHandler through its own Is method, as
// errors.Is allows.
type abortIs struct{}

func (abortIs) Error() string        { return "custom abort" }
func (abortIs) Is(target error) bool { return target == http.ErrAbortHandler }

// returned wraps h so that done is closed once h has returned: a test whose
// client sees the connection end (a hijack) can then wait for the server
// side to finish logging, since srv.Close does not wait for a hijacked
// connection's handler.
func returned(done chan struct{}, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		h.ServeHTTP(w, r)
	})
}

func TestRecoverHijacked(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t, MiddlewareOptions{})
	done := make(chan struct{})
	srv, serverLog := serveLogged(t, returned(done, mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, brw, err := http.NewResponseController(w).Hijack()
		if !assert.NoError(t, err) {
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
		_ = brw.Flush()
		panic("after hijack")
	}))))
	resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "hi", string(body))
	assert.Empty(t, resp.Header.Values("X-Request-Id"), "the handler wrote its own response")
	waitFor(t, done, "the handler chain to return")
	require.Len(t, rec.all(), 1)
	assert.Equal(t, msgPanicHijak, rec.all()[0].msg)
	srv.Close()
	assert.Empty(t, serverLog.String(), "nothing written to the hijacked connection")
}

func TestRecoverHijackedThroughAssertion(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t, MiddlewareOptions{})
	done := make(chan struct{})
	srv, serverLog := serveLogged(t, returned(done, mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if !assert.NoError(t, err) {
			return
		}
		_ = conn.Close()
		panic("after hijack")
	}))))
	_, err := srv.Client().Get(srv.URL)
	require.Error(t, err)
	waitFor(t, done, "the handler chain to return")
	require.Len(t, rec.all(), 1)
	assert.Equal(t, msgPanicHijak, rec.all()[0].msg)
	srv.Close()
	assert.Empty(t, serverLog.String())
}

func TestRecoverHEAD(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t, MiddlewareOptions{})
	srv := serve(t, mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("head boom") })))
	resp, body := do(t, srv, http.MethodHead, "/", nil, nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Empty(t, body)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	assert.Equal(t, "HEAD", rec.waitMsg(t, msgPanic).attrs["method"])
	srv.Close()
	assert.Len(t, rec.all(), 1)
}

// The chain has no logger of its own: the Writer's logger receives the
// panic, with the request ID the chain gave the request. (v1's standalone
// Recover, without a request ID in front, is gone.)
func TestRecoverLogsThroughTheWriter(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t, MiddlewareOptions{})
	srv, serverLog := serveLogged(t, mw(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(fmt.Errorf("wrapped: %w", errors.New("cause")))
	})))
	resp, body := do(t, srv, http.MethodPost, "/x", nil, strings.NewReader("{}"))
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	m := decodeBody(t, body)
	assert.Equal(t, "internal", m["code"])
	l := rec.waitMsg(t, msgPanic)
	assert.Equal(t, "POST", l.attrs["method"])
	assert.Equal(t, "/x", l.attrs["path"])
	assert.Equal(t, "wrapped: cause", l.attrs["panic"])
	assert.Equal(t, resp.Header.Get("X-Request-Id"), l.attrs["requestId"])
	assert.Equal(t, m["requestId"], l.attrs["requestId"])
	srv.Close()
	assert.Empty(t, serverLog.String())
}

// An OnError hook sees the 500 of a recovered panic with a *PanicError as
// its cause: the panic value and the stack, for error reporting. None of
// it reaches the client.
func TestRecoverOnErrorSeesPanicError(t *testing.T) {
	t.Parallel()
	type seen struct {
		status int
		e      *APIError
	}
	got := make(chan seen, 4)
	ew := newWriter(t, WriterOptions{OnError: []func(*http.Request, int, *APIError){
		func(_ *http.Request, status int, e *APIError) { got <- seen{status, e} },
	}})
	cause := errors.New("db password=hunter2")
	for name, value := range map[string]any{
		"string": "secret-detail",
		"error":  fmt.Errorf("wrapped: %w", cause),
		"int":    42,
	} {
		t.Run(name, func(t *testing.T) {
			srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				panic(value)
			})))
			resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
			require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
			assert.JSONEq(t, fmt.Sprintf(`{"code":"internal","message":"An internal error occurred.","requestId":%q}`,
				resp.Header.Get("X-Request-Id")), string(body), "nothing of the panic on the wire")
			for k, vs := range resp.Header {
				for _, v := range vs {
					assert.NotContains(t, v, "secret", k)
					assert.NotContains(t, v, "goroutine", k)
				}
			}
			s := receive(t, got, "the OnError call")
			require.NotNil(t, s.e)
			assert.Equal(t, http.StatusInternalServerError, s.status)
			assert.Equal(t, CodeInternal, s.e.Code())
			var pe *PanicError
			require.ErrorAs(t, s.e, &pe)
			assert.Equal(t, value, pe.Value)
			assert.Contains(t, string(pe.Stack), "TestRecoverOnErrorSeesPanicError")
			assert.Contains(t, string(pe.Stack), "goroutine")
			assert.LessOrEqual(t, len(pe.Stack), maxPanicStackBytes)
			if name == "error" {
				assert.ErrorIs(t, s.e, cause, "the panic value's chain is reachable")
			}
			srv.Close()
			assert.Empty(t, got, "OnError called once")
		})
	}
}

// A handler that writes an error and then panics: Write already sent the
// error, so the panic only aborts. The server logs the panic after the
// client has its 404, so the test waits for the record.
func TestRecoverAfterWrite(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t, MiddlewareOptions{})
	srv, serverLog := serveLogged(t, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, NotFound(""))
		w.(http.Flusher).Flush()
		panic("after the error")
	})))
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	l := rec.waitMsg(t, msgPanicLate)
	assert.Equal(t, "404", l.attrs["status"])
	srv.Close()
	logs := rec.all()
	require.Len(t, logs, 2, "the 404 at debug level, then the panic")
	assert.Equal(t, "envelope: client error", logs[0].msg)
	assert.Equal(t, msgPanicLate, logs[1].msg)
	assert.Empty(t, serverLog.String())
}

// A panic after the router step held back or replaced a 404 page is still
// a panic before the response started: the clean 500, not the 404.
func TestRecoverAfterRouterPage(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t, MiddlewareOptions{})
	srv := serve(t, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bare" {
			w.WriteHeader(http.StatusNotFound)
		} else {
			http.NotFound(w, r)
		}
		panic("after the router page")
	})))
	for _, path := range []string{"/bare", "/text"} {
		resp, body := do(t, srv, http.MethodGet, path, nil, nil)
		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, path)
		assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), path)
		assert.Equal(t, "internal", decodeBody(t, body)["code"], path)
		l := rec.waitRecord(t, "the panic of "+path, func(l loggedRecord) bool { return l.attrs["path"] == path })
		assert.Equal(t, msgPanic, l.msg, path)
	}
}

// A panicking log handler cannot take the server down.
func TestRecoverLoggerPanics(t *testing.T) {
	t.Parallel()
	ew := newWriter(t, WriterOptions{Logger: panickyLogger()})
	srv, serverLog := serveLogged(t, chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("x") })))
	resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Equal(t, "internal", decodeBody(t, body)["code"])
	srv.Close()
	assert.Empty(t, serverLog.String())
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
	mw, rec := panicChain(t, MiddlewareOptions{})
	srv := serve(t, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("panic") {
			panic("concurrent")
		}
		Write(w, r, Conflict(""))
	})))
	const workers, each = 8, 10
	errs := make(chan error, workers*each)
	var n sync.WaitGroup
	for i := range workers {
		n.Add(1)
		go func() {
			defer n.Done()
			for j := range each {
				path, want := "/", http.StatusConflict
				if (i+j)%2 == 0 {
					path, want = "/?panic", http.StatusInternalServerError
				}
				resp, err := srv.Client().Get(srv.URL + path)
				if err != nil {
					errs <- err
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != want {
					errs <- fmt.Errorf("%s: status %d, want %d", path, resp.StatusCode, want)
				}
			}
		}()
	}
	n.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	srv.Close() // waits for every handler, and so every record
	assert.Equal(t, workers*each/2, rec.count(msgPanic))
	assert.Equal(t, workers*each/2, rec.count("envelope: client error"))
	assert.Len(t, rec.all(), workers*each)
}

// Over HTTP/2 the writer can flush but not hijack; a late panic resets
// the stream, so the client sees an error rather than a clean body.
func TestRecoverHTTP2(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t, MiddlewareOptions{})
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

	rec.waitMsg(t, msgPanic)
	rec.waitMsg(t, msgPanicLate)
	srv.Close()
	assert.Len(t, rec.all(), 2)
	assert.Empty(t, buf.String())
}
