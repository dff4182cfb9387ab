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
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.DiscardHandler)) // the panic's record
	t.Cleanup(func() { slog.SetDefault(prev) })
	h, err := newServer()
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"found", "GET", "/flags/dark-mode", "", 200, ""},
		{"handler 404", "GET", "/flags/nope", "", 404, "not_found"},
		{"router 404", "GET", "/nowhere", "", 404, "not_found"},
		{"router 405", "DELETE", "/flags/x", "", 405, "method_not_allowed"},
		{"bind error", "POST", "/flags", `{"key":"beta","enabled":"yes"}`, 400, "invalid_request"},
		{"created", "POST", "/flags", `{"key":"beta","enabled":true}`, 201, ""},
		{"panic", "GET", "/panic", "", 500, "internal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
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
			assert.NotContains(t, string(b), "main.")
		})
	}
}
