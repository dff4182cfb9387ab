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
		{"not found", "GET", "/flags/nope", "", 404, `{"code":"not_found","message":"Flag not found"}`},
		{"validation", "POST", "/flags", `{"key":"BAD KEY!"}`, 400,
			`{"code":"invalid_request","message":"The flag is invalid.","fields":{"key":"must match [a-z0-9][a-z0-9._-]{0,127}","enabled":"is required"}}`},
		{"wrong type", "POST", "/flags", `{"key":"beta","enabled":"yes"}`, 400,
			`{"code":"invalid_request","message":"A field of the request body has the wrong type.","fields":{"enabled":"must be a boolean"}}`},
		{"created", "POST", "/flags", `{"key":"beta","enabled":true}`, 201, `{"key":"beta","enabled":true}`},
		{"in use", "DELETE", "/flags/dark-mode", "", 409,
			`{"code":"in_use","message":"The flag is still referenced.","fields":{"dependents":"flag.new-nav"}}`},
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
