package envelope

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriteDeletesStaleHeadersOverTheWire sets stale and unrelated headers
// before Write, on small maps and on one larger than a Go map's first
// bucket, and checks what a client receives.
func TestWriteDeletesStaleHeadersOverTheWire(t *testing.T) {
	t.Parallel()
	stale := map[string]string{"Etag": `"v1"`, "Last-Modified": "Mon, 02 Jan 2006 15:04:05 GMT", "Content-Disposition": "attachment", "Expires": "0", "Accept-Ranges": "bytes", "Content-Location": "/x", "Content-Range": "bytes 0-1/2"}
	tests := []struct {
		name  string
		stale []string
		extra int
	}{
		{"none", nil, 0},
		{"few", []string{"Etag", "Content-Disposition"}, 1},
		{"all stale", []string{"Etag", "Last-Modified", "Content-Disposition", "Expires", "Accept-Ranges", "Content-Location", "Content-Range"}, 0},
		{"many", []string{"Etag", "Expires"}, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
				h := w.Header()
				for _, k := range tt.stale {
					h.Set(k, stale[k])
				}
				for i := range tt.extra {
					h.Set(fmt.Sprintf("X-Keep-%d", i), "yes")
				}
				quietWriter(t).Write(w, r, NotFound(""))
			})
			resp, body := fetch(t, srv, http.MethodGet, "/", nil)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode)
			assert.True(t, json.Valid(body))
			for k := range stale {
				assert.Empty(t, resp.Header.Get(k), k)
			}
			for i := range tt.extra {
				assert.Equal(t, "yes", resp.Header.Get(fmt.Sprintf("X-Keep-%d", i)))
			}
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		})
	}
}

// TestHeaderValuesAreNotSharedBetweenRequests changes a header value in
// place after Write, as a careless middleware might, and checks the next
// request's response is unaffected: Write's values belong to one request.
func TestHeaderValuesAreNotSharedBetweenRequests(t *testing.T) {
	t.Parallel()
	for _, withID := range []bool{true, false} {
		t.Run(fmt.Sprintf("id=%v", withID), func(t *testing.T) {
			t.Parallel()
			srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
				if withID {
					r = r.WithContext(ContextWithRequestID(r.Context(), "req-"+r.URL.Query().Get("n")))
				}
				quietWriter(t).Write(w, r, NotFound(""))
				h := w.Header()
				h["Cache-Control"][0] = "mutated"
				h["X-Content-Type-Options"][0] = "mutated"
			})
			for n := range 3 {
				resp, _ := fetch(t, srv, http.MethodGet, fmt.Sprintf("/?n=%d", n), nil)
				assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
				assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
				if withID {
					assert.Equal(t, fmt.Sprintf("req-%d", n), resp.Header.Get("X-Request-Id"))
				}
			}
		})
	}
}

// TestHeaderValuesUseTheRequestsArray checks that the context helpers and
// the middleware leave the values a writer needs in the request state, and
// that a state without them, another ID or another format's media type gets
// a fresh array.
func TestHeaderValuesUseTheRequestsArray(t *testing.T) {
	t.Parallel()
	ew := quietWriter(t)
	mt := ew.format.mediaType
	ctx := ContextWithWriter(ContextWithRequestID(t.Context(), "abc"), ew)
	st := stateFrom(ctx)
	require.NotNil(t, st)
	assert.Same(t, &st.values, headerValues(st, mt, "abc"))
	assert.Equal(t, headerArray{mt, "nosniff", "no-store", "abc"}, st.values)
	for _, other := range []*headerArray{
		headerValues(st, mt, "other-id"),
		headerValues(st, "application/problem+json", "abc"),
	} {
		assert.NotSame(t, &st.values, other)
	}
	assert.Equal(t, headerArray{mt, "nosniff", "no-store", "other-id"}, *headerValues(st, mt, "other-id"))
	bare := &requestState{id: "abc", writer: ew}
	assert.NotSame(t, &bare.values, headerValues(bare, mt, "abc"))
	assert.Equal(t, headerArray{"x", "nosniff", "no-store", ""}, *headerValues(nil, "x", ""))

	// The middleware's state carries them too.
	var got *requestState
	h := chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = stateFrom(r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	require.NotNil(t, got)
	assert.Same(t, &got.values, headerValues(got, ew.format.mediaType, got.id))
}

// TestLocalizedHeaderValuesAreNotShared does the same for the values a
// Localizer and Alternates add: Content-Language and Vary.
func TestLocalizedHeaderValuesAreNotShared(t *testing.T) {
	t.Parallel()
	loc, err := NewLocalizer(LocalizerOptions{})
	require.NoError(t, err)
	ew := newWriter(t, WriterOptions{Localizer: loc, Alternates: []Format{ProblemFormat()}})
	srv := serveError(t, func(w http.ResponseWriter, r *http.Request) {
		ew.Write(w, r, NotFound(""))
		h := w.Header()
		h["Content-Language"][0] = "mutated"
		h["Vary"][0] = "mutated"
	})
	for range 3 {
		resp, _ := fetch(t, srv, http.MethodGet, "/", nil, "Accept-Language", "de")
		assert.Equal(t, "de", resp.Header.Get("Content-Language"))
		assert.Equal(t, []string{"Accept-Language", "Accept"}, resp.Header.Values("Vary"))
	}
}

// TestErrorThroughTheChainAllocatesNoMoreThanTheFloor holds the header
// step to the map growth it causes: on the fresh header map net/http gives
// each response, behind the middleware (which leaves its own headers in
// it), an error written by a Writer allocates no more than the same chain
// writing the same body and headers precomputed, with direct canonical
// keys and one per-response array of values (the like-for-like floor). A Go
// map of eight entries grows into a table on the next assignment, so the
// order of assignments decides this.
func TestErrorThroughTheChainAllocatesNoMoreThanTheFloor(t *testing.T) {
	ew := quietWriter(t)
	for name, e := range allocationCases() {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/flags/x", nil)
			r.Header.Set("X-Request-Id", "req-incoming-1")
			// The body the writer sends, rendered once for the floor.
			_, body := ew.Render(nil, r.WithContext(ContextWithRequestID(r.Context(), "req-incoming-1")), e)
			status := e.Status()
			floor := chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// The keys the chain set already first, so that the
				// map grows no more than it must.
				h := w.Header()
				vals := &[4]string{"application/json", "nosniff", "no-store", RequestIDFrom(r.Context())}
				h["X-Content-Type-Options"] = vals[1:2:2]
				h["X-Request-Id"] = vals[3:4:4]
				h["Content-Type"] = vals[0:1:1]
				h["Cache-Control"] = vals[2:3:3]
				w.WriteHeader(status)
				_, _ = w.Write(body)
			}))
			writer := chainFor(t, ew, MiddlewareOptions{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				Write(w, r, e)
			}))
			measure := func(h http.Handler) float64 {
				return testing.AllocsPerRun(200, func() {
					w := &discardWriter{h: make(http.Header)} // fresh, as net/http gives
					h.ServeHTTP(w, r)
					if w.status != status {
						t.Fatalf("status %d", w.status)
					}
				})
			}
			floorAllocs, writerAllocs := measure(floor), measure(writer)
			t.Logf("floor %.0f allocs, writer %.0f allocs", floorAllocs, writerAllocs)
			assert.LessOrEqual(t, writerAllocs, floorAllocs, "the writer allocates more than the floor")
		})
	}
}

// TestWriteAllocatesNothingOfItsOwn holds Write's own allocations at zero:
// on a fresh header map, standalone, with the request state the middleware
// leaves, it allocates no more than assigning its headers to that map does
// (the map's table), for a static error and a validation error whose
// fields are grouped on the stack. A value of the write path moved to the
// heap shows here as one allocation more.
func TestWriteAllocatesNothingOfItsOwn(t *testing.T) {
	ew := quietWriter(t)
	for name, e := range allocationCases() {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/flags/x", nil)
			r = r.WithContext(ContextWithWriter(ContextWithRequestID(r.Context(), "req-incoming-1"), ew))
			var sink *discardWriter
			headersOnly := testing.AllocsPerRun(200, func() {
				w := &discardWriter{h: make(http.Header)}
				vals := &floorHeaderValues // shared: the floor allocates nothing but the map
				w.h["Content-Type"] = vals[0:1:1]
				w.h["X-Content-Type-Options"] = vals[1:2:2]
				w.h["Cache-Control"] = vals[2:3:3]
				w.h["X-Request-Id"] = vals[3:4:4]
				sink = w
			})
			write := testing.AllocsPerRun(200, func() {
				w := &discardWriter{h: make(http.Header)}
				Write(w, r, e)
				sink = w
			})
			require.Equal(t, e.Status(), sink.status)
			t.Logf("headers alone %.0f allocs, Write %.0f", headersOnly, write)
			assert.LessOrEqual(t, write, headersOnly, "Write allocates something of its own")
		})
	}
}

// allocationCases are the errors the allocation tests write: a static one
// and a validation error with two fields.
func allocationCases() map[string]*APIError {
	return map[string]*APIError{
		"static":       NotFound("Flag not found"),
		"validation 2": Validation("email is required").WithField("email", "must be a valid email address").WithField("name", "is required"),
	}
}

// floorHeaderValues are the values of TestWriteAllocatesNothingOfItsOwn's
// floor, shared between its runs.
var floorHeaderValues = [4]string{"application/json", "nosniff", "no-store", "req-incoming-1"}
