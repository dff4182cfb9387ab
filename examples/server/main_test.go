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

func TestServer(t *testing.T) {
	t.Parallel()
	h, err := newHandler(slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tests := []struct {
		method, path, body string
		status             int
		code               string
	}{
		{http.MethodGet, "/flags/beta", "", 200, ""},
		{http.MethodGet, "/flags/nope", "", 404, "not_found"},
		{http.MethodDelete, "/flags/beta", "", 405, "method_not_allowed"},
		{http.MethodGet, "/nowhere", "", 404, "not_found"},
		{http.MethodGet, "/boom", "", 500, "internal"},
		{http.MethodPut, "/flags/new", `{"enabled":true}`, 204, ""},
		{http.MethodPut, "/flags/new", `{"enabled":`, 400, "invalid_request"},
		{http.MethodPut, "/flags/big", `{"enabled":true,"pad":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "payload_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode, "%s", b)
			assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			if tt.code != "" {
				var m map[string]any
				require.NoError(t, json.Unmarshal(b, &m))
				assert.Equal(t, tt.code, m["code"])
				assert.Equal(t, resp.Header.Get("X-Request-Id"), m["requestId"])
			}
		})
	}
}
