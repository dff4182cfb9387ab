package envelope

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// echoID writes the context's request ID as the body.
var echoID = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte(RequestIDFrom(r.Context())))
})

func mustRequestID(t *testing.T, opts RequestIDOptions) func(http.Handler) http.Handler {
	t.Helper()
	mw, err := RequestID(opts)
	require.NoError(t, err)
	return mw
}

func TestRequestIDIncoming(t *testing.T) {
	t.Parallel()
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	long := strings.Repeat("a", 128)
	tests := []struct {
		name   string
		opts   RequestIDOptions
		header http.Header
		want   string // "" means a fresh UUIDv4
	}{
		{"none", RequestIDOptions{}, nil, ""},
		{"valid", RequestIDOptions{}, http.Header{"X-Request-Id": {"req-42.a:b+c=/d_e"}}, "req-42.a:b+c=/d_e"},
		{"128 bytes", RequestIDOptions{}, http.Header{"X-Request-Id": {long}}, long},
		{"129 bytes", RequestIDOptions{}, http.Header{"X-Request-Id": {long + "a"}}, ""},
		{"space", RequestIDOptions{}, http.Header{"X-Request-Id": {"a b"}}, ""},
		{"tab", RequestIDOptions{}, http.Header{"X-Request-Id": {"a\tb"}}, ""},
		{"non-ASCII", RequestIDOptions{}, http.Header{"X-Request-Id": {"caf\xc3\xa9"}}, ""},
		{"invalid UTF-8", RequestIDOptions{}, http.Header{"X-Request-Id": {"a\xffb"}}, ""},
		{"markup", RequestIDOptions{}, http.Header{"X-Request-Id": {"<script>"}}, ""},
		{"quote", RequestIDOptions{}, http.Header{"X-Request-Id": {`a"b`}}, ""},
		{"repeated", RequestIDOptions{}, http.Header{"X-Request-Id": {"a", "b"}}, ""},
		{"ignore incoming", RequestIDOptions{IgnoreIncoming: true}, http.Header{"X-Request-Id": {"abc"}}, ""},
		{"custom header", RequestIDOptions{Header: "x-correlation-id"}, http.Header{"X-Correlation-Id": {"corr-1"}}, "corr-1"},
		{"custom header ignores default", RequestIDOptions{Header: "X-Correlation-Id"}, http.Header{"X-Request-Id": {"abc"}}, ""},
		{"traceparent", RequestIDOptions{Traceparent: true}, http.Header{"Traceparent": {tp}, "X-Request-Id": {"abc"}}, "4bf92f3577b34da6a3ce929d0e0e4736"},
		{"traceparent with ignore", RequestIDOptions{Traceparent: true, IgnoreIncoming: true}, http.Header{"Traceparent": {tp}}, "4bf92f3577b34da6a3ce929d0e0e4736"},
		{"traceparent off", RequestIDOptions{}, http.Header{"Traceparent": {tp}}, ""},
		{"traceparent invalid falls back", RequestIDOptions{Traceparent: true}, http.Header{"Traceparent": {strings.ToUpper(tp)}, "X-Request-Id": {"abc"}}, "abc"},
		{"traceparent repeated", RequestIDOptions{Traceparent: true}, http.Header{"Traceparent": {tp, tp}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, mustRequestID(t, tt.opts)(echoID))
			resp, body := do(t, srv, http.MethodGet, "/", tt.header, nil)
			hdr := tt.opts.Header
			if hdr == "" {
				hdr = "X-Request-Id"
			}
			got := resp.Header.Values(hdr)
			require.Len(t, got, 1)
			assert.Equal(t, got[0], string(body), "context and header carry the same ID")
			if tt.want == "" {
				assert.Regexp(t, uuidV4, got[0])
			} else {
				assert.Equal(t, tt.want, got[0])
			}
		})
	}
}

func TestTraceID(t *testing.T) {
	t.Parallel()
	const trace, parent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	tests := []struct {
		name, v string
		ok      bool
	}{
		{"valid", "00-" + trace + "-" + parent + "-01", true},
		{"unsampled", "00-" + trace + "-" + parent + "-00", true},
		{"version ff", "ff-" + trace + "-" + parent + "-01", false},
		{"version 01", "01-" + trace + "-" + parent + "-01", false},
		{"uppercase", "00-" + strings.ToUpper(trace) + "-" + parent + "-01", false},
		{"zero trace", "00-" + strings.Repeat("0", 32) + "-" + parent + "-01", false},
		{"zero parent", "00-" + trace + "-" + strings.Repeat("0", 16) + "-01", false},
		{"short", "00-" + trace[:31] + "-" + parent + "-01", false},
		{"trailing data", "00-" + trace + "-" + parent + "-01-x", false},
		{"bad separator", "00_" + trace + "-" + parent + "-01", false},
		{"non-hex flags", "00-" + trace + "-" + parent + "-0g", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, ok := traceID(tt.v)
			assert.Equal(t, tt.ok, ok)
			if ok {
				assert.Equal(t, trace, id)
			}
		})
	}
}

// Control bytes never reach a handler through net/http (the server
// rejects them), so this checks the acceptance rule directly.
func TestRequestIDRejectsControlBytes(t *testing.T) {
	t.Parallel()
	c, err := newRequestIDConfig(RequestIDOptions{})
	require.NoError(t, err)
	for _, v := range []string{"a\x00b", "a\nb", "a\rb", "a\x7fb", "a\x1bb"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["X-Request-Id"] = []string{v}
		assert.Empty(t, c.incoming(r), "%q", v)
	}
}

func TestRequestIDFreshIDs(t *testing.T) {
	t.Parallel()
	srv := serve(t, mustRequestID(t, RequestIDOptions{})(echoID))
	seen := map[string]bool{}
	for range 50 {
		resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
		id := resp.Header.Get("X-Request-Id")
		require.Regexp(t, uuidV4, id)
		require.Equal(t, id, string(body))
		require.False(t, seen[id], "ID %s repeated", id)
		seen[id] = true
	}
}

func TestRequestIDInErrorBody(t *testing.T) {
	t.Parallel()
	ew, _ := recordingWriter(t)
	h := mustRequestID(t, RequestIDOptions{ErrorWriter: ew})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Write(w, r, NotFound(""))
	}))
	srv := serve(t, h)
	resp, body := do(t, srv, http.MethodGet, "/", http.Header{"X-Request-Id": {"abc-123"}}, nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, []string{"abc-123"}, resp.Header.Values("X-Request-Id"))
	assert.Equal(t, "abc-123", decodeBody(t, body)["requestId"])
}

func TestRequestIDWrappedTwice(t *testing.T) {
	t.Parallel()
	mw := mustRequestID(t, RequestIDOptions{})
	chainMW, err := Middleware(MiddlewareOptions{})
	require.NoError(t, err)
	// outerID records the ID the outer layer chose, before the inner one
	// runs.
	outerID := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Outer", RequestIDFrom(r.Context()))
			next.ServeHTTP(w, r)
		})
	}
	withValue := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			type k struct{}
			next.ServeHTTP(w, r.WithContext(contextWith(r, k{})))
		})
	}
	tests := []struct {
		name string
		h    http.Handler
	}{
		{"RequestID twice", mw(outerID(mw(echoID)))},
		{"Middleware twice", chainMW(outerID(chainMW(echoID)))},
		{"Middleware around RequestID", chainMW(outerID(mw(echoID)))},
		{"RequestID around Middleware", mw(outerID(chainMW(echoID)))},
		{"context value between", chainMW(outerID(withValue(chainMW(echoID))))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, tt.h)
			resp, body := do(t, srv, http.MethodGet, "/", nil, nil)
			ids := resp.Header.Values("X-Request-Id")
			require.Len(t, ids, 1)
			assert.Regexp(t, uuidV4, ids[0])
			assert.Equal(t, ids[0], resp.Header.Get("X-Outer"))
			assert.Equal(t, ids[0], string(body))
		})
	}
}

func TestRequestIDKeepsContextID(t *testing.T) {
	t.Parallel()
	h := mustRequestID(t, RequestIDOptions{})(echoID)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(ContextWithRequestID(r.Context(), "upstream-1")))
	}))
	resp, body := do(t, srv, http.MethodGet, "/", http.Header{"X-Request-Id": {"client"}}, nil)
	assert.Equal(t, "upstream-1", resp.Header.Get("X-Request-Id"))
	assert.Equal(t, "upstream-1", string(body))
}

func TestRequestIDHeaderFromFormat(t *testing.T) {
	t.Parallel()
	f := FlatFormat()
	f.RequestIDHeader = "X-Trace-Id"
	ew, err := NewErrorWriter(Config{Format: &f})
	require.NoError(t, err)
	srv := serve(t, mustRequestID(t, RequestIDOptions{ErrorWriter: ew})(echoID))
	resp, body := do(t, srv, http.MethodGet, "/", http.Header{"X-Trace-Id": {"t-1"}}, nil)
	assert.Equal(t, "t-1", resp.Header.Get("X-Trace-Id"))
	assert.Empty(t, resp.Header.Get("X-Request-Id"))
	assert.Equal(t, "t-1", string(body))
}

func TestRequestIDInvalidOptions(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"X Request", "X-Id:", "é", "a\nb"} {
		_, err := RequestID(RequestIDOptions{Header: h})
		assert.Error(t, err, "%q", h)
	}
}

func TestRequestIDDoesNotModifyRequest(t *testing.T) {
	t.Parallel()
	mw := mustRequestID(t, RequestIDOptions{})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	ctx := r.Context()
	var inner *http.Request
	mw(http.HandlerFunc(func(_ http.ResponseWriter, r2 *http.Request) { inner = r2 })).ServeHTTP(httptest.NewRecorder(), r)
	assert.Equal(t, ctx, r.Context(), "incoming request untouched")
	assert.Empty(t, RequestIDFrom(r.Context()))
	require.NotNil(t, inner)
	assert.NotSame(t, r, inner)
	assert.Regexp(t, uuidV4, RequestIDFrom(inner.Context()))
}

// Whatever a client sends, the ID is either exactly what it sent (and
// safe) or a fresh UUIDv4, never a cleaned-up variant.
func FuzzRequestIDIncoming(f *testing.F) {
	f.Add("req-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	f.Add("a\nb", "00-00000000000000000000000000000000-00f067aa0ba902b7-01")
	f.Add(strings.Repeat("x", 200), "")
	c, err := newRequestIDConfig(RequestIDOptions{Traceparent: true})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, id, tp string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["X-Request-Id"] = []string{id}
		r.Header["Traceparent"] = []string{tp}
		rc, _ := c.begin(r, nil)
		got := rc.st.id
		switch {
		case got == id:
			assert.True(t, validRequestID(got))
		case len(tp) == 55 && strings.Contains(tp, got):
			assert.Regexp(t, `^[0-9a-f]{32}$`, got)
		default:
			assert.Regexp(t, uuidV4, got)
		}
		assert.Equal(t, got, rc.hdr[0])
	})
}
