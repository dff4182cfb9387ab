package envelopechi_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/apienvelope/envelope"
	envelopechi "github.com/apienvelope/envelope/adapters/chi"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func newRouter() http.Handler {
	r := chi.NewRouter()
	r.NotFound(envelopechi.NotFound)
	r.MethodNotAllowed(envelopechi.MethodNotAllowed(r))
	r.Method(http.MethodGet, "/flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return envelope.NotFound("Flag " + chi.URLParam(r, "key") + " not found")
	}))
	r.Put("/flags/{key}", func(w http.ResponseWriter, r *http.Request) {})
	r.Route("/admin", func(sr chi.Router) {
		sr.Post("/reindex", func(w http.ResponseWriter, r *http.Request) {})
		sr.With(middleware.NoCache).Delete("/reindex", func(w http.ResponseWriter, r *http.Request) {})
	})
	r.Method(http.MethodGet, "/plain", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return errors.New("db password=hunter2")
	}))
	return r
}

func TestChi(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(newRouter())
	t.Cleanup(srv.Close)
	tests := []struct {
		name, method, path string
		status             int
		code, message      string
		allow              string
	}{
		{"handler error", "GET", "/flags/beta", 404, "not_found", "Flag beta not found", ""},
		{"router 404", "GET", "/nowhere", 404, "not_found", "The requested resource was not found.", ""},
		{"router 405 with Allow", "DELETE", "/flags/beta", 405, "method_not_allowed", "", "GET, PUT"},
		{"405 in a sub-router", "GET", "/admin/reindex", 405, "method_not_allowed", "", "POST, DELETE"},
		{"unknown error", "GET", "/plain", 500, "internal", "An internal error occurred.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			require.NoError(t, err)
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			var body map[string]any
			require.NoError(t, json.Unmarshal(b, &body), "%s", b)
			assert.Equal(t, tt.code, body["code"])
			if tt.message != "" {
				assert.Equal(t, tt.message, body["message"])
			}
			assert.Equal(t, tt.allow, res.Header.Get("Allow"))
			assert.NotContains(t, string(b), "hunter2")
		})
	}
}

func TestMethodNotAllowedNil(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() { envelopechi.MethodNotAllowed(nil) })
	assert.Panics(t, func() { envelopechi.WithWriter(nil) })
}

// bridged is a router that keeps chi's own request ID middleware, bridged
// into envelope, with envelope's recoverer in place of chi's.
func bridged(seen chan<- string) http.Handler {
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	r := chi.NewRouter()
	r.Use(envelopechi.WithWriter(ew), middleware.RequestID, envelopechi.RequestID, envelopechi.Recoverer)
	r.NotFound(envelopechi.NotFound)
	r.MethodNotAllowed(envelopechi.MethodNotAllowed(r))
	routes(r, seen)
	return r
}

// chained is a router behind envelope.Middleware, the recommended setup;
// chi's request ID middleware, kept for chi's logger, agrees with it
// through the bridge.
func chained(t *testing.T, seen chan<- string) http.Handler {
	t.Helper()
	r := chi.NewRouter()
	r.Use(middleware.RequestID, envelopechi.RequestID)
	routes(r, seen)
	ew, err := envelope.NewWriter(envelope.WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	mw, err := envelope.Middleware(envelope.MiddlewareOptions{Writer: ew})
	require.NoError(t, err)
	return mw(r)
}

func routes(r chi.Router, seen chan<- string) {
	r.Method(http.MethodGet, "/flags/{key}", envelope.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		seen <- middleware.GetReqID(r.Context()) + " " + envelope.RequestIDFrom(r.Context())
		return envelope.NotFound("Flag not found")
	}))
	r.Put("/flags/{key}", func(w http.ResponseWriter, r *http.Request) {})
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) { panic("db password=hunter2") })
	r.Get("/late-panic", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("db password=hunter2")
	})
	r.Get("/abort", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) })
}

// TestChiMiddlewarePaths covers both ways a chi user gets envelope
// request IDs and panics: chi's request ID middleware bridged (with
// envelope's recoverer), or the envelope chain around the router. In both,
// an error body carries the request ID, the same that chi's own
// middleware.GetReqID reports, and a panic is a JSON 500 body.
func TestChiMiddlewarePaths(t *testing.T) {
	t.Parallel()
	for _, path := range []struct {
		name  string
		serve func(t *testing.T, seen chan<- string) http.Handler
	}{
		{"chi's RequestID bridged", func(_ *testing.T, seen chan<- string) http.Handler { return bridged(seen) }},
		{"envelope chain", chained},
	} {
		t.Run(path.name, func(t *testing.T) {
			t.Parallel()
			seen := make(chan string, 1)
			srv := httptest.NewServer(path.serve(t, seen))
			t.Cleanup(srv.Close)
			get := func(method, p string, h http.Header) (*http.Response, map[string]any) {
				req, err := http.NewRequest(method, srv.URL+p, nil)
				require.NoError(t, err)
				for k, v := range h {
					req.Header[k] = v
				}
				res, err := srv.Client().Do(req)
				require.NoError(t, err)
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				require.NoError(t, err)
				var body map[string]any
				require.NoError(t, json.Unmarshal(b, &body), "%s %s: %q", method, p, b)
				assert.NotContains(t, string(b), "hunter2")
				return res, body
			}

			// An error body carries the request ID, chi's and envelope's.
			res, body := get("GET", "/flags/x", nil)
			assert.Equal(t, 404, res.StatusCode)
			id := res.Header.Get("X-Request-Id")
			require.NotEmpty(t, id)
			assert.Equal(t, id, body["requestId"])
			assert.Equal(t, id+" "+id, <-seen, "chi's middleware.GetReqID and envelope.RequestIDFrom agree")

			// A safe client ID is accepted; an unsafe one replaced.
			res, body = get("GET", "/flags/x", http.Header{"X-Request-Id": {"client-7"}})
			assert.Equal(t, "client-7", body["requestId"])
			assert.Equal(t, "client-7", res.Header.Get("X-Request-Id"))
			assert.Equal(t, "client-7 client-7", <-seen)
			res, body = get("GET", "/flags/x", http.Header{"X-Request-Id": {"<script>\"x\""}})
			assert.Regexp(t, uuidV4, body["requestId"])
			assert.Equal(t, res.Header.Get("X-Request-Id"), body["requestId"])
			assert.Equal(t, body["requestId"].(string)+" "+body["requestId"].(string), <-seen)

			// A panic is a JSON 500 with the request ID.
			res, body = get("GET", "/panic", http.Header{"X-Request-Id": {"req-9"}})
			assert.Equal(t, 500, res.StatusCode)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			assert.Equal(t, "internal", body["code"])
			assert.Equal(t, "req-9", body["requestId"])

			// The router's own pages, the 405 with Allow.
			res, body = get("GET", "/nowhere", nil)
			assert.Equal(t, 404, res.StatusCode)
			assert.Equal(t, "not_found", body["code"])
			assert.NotEmpty(t, body["requestId"])
			res, body = get("DELETE", "/flags/x", nil)
			assert.Equal(t, 405, res.StatusCode)
			assert.Equal(t, "method_not_allowed", body["code"])
			// chi's own 405 lists the methods in no fixed order;
			// MethodNotAllowed(r) lists them in a fixed one.
			allow := strings.Split(res.Header.Get("Allow"), ", ")
			slices.Sort(allow)
			assert.Equal(t, []string{"GET", "PUT"}, allow)

			// A panic after the response started cuts it short.
			late, err := srv.Client().Get(srv.URL + "/late-panic")
			require.NoError(t, err)
			_, err = io.ReadAll(late.Body)
			late.Body.Close()
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			// http.ErrAbortHandler aborts the response.
			_, err = srv.Client().Get(srv.URL + "/abort")
			assert.Error(t, err)
		})
	}
}
