package envelope

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoID writes the context's request ID as the body.
var echoID = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = w.Write([]byte(RequestIDFrom(r.Context())))
})

// idWriter is a quiet writer whose format carries the request ID in header
// ("" for the default, "-" for none).
func idWriter(t testing.TB, header string) *Writer {
	t.Helper()
	f := FlatFormat()
	f.RequestIDHeader = header
	return newWriter(t, WriterOptions{Format: f})
}

const (
	testTraceID     = "4bf92f3577b34da6a3ce929d0e0e4736"
	testParentID    = "00f067aa0ba902b7"
	testTraceparent = "00-" + testTraceID + "-" + testParentID + "-01"
)

func TestRequestIDIncoming(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 128)
	tests := []struct {
		name   string
		opts   RequestIDOptions
		format string // the format's RequestIDHeader
		header http.Header
		want   string // "" means a fresh UUIDv4
	}{
		{"none", RequestIDOptions{}, "", nil, ""},
		{"valid", RequestIDOptions{}, "", http.Header{"X-Request-Id": {"req-42.a:b+c=/d_e"}}, "req-42.a:b+c=/d_e"},
		{"128 bytes", RequestIDOptions{}, "", http.Header{"X-Request-Id": {long}}, long},
		{"129 bytes", RequestIDOptions{}, "", http.Header{"X-Request-Id": {long + "a"}}, ""},
		{"space", RequestIDOptions{}, "", http.Header{"X-Request-Id": {"a b"}}, ""},
		{"tab", RequestIDOptions{}, "", http.Header{"X-Request-Id": {"a\tb"}}, ""},
		{"non-ASCII", RequestIDOptions{}, "", http.Header{"X-Request-Id": {"caf\xc3\xa9"}}, ""},
		{"invalid UTF-8", RequestIDOptions{}, "", http.Header{"X-Request-Id": {"a\xffb"}}, ""},
		{"markup", RequestIDOptions{}, "", http.Header{"X-Request-Id": {"<script>"}}, ""},
		{"quote", RequestIDOptions{}, "", http.Header{"X-Request-Id": {`a"b`}}, ""},
		{"repeated", RequestIDOptions{}, "", http.Header{"X-Request-Id": {"a", "b"}}, ""},
		{"ignore incoming", RequestIDOptions{IgnoreIncoming: true}, "", http.Header{"X-Request-Id": {"abc"}}, ""},
		{"format header", RequestIDOptions{}, "x-correlation-id", http.Header{"X-Correlation-Id": {"corr-1"}}, "corr-1"},
		{"format header ignores the default", RequestIDOptions{}, "X-Correlation-Id", http.Header{"X-Request-Id": {"abc"}}, ""},
		{"traceparent", RequestIDOptions{Traceparent: true}, "", http.Header{"Traceparent": {testTraceparent}, "X-Request-Id": {"abc"}}, testTraceID},
		{"traceparent with ignore", RequestIDOptions{Traceparent: true, IgnoreIncoming: true}, "", http.Header{"Traceparent": {testTraceparent}}, testTraceID},
		{"traceparent off", RequestIDOptions{}, "", http.Header{"Traceparent": {testTraceparent}}, ""},
		{"traceparent invalid falls back", RequestIDOptions{Traceparent: true}, "", http.Header{"Traceparent": {strings.ToUpper(testTraceparent)}, "X-Request-Id": {"abc"}}, "abc"},
		{"traceparent repeated", RequestIDOptions{Traceparent: true}, "", http.Header{"Traceparent": {testTraceparent, testTraceparent}}, ""},
		{"traceparent version ff", RequestIDOptions{Traceparent: true}, "", http.Header{"Traceparent": {"ff" + testTraceparent[2:]}}, ""},
		{"traceparent higher version, longer", RequestIDOptions{Traceparent: true}, "", http.Header{"Traceparent": {"cc" + testTraceparent[2:] + "-what-follows"}}, testTraceID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, chainFor(t, idWriter(t, tt.format), MiddlewareOptions{RequestID: tt.opts}, echoID))
			resp, body := do(t, srv, http.MethodGet, "/", tt.header, nil)
			hdr := tt.format
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

// Trace Context: version 00 is exactly 55 bytes; a higher version is read
// by its version-00 fields when what follows them starts with "-"; ff is
// invalid.
func TestTraceID(t *testing.T) {
	t.Parallel()
	const trace, parent = testTraceID, testParentID
	fields := "-" + trace + "-" + parent + "-01"
	tests := []struct {
		name, v string
		ok      bool
	}{
		{"valid", "00" + fields, true},
		{"unsampled", "00-" + trace + "-" + parent + "-00", true},
		{"version ff", "ff" + fields, false},
		{"version ff, longer", "ff" + fields + "-x", false},
		{"version 00, longer", "00" + fields + "-x", false},
		{"version 00, one byte more", "00" + fields + "0", false},
		{"version 01", "01" + fields, true},
		{"version fe", "fe" + fields, true},
		{"higher version, longer", "01" + fields + "-future-field", true},
		{"higher version, just a dash more", "01" + fields + "-", true},
		{"higher version, no dash after", "01" + fields + "x", false},
		{"higher version, flags run on", "01" + fields + "0-x", false},
		{"uppercase version", "0A" + fields, false},
		{"non-hex version", "0g" + fields, false},
		{"uppercase", "00-" + strings.ToUpper(trace) + "-" + parent + "-01", false},
		{"zero trace", "00-" + strings.Repeat("0", 32) + "-" + parent + "-01", false},
		{"zero parent", "00-" + trace + "-" + strings.Repeat("0", 16) + "-01", false},
		{"higher version, zero trace", "01-" + strings.Repeat("0", 32) + "-" + parent + "-01-x", false},
		{"short", "00-" + trace[:31] + "-" + parent + "-01", false},
		{"trailing data", "00" + fields + "-x", false},
		{"bad separator", "00_" + trace + "-" + parent + "-01", false},
		{"non-hex flags", "00-" + trace + "-" + parent + "-0g", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, ok := traceID(tt.v)
			assert.Equal(t, tt.ok, ok, "%q", tt.v)
			if ok {
				assert.Equal(t, trace, id)
			} else {
				assert.Empty(t, id)
			}
		})
	}
}

// Control bytes never reach a handler through net/http (the server
// rejects them), so this checks the acceptance rule directly.
func TestRequestIDRejectsControlBytes(t *testing.T) {
	t.Parallel()
	c := newRequestIDConfig(RequestIDOptions{}, nil)
	for _, v := range []string{"a\x00b", "a\nb", "a\rb", "a\x7fb", "a\x1bb"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["X-Request-Id"] = []string{v}
		assert.Empty(t, c.incoming(r), "%q", v)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header["X-Request-Id"] = []string{"fine"}
	assert.Equal(t, "fine", c.incoming(r), "the same request with a safe ID is accepted")
}

func TestRequestIDFreshIDs(t *testing.T) {
	t.Parallel()
	srv := serve(t, chainFor(t, quietWriter(t), MiddlewareOptions{}, echoID))
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

func TestNewRequestID(t *testing.T) {
	t.Parallel()
	const n = 2000
	seen := make(map[string]bool, n)
	// ones[i] counts the IDs whose bit i (of the 128) is set.
	var ones [128]int
	for range n {
		id := NewRequestID()
		require.Regexp(t, uuidV4, id)
		require.False(t, seen[id], "ID %s repeated", id)
		seen[id] = true
		hex := strings.ReplaceAll(id, "-", "")
		require.Len(t, hex, 32)
		for i := range 128 {
			nibble := strings.IndexByte("0123456789abcdef", hex[i/4])
			if nibble>>(3-i%4)&1 == 1 {
				ones[i]++
			}
		}
	}
	// The version (bits 48-51: 0100) and the variant (bits 64-65: 10) are
	// fixed; every other bit is random, so it is set in about half of the
	// IDs. Fewer than 40% or more than 60% of 2000 is more than 8.9
	// standard deviations from the mean: it would mean a broken source.
	fixed := map[int]int{48: 0, 49: 1, 50: 0, 51: 0, 64: 1, 65: 0}
	for i, c := range ones {
		if want, ok := fixed[i]; ok {
			assert.Equal(t, want*n, c, "bit %d is fixed", i)
			continue
		}
		assert.Greater(t, c, n*4/10, "bit %d is set too rarely", i)
		assert.Less(t, c, n*6/10, "bit %d is set too often", i)
	}
}

func TestValidRequestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want bool
	}{
		{"", false},
		{"a", true},
		{"req-42", true},
		{"ABC_def.123:x+y=/z", true},
		{NewRequestID(), true},
		{testTraceID, true},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"a b", false},
		{"a\tb", false},
		{"a\nb", false},
		{"a\rb", false},
		{"a\x00b", false},
		{"a\x7fb", false},
		{"caf\xc3\xa9", false},
		{"a\xffb", false},
		{"<script>", false},
		{`a"b`, false},
		{"a,b", false},
		{"a;b", false},
		{"a\\b", false},
		{"%0d%0a", false},
		{"{id}", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ValidRequestID(tt.id), "%q", tt.id)
	}
}

func TestRequestIDInErrorBody(t *testing.T) {
	t.Parallel()
	h := chainFor(t, quietWriter(t), MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	chainMW, err := Middleware(MiddlewareOptions{Writer: quietWriter(t)})
	require.NoError(t, err)
	fresh, err := Middleware(MiddlewareOptions{Writer: quietWriter(t), RequestID: RequestIDOptions{IgnoreIncoming: true}})
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
	// newWriterBetween hands the inner chain a writer of its own, as a
	// logging or compression middleware does.
	newWriterBetween := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(unwrapOnly{w}, r)
		})
	}
	tests := []struct {
		name string
		h    http.Handler
	}{
		{"Middleware twice", chainMW(outerID(chainMW(echoID)))},
		{"context value between", chainMW(outerID(withValue(chainMW(echoID))))},
		{"writer replaced between", chainMW(outerID(newWriterBetween(chainMW(echoID))))},
		{"inner never trusts incoming", chainMW(outerID(fresh(echoID)))},
		{"inner never trusts incoming, value between", chainMW(outerID(withValue(fresh(echoID))))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, tt.h)
			for _, incoming := range []http.Header{nil, {"X-Request-Id": {"client-1"}}} {
				resp, body := do(t, srv, http.MethodGet, "/", incoming, nil)
				ids := resp.Header.Values("X-Request-Id")
				require.Len(t, ids, 1)
				if incoming == nil {
					assert.Regexp(t, uuidV4, ids[0])
				} else {
					assert.Equal(t, "client-1", ids[0], "the outer layer chose it")
				}
				assert.Equal(t, ids[0], resp.Header.Get("X-Outer"))
				assert.Equal(t, ids[0], string(body))
			}
		})
	}
}

func TestRequestIDKeepsContextID(t *testing.T) {
	t.Parallel()
	h := chainFor(t, quietWriter(t), MiddlewareOptions{}, echoID)
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(ContextWithRequestID(r.Context(), "upstream-1")))
	}))
	resp, body := do(t, srv, http.MethodGet, "/", http.Header{"X-Request-Id": {"client"}}, nil)
	assert.Equal(t, "upstream-1", resp.Header.Get("X-Request-Id"))
	assert.Equal(t, "upstream-1", string(body))
}

// The writer's format names the header the chain reads an incoming ID from
// and echoes it in; "-" means no header at all, while the ID still goes
// into the context and the error bodies.
func TestRequestIDHeaderFromFormat(t *testing.T) {
	t.Parallel()
	t.Run("custom", func(t *testing.T) {
		t.Parallel()
		srv := serve(t, chainFor(t, idWriter(t, "X-Trace-Id"), MiddlewareOptions{}, echoID))
		resp, body := do(t, srv, http.MethodGet, "/", http.Header{"X-Trace-Id": {"t-1"}, "X-Request-Id": {"r-1"}}, nil)
		assert.Equal(t, []string{"t-1"}, resp.Header.Values("X-Trace-Id"))
		assert.Empty(t, resp.Header.Values("X-Request-Id"))
		assert.Equal(t, "t-1", string(body))
	})
	t.Run("none", func(t *testing.T) {
		t.Parallel()
		srv := serve(t, chainFor(t, idWriter(t, "-"), MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/fail" {
				Write(w, r, Conflict(""))
				return
			}
			echoID(w, r)
		})))
		resp, body := do(t, srv, http.MethodGet, "/", http.Header{"X-Request-Id": {"r-1"}}, nil)
		assert.Empty(t, resp.Header.Values("X-Request-Id"), "not echoed")
		assert.Regexp(t, uuidV4, string(body), "not read: the context has a fresh ID")
		resp, body = do(t, srv, http.MethodGet, "/fail", http.Header{"X-Request-Id": {"r-1"}}, nil)
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
		assert.Empty(t, resp.Header.Values("X-Request-Id"), "not on an error either")
		assert.Regexp(t, uuidV4, decodeBody(t, body)["requestId"], "the body still carries the ID")
	})
	t.Run("none, traceparent still read", func(t *testing.T) {
		t.Parallel()
		srv := serve(t, chainFor(t, idWriter(t, "-"), MiddlewareOptions{RequestID: RequestIDOptions{Traceparent: true}}, echoID))
		resp, body := do(t, srv, http.MethodGet, "/", http.Header{"Traceparent": {testTraceparent}}, nil)
		assert.Equal(t, testTraceID, string(body))
		assert.Empty(t, resp.Header.Values("X-Request-Id"))
	})
}

// The request ID header is a format setting now: an invalid one is refused
// when the writer is built.
func TestRequestIDInvalidHeader(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"X Request", "X-Id:", "é", "a\nb"} {
		f := FlatFormat()
		f.RequestIDHeader = h
		ew, err := NewWriter(WriterOptions{Format: f})
		require.Error(t, err, "%q", h)
		assert.Contains(t, err.Error(), "request ID header")
		assert.Nil(t, ew)
	}
}

func TestRequestIDDoesNotModifyRequest(t *testing.T) {
	t.Parallel()
	mw, err := Middleware(MiddlewareOptions{Writer: quietWriter(t)})
	require.NoError(t, err)
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
