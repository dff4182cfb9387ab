package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleServers(t *testing.T) {
	t.Parallel()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	gs, h, closeConn, err := newServers(lis.Addr().String(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- gs.Serve(lis) }()
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		closeConn()
		gs.Stop()
		require.NoError(t, <-served)
	})

	cases := []struct {
		method, path, body string
		status             int
		code               string
		fields             any
		allow              string
	}{
		{"GET", "/v1/items/1", "", 200, "", nil, ""},
		{"GET", "/v1/items/42", "", 404, "not_found", nil, ""},
		{"GET", "/v1/items/1?revision=abc", "", 400, "invalid_request", map[string]any{"revision": "must be an integer"}, ""},
		{"POST", "/v1/items", `{"item":{"displayName":""}}`, 400, "validation_failed", map[string]any{"item.displayName": "is required"}, ""},
		{"PUT", "/v1/items/1", "", 405, "method_not_allowed", nil, "GET, DELETE"},
	}
	for _, tc := range cases {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		require.NoError(t, err)
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		require.NoError(t, res.Body.Close())
		assert.Equal(t, tc.status, res.StatusCode, "%s %s: %s", tc.method, tc.path, b)
		assert.NotEmpty(t, res.Header.Get("X-Request-Id"))
		if tc.code == "" {
			continue
		}
		var body map[string]any
		require.NoError(t, json.Unmarshal(b, &body))
		assert.Equal(t, tc.code, body["code"], tc.path)
		assert.Equal(t, tc.fields, body["fields"], tc.path)
		assert.Equal(t, res.Header.Get("X-Request-Id"), body["requestId"])
		assert.Equal(t, tc.allow, res.Header.Get("Allow"))
	}
}
