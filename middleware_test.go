package envelope

import (
	"context"
	"log"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// captureDefaultLog points slog.Default at a recorder until the test ends,
// restoring the default logger and the log package's output and flags
// (which slog.SetDefault redirects) afterwards. It changes process-wide
// state: only tests that do not call t.Parallel may use it (they run
// before, never beside, the parallel ones).
func captureDefaultLog(t *testing.T) *logRecorder {
	t.Helper()
	old, out, flags := slog.Default(), log.Writer(), log.Flags()
	rec, logger := newLogRecorder()
	slog.SetDefault(logger)
	t.Cleanup(func() {
		slog.SetDefault(old)
		log.SetOutput(out)
		log.SetFlags(flags)
	})
	return rec
}

// Protect gives every response, success or failure, the request ID and
// the security headers, turns the router's 404 into an envelope and logs a
// panic to slog.Default.
func TestProtectEveryResponse(t *testing.T) {
	defaultLog := captureDefaultLog(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", okHandler)
	mux.Handle("GET /fail", HandlerFunc(func(http.ResponseWriter, *http.Request) error {
		return Unauthorized("")
	}))
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	srv, serverLog := serveLogged(t, Protect(mux))
	for _, tt := range []struct {
		path   string
		status int
		code   string
	}{{"/ok", 200, ""}, {"/fail", 401, "unauthorized"}, {"/panic", 500, "internal"}, {"/missing", 404, "not_found"}} {
		resp, body := do(t, srv, http.MethodGet, tt.path, nil, nil)
		assert.Equal(t, tt.status, resp.StatusCode, tt.path)
		id := resp.Header.Get("X-Request-Id")
		assert.Regexp(t, uuidV4, id, tt.path)
		for k, v := range defaultSecurity {
			assert.Equal(t, []string{v}, resp.Header.Values(k), "%s %s", tt.path, k)
		}
		if tt.code != "" {
			m := decodeBody(t, body)
			assert.Equal(t, tt.code, m["code"], tt.path)
			assert.Equal(t, id, m["requestId"], tt.path)
		}
	}
	l := defaultLog.waitMsg(t, "envelope: panic recovered")
	assert.Equal(t, "/panic", l.attrs["path"])
	srv.Close() // waits for the handlers to return
	assert.Empty(t, serverLog.String())
	for _, l := range defaultLog.all() {
		assert.NotContains(t, l.msg, "found no Writer", "every Write had the chain's writer")
	}
}

func TestMiddlewareOptions(t *testing.T) {
	t.Parallel()
	f := FlatFormat()
	f.RequestIDHeader = "X-Correlation-Id"
	rec, logger := newLogRecorder()
	ew := newWriter(t, WriterOptions{Format: f, Logger: logger})
	mw, err := Middleware(MiddlewareOptions{
		Writer:    ew,
		RequestID: RequestIDOptions{IgnoreIncoming: true},
		Security:  SecurityOptions{ReferrerPolicy: "strict-origin-when-cross-origin", HSTSAlways: true},
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
	assert.Equal(t, id, decodeBody(t, body)["requestId"], "package Write used the chain's Writer")
	assert.Equal(t, "strict-origin-when-cross-origin", resp.Header.Get("Referrer-Policy"))
	assert.Equal(t, defaultHSTS, resp.Header.Get("Strict-Transport-Security"))
	l := rec.waitMsg(t, "envelope: client error")
	assert.Equal(t, id, l.attrs["requestId"], "the Writer's logger got the 409")
	assert.Equal(t, "conflict", l.attrs["code"])
	srv.Close()
	assert.Len(t, rec.all(), 1)
}

// Invalid options make Middleware return an error, and no chain; it never
// panics. (The request ID header is the format's: NewWriter refuses a bad
// one, see TestRequestIDInvalidHeader; the security options have their
// own table in TestSecurityHeadersInvalidOptions.)
func TestMiddlewareInvalidOptions(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		opts MiddlewareOptions
		want string
	}{
		"security header": {MiddlewareOptions{Security: SecurityOptions{FrameOptions: "ALLOWALL"}}, "X-Frame-Options"},
		"omit unknown":    {MiddlewareOptions{Security: SecurityOptions{Omit: []string{"Set-Cookie"}}}, "cannot omit"},
		"negative limit":  {MiddlewareOptions{MaxBodyBytes: -1}, "envelope: MaxBodyBytes -1 is negative"},
	} {
		var mw func(http.Handler) http.Handler
		var err error
		require.NotPanics(t, func() { mw, err = Middleware(tt.opts) }, name)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tt.want, name)
		assert.Nil(t, mw, name)
	}
	for name, opts := range map[string]MiddlewareOptions{
		"zero":          {},
		"every option":  {Writer: quietWriter(t), RequestID: RequestIDOptions{IgnoreIncoming: true, Traceparent: true}, Security: SecurityOptions{HSTSAlways: true}, MaxBodyBytes: 1, PlainRouterPages: true},
		"no body limit": {MaxBodyBytes: 0},
	} {
		mw, err := Middleware(opts)
		require.NoError(t, err, name)
		assert.NotNil(t, mw, name)
	}
}

// The security headers on a panic's 500 are the configured ones, even
// where the handler had overridden them for its own body.
func TestMiddlewarePanicRestoresSecurityHeaders(t *testing.T) {
	t.Parallel()
	mw, rec := panicChain(t, MiddlewareOptions{})
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
	rec.waitMsg(t, "envelope: panic recovered")
}

// The package-level Write outside the chain renders with the default
// writer (the flat format) and warns, through slog.Default, that the
// request carries no Writer.
func TestWriteOutsideChainWarns(t *testing.T) {
	defaultLog := captureDefaultLog(t)
	const warning = "envelope: Write found no Writer in the request context (the request did not pass through envelope.Middleware); rendering with the default writer"
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/with-id" {
			// A request ID but no writer: still no Writer to use.
			r = r.WithContext(ContextWithRequestID(r.Context(), "ctx-1"))
		}
		Write(w, r, NotFound("Flag not found.").WithCause(errSecret))
	}))

	resp, body := do(t, srv, http.MethodGet, "/plain", nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"code":"not_found","message":"Flag not found."}`, string(body))
	assert.Empty(t, resp.Header.Values("X-Request-Id"))
	l := defaultLog.waitRecord(t, "the warning for /plain", func(l loggedRecord) bool {
		return l.msg == warning && l.attrs["path"] == "/plain"
	})
	assert.Equal(t, slog.LevelWarn, l.level)
	assert.Equal(t, "GET", l.attrs["method"])
	assert.NotContains(t, l.attrs, "requestId")

	resp, body = do(t, srv, http.MethodGet, "/with-id", nil, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.JSONEq(t, `{"code":"not_found","message":"Flag not found.","requestId":"ctx-1"}`, string(body))
	assert.Equal(t, "ctx-1", resp.Header.Get("X-Request-Id"))
	l = defaultLog.waitRecord(t, "the warning for /with-id", func(l loggedRecord) bool {
		return l.msg == warning && l.attrs["path"] == "/with-id"
	})
	assert.Equal(t, "ctx-1", l.attrs["requestId"])
	srv.Close()
	assert.Equal(t, 2, defaultLog.count(warning), "one warning per Write")
}

// errSecret is an internal cause that must never reach a client.
var errSecret = secretError("db password=hunter2")

type secretError string

func (e secretError) Error() string { return string(e) }

// Inside the chain, the package-level Write renders with the chain's
// Writer and warns of nothing. Nested chains: an outer chain's explicit
// Writer survives an inner chain without one, and an inner chain's own
// Writer wins, whatever lies between the two; the same goes for the 500 of
// a panic and the router's 404.
func TestWriteInsideChainUsesChainWriter(t *testing.T) {
	defaultLog := captureDefaultLog(t)
	problem := newWriter(t, WriterOptions{Format: ProblemFormat()})
	flat := quietWriter(t)
	withProblem, err := Middleware(MiddlewareOptions{Writer: problem})
	require.NoError(t, err)
	withFlat, err := Middleware(MiddlewareOptions{Writer: flat})
	require.NoError(t, err)
	withDefault, err := Middleware(MiddlewareOptions{})
	require.NoError(t, err)
	withValue := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			type k struct{}
			next.ServeHTTP(w, r.WithContext(contextWith(r, k{})))
		})
	}
	newWriterBetween := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(unwrapOnly{w}, r)
		})
	}
	compose := func(mws ...func(http.Handler) http.Handler) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			for i := len(mws) - 1; i >= 0; i-- {
				h = mws[i](h)
			}
			return h
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /things", HandlerFunc(func(http.ResponseWriter, *http.Request) error { return Conflict("") }))
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	tests := []struct {
		name    string
		wrap    func(http.Handler) http.Handler
		problem bool
	}{
		{"chain with a Writer", withProblem, true},
		{"chain without a Writer", withDefault, false},
		{"outer Writer, inner chain without", compose(withProblem, withDefault), true},
		{"outer Writer, inner chain without, value between", compose(withProblem, withValue, withDefault), true},
		{"outer Writer, inner chain without, writer replaced between", compose(withProblem, newWriterBetween, withDefault), true},
		{"inner Writer wins", compose(withFlat, withProblem), true},
		{"inner Writer wins, value between", compose(withFlat, withValue, withProblem), true},
		{"inner Writer wins, writer replaced between", compose(withFlat, newWriterBetween, withProblem), true},
		{"inner Writer wins over the default", compose(withDefault, withProblem), true},
		{"inner flat Writer wins", compose(withProblem, withFlat), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.wrap(mux))
			for _, c := range []struct {
				path   string
				status int
				code   string
			}{{"/things", 409, "conflict"}, {"/panic", 500, "internal"}, {"/nowhere", 404, "not_found"}} {
				resp, body := do(t, srv, http.MethodGet, c.path, http.Header{"X-Request-Id": {"req-1"}}, nil)
				assert.Equal(t, c.status, resp.StatusCode, c.path)
				assert.Equal(t, []string{"req-1"}, resp.Header.Values("X-Request-Id"), c.path)
				m := decodeBody(t, body)
				if tt.problem {
					assert.Equal(t, ProblemMediaType, resp.Header.Get("Content-Type"), c.path)
					assert.Equal(t, float64(c.status), m["status"], c.path)
					assert.Equal(t, c.path, m["instance"], c.path)
				} else {
					assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), c.path)
					assert.Equal(t, c.code, m["code"], c.path)
				}
				assert.Equal(t, "req-1", m["requestId"], c.path)
			}
			srv.Close()
		})
	}
	for _, l := range defaultLog.all() {
		assert.NotContains(t, l.msg, "found no Writer")
	}
}

// The router step is inside the chain: its envelopes carry the request ID
// and the security headers, and are rendered by the chain's Writer.
func TestRouterStepInsideChain(t *testing.T) {
	t.Parallel()
	problem := newWriter(t, WriterOptions{Format: ProblemFormat()})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", okHandler)
	for name, ew := range map[string]*Writer{"flat": quietWriter(t), "problem": problem} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, chainFor(t, ew, MiddlewareOptions{}, mux))
			for _, tt := range []struct {
				method, path string
				status       int
			}{{http.MethodGet, "/nowhere", 404}, {http.MethodPost, "/items/1", 405}} {
				resp, body := do(t, srv, tt.method, tt.path, http.Header{"X-Request-Id": {"req-9"}}, nil)
				assert.Equal(t, tt.status, resp.StatusCode)
				assert.Equal(t, []string{"req-9"}, resp.Header.Values("X-Request-Id"))
				for k, v := range defaultSecurity {
					assert.Equal(t, []string{v}, resp.Header.Values(k), k)
				}
				assert.Equal(t, "req-9", decodeBody(t, body)["requestId"])
				if name == "problem" {
					assert.Equal(t, ProblemMediaType, resp.Header.Get("Content-Type"))
				}
			}
		})
	}
}

// The chain costs at most: the request context (state, header values, the
// wrappers of the recovery and router steps in one allocation), the request
// copy WithContext makes and a fresh ID's string.
func TestMiddlewareAllocations(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opts   MiddlewareOptions
		header http.Header
		max    float64
	}{
		{"fresh ID", MiddlewareOptions{}, nil, 3},
		{"incoming ID", MiddlewareOptions{}, http.Header{"X-Request-Id": {"req-12345"}}, 2},
		{"fresh ID, plain router pages", MiddlewareOptions{PlainRouterPages: true}, nil, 3},
		{"fresh ID, body limit", MiddlewareOptions{MaxBodyBytes: 1 << 20}, nil, 3},
	} {
		h := chainFor(t, quietWriter(t), tt.opts, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"a":1}`))
		for k, v := range tt.header {
			r.Header[k] = v
		}
		w := &reusedWriter{h: make(http.Header, 16)}
		allocs := testing.AllocsPerRun(100, func() {
			clear(w.h)
			h.ServeHTTP(w, r)
		})
		assert.LessOrEqual(t, allocs, tt.max, tt.name)
		assert.Equal(t, http.StatusNoContent, w.status, tt.name)
	}
}

// TestMiddlewareAllocatesNoMoreThanTheMinimum holds the chain's own
// allocations (above the handler's) to those of the least a hand-writer
// can do for the same observable work (handWrittenMinimum below), on the fresh
// header map net/http gives each response, with a fresh and with an
// incoming ID. Allocation counts, not times: it cannot pass by luck.
func TestMiddlewareAllocatesNoMoreThanTheMinimum(t *testing.T) {
	handler := func(id func(context.Context) string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id != nil && id(r.Context()) == "" {
				t.Error("no request ID in the context")
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
	stacks := map[string]http.Handler{
		"bare":    handler(nil),
		"chain":   chainFor(t, quietWriter(t), MiddlewareOptions{}, handler(RequestIDFrom)),
		"minimum": handWrittenMinimum(handler(handWrittenID)),
	}
	for name, header := range map[string]http.Header{"fresh ID": nil, "incoming ID": {"X-Request-Id": {"req-12345"}}} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for k, v := range header {
				r.Header[k] = v
			}
			allocs := map[string]float64{}
			sent := map[string]http.Header{}
			for s, h := range stacks {
				w := &reusedWriter{}
				allocs[s] = testing.AllocsPerRun(200, func() {
					w.h = make(http.Header) // fresh, as net/http gives
					h.ServeHTTP(w, r)
				})
				require.Equal(t, http.StatusNoContent, w.status, s)
				sent[s] = w.h
			}
			// Both send the same headers, so they are compared on the same work.
			require.ElementsMatch(t, slices.Collect(maps.Keys(sent["chain"])), slices.Collect(maps.Keys(sent["minimum"])))
			if header != nil {
				assert.Equal(t, header["X-Request-Id"], sent["chain"]["X-Request-Id"])
				assert.Equal(t, header["X-Request-Id"], sent["minimum"]["X-Request-Id"])
			}
			chain, minimum := allocs["chain"]-allocs["bare"], allocs["minimum"]-allocs["bare"]
			t.Logf("added allocations: chain %.0f, hand-written minimum %.0f", chain, minimum)
			assert.LessOrEqual(t, chain, minimum, "the chain allocates more than the hand-written minimum")
		})
	}
}

// handWrittenMinimum is the least a hand-writer can do for the chain's observable
// work on a successful request, written with care for the allocation count:
// one allocation holds the context, the ID and the per-response header
// values; a valid incoming ID is adopted, else a crypto/rand UUIDv4 is made;
// the ID goes into the context and onto the response, with the five
// security headers; a deferred recover answers a panic with a 500.
func handWrittenMinimum(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := &handWrittenState{Context: r.Context()}
		if v := r.Header["X-Request-Id"]; len(v) == 1 && ValidRequestID(v[0]) {
			s.id = v[0]
		} else {
			s.id = newUUID(&s.rnd)
		}
		s.vals = [6]string{s.id, "nosniff", "DENY", "default-src 'none'; frame-ancestors 'none'", "no-referrer", "same-origin"}
		h := w.Header()
		h["X-Request-Id"] = s.vals[0:1:1]
		h["X-Content-Type-Options"] = s.vals[1:2:2]
		h["X-Frame-Options"] = s.vals[2:3:3]
		h["Content-Security-Policy"] = s.vals[3:4:4]
		h["Referrer-Policy"] = s.vals[4:5:5]
		h["Cross-Origin-Resource-Policy"] = s.vals[5:6:6]
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				w.WriteHeader(http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r.WithContext(s))
	})
}

type handWrittenKey struct{}

// handWrittenState is handWrittenMinimum's one allocation per request.
type handWrittenState struct {
	context.Context
	id   string
	vals [6]string
	rnd  [16]byte
}

func (s *handWrittenState) Value(k any) any {
	if k == (handWrittenKey{}) {
		return s
	}
	return s.Context.Value(k)
}

func handWrittenID(ctx context.Context) string {
	if s, ok := ctx.Value(handWrittenKey{}).(*handWrittenState); ok {
		return s.id
	}
	return ""
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
	final := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	chain := func(opts MiddlewareOptions) http.Handler {
		opts.Writer = newWriter(b, WriterOptions{})
		mw, err := Middleware(opts)
		require.NoError(b, err)
		return mw(final)
	}
	for _, bc := range []struct {
		name   string
		h      http.Handler
		header http.Header
	}{
		{"chain/fresh-id", chain(MiddlewareOptions{}), nil},
		{"chain/incoming-id", chain(MiddlewareOptions{}), http.Header{"X-Request-Id": {"req-12345"}}},
		{"chain/traceparent", chain(MiddlewareOptions{RequestID: RequestIDOptions{Traceparent: true}}), http.Header{"Traceparent": {testTraceparent}}},
		{"chain/plain-router-pages", chain(MiddlewareOptions{PlainRouterPages: true}), nil},
		{"chain/max-body", chain(MiddlewareOptions{MaxBodyBytes: 1 << 20}), nil},
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
