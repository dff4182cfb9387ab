package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleServer(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the panic's record
	t.Cleanup(func() { slog.SetDefault(prev) })
	h, err := newServer()
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, path, body, lang string
		status                         int
		code                           string
		fields                         map[string]any
	}{
		{"found", "GET", "/flags/dark-mode", "", "", 200, "", nil},
		{"list", "GET", "/flags?limit=1", "", "", 200, "", nil},
		{"handler 404", "GET", "/flags/nope", "", "", 404, "not_found", nil},
		{"router 404", "GET", "/nowhere", "", "", 404, "not_found", nil},
		{"router 405", "DELETE", "/flags/x", "", "", 405, "method_not_allowed", nil},
		{"query type", "GET", "/flags?limit=abc", "", "", 400, "invalid_request", map[string]any{"limit": "must be an integer"}},
		{"query rule, in German", "GET", "/flags?limit=500", "", "de", 400, "validation_failed", map[string]any{"limit": "darf höchstens 100 sein"}},
		{"wrong type", "POST", "/flags", `{"key":"beta","enabled":"yes"}`, "", 400, "invalid_request", map[string]any{"enabled": "must be a boolean"}},
		{"field errors", "POST", "/flags", `{"key":"Beta"}`, "", 400, "validation_failed",
			map[string]any{"key": "must be lowercase", "enabled": "is required"}},
		{"conflict", "POST", "/flags", `{"key":"dark-mode","enabled":true}`, "", 409, "conflict", nil},
		{"panic", "GET", "/panic", "", "", 500, "internal", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			if tc.lang != "" {
				req.Header.Set("Accept-Language", tc.lang)
			}
			res, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.status, res.StatusCode)
			var body map[string]any
			require.NoError(t, json.Unmarshal(b, &body), "%s", b)
			if tc.code == "" {
				return
			}
			assert.Equal(t, tc.code, body["code"])
			assert.Equal(t, res.Header.Get("X-Request-Id"), body["requestId"])
			assert.NotContains(t, string(b), "inventory")
			if tc.fields != nil {
				assert.Equal(t, tc.fields, body["fields"], "JSON and form names, not Go names")
			}
		})
	}
}
