package envelopechi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apienvelope/envelope"
	envelopechi "github.com/apienvelope/envelope/adapters/chi"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
}
