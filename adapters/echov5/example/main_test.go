package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleServer(t *testing.T) {
	t.Parallel()
	h, err := newServer(slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	tests := []struct {
		method, path, body, accept string
		status                     int
		contentType                string
		want                       map[string]any
	}{
		{"GET", "/flags/dark-mode", "", "", 200, "application/json", map[string]any{"key": "dark-mode", "enabled": true}},
		{"GET", "/flags/nope", "", "", 404, "application/json", map[string]any{"code": "not_found", "message": "Flag not found"}},
		{"GET", "/nowhere", "", "", 404, "application/json", map[string]any{"code": "not_found"}},
		{"DELETE", "/flags/x", "", "", 405, "application/json", map[string]any{"code": "method_not_allowed"}},
		{"GET", "/flags?limit=ten", "", "", 400, "application/json", map[string]any{"code": "invalid_request", "fields": map[string]any{"limit": "must be an integer"}}},
		{"POST", "/flags", `{"key":7}`, "", 400, "application/json", map[string]any{"code": "invalid_request", "fields": map[string]any{"key": "must be a string"}}},
		{"POST", "/flags", `{"key":"dark-mode"}`, "", 409, "application/json", map[string]any{"code": "conflict"}},
		{"GET", "/panic", "", "", 500, "application/json", map[string]any{"code": "internal", "message": "An internal error occurred."}},
		{"GET", "/flags/nope", "", "application/problem+json", 404, "application/problem+json", map[string]any{"code": "not_found", "status": 404.0, "detail": "Flag not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode, "%s", b)
			assert.Equal(t, tt.contentType, resp.Header.Get("Content-Type"))
			var m map[string]any
			require.NoError(t, json.Unmarshal(b, &m), "%s", b)
			for k, v := range tt.want {
				assert.Equal(t, v, m[k], k)
			}
			if resp.StatusCode >= 400 {
				assert.Equal(t, resp.Header.Get("X-Request-Id"), m["requestId"])
				assert.NotEmpty(t, m["requestId"])
			}
			if tt.path == "/flags/x" {
				assert.Equal(t, "OPTIONS, GET", resp.Header.Get("Allow"))
			}
		})
	}
}
