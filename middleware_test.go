package envelope

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProtectEveryResponse(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", okHandler)
	mux.Handle("GET /fail", HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		return Unauthorized("")
	}))
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	srv, serverLog := serveLogged(t, Protect(RouterErrors(mux)))
	for _, tt := range []struct {
		path   string
		status int
	}{{"/ok", 200}, {"/fail", 401}, {"/panic", 500}, {"/missing", 404}} {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			resp, _ := do(t, srv, http.MethodGet, tt.path, nil, nil)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Regexp(t, uuidV4, resp.Header.Get("X-Request-Id"))
			for k, v := range defaultSecurity {
				assert.Equal(t, []string{v}, resp.Header.Values(k), k)
			}
		})
	}
	t.Cleanup(func() { assert.Empty(t, serverLog.String()) })
}

func TestMiddlewareOptions(t *testing.T) {
	t.Parallel()
	f := FlatFormat()
	f.RequestIDHeader = "X-Correlation-Id"
	rec, logger := newLogRecorder()
	ew, err := NewErrorWriter(Config{Format: &f, Logger: logger})
	require.NoError(t, err)
	mw, err := Middleware(MiddlewareOptions{
		ErrorWriter:     ew,
		Logger:          logger,
		RequestID:       RequestIDOptions{IgnoreIncoming: true},
		SecurityHeaders: SecurityHeadersOptions{ReferrerPolicy: "strict-origin-when-cross-origin", HSTSAlways: true},
	})
	require.NoError(t, err)
	srv := serve(t, mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, Conflict("Already exists."))
	})))
	resp, body := do(t, srv, http.MethodGet, "/", http.Header{"X-Correlation-Id": {"client-chosen"}}, nil)
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	id := resp.Header.Get("X-Correlation-Id")
	assert.Regexp(t, uuidV4, id, "incoming ignored; header from the format")
	assert.Empty(t, resp.Header.Values("X-Request-Id"))
	assert.Equal(t, id, decodeBody(t, body)["requestId"], "package Write used the chain's ErrorWriter")
	assert.Equal(t, "strict-origin-when-cross-origin", resp.Header.Get("Referrer-Policy"))
	assert.Equal(t, defaultHSTS, resp.Header.Get("Strict-Transport-Security"))
	logs := rec.all()
	require.Len(t, logs, 1, "the ErrorWriter's logger got the 409")
	assert.Equal(t, id, logs[0].attrs["requestId"])
}

func TestMiddlewareInvalidOptions(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]MiddlewareOptions{
		"request ID header": {RequestID: RequestIDOptions{Header: "bad header"}},
		"security header":   {SecurityHeaders: SecurityHeadersOptions{FrameOptions: "ALLOWALL"}},
	} {
		mw, err := Middleware(opts)
		assert.Error(t, err, name)
		assert.Nil(t, mw, name)
	}
}

// The security headers on a panic's 500 are the configured ones, even
// where the handler had overridden them for its own body.
func TestMiddlewarePanicRestoresSecurityHeaders(t *testing.T) {
	t.Parallel()
	mw, _ := panicChain(t)
	srv := serve(t, mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src *")
		w.Header().Del("X-Frame-Options")
		panic("boom")
	})))
	resp, _ := do(t, srv, http.MethodGet, "/", nil, nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	for k, v := range defaultSecurity {
		assert.Equal(t, []string{v}, resp.Header.Values(k), k)
	}
}

func TestMiddlewareAllocations(t *testing.T) {
	mw, err := Middleware(MiddlewareOptions{})
	require.NoError(t, err)
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := &reusedWriter{h: make(http.Header, 16)}
	allocs := testing.AllocsPerRun(100, func() {
		clear(w.h)
		h.ServeHTTP(w, r)
	})
	assert.LessOrEqual(t, allocs, 3.0, "request state + context + wrapper, the ID string, the request copy")
}

// reusedWriter is the cheapest possible ResponseWriter, so benchmarks
// measure the middleware alone.
type reusedWriter struct {
	h      http.Header
	status int
}

func (w *reusedWriter) Header() http.Header         { return w.h }
func (w *reusedWriter) WriteHeader(code int)        { w.status = code }
func (w *reusedWriter) Write(p []byte) (int, error) { return len(p), nil }

func BenchmarkMiddleware(b *testing.B) {
	mw, err := Middleware(MiddlewareOptions{})
	require.NoError(b, err)
	rid, err := RequestID(RequestIDOptions{})
	require.NoError(b, err)
	sec, err := SecurityHeaders(SecurityHeadersOptions{})
	require.NoError(b, err)
	final := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, bc := range []struct {
		name   string
		h      http.Handler
		header http.Header
	}{
		{"chain/fresh-id", mw(final), nil},
		{"chain/incoming-id", mw(final), http.Header{"X-Request-Id": {"req-12345"}}},
		{"parts/fresh-id", rid(sec(Recover(RecoverOptions{})(final))), nil},
		{"RequestID", rid(final), nil},
		{"SecurityHeaders", sec(final), nil},
		{"Recover", Recover(RecoverOptions{})(final), nil},
		{"baseline", final, nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for k, v := range bc.header {
				r.Header[k] = v
			}
			w := &reusedWriter{h: make(http.Header, 16)}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				bc.h.ServeHTTP(w, r)
			}
		})
	}
}
