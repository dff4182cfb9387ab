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

func TestServerErrors(t *testing.T) {
	t.Parallel()
	h, err := newServer(slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"found", "GET", "/flags/dark-mode", "", 200, `{"key":"dark-mode","enabled":true}`},
		{"not found", "GET", "/flags/nope", "", 404, `{"code":"not_found","message":"The requested resource was not found."}`},
		{"validation", "POST", "/flags", `{"key":"BAD KEY!"}`, 400,
			`{"code":"validation_failed","message":"One or more fields are invalid.","fields":{"key":"has an invalid format","enabled":"is required"}}`},
		{"wrong type", "POST", "/flags", `{"key":"beta","enabled":"yes"}`, 400,
			`{"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"enabled":"must be a boolean"}}`},
		{"created", "POST", "/flags", `{"key":"beta","enabled":true}`, 201, `{"key":"beta","enabled":true}`},
		{"in use", "DELETE", "/flags/dark-mode", "", 409,
			`{"code":"in_use","message":"The flag is still referenced by new-nav.","fields":{"dependents":"flag.new-nav"}}`},
		{"internal", "GET", "/billing", "", 500, `{"code":"internal","message":"billing provider returned an unexpected error"}`},
		{"panic", "GET", "/boom", "", 500, `{"code":"internal","message":"An internal error occurred."}`},
		{"no route", "GET", "/nowhere", "", 404, `{"code":"not_found","message":"The requested resource was not found."}`},
		{"wrong method", "PATCH", "/flags/dark-mode", "", 405, `{"code":"method_not_allowed","message":"The request method is not supported for this resource."}`},
		{"too large", "POST", "/flags", `{"key":"` + strings.Repeat("x", 1<<20) + `"}`, 413, `{"code":"payload_too_large","message":"The request body must not exceed 1048576 bytes."}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.status, resp.StatusCode)
			id := resp.Header.Get("X-Request-Id")
			assert.Len(t, id, 36, "every response carries a fresh UUID request ID")
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			if resp.StatusCode >= 400 {
				// The body names the same request ID as the header.
				var m map[string]any
				require.NoError(t, json.Unmarshal(body, &m))
				assert.Equal(t, id, m["requestId"])
				delete(m, "requestId")
				body, _ = json.Marshal(m)
			}
			assert.JSONEq(t, tc.want, string(body))
		})
	}
}

// TestServerSpeaksTheClientsLanguage checks localized messages, including the
// API's own in_use code, and RFC 9457 by content negotiation.
func TestServerSpeaksTheClientsLanguage(t *testing.T) {
	t.Parallel()
	h, err := newServer(slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, path, body string
		header                   []string
		lang, ctype              string
		want                     map[string]any
	}{
		{"german not found", "GET", "/flags/nope", "", []string{"Accept-Language", "de-CH, en;q=0.5"}, "de", "application/json",
			map[string]any{"code": "not_found", "message": "Die angeforderte Ressource wurde nicht gefunden."}},
		{"portuguese domain code", "DELETE", "/flags/dark-mode", "", []string{"Accept-Language", "pt-PT"}, "pt-BR", "application/json",
			map[string]any{"code": "in_use", "message": "A flag ainda é referenciada por new-nav.", "fields": map[string]any{"dependents": "flag.new-nav"}}},
		{"japanese field errors", "POST", "/flags", `{}`, []string{"Accept-Language", "ja"}, "ja", "application/json", nil},
		{"problem details", "POST", "/flags", `{}`, []string{"Accept", "application/problem+json"}, "en", "application/problem+json",
			map[string]any{"type": "about:blank", "title": "Bad Request", "status": 400.0, "detail": "One or more fields are invalid.",
				"instance": "/flags", "code": "validation_failed", "errors": []any{
					map[string]any{"detail": "is required", "pointer": "#/key", "code": "required"},
					map[string]any{"detail": "is required", "pointer": "#/enabled", "code": "required"},
				}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set(tc.header[0], tc.header[1])
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var got map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
			assert.Equal(t, tc.lang, resp.Header.Get("Content-Language"))
			assert.Equal(t, tc.ctype, resp.Header.Get("Content-Type"))
			assert.Contains(t, resp.Header.Values("Vary"), "Accept-Language")
			assert.Equal(t, resp.Header.Get("X-Request-Id"), got["requestId"])
			delete(got, "requestId")
			if tc.want != nil {
				assert.Equal(t, tc.want, got)
			} else {
				assert.Equal(t, map[string]any{"key": "必須です", "enabled": "必須です"}, got["fields"], "%v", got)
			}
		})
	}
}
