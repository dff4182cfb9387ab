package main

import (
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleServer(t *testing.T) {
	prev, prevLog := slog.Default(), middleware.DefaultLogger
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the panic's record
	middleware.DefaultLogger = middleware.RequestLogger(&middleware.DefaultLogFormatter{Logger: log.New(io.Discard, "", 0)})
	t.Cleanup(func() { slog.SetDefault(prev); middleware.DefaultLogger = prevLog })
	h, err := newServer()
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, path string
		status             int
		code, allow        string
	}{
		{"found", "GET", "/flags/dark-mode", 200, "", ""},
		{"handler 404", "GET", "/flags/nope", 404, "not_found", ""},
		{"router 404", "GET", "/nowhere", 404, "not_found", ""},
		{"router 405", "DELETE", "/flags/x", 405, "method_not_allowed", "GET"},
		{"panic", "GET", "/panic", 500, "internal", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			require.NoError(t, err)
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.status, res.StatusCode)
			assert.Equal(t, tc.allow, res.Header.Get("Allow"))
			var body map[string]any
			require.NoError(t, json.Unmarshal(b, &body), "%s", b)
			if tc.code != "" {
				assert.Equal(t, tc.code, body["code"])
				assert.Equal(t, res.Header.Get("X-Request-Id"), body["requestId"])
				assert.NotContains(t, string(b), "inventory")
			}
		})
	}
}
